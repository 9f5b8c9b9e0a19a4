"""`report --package`, `receive`, `submissions` and `consolidate` on the command line
(shared/spec/cli.md): a commune's frozen report sent to its province as a file, and the
province's report made of those received."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.domain.case import ChildInput
from app.domain.periods import Period
from app.domain.report import ReportText
from app.paths import DataPaths
from app.progress import Cancelled
from app.reports import docx_report
from app.services import accounts, cases, report_register
from tests.conftest import TODAY, make_case, marker_forms, open_unlocked
from tests.test_cli import PASSWORD, run
from tests.test_unit_keys import _as, _office

OCTOBER = Period.month(2026, 10)
MONTH = ["--month", "2026-10"]
LEADER_PASSWORD = "nui-cao-suoi-sau-47"


def _freeze(folder: Path, *, reissue: bool = False) -> None:
    """October's report frozen at the commune (a case with a child in it), or re-issued
    with one more case."""
    db = open_unlocked(DataPaths(folder), password=PASSWORD)
    try:
        admin = accounts.authenticate(db, "admin", PASSWORD)
        if reissue:
            cases.create_case(db, admin, make_case(detected_on=date(2026, 10, 21)), today=TODAY)
            report_register.reissue_report(db, admin, OCTOBER, ReportText(
                "", date(2026, 11, 10), ""), "Bổ sung vụ việc ghi muộn")
        else:
            cases.create_case(db, admin, make_case(
                group_code="TE", summary="Ảnh em Trần Thị Bé bị đăng lại.",
                children=(ChildInput("Trần Thị Bé", birth_year=2013),)), today=TODAY)
            report_register.send_report(db, admin, OCTOBER, ReportText(
                "12", date(2026, 11, 3), "Em Trần Thị Bé đã được hỗ trợ."))
    finally:
        db.dispose()


@pytest.fixture
def offices(tmp_path: Path) -> tuple[Path, Path]:
    """A province, and a commune whose October report is frozen; the province registered
    the commune's key."""
    province = _office(tmp_path, "01", "Thành phố Hà Nội")
    commune = _office(tmp_path, "00004", "Phường Ba Đình")
    key_file = tmp_path / "khoa-00004.json"
    assert run(_as(commune, "admin", "unit-key", str(key_file)), PASSWORD + "\n")[0] == 0
    assert run(_as(province, "admin", "trust-unit", str(key_file)), PASSWORD + "\n")[0] == 0
    _freeze(commune)
    return province, commune


def _package(commune: Path, target: Path) -> tuple[int, str, str]:
    return run(_as(commune, "admin", "report", *MONTH, "--package", str(target)),
               PASSWORD + "\n")


def _receive(province: Path, *files: Path) -> tuple[int, str, str]:
    return run(_as(province, "admin", "receive", *map(str, files)), PASSWORD + "\n")


def _submissions(province: Path) -> list[str]:
    code, out, err = run(_as(province, "admin", "submissions", *MONTH), PASSWORD + "\n")
    assert (code, err) == (0, "")
    return out.splitlines()


def test_a_commune_packages_the_province_receives_once_then_the_reissue(
        offices: tuple[Path, Path], tmp_path: Path) -> None:
    province, commune = offices
    # Typed without the usual extension: written exactly there.
    first = tmp_path / "bao-cao-thang-10"
    code, out, err = _package(commune, first)
    assert (code, err) == (0, "")
    assert out == f"Đã ghi gói báo cáo tháng 10/2026 (số 12/BC, lần phát hành 1) vào {first}.\n"
    assert first.is_file() and not list(Path.cwd().glob("bao-cao-2026-10*"))
    assert not [form for form in marker_forms() if form in first.read_bytes()]
    assert _submissions(province) == ["00004\tPhường Ba Đình\tchưa gửi\t"]
    code, out, err = _receive(province, first)
    assert (code, err) == (0, "")
    assert out == ("Đã nhận «bao-cao-thang-10»: báo cáo Tháng 10/2026 của đơn vị 00004 (Phường "
                   "Ba Đình), số 12/BC, lần phát hành 1.\n")
    code, out, err = _receive(province, first)
    assert (code, err) == (0, "") and out.endswith("đã nhận trước đây, không thay đổi gì.\n")
    assert _submissions(province) == ["00004\tPhường Ba Đình\tđã gửi\t1"]
    _freeze(commune, reissue=True)
    second = tmp_path / "bao-cao-thang-10-v2.svpbc"
    assert _package(commune, second)[0] == 0
    code, out, err = _receive(province, second)
    assert (code, err) == (0, "")
    assert out.endswith("lần phát hành 2; thay cho lần phát hành 1 (giữ lại làm lịch sử).\n")
    assert _submissions(province) == ["00004\tPhường Ba Đình\tđã gửi\t2"]


