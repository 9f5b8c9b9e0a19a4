"""Three communes and their province, through the command line as the offices use it
(shared/spec/exchange.md): keys exchanged, October's reports packaged, received and
consolidated — the province's figures are the communes' added cell by cell —, a re-issue
replacing its first version, a tampered package refused, and a case moved with its
evidence, once, that a third office cannot open."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.periods import Period
from app.domain.report import ReportText
from app.paths import DataPaths
from app.services import accounts, cases, events, report_register
from app.services.search import CaseQuery, search_case_ids
from tests.conftest import TODAY, make_case, open_unlocked
from tests.test_cli import PASSWORD, run
from tests.test_evidence import TINY_PNG

OCTOBER = Period.month(2026, 10)
MONTH = ["--month", "2026-10"]
PROVINCE = ("01", "Tỉnh Lâm Thịnh")
COMMUNES = (("00004", "Xã Minh Tân"), ("00007", "Xã Bình An"), ("00010", "Phường Cát Lâm"))
# Per commune: October's cases (platform, group, removed?) — different mixes, so that each
# sheet's sum means something.
RECORDED = {
    "00004": [("FB", "TG", True), ("FB", "DD", False), ("TT", "TE", False)],
    "00007": [("TT", "TG", True), ("YT", "QC", True), ("FB", "PC", False), ("ZL", "TG", False)],
    "00010": [("FB", "TG", False)],
}


def _as(folder: Path, *args: str) -> list[str]:
    return ["--data-dir", str(folder), "--user", "admin", "--password-stdin", *args]


def _ok(folder: Path, *args: str) -> str:
    code, out, err = run(_as(folder, *args), PASSWORD + "\n")
    assert (code, err) == (0, ""), err
    return out


def _refused(folder: Path, *args: str) -> str:
    code, _out, err = run(_as(folder, *args), PASSWORD + "\n")
    assert code == 1, err
    return err


def _office(root: Path, code: str, name: str) -> Path:
    folder = root / f"don-vi-{code}"
    assert run(["--data-dir", str(folder), "init", "--admin", "admin", "--password-stdin",
                "--unit-code", code, "--unit-name", name], PASSWORD + "\n")[0] == 0
    _ok(folder, "unit-key", str(root / f"khoa-{code}.json"))
    return folder


def _record(folder: Path, recorded: list[tuple[str, str, bool]], *,
            reissue: bool = False) -> None:
    """The commune's October cases, then its report frozen (or re-issued)."""
    db = open_unlocked(DataPaths(folder), "admin", PASSWORD)
    try:
        admin = accounts.authenticate(db, "admin", PASSWORD)
        for day, (platform, group, removed) in enumerate(recorded, start=3):
            children = (ChildInput("Trần Thị Bé", birth_year=2014),) if group == "TE" else ()
            created = cases.create_case(db, admin, make_case(
                detected_on=date(2026, 10, day), platform_code=platform, group_code=group,
                summary=f"Bài đăng vi phạm số {day}", children=children), today=TODAY)
            if removed:
                events.add_event(db, admin, created.id, EventInput(
                    "GB", date(2026, 10, day + 1)), today=TODAY)
        if reissue:
            report_register.reissue_report(db, admin, OCTOBER, ReportText(
                "", date(2026, 11, 10), ""), "Bổ sung vụ việc ghi muộn")
        else:
            report_register.send_report(db, admin, OCTOBER, ReportText(
                "12", date(2026, 11, 3), ""))
    finally:
        db.dispose()


def _rows(workbook: Path, sheet: str) -> Iterator[list[object]]:
    with CalamineWorkbook.from_path(str(workbook)) as book:
        yield from book.get_sheet_by_name(sheet).to_python()


def _figures(workbook: Path, sheet: str, label_column: int) -> dict[str, list[int]]:
    """The sheet's rows by their label (a group, a platform, a unit, `Tổng cộng`): the
    numbers after it (not the row numbering the columns)."""
    found: dict[str, list[int]] = {}
    for row in _rows(workbook, sheet):
        label = row[label_column]
        numbers = row[label_column + 1:]
        if isinstance(label, str) and label and numbers and all(
                isinstance(n, (int, float)) for n in numbers):
            found[label.removesuffix(" (chưa gửi)")] = [int(n) for n in numbers]
    return found


def _summed(tables: list[dict[str, list[int]]]) -> dict[str, list[int]]:
    total: dict[str, list[int]] = {}
    for table in tables:
        for label, numbers in table.items():
            held = total.setdefault(label, [0] * len(numbers))
            total[label] = [a + b for a, b in zip(held, numbers, strict=True)]
    return total


