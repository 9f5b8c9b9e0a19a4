"""Evidence files: checked by type and content, stored once by hash, audited, removable."""

from __future__ import annotations

import dataclasses
import os
import re
import struct
import unicodedata
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.evidence_files import display_name
from app.errors import NotAllowed, UserError
from app.models import AuditEntry, Evidence, EvidenceChunk
from app.progress import Cancelled, CancelToken
from app.services import audit, cases, events, evidence, settings
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.evidence_store import (
    CHUNK,
    StagedFile,
    StoreChanges,
    clear_view_copies,
    file_sha256,
    read_content,
    stored_path,
    view_folder,
)
from app.services.integrity import check_data_folder
from app.services.records import CaseDetail
from tests.conftest import TODAY, make_case
from tests.stored import replace_stored, stored_bytes, stored_contents


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A valid 1×1 grey PNG.
TINY_PNG = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"\x00\x80")) + _chunk(b"IEND", b""))


def _png(tag: str = "") -> bytes:
    """A PNG whose content differs by `tag` (bytes after IEND are ignored by viewers)."""
    return TINY_PNG + tag.encode()


def _file(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return tmp_path / "inbox"


@pytest.fixture
def case(db: Database, officer: Actor) -> CaseDetail:
    return cases.create_case(db, officer, make_case(), today=TODAY)


@pytest.fixture
def child_case(db: Database, officer: Actor) -> CaseDetail:
    return cases.create_case(db, officer, make_case(
        group_code="TE", children=(ChildInput("Nguyễn Văn An", 2014),)), today=TODAY)


def _leftovers(db: Database) -> list[str]:
    return stored_contents(db)


def _actions(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def _rows(db: Database) -> int:
    with db.read() as session:
        return session.execute(select(func.count(Evidence.id))).scalar_one()


def test_add_stores_the_file_by_hash_and_audits(db: Database, officer: Actor, case: CaseDetail,
                                                inbox: Path) -> None:
    source = _file(inbox, "ảnh chụp bài viết.png", _png())
    added = evidence.add_evidence(db, officer, case.id, source,
                                  source_url=" https://facebook.com/p/1 ", note="Bài gốc")
    record = added.record
    assert (record.original_name, record.size, record.media_type) == (
        "ảnh chụp bài viết.png", len(_png()), "image/png")
    assert record.sha256 == file_sha256(source)
    assert (record.source_url, record.note, record.added_by) == (
        "https://facebook.com/p/1", "Bài gốc", officer.username)
    assert added.also_in == ()
    assert not record.on_child_case and not record.conceal_preview
    # On disk the content is encrypted; it reads back whole with the data key.
    stored = stored_bytes(db, record.sha256)
    assert stored is not None and _png() not in stored and b"\x89PNG\r\n" not in stored
    assert read_content(db.paths, record.sha256, db.data_key) == _png()
    assert _leftovers(db) == [record.sha256]
    assert evidence.list_evidence(db, officer, case.id) == [record]
    reread = cases.get_case(db, officer, case.id)
    assert reread.evidence == (record,)
    # The case form may be open while files are dropped on it: its save must not conflict.
    assert reread.version == case.version
    with db.read() as session:
        [row] = audit.entries(session, action=AuditAction.EVIDENCE_ADD)
    # The hash identifies the file; its name may name a child, now or once one is recorded.
    assert row.detail == {"code": case.code, "evidence": record.uuid, "sha256": record.sha256,
                          "size": record.size}
    assert audit.action_label(AuditAction.EVIDENCE_ADD) == "Thêm tệp chứng cứ"


def test_a_saved_copy_is_the_file_decrypted_and_audited_as_an_export(
        db: Database, officer: Actor, viewer: Actor, child_case: CaseDetail, inbox: Path,
        tmp_path: Path) -> None:
    record = evidence.add_evidence(db, officer, child_case.id,
                                   _file(inbox, "clip.png", _png("copy"))).record
    target = tmp_path / "mang di" / "clip.png"
    target.parent.mkdir()
    evidence.save_copy(db, officer, record.id, target)
    assert target.read_bytes() == _png("copy")
    assert [p.name for p in target.parent.iterdir()] == ["clip.png"]  # nothing half-written
    with db.read() as session:
        [row] = audit.entries(session, action=AuditAction.EXPORT)
    assert row.detail == {"kind": "evidence_copy", "code": child_case.code,
                          "evidence": record.uuid}
    # Not decrypted inside the data folder; not for a role that may not see children.
    with pytest.raises(UserError, match="không được lưu trong thư mục dữ liệu"):
        evidence.save_copy(db, officer, record.id, db.paths.root / "clip.png")
    with pytest.raises(NotAllowed):
        evidence.save_copy(db, viewer, record.id, tmp_path / "viewer.png")
    assert not (db.paths.root / "clip.png").exists() and not (tmp_path / "viewer.png").exists()


def test_the_same_file_twice_on_one_case_is_refused_naming_the_first(
    db: Database, officer: Actor, case: CaseDetail, inbox: Path
) -> None:
    evidence.add_evidence(db, officer, case.id, _file(inbox, "lan-1.png", _png()))
    again = _file(inbox, "ban-sao.png", _png())
    with pytest.raises(UserError, match=re.escape(
            "đã có trong chứng cứ của vụ việc VV2026-00001 với tên «lan-1.png»")):
        evidence.add_evidence(db, officer, case.id, again)
    assert _rows(db) == 1
    assert len(_leftovers(db)) == 1


def test_the_same_file_on_another_case_is_stored_once_and_named(
    db: Database, officer: Actor, leader: Actor, case: CaseDetail, inbox: Path
) -> None:
    first = evidence.add_evidence(db, officer, case.id, _file(inbox, "a.png", _png()))
    other = cases.create_case(db, officer, make_case(), today=TODAY)
    second = evidence.add_evidence(db, officer, other.id, _file(inbox, "b.png", _png()))
    assert second.also_in == (case.code,)
    assert second.record.sha256 == first.record.sha256
    assert _leftovers(db) == [first.record.sha256]
    # A deleted case is not offered as a link.
    cases.delete_case(db, leader, case.id, "Ghi nhầm")
    third = cases.create_case(db, officer, make_case(), today=TODAY)
    assert evidence.add_evidence(db, officer, third.id, _file(inbox, "c.png", _png())
                                 ).also_in == (other.code,)


def test_size_limit_comes_from_the_office_settings(db: Database, admin: Actor, officer: Actor,
                                                   case: CaseDetail, inbox: Path) -> None:
    office = settings.load_office(db)
    settings.save_office(db, admin, dataclasses.replace(office, evidence_max_mb=1))
    exact = _file(inbox, "vua.png", TINY_PNG.ljust(1 << 20, b"\x00"))
    over = _file(inbox, "qua.png", TINY_PNG.ljust((1 << 20) + 1, b"\x00"))
    with pytest.raises(UserError, match="lớn hơn giới hạn 1 MB"):
        evidence.add_evidence(db, officer, case.id, over)
    assert evidence.add_evidence(db, officer, case.id, exact).record.size == 1 << 20
    assert _rows(db) == 1


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("chuong-trinh.exe", b"MZ\x90\x00", "Không nhận tệp «chuong-trinh.exe»"),
        ("khong-duoi", _png(), "với đuôi png, jpg"),
        ("anh.png", b"%PDF-1.7 not a picture", "mang đuôi của ảnh PNG nhưng nội dung không phải"),
        ("anh.jpg", _png(), "ảnh JPEG"),
        ("tai-lieu.pdf", _png(), "tài liệu PDF"),
        ("ghi-chu.txt", b"abc\x00\x01\x02", "văn bản thuần"),
        ("video.mp4", b"\x00\x00\x00\x18abcd", "video MP4"),
        ("rong.png", b"", "rỗng"),
    ],
)
def test_wrong_fake_or_empty_files_are_refused_and_leave_nothing(
    db: Database, officer: Actor, case: CaseDetail, inbox: Path, name: str, content: bytes,
    words: str
) -> None:
    with pytest.raises(UserError, match=words):
        evidence.add_evidence(db, officer, case.id, _file(inbox, name, content))
    assert _rows(db) == 0
    assert _leftovers(db) == []


