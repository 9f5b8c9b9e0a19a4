"""Templates the office owns (issue 15): an administrator exports the report's Word
template, edits its wording, puts it back; a broken one is refused naming its field and
nothing is stored; a stored one that breaks while drafting never stops the report, which is
drafted with the default and says so."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import inspect, select

from app.db import Database
from app.domain.documents import DocumentKind
from app.domain.periods import Period
from app.errors import NotAllowed, UserError
from app.models import AuditEntry, DocumentTemplate
from app.reports.docx_document import template_path
from app.reports.docx_report import PLACEHOLDERS, TEMPLATE
from app.reports.letters import template_name as letter_template_file
from app.services import audit_log, cases, templates
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.report_export import Targets, export_report
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
OWN_SENTENCE = "Đơn vị cam kết số liệu trên là trung thực."


def _edited(change: Callable[[object], None], folder: Path, name: str = "mau.docx") -> Path:
    """The shipped report template with `change` made to it in python-docx (as in Word)."""
    document = Document(str(template_path(TEMPLATE)))
    change(document)
    target = folder / name
    document.save(str(target))
    return target


def _with_sentence(document: object) -> None:
    document.add_paragraph(OWN_SENTENCE)  # type: ignore[attr-defined]


def _misspelt(document: object) -> None:
    """`{{ trich_yeu }}` typed `{{ trich_yeuu }}`."""
    for paragraph in document.paragraphs:  # type: ignore[attr-defined]
        for run in paragraph.runs:
            run.text = run.text.replace("trich_yeu", "trich_yeuu")


def _texts(path: Path) -> str:
    document = Document(str(path))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def _report_docx(db: Database, actor: Actor, target: Path) -> list[str]:
    warnings: list[str] = []
    export_report(db, actor, OCTOBER, Targets(docx=target), warn=warnings.append)
    return warnings


def _stored(db: Database) -> list[DocumentTemplate]:
    with db.read() as session:
        return list(session.execute(select(DocumentTemplate)).scalars())


def _actions(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.id))
                    .scalars())


def test_the_report_template_fills_exactly_what_the_program_declares() -> None:
    """The shipped template uses every placeholder `write_docx` fills and no other, so the
    list an administrator is shown is the true one."""
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    used = DocxTemplate(str(template_path(TEMPLATE))).get_undeclared_template_variables(
        SandboxedEnvironment())
    assert used == set(PLACEHOLDERS)


def test_an_edited_template_put_back_drafts_the_report(db: Database, admin: Actor,
                                                      officer: Actor, tmp_path: Path) -> None:
    cases.create_case(db, officer, make_case(), today=TODAY)
    before = tmp_path / "truoc.docx"
    _report_docx(db, officer, before)
    assert OWN_SENTENCE not in _texts(before)

    record = templates.replace_template(db, admin, templates.REPORT,
                                        _edited(_with_sentence, tmp_path))
    assert record.office and record.replaced_by == "admin"
    assert record.source_label == "Mẫu của đơn vị"

    after = tmp_path / "sau.docx"
    assert _report_docx(db, officer, after) == []
    text = _texts(after)
    assert OWN_SENTENCE in text
    assert "Kết quả phát hiện, xử lý thông tin vi phạm trên mạng xã hội tháng 10/2026" in text
    # The command line's `report --docx` goes the same way.
    from app.cli import main
    from tests.conftest import PASSWORD

    cli = tmp_path / "cli.docx"
    assert main(["--data-dir", str(db.paths.root), "--user", "canbo", "--password-stdin",
                 "report", "--month", "2026-10", "--docx", str(cli)],
                stdin=io.StringIO(PASSWORD + "\n")) == 0
    assert OWN_SENTENCE in _texts(cli)

    listed = templates.list_templates(db, admin)
    assert next((t.name, t.source_label, t.replaced_by) for t in listed) == (
        "bao-cao", "Mẫu của đơn vị", "admin")
    assert {t.source_label for t in listed[1:]} == {"Mẫu mặc định"}
    exported = tmp_path / "xuat" / "bao-cao.docx"
    templates.export_template(db, admin, templates.REPORT, exported)
    assert OWN_SENTENCE in _texts(exported)
    default = tmp_path / "xuat" / "mac-dinh.docx"
    templates.export_template(db, admin, templates.REPORT, default, default=True)
    assert default.read_bytes() == template_path(TEMPLATE).read_bytes()


def test_a_misspelt_field_is_refused_naming_it_and_nothing_is_stored(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    actions = _actions(db)
    with pytest.raises(UserError) as refused:
        templates.replace_template(db, admin, templates.REPORT, _edited(_misspelt, tmp_path))
    message = refused.value.message
    assert "Mẫu có trường {{ trich_yeuu }} không có trong báo cáo" in message
    assert "các trường dùng được: bieu_mau, " in message and ", trich_yeu." in message
    assert _stored(db) == [] and _actions(db) == actions


def test_a_field_left_open_is_refused_naming_its_paragraph(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    def left_open(document: object) -> None:
        document.add_paragraph("Người lập: {{ nguoi_ky")  # type: ignore[attr-defined]

    with pytest.raises(UserError) as refused:
        templates.replace_template(db, admin, templates.REPORT, _edited(left_open, tmp_path))
    assert "«Người lập: {{ nguoi_ky»" in refused.value.message
    assert _stored(db) == []


def test_a_file_that_is_not_a_word_document_is_refused(db: Database, admin: Actor,
                                                       tmp_path: Path) -> None:
    text = tmp_path / "mau.txt"
    text.write_text("{{ trich_yeu }}", encoding="utf-8")
    with pytest.raises(UserError, match=r"không phải văn bản Word \.docx"):
        templates.replace_template(db, admin, templates.REPORT, text)
    renamed = tmp_path / "mau.docx"
    renamed.write_text("{{ trich_yeu }}", encoding="utf-8")
    with pytest.raises(UserError, match="không phải văn bản Word"):
        templates.replace_template(db, admin, templates.REPORT, renamed)
    assert _stored(db) == []


def test_only_an_administrator_owns_the_templates(db: Database, officer: Actor, leader: Actor,
                                                  tmp_path: Path) -> None:
    good = _edited(_with_sentence, tmp_path)
    for actor in (officer, leader):
        with pytest.raises(NotAllowed):
            templates.replace_template(db, actor, templates.REPORT, good)
        with pytest.raises(NotAllowed):
            templates.list_templates(db, actor)
        with pytest.raises(NotAllowed):
            templates.export_template(db, actor, templates.REPORT, tmp_path / "x.docx")
        with pytest.raises(NotAllowed):
            templates.restore_default(db, actor, templates.REPORT)
    assert _stored(db) == []


def test_the_default_restored_drafts_the_report_again(db: Database, admin: Actor,
                                                      officer: Actor, tmp_path: Path) -> None:
    templates.replace_template(db, admin, templates.REPORT, _edited(_with_sentence, tmp_path))
    templates.restore_default(db, admin, templates.REPORT)
    assert _stored(db) == []
    # Both changes are in the log, in words.
    assert _actions(db)[-2:] == [AuditAction.TEMPLATE_REPLACE, AuditAction.TEMPLATE_RESTORE]
    lines = audit_log.search(db, admin, limit=2)
    assert [(line.action, line.subject) for line in lines] == [
        ("Dùng lại mẫu văn bản mặc định", "Mẫu văn bản"), ("Thay mẫu văn bản", "Mẫu văn bản")]
    assert lines[1].detail.startswith("Mẫu: Báo cáo định kỳ kết quả phát hiện, xử lý")
    assert templates.current_template(db, templates.REPORT) == template_path(TEMPLATE)
    target = tmp_path / "bao-cao.docx"
    _report_docx(db, officer, target)
    assert OWN_SENTENCE not in _texts(target)
    record = templates.list_templates(db, admin)[0]
    assert not record.office and record.source_label == "Mẫu mặc định"
    with pytest.raises(UserError, match="đang là mẫu mặc định"):
        templates.restore_default(db, admin, templates.REPORT)


def _store(db: Database, content: bytes) -> None:
    """A template in the database as an earlier check let it through."""
    with db.write() as session:
        session.add(DocumentTemplate(name=templates.REPORT, content=content, sha256="0" * 64,
                                     replaced_by="admin"))


def test_a_stored_template_broken_at_drafting_falls_back_on_the_default(
        db: Database, officer: Actor, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = tmp_path / "hong.docx"
    document = Document(str(template_path(TEMPLATE)))
    document.add_paragraph(f"{OWN_SENTENCE} {{{{ so_ky_hieu ")
    document.save(str(broken))
    _store(db, broken.read_bytes())
    target = tmp_path / "bao-cao.docx"
    with caplog.at_level(logging.WARNING, logger="app.services.templates"):
        warnings = _report_docx(db, officer, target)
    assert warnings == [
        "Mẫu «Báo cáo định kỳ kết quả phát hiện, xử lý» của đơn vị bị lỗi khi điền số liệu nên "
        "văn bản đã được soạn bằng mẫu mặc định. Quản trị hãy xuất mẫu, sửa lại rồi thay mẫu, "
        "hoặc chọn «Dùng mẫu mặc định» (Quản trị → Mẫu văn bản)."]
    text = _texts(target)
    assert OWN_SENTENCE not in text and "BÁO CÁO" in text
    assert "drafted with the default" in caplog.text


def test_report_docx_on_the_command_line_warns_and_writes_with_the_default(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    from app.cli import main
    from tests.conftest import PASSWORD

    broken = Document(str(template_path(TEMPLATE)))
    broken.add_paragraph("Người lập: {{ nguoi_ky")
    path = tmp_path / "hong.docx"
    broken.save(str(path))
    _store(db, path.read_bytes())
    target = tmp_path / "bao-cao.docx"
    out, err = io.StringIO(), io.StringIO()
    assert main(["--data-dir", str(db.paths.root), "--user", "canbo", "--password-stdin",
                 "report", "--month", "2026-10", "--docx", str(target)],
                stdin=io.StringIO(PASSWORD + "\n"), stdout=out, stderr=err) == 0
    assert "soạn bằng mẫu mặc định" in err.getvalue()
    assert "Đã ghi báo cáo tháng 10/2026" in out.getvalue()
    assert "Người lập" not in _texts(target)


def test_an_edit_that_passes_the_check_but_breaks_on_real_data_falls_back(
        db: Database, admin: Actor, officer: Actor, tmp_path: Path) -> None:
    """The sample has the default office's two `Nơi nhận` lines; an office with four makes
    this edit divide by zero only when its own report is drafted."""
    from app.services import settings
    from app.services.demo import demo_office

    def divides(document: object) -> None:
        document.add_paragraph(  # type: ignore[attr-defined]
            "Số bản: {{ 100 // (noi_nhan|length - 4) }}")

    templates.replace_template(db, admin, templates.REPORT, _edited(divides, tmp_path))
    settings.save_office(db, admin, demo_office())  # four recipients
    target = tmp_path / "bao-cao.docx"
    (warning,) = _report_docx(db, officer, target)
    assert "soạn bằng mẫu mặc định" in warning
    assert "Số bản" not in _texts(target) and "BÁO CÁO" in _texts(target)


def test_a_cancel_while_drafting_is_not_taken_for_a_broken_template(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    from app.progress import Cancelled

    templates.replace_template(db, admin, templates.REPORT, _edited(_with_sentence, tmp_path))
    written: list[Path | bytes] = []

    def cancelled(template: Path | bytes) -> None:
        written.append(template)
        raise Cancelled()

    with pytest.raises(Cancelled):
        templates.drafted_with(db, templates.REPORT, cancelled)
    assert len(written) == 1 and isinstance(written[0], bytes)  # no second try


def test_the_export_is_audited_with_the_template_named(db: Database, admin: Actor,
                                                       tmp_path: Path) -> None:
    templates.export_template(db, admin, templates.REPORT, tmp_path / "bao-cao.docx")
    with db.read() as session:
        row = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
    assert row is not None and row.action == AuditAction.EXPORT
    assert json.loads(row.detail) == {"kind": "document_template", "template": "bao-cao",
                                      "default": True, "file": "bao-cao.docx"}
    line = audit_log.search(db, admin, limit=1)[0]
    assert "Nội dung: mẫu văn bản" in line.detail and "Mẫu mặc định: có" in line.detail


@pytest.mark.sqlite_only("an older version's SQLite folder")
def test_migration_0017_up_and_down_keeps_an_encrypted_folders_data(
        db: Database, admin: Actor, officer: Actor, tmp_path: Path) -> None:
    """A folder at 0016 opens at the head with its cases, and a template can be put back at
    once; going down drops only the templates."""
    from alembic import command

    from app.db.engine import make_engine
    from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
    from tests.conftest import open_unlocked

    case_id = cases.create_case(db, officer, make_case(), today=TODAY).id
    before = cases.get_case(db, officer, case_id)
    templates.replace_template(db, admin, templates.REPORT, _edited(_with_sentence, tmp_path))
    paths, data_key = db.paths, db.data_key
    db.dispose()
    engine = make_engine(paths.database, data_key)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0016")
    with engine.connect() as conn:
        assert not inspect(conn).has_table("document_templates")
    engine.dispose()
    again = open_unlocked(paths)
    try:
        assert current_revision(again.engine) == HEAD_REVISION
        assert cases.get_case(again, officer, case_id).data == before.data
        assert templates.current_template(again, templates.REPORT) == template_path(TEMPLATE)
        templates.replace_template(again, admin, templates.REPORT,
                                   _edited(_with_sentence, tmp_path, "lai.docx"))
        assert isinstance(templates.current_template(again, templates.REPORT), bytes)
    finally:
        again.dispose()


def test_each_letter_kind_has_its_template_the_office_can_replace(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    listed = {record.name for record in templates.list_templates(db, admin)}
    assert listed == {templates.REPORT} | {templates.letter_template(kind)
                                           for kind in DocumentKind}
    invitation = templates.letter_template(DocumentKind.INVITATION)
    source = template_path(letter_template_file(DocumentKind.INVITATION))
    document = Document(str(source))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("dia_diem", "dia_diemm")
    broken = tmp_path / "giay-moi-sai.docx"
    document.save(str(broken))
    with pytest.raises(UserError) as refused:
        templates.replace_template(db, admin, invitation, broken)
    assert "{{ dia_diemm }}" in refused.value.message
    assert _stored(db) == []
    document = Document(str(source))
    document.add_paragraph(OWN_SENTENCE)
    good = tmp_path / "giay-moi.docx"
    document.save(str(good))
    templates.replace_template(db, admin, invitation, good)
    assert templates.current_template(db, invitation) == good.read_bytes()
