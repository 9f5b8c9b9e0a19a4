"""`review` at the province and `receive` of its return note at the commune, on the command
line: a report returned with a reason, taken in, answered by a re-issue, then accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.paths import DataPaths
from app.services import accounts, report_packages, report_register
from tests.conftest import open_unlocked
from tests.test_cli import PASSWORD, run
from tests.test_cli_exchange import MONTH, OCTOBER, _freeze, _package, _receive
from tests.test_unit_keys import _as, _office

REASON = "Biểu 02 thiếu số liệu nền tảng TikTok"


@pytest.fixture
def offices(tmp_path: Path) -> tuple[Path, Path]:
    """A province and a commune that registered each other's keys; the commune's October
    report frozen, packaged and received at the province."""
    province = _office(tmp_path, "01", "Thành phố Hà Nội")
    commune = _office(tmp_path, "00004", "Phường Ba Đình")
    for office, other in ((commune, province), (province, commune)):
        key_file = tmp_path / f"khoa-{office.name}.json"
        assert run(_as(office, "admin", "unit-key", str(key_file)), PASSWORD + "\n")[0] == 0
        assert run(_as(other, "admin", "trust-unit", str(key_file)), PASSWORD + "\n")[0] == 0
    _freeze(commune)
    package = tmp_path / "t10-v1.svpbc"
    assert _package(commune, package)[0] == 0
    assert _receive(province, package)[0] == 0
    return province, commune


def _review(province: Path, *args: str) -> tuple[int, str, str]:
    return run(_as(province, "admin", "review", *MONTH, "--unit", "00004", *args),
               PASSWORD + "\n")


def _states(province: Path) -> list[tuple[int | None, str]]:
    db = open_unlocked(DataPaths(province), password=PASSWORD)
    try:
        admin = accounts.authenticate(db, "admin", PASSWORD)
        return [(s.version, s.review_label)
                for s in report_packages.submissions(db, admin, OCTOBER)]
    finally:
        db.dispose()


def _register(commune: Path) -> list[tuple[int, str]]:
    db = open_unlocked(DataPaths(commune), password=PASSWORD)
    try:
        admin = accounts.authenticate(db, "admin", PASSWORD)
        return [(r.version, r.return_text)
                for r in report_register.list_sent_reports(db, admin)]
    finally:
        db.dispose()


def test_returned_taken_in_reissued_received_again_then_accepted(
        offices: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    province, commune = offices
    monkeypatch.chdir(tmp_path)
    assert _states(province) == [(1, "Chờ xem xét")]
    code, out, err = _review(province, "--return", REASON)
    note = tmp_path / "tra-lai-00004-2026-10.svptl"
    assert (code, err) == (0, "")
    assert out == ("Đã trả lại báo cáo Tháng 10/2026 của đơn vị 00004 (Phường Ba Đình), số "
                   f"12/BC, lần phát hành 1. Thông báo trả lại ghi vào {note}: hãy gửi tệp này "
                   "cho đơn vị.\n")
    assert _states(province) == [(1, "Đã trả lại")]

    code, out, err = _receive(commune, note)
    assert (code, err) == (0, "")
    returned_on = json.loads(note.read_text(encoding="utf-8"))["returned_on"]
    day = "/".join(reversed(returned_on.split("-")))
    assert out == (f"Đã nhận «{note.name}»: Thành phố Hà Nội trả lại báo cáo Tháng 10/2026 số "
                   f"12/BC (lần phát hành 1) ngày {day}: {REASON}. Hãy sửa rồi phát hành lại "
                   "báo cáo và gửi gói báo cáo mới.\n")
    code, out, err = _receive(commune, note)
    assert (code, err) == (0, "") and out.endswith("Đã nhận trước đây, không thay đổi gì.\n")
    renamed = tmp_path / "thong-bao-cua-so.json"  # known by its format under another name
    renamed.write_bytes(note.read_bytes())
    code, out, err = _receive(commune, renamed)
    assert (code, err) == (0, "") and out.endswith("Đã nhận trước đây, không thay đổi gì.\n")
    assert _register(commune) == [(1, f"Bị trả lại ngày {day}: {REASON}")]

    _freeze(commune, reissue=True)
    assert _register(commune)[1] == (
        1, f"Bị trả lại ngày {day}: {REASON}; đã phát hành lại (phiên bản 2)")
    second = tmp_path / "t10-v2.svpbc"
    assert _package(commune, second)[0] == 0
    assert _receive(province, second)[0] == 0
    assert _states(province) == [(2, "Chờ xem xét")]
    code, out, err = _review(province, "--accept")
    assert (code, err) == (0, "")
    assert out == ("Đã chấp nhận báo cáo Tháng 10/2026 của đơn vị 00004 (Phường Ba Đình), số "
                   "12/BC, lần phát hành 2.\n")
    assert _states(province) == [(2, "Đã chấp nhận")]


def test_refusals_exit_1_naming_the_file_and_store_nothing(
        offices: tuple[Path, Path], tmp_path: Path) -> None:
    province, commune = offices
    note = tmp_path / "tra-lai.svptl"
    assert _review(province, "--return", REASON, "--note", str(note))[0] == 0
    content = json.loads(note.read_text(encoding="utf-8"))
    content["reason"] = "Đã sửa lý do"
    altered = tmp_path / "sua.svptl"
    altered.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    cut = tmp_path / "cat.svptl"
    cut.write_bytes(note.read_bytes()[:200])
    code, out, err = _receive(commune, altered, cut)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Tệp «sua.svptl» đã bị sửa đổi hoặc hỏng: chữ ký không khớp với nội dung hoặc với khóa "
        "đã đăng ký của Thành phố Hà Nội. Hãy xin cấp trên gửi lại tệp.",
        "Tệp «cat.svptl» không phải thông báo trả lại báo cáo hoặc bị cắt, hỏng. Hãy xin cấp "
        "trên gửi lại tệp."]
    assert _register(commune) == [(1, "")]
    # Returned already: refused, no second note.
    again = tmp_path / "lan-hai.svptl"
    code, out, err = _review(province, "--return", REASON, "--note", str(again))
    assert (code, out) == (1, "") and "đã bị trả lại" in err and not again.exists()
    code, out, err = run(_as(province, "admin", "review", *MONTH, "--unit", "00007", "--accept"),
                         PASSWORD + "\n")
    assert (code, out) == (1, "") and "Chưa nhận báo cáo tháng 10/2026 của đơn vị 00007" in err