def test_a_batch_is_stored_whole_or_not_at_all(db: Database, officer: Actor,
                                              case: CaseDetail, inbox: Path) -> None:
    good = [_file(inbox, "a.png", _png("a")), _file(inbox, "b.png", _png("b"))]
    before = _actions(db)
    for third, words in ((_file(inbox, "c.png", b"GIF89a"), "Tệp «c.png» mang đuôi của"),
                         (_file(inbox, "lan-2.png", _png("a")), "với tên «a.png»"),
                         (_file(inbox, "d.png", b""), "Tệp «d.png» rỗng")):
        with pytest.raises(UserError, match=words):
            evidence.add_evidence_files(db, officer, case.id, [*good, third])
        assert (_rows(db), _leftovers(db), _actions(db)) == (0, [], before)
    added = evidence.add_evidence_files(db, officer, case.id, good)
    assert [a.record.original_name for a in added] == ["a.png", "b.png"]
    assert _rows(db) == 2 and _actions(db) == [*before, *[AuditAction.EVIDENCE_ADD] * 2]


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("ANH.JPG", b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        ("clip.mp4", b"\x00\x00\x00\x18ftypisom", "video/mp4"),
        ("clip.webm", b"\x1a\x45\xdf\xa3rest", "video/webm"),
        ("anh.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        ("bien-ban.docx", b"PK\x03\x04rest", "application/vnd.openxmlformats-officedocument"
                                            ".wordprocessingml.document"),
        ("ghi-chu.txt", "Nội dung bài đăng".encode(), "text/plain"),
        ("utf16.txt", "Tin giả".encode("utf-16"), "text/plain"),
    ],
)
def test_accepted_types_by_extension_and_content(db: Database, officer: Actor, case: CaseDetail,
                                                 inbox: Path, name: str, content: bytes,
                                                 media_type: str) -> None:
    added = evidence.add_evidence(db, officer, case.id, _file(inbox, name, content))
    assert added.record.media_type == media_type


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("..\\..\\x.png", "x.png"),
        ("../../etc/x.png", "x.png"),
        (unicodedata.normalize("NFD", "Ảnh đẹp.png"), "Ảnh đẹp.png"),
        ("a\x07b\x1b[31m\u202egnp.exe", "ab[31mgnp.exe"),
        ("  tên có   dấu cách .png  ", "tên có   dấu cách .png"),
        ("\udcff.png", ".png"),
        ("\\", "tệp không tên"),
        ("x" * 300 + ".png", "x" * 251 + ".png"),
        ("x" * 300, "x" * 255),
    ],
)
def test_display_name_is_text_never_a_path(raw: str, shown: str) -> None:
    assert display_name(raw) == shown
    assert unicodedata.is_normalized("NFC", display_name(raw))