@pytest.fixture
def offices(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """The province and its three communes, each commune's key registered at the province
    and the province's at each commune; the communes know each other."""
    province = _office(tmp_path, *PROVINCE)
    communes = {code: _office(tmp_path, code, name) for code, name in COMMUNES}
    for code, folder in communes.items():
        _ok(province, "trust-unit", str(tmp_path / f"khoa-{code}.json"))
        _ok(folder, "trust-unit", str(tmp_path / f"khoa-{PROVINCE[0]}.json"))
        for other in communes:
            if other != code:
                _ok(folder, "trust-unit", str(tmp_path / f"khoa-{other}.json"))
    return province, communes


def test_three_communes_report_to_their_province_and_a_case_moves_between_two(
        offices: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    province, communes = offices
    sent = tmp_path / "gui-tinh"
    sent.mkdir()
    own: dict[str, Path] = {}
    for code, folder in communes.items():
        _record(folder, RECORDED[code])
        own[code] = tmp_path / f"bao-cao-{code}.xlsx"
        _ok(folder, "report", *MONTH, "--xlsx", str(own[code]),
            "--package", str(sent / f"{code}.svpbc"))
    packages = sorted(sent.iterdir())
    # Never a child's name in what leaves a commune (names are written as UTF-8 there).
    assert "Xã Minh Tân".encode() in packages[0].read_bytes()
    assert not [p for p in packages if "Trần Thị Bé".encode() in p.read_bytes()]

    # A package altered on the way: refused, naming the file; nothing stored.
    tampered = tmp_path / "sua.svpbc"
    content = json.loads(packages[0].read_bytes())
    content["figures"]["summary"]["groups"][0]["detected"] += 1
    tampered.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    assert "«sua.svpbc»" in _refused(province, "receive", str(tampered))
    assert _ok(province, "submissions", *MONTH).count("chưa gửi") == 3

    _ok(province, "receive", *map(str, packages))
    assert _ok(province, "submissions", *MONTH).splitlines() == [
        f"{code}\t{name}\tđã gửi\t1" for code, name in COMMUNES]
    consolidated = tmp_path / "tong-hop.xlsx"
    _ok(province, "consolidate", *MONTH, "--xlsx", str(consolidated),
        "--pdf", str(tmp_path / "tong-hop.pdf"), "--docx", str(tmp_path / "tong-hop.docx"))
    assert (tmp_path / "tong-hop.pdf").read_bytes().startswith(b"%PDF")
    # Forms 01 and 02: the communes' own workbooks added cell by cell.
    for sheet in ("Tổng hợp", "Theo nền tảng"):
        mine = _figures(consolidated, sheet, 1)
        assert mine == _summed([_figures(own[code], sheet, 1) for code in communes]), sheet
    totals = _figures(consolidated, "Tổng hợp", 1)["Tổng cộng"]
    assert totals[1] == sum(len(r) for r in RECORDED.values())  # column 4: detected
    # «Theo đơn vị»: each unit's row is its own form 01 total; the rows add up.
    by_unit = _figures(consolidated, "Theo đơn vị", 2)
    for code, name in COMMUNES:
        assert by_unit[name] == _figures(own[code], "Tổng hợp", 1)["Tổng cộng"]
    assert _summed([{"": by_unit[name]} for _, name in COMMUNES])[""] == by_unit["Tổng cộng"]
    assert by_unit["Tổng cộng"] == totals
    listed = [row for row in _rows(consolidated, "Danh sách vụ việc")
              if isinstance(row[0], (int, float)) and isinstance(row[1], str)]
    assert len(listed) == sum(len(r) for r in RECORDED.values())
    assert {row[1] for row in listed} == {name for _, name in COMMUNES}  # the unit column

    # Bình An re-issues with a case recorded late: the new version replaces the first.
    _record(communes["00007"], [("FB", "TG", False)], reissue=True)
    _ok(communes["00007"], "report", *MONTH, "--package", str(tmp_path / "00007-v2.svpbc"))
    _ok(province, "receive", str(tmp_path / "00007-v2.svpbc"))
    assert "00007\tXã Bình An\tđã gửi\t2" in _ok(province, "submissions", *MONTH)
    _ok(province, "consolidate", *MONTH, "--xlsx", str(consolidated))
    assert _figures(consolidated, "Tổng hợp", 1)["Tổng cộng"][1] == totals[1] + 1

    # A case of Minh Tân, with two evidence files, handed to Bình An.
    minh_tan, binh_an, cat_lam = (communes[c] for c in ("00004", "00007", "00010"))
    code = _new_case(minh_tan)
    files = []
    for n in (1, 2):
        files.append(tmp_path / f"bang-chung-{n}.png")
        files[-1].write_bytes(TINY_PNG + f"bang chung {n}".encode())
    _ok(minh_tan, "attach", code, *map(str, files))
    moved = tmp_path / "chuyen.svpcase"
    _ok(minh_tan, "transfer-out", code, "--to", "00007", str(moved))
    before = _case_count(binh_an)
    _ok(binh_an, "transfer-in", str(moved))
    _ok(binh_an, "transfer-in", str(moved))  # twice: nothing doubled
    assert _case_count(binh_an) == before + 1
    assert _ok(binh_an, "files", f"00004/{code}") == _ok(minh_tan, "files", code)
    assert len(_ok(binh_an, "files", f"00004/{code}").splitlines()) == 2
    # Cát Lâm knows Minh Tân, but the package was sealed for Bình An alone.
    assert "«chuyen.svpcase»" in _refused(cat_lam, "transfer-in", str(moved))


def _new_case(folder: Path) -> str:
    """A case Minh Tân records in November, to hand on."""
    db = open_unlocked(DataPaths(folder), "admin", PASSWORD)
    try:
        admin = accounts.authenticate(db, "admin", PASSWORD)
        return cases.create_case(db, admin, make_case(detected_on=date(2026, 11, 2)),
                                 today=TODAY).code
    finally:
        db.dispose()


def _case_count(folder: Path) -> int:
    db = open_unlocked(DataPaths(folder), "admin", PASSWORD)
    try:
        accounts.authenticate(db, "admin", PASSWORD)
        return len(search_case_ids(db, CaseQuery()))
    finally:
        db.dispose()