def test_only_an_administrator_packages_and_only_a_frozen_report(
        offices: tuple[Path, Path], tmp_path: Path) -> None:
    _, commune = offices
    assert run(_as(commune, "admin", "user", "add", "lanhdao", "--role", "leader"),
               f"{PASSWORD}\n{LEADER_PASSWORD}\n")[0] == 0
    target = tmp_path / "goi.svpbc"
    code, out, err = run(_as(commune, "lanhdao", "report", *MONTH, "--package", str(target)),
                         LEADER_PASSWORD + "\n")
    assert (code, out) == (3, "") and "quản trị viên lập" in err
    code, out, err = run(_as(commune, "admin", "report", "--month", "2026-09", "--package",
                             str(target)), PASSWORD + "\n")
    assert (code, out) == (1, "") and "chưa chốt số liệu" in err and "Hãy chốt số liệu" in err
    assert not target.exists()


def test_each_file_is_taken_on_its_own_and_a_refused_one_stores_nothing(
        offices: tuple[Path, Path], tmp_path: Path) -> None:
    province, commune = offices
    good = tmp_path / "tot.svpbc"
    assert _package(commune, good)[0] == 0
    content = json.loads(good.read_text(encoding="utf-8"))
    content["figures"]["summary"]["groups"][0]["detected"] += 1  # one figure altered
    altered = tmp_path / "sua.svpbc"
    altered.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    cut = tmp_path / "cat.svpbc"
    cut.write_bytes(good.read_bytes()[:1000])
    code, out, err = _receive(province, altered, cut, good)
    assert code == 1
    assert err.splitlines() == [
        "Tệp «sua.svpbc» đã bị sửa đổi hoặc hỏng: chữ ký không khớp với nội dung hoặc với khóa "
        "đã đăng ký của đơn vị 00004. Hãy xin đơn vị gửi lại tệp.",
        "Tệp «cat.svpbc» không phải gói báo cáo hoặc bị cắt, hỏng. Hãy xin đơn vị gửi lại tệp."]
    assert out.startswith("Đã nhận «tot.svpbc»")
    assert _submissions(province) == ["00004\tPhường Ba Đình\tđã gửi\t1"]


def test_a_package_of_an_unregistered_unit_is_refused(offices: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    province, _ = offices
    stranger = _office(tmp_path, "00007", "Xã Minh Tân")
    _freeze(stranger)
    package = tmp_path / "xa-minh-tan.svpbc"
    assert _package(stranger, package)[0] == 0
    code, out, err = _receive(province, package)
    assert (code, out) == (1, "")
    assert err.startswith("Tệp «xa-minh-tan.svpbc» là gói báo cáo của đơn vị 00007 (Xã Minh "
                          "Tân), đơn vị chưa được đăng ký") and "trust-unit" in err
    assert _submissions(province) == ["00004\tPhường Ba Đình\tchưa gửi\t"]


def test_consolidate_writes_the_provinces_report_of_the_packages_received(
        offices: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    province, commune = offices
    package = tmp_path / "t10.svpbc"
    assert _package(commune, package)[0] == 0
    assert _receive(province, package)[0] == 0
    # No file named: the workbook and the PDF under their default names, here.
    here = tmp_path / "tong-hop"
    here.mkdir()
    monkeypatch.chdir(here)
    code, out, err = run(_as(province, "admin", "consolidate", *MONTH), PASSWORD + "\n")
    assert (code, err) == (0, "")
    assert sorted(p.name for p in here.iterdir()) == ["bao-cao-tong-hop-2026-10.pdf",
                                                      "bao-cao-tong-hop-2026-10.xlsx"]
    assert out == ("Đã ghi báo cáo tổng hợp tháng 10/2026: bao-cao-tong-hop-2026-10.xlsx, "
                   "bao-cao-tong-hop-2026-10.pdf. Đã nhận báo cáo của 1/1 đơn vị. Phát hiện 1 "
                   "vụ, kết thúc xử lý 0 vụ, tồn cuối kỳ 1 vụ, tiền phạt 0 đồng.\n")
    word = tmp_path / "tong-hop.docx"
    code, out, err = run(_as(province, "admin", "consolidate", *MONTH, "--docx", str(word)),
                         PASSWORD + "\n")
    assert (code, err) == (0, "") and word.is_file() and f": {word}. " in out


def test_consolidate_stopped_by_ctrl_c_leaves_no_file(
        offices: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    province, _ = offices

    def interrupted(*args: object, **kwargs: object) -> None:
        raise Cancelled

    # In the Word file, the last one written: the workbook and the PDF are done by then.
    monkeypatch.setattr(docx_report, "write_docx", interrupted)
    out_dir = tmp_path / "tong-hop"
    out_dir.mkdir()
    code, out, err = run(_as(province, "admin", "consolidate", *MONTH, "--xlsx",
                             str(out_dir / "a.xlsx"), "--pdf", str(out_dir / "a.pdf"),
                             "--docx", str(out_dir / "a.docx")), PASSWORD + "\n")
    assert (code, out) == (130, "") and "hủy" in err.lower()
    assert list(out_dir.iterdir()) == []