def test_odd_source_names_are_kept_as_display_text_only(
    db: Database, officer: Actor, case: CaseDetail, inbox: Path
) -> None:
    names = ["..\\..\\x.png", unicodedata.normalize("NFD", "Ảnh chụp màn hình.png"),
             "dòng\nmới\t.png", "y" * 250 + ".png"]
    shown = [evidence.add_evidence(db, officer, case.id, _file(inbox, name, _png(name))
                                   ).record.original_name for name in names]
    assert shown == ["x.png", "Ảnh chụp màn hình.png", "dòngmới.png", "y" * 250 + ".png"]
    # Nothing was written outside the store, whatever the names said.
    assert all(len(n) == 64 for n in _leftovers(db))
    assert not (db.paths.root / "x.png").exists()


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX links")
def test_links_are_followed_and_non_files_refused(db: Database, officer: Actor,
                                                  case: CaseDetail, inbox: Path) -> None:
    target = _file(inbox, "goc.dat", _png())
    link = inbox / "lien-ket.png"
    link.symlink_to(target)
    added = evidence.add_evidence(db, officer, case.id, link)
    assert (added.record.original_name, added.record.sha256) == ("lien-ket.png",
                                                                  file_sha256(target))
    broken = inbox / "hong.png"
    broken.symlink_to(inbox / "khong-co.png")
    with pytest.raises(UserError, match=re.escape("Không đọc được tệp «hong.png»")):
        evidence.add_evidence(db, officer, case.id, broken)
    folder = inbox / "thu-muc.png"
    folder.mkdir()
    with pytest.raises(UserError, match="không phải là một tệp"):
        evidence.add_evidence(db, officer, case.id, folder)
    pipe = inbox / "ong.png"
    os.mkfifo(pipe)
    with pytest.raises(UserError, match="không phải là một tệp"):
        evidence.add_evidence(db, officer, case.id, pipe)
    assert _rows(db) == 1


def test_remove_keeps_content_another_case_still_uses(db: Database, officer: Actor,
                                                      case: CaseDetail, inbox: Path) -> None:
    first = evidence.add_evidence(db, officer, case.id, _file(inbox, "a.png", _png()))
    other = cases.create_case(db, officer, make_case(), today=TODAY)
    second = evidence.add_evidence(db, officer, other.id, _file(inbox, "b.png", _png()))
    with pytest.raises(UserError, match="Cần ghi lý do"):
        evidence.remove_evidence(db, officer, first.record.id, "  ")
    evidence.remove_evidence(db, officer, first.record.id, "Thêm nhầm vụ việc")
    assert stored_bytes(db, first.record.sha256) is not None
    assert evidence.list_evidence(db, officer, case.id) == []
    evidence.remove_evidence(db, officer, second.record.id, "Trùng")
    assert stored_bytes(db, first.record.sha256) is None
    assert _leftovers(db) == []
    with db.read() as session:
        removed = [e.detail for e in audit.entries(session, action=AuditAction.EVIDENCE_REMOVE)]
    # Neither the reasons (free text) nor the names are logged.
    assert [(d["evidence"], set(d)) for d in removed] == [
        (r.record.uuid, {"code", "evidence", "sha256", "size"}) for r in (second, first)]
    with pytest.raises(UserError, match="Không tìm thấy tệp chứng cứ"):
        evidence.remove_evidence(db, officer, second.record.id, "Lần nữa")


def test_cancelling_mid_copy_leaves_nothing(db: Database, officer: Actor, case: CaseDetail,
                                            inbox: Path) -> None:
    source = _file(inbox, "lon.png", TINY_PNG.ljust(3 * CHUNK, b"\x00"))
    token = CancelToken()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        token.cancel()

    with pytest.raises(Cancelled):
        evidence.add_evidence(db, officer, case.id, source, progress=progress, token=token)
    assert seen == [(CHUNK, 3 * CHUNK)]
    assert _rows(db) == 0
    assert _leftovers(db) == []


def test_a_failed_save_removes_the_new_file(db: Database, officer: Actor, case: CaseDetail,
                                            inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    place = StoreChanges.place

    def place_then_fail(self: StoreChanges, session: Session, copy: StagedFile) -> None:
        place(self, session, copy)
        if db.paths.server is None:
            assert stored_path(db.paths, copy.sha256).exists()
        else:  # rows of the transaction that fails
            assert session.execute(select(EvidenceChunk.part).where(
                EvidenceChunk.sha256 == copy.sha256)).first() is not None
        raise OSError("disk full")

    monkeypatch.setattr(StoreChanges, "place", place_then_fail)
    with pytest.raises(OSError, match="disk full"):
        evidence.add_evidence(db, officer, case.id, _file(inbox, "a.png", _png()))
    assert _rows(db) == 0
    assert _leftovers(db) == []
    assert AuditAction.EVIDENCE_ADD not in _actions(db)


def test_check_is_clean_after_adds_and_finds_a_tampered_file(
    db: Database, officer: Actor, case: CaseDetail, inbox: Path
) -> None:
    for tag in ("a", "b", "c"):
        evidence.add_evidence(db, officer, case.id, _file(inbox, f"{tag}.png", _png(tag)))
    report = check_data_folder(db, officer)
    assert report.ok, report.problems
    assert report.evidence_checked == 3
    [first, second, _] = evidence.list_evidence(db, officer, case.id)
    replace_stored(db, first.sha256, _png("sửa"))
    flipped = bytearray(stored_bytes(db, second.sha256) or b"")
    flipped[-20] ^= 1
    replace_stored(db, second.sha256, bytes(flipped))
    problems = check_data_folder(db, officer).problems
    assert sorted(problems) == sorted(
        f"Tệp chứng cứ «{name}» đã bị thay đổi hoặc hỏng (không giải mã được hoặc mã băm "
        "không khớp)." for name in ("a.png", "b.png"))


def test_viewing_is_audited_only_on_cases_with_children(
    db: Database, officer: Actor, viewer: Actor, case: CaseDetail, child_case: CaseDetail,
    inbox: Path
) -> None:
    plain = evidence.add_evidence(db, officer, case.id, _file(inbox, "a.png", _png("a")))
    child = evidence.add_evidence(db, officer, child_case.id,
                                  _file(inbox, "NguyenVanAn.png", _png("b")))
    assert child.record.on_child_case and child.record.conceal_preview
    assert evidence.thumbnail_content(db, child.record) == _png("b")
    before = _actions(db)
    assert evidence.open_evidence(db, viewer, plain.record.id).read_bytes() == _png("a")
    assert _actions(db) == before
    path = evidence.open_evidence(db, officer, child.record.id)
    # A decrypted copy for the viewer, named by hash: the file's name may name the child.
    assert path.read_bytes() == _png("b")
    assert path.suffix == ".png" and "Nguyen" not in path.name
    assert path.parent == view_folder(db.paths)
    clear_view_copies(db.paths)
    assert not path.exists()
    with db.read() as session:
        [view] = audit.entries(session, action=AuditAction.EVIDENCE_VIEW)
        [added] = audit.entries(session, action=AuditAction.EVIDENCE_ADD, username="canbo",
                                limit=1)
    assert (view.username, view.detail["code"]) == ("canbo", child_case.code)
    # The name of a picture on a child case may name the child: the log keeps the hash.
    assert "name" not in added.detail


def test_a_pdf_on_a_child_case_is_not_blurred(db: Database, officer: Actor,
                                              child_case: CaseDetail, inbox: Path) -> None:
    added = evidence.add_evidence(db, officer, child_case.id,
                                  _file(inbox, "bien-ban.pdf", b"%PDF-1.7\n"))
    assert added.record.on_child_case and not added.record.conceal_preview


def test_permissions_deleted_cases_and_events(db: Database, officer: Actor, leader: Actor,
                                              viewer: Actor, case: CaseDetail,
                                              inbox: Path) -> None:
    source = _file(inbox, "a.png", _png())
    with pytest.raises(NotAllowed):
        evidence.add_evidence(db, viewer, case.id, source)
    other = cases.create_case(db, officer, make_case(), today=TODAY)
    other = events.add_event(db, officer, other.id, EventInput("XM", TODAY), today=TODAY)
    with pytest.raises(UserError, match="không thuộc vụ việc VV2026-00001"):
        evidence.add_evidence(db, officer, case.id, source, event_id=other.events[0].id)
    linked = evidence.add_evidence(db, officer, other.id, source, event_id=other.events[0].id)
    assert linked.record.event_id == other.events[0].id
    cases.delete_case(db, leader, case.id, "Trùng vụ việc")
    with pytest.raises(UserError, match="đã bị xóa"):
        evidence.add_evidence(db, officer, case.id, _file(inbox, "b.png", _png("b")))
    assert _leftovers(db) == [linked.record.sha256]
