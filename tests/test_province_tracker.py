"""The province's tracker of its units' reports (issue 19, "Province"): each registered unit
against the due day the province sets, the share on time over the last months, the
accounts several units reported, and the window's «Tổng hợp đơn vị» receiving packages and
writing the consolidated report.

One folder stands for the communes and the province (as in test_consolidation): it makes
each commune's package under the commune's code, then, as the province, registers those
codes' keys and receives the packages."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from app.db import Database
from app.domain.case import ChildInput
from app.domain.periods import Period
from app.domain.repeat_accounts import repeat_accounts
from app.domain.report import CaseLine, ReportText
from app.domain.report_due import Timeliness, due_date
from app.domain.units import Unit
from app.models import ReceivedReport, RegisteredUnit
from app.services import cases, report_packages, report_register, settings, unit_keys
from app.services.actor import Actor
from app.services.submission_tracker import accounts_across_units, tracker
from app.text import format_date
from app.ui.admin import AdminScreen
from app.ui.data_change import DataChange, DataKind
from app.ui.main_window import MainWindow
from app.ui.report.form_table import FormTableModel
from app.ui.report.tracker import TrackerScreen
from app.ui.tasks import TaskRunner
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
MINH_TAN = Unit("00004", "Xã Minh Tân")
BINH_AN = Unit("00007", "Xã Bình An")
CAT_LAM = Unit("00010", "Phường Cát Lâm")
HOA_PHU = Unit("00013", "Xã Hòa Phú")  # never sends
ARRIVED = {MINH_TAN.code: date(2026, 11, 3), BINH_AN.code: date(2026, 11, 8),
           CAT_LAM.code: date(2026, 11, 5)}


@dataclass
class Province:
    admin: Actor
    packages: dict[str, Path]  # by unit code


def _as_unit(db: Database, admin: Actor, unit: Unit) -> None:
    settings.save_office(db, admin, dataclasses.replace(
        settings.load_office(db), unit_code=unit.code, unit_title=unit.name))


def _arrived(db: Database, unit: Unit, day: date) -> None:
    """The unit's packages arrived on `day` (noon, this PC's time)."""
    with db.write() as session:
        session.execute(update(ReceivedReport).where(ReceivedReport.unit_code == unit.code)
                        .values(received_at=datetime(day.year, day.month, day.day,
                                                     12).astimezone()))


@pytest.fixture
def province(db: Database, admin: Actor, tmp_path: Path) -> Province:
    """Four communes registered at the province (01). Minh Tân and Cát Lâm sent October
    (version 1: an account's two cases and a child's case), Bình An a re-issue (version 2,
    one more case of another account); Hòa Phú nothing."""
    cases.create_case(db, admin, make_case(detected_on=date(2026, 10, 5)), today=TODAY)
    cases.create_case(db, admin, make_case(detected_on=date(2026, 10, 25),
                                           account="@Hóng Biến Minh Tân"), today=TODAY)
    cases.create_case(db, admin, make_case(
        detected_on=date(2026, 10, 10), group_code="TE", account="Lê Thị Bống",
        summary="Đăng ảnh em Lê Thị Bống.",
        children=(ChildInput("Lê Thị Bống", birth_year=2014),)), today=TODAY)
    report_register.send_report(db, admin, OCTOBER, ReportText("12", date(2026, 11, 2), ""))
    packages: dict[str, Path] = {}

    def package(unit: Unit) -> None:
        _as_unit(db, admin, unit)
        packages[unit.code] = tmp_path / f"{unit.code}.svpbc"
        report_packages.write_package(db, admin, OCTOBER, packages[unit.code])

    for unit in (MINH_TAN, CAT_LAM, BINH_AN, HOA_PHU):
        _as_unit(db, admin, unit)
        unit_keys.write_unit_key(db, admin, tmp_path / f"{unit.code}.svpkey")
    package(MINH_TAN)
    package(CAT_LAM)
    cases.create_case(db, admin, make_case(detected_on=date(2026, 10, 28),
                                           account="Chỉ một đơn vị"), today=TODAY)
    report_register.reissue_report(db, admin, OCTOBER, ReportText("", date(2026, 11, 6), ""),
                                   "Bổ sung vụ việc ghi muộn")
    package(BINH_AN)
    _as_unit(db, admin, Unit("01", "Tỉnh Lâm Thịnh"))
    for unit in (MINH_TAN, CAT_LAM, BINH_AN, HOA_PHU):
        unit_keys.trust_unit(db, admin, tmp_path / f"{unit.code}.svpkey")
    _registered_on(db, date(2026, 4, 1))  # before the months the tracker shows
    return Province(admin, packages)


def _registered_on(db: Database, day: date, *codes: str) -> None:
    """The units' keys (all of them when none is named) registered on `day`."""
    with db.write() as session:
        chosen = update(RegisteredUnit)
        if codes:
            chosen = chosen.where(RegisteredUnit.unit_code.in_(codes))
        session.execute(chosen.values(
            registered_at=datetime(day.year, day.month, day.day, 9).astimezone()))


def _receive_all(db: Database, province: Province) -> None:
    for code, day in ARRIVED.items():
        report_packages.receive_package(db, province.admin, province.packages[code])
        _arrived(db, Unit(code, ""), day)


# --- the rules ---------------------------------------------------------------------------


def test_a_report_is_on_time_by_its_due_day_then_late_by_the_day() -> None:
    due = due_date(OCTOBER, 5)
    assert due == date(2026, 11, 5)
    assert Timeliness(due, date(2026, 11, 5), TODAY).words == "đúng hạn"
    assert Timeliness(due, date(2026, 11, 8), TODAY).words == "muộn 3 ngày"
    assert Timeliness(due, None, date(2026, 11, 4)).words == "chưa gửi (hạn 05/11/2026)"
    assert Timeliness(due, None, TODAY).words == "chưa gửi (quá hạn 15 ngày)"


def _line(code: str, account: str, day: date, platform: str = "Facebook") -> CaseLine:
    return CaseLine(code, day, platform, account, "", "", "", "", "", 0, "")


def test_an_account_counts_across_units_once_per_case_within_the_windows() -> None:
    rows = [
        (MINH_TAN, _line("VV1", "Hóng biến", date(2026, 10, 5))),
        # The same case in the next month's report too: counted once.
        (MINH_TAN, _line("VV1", "Hóng biến", date(2026, 10, 5))),
        (BINH_AN, _line("VV7", "@HÓNG BIẾN", date(2026, 11, 1))),
        # Another platform, the same name: another account.
        (CAT_LAM, _line("VV3", "Hóng biến", date(2026, 11, 2), platform="TikTok")),
        # Before the 90 days ending today.
        (CAT_LAM, _line("VV2", "Hóng biến", date(2026, 8, 1))),
        (CAT_LAM, _line("VV4", "Facebook/…", date(2026, 11, 2))),
        (BINH_AN, _line("VV8", "Facebook/…", date(2026, 11, 3))),
    ]
    found = repeat_accounts(rows, TODAY)
    [account] = found.accounts
    assert (account.platform, account.account) == ("Facebook", "Hóng biến")
    assert account.units == (MINH_TAN, BINH_AN)
    assert account.case_codes == ("00004/VV1", "00007/VV7")
    assert (account.cases_30_days, account.cases_90_days) == (1, 2)
    assert not account.over_threshold
    assert found.masked_rows == 2


# --- the services -------------------------------------------------------------------------


def test_the_tracker_lists_every_unit_against_the_due_day(db: Database,
                                                          province: Province) -> None:
    _receive_all(db, province)
    found = tracker(db, province.admin, OCTOBER, TODAY)
    assert found.due == date(2026, 11, 5)
    assert [(line.unit.code, line.version, line.timeliness.words) for line in found.units] == [
        ("00004", 1, "đúng hạn"), ("00007", 2, "muộn 3 ngày"), ("00010", 1, "đúng hạn"),
        ("00013", None, "chưa gửi (quá hạn 15 ngày)")]
    assert [line.received_at.astimezone().date() if line.received_at else None
            for line in found.units] == [date(2026, 11, 3), date(2026, 11, 8),
                                         date(2026, 11, 5), None]
    assert [share.words for share in found.on_time] == [
        "Tháng 5/2026: 0/4", "Tháng 6/2026: 0/4", "Tháng 7/2026: 0/4", "Tháng 8/2026: 0/4",
        "Tháng 9/2026: 0/4", "Tháng 10/2026: 2/4"]
    # The province gives its units more days: Bình An was on time after all.
    settings.save_office(db, province.admin, dataclasses.replace(
        settings.load_office(db), report_due_days=10))
    found = tracker(db, province.admin, OCTOBER, TODAY)
    assert [line.timeliness.words for line in found.units][:3] == ["đúng hạn"] * 3
    # Hòa Phú registered on 20/10, after September's due day: it owed no September report;
    # Cát Lâm registered in October too but sent October's.
    _registered_on(db, date(2026, 10, 20), HOA_PHU.code, CAT_LAM.code)
    shares = [share.words for share in tracker(db, province.admin, OCTOBER, TODAY).on_time]
    assert shares[-2:] == ["Tháng 9/2026: 0/2", "Tháng 10/2026: 3/4"]


def test_accounts_across_units_come_from_the_received_packages(db: Database,
                                                               province: Province) -> None:
    assert accounts_across_units(db, province.admin, TODAY).accounts == ()
    _receive_all(db, province)
    found = accounts_across_units(db, province.admin, TODAY)
    [account] = found.accounts  # «Chỉ một đơn vị» is only in Bình An's report
    assert account.units == (MINH_TAN, BINH_AN, CAT_LAM)
    assert (account.cases_30_days, account.cases_90_days) == (3, 6)
    assert found.masked_rows == 3  # the child's case of each unit: its account masked


# --- the window ---------------------------------------------------------------------------


@pytest.fixture
def screen(qtbot: QtBot, db: Database, province: Province) -> Iterator[TrackerScreen]:
    runner = TaskRunner()
    shown = TrackerScreen(db, province.admin, runner, today=TODAY)
    qtbot.addWidget(shown)
    shown.picker.set_period(OCTOBER)
    shown.show()
    yield shown
    runner.wait()


def _cells(model: FormTableModel) -> list[list[str]]:
    return [[str(model.data(model.index(row, column)))
             for column in range(model.columnCount())] for row in range(model.rowCount())]


def _late(model: FormTableModel) -> list[bool]:
    return [model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole) is not None
            for row in range(model.rowCount())]


def test_the_province_window_has_the_tracker_tab(
        db: Database, province: Province,
        open_window: Callable[[Actor], MainWindow]) -> None:
    window = open_window(province.admin)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Tổng hợp đơn vị" in titles
    assert isinstance(window.show_screen("units"), TrackerScreen)


def test_a_commune_window_has_no_tracker_until_it_registers_a_unit(
        db: Database, admin: Actor, open_window: Callable[[Actor], MainWindow],
        tmp_path: Path) -> None:
    window = open_window(admin)

    def titles() -> list[str]:
        return [window.tabs.tabText(i) for i in range(window.tabs.count())]

    assert "Tổng hợp đơn vị" not in titles()
    # Registered in Quản trị → Đơn vị và khóa: the tab comes without signing in again.
    _as_unit(db, admin, MINH_TAN)
    unit_keys.write_unit_key(db, admin, tmp_path / "khoa.svpkey")
    _as_unit(db, admin, Unit("01", "Tỉnh Lâm Thịnh"))
    admin_screen = window.show_screen("admin")
    assert isinstance(admin_screen, AdminScreen)
    admin_screen.units._registered(unit_keys.trust_unit(db, admin, tmp_path / "khoa.svpkey"))
    assert titles()[-2:] == ["Tổng hợp đơn vị", "Quản trị"]


def test_receiving_through_the_button_updates_the_tracker(
        qtbot: QtBot, db: Database, province: Province, screen: TrackerScreen,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = screen.units_model
    qtbot.waitUntil(lambda: model.rowCount() == 4)
    assert [row[2] for row in _cells(model)] == ["chưa gửi"] * 4
    cut = tmp_path / "cat.svpbc"
    cut.write_bytes(province.packages[MINH_TAN.code].read_bytes()[:500])
    chosen = [province.packages[MINH_TAN.code], cut, province.packages[MINH_TAN.code]]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *args, **kwargs: ([str(p) for p in chosen], ""))
    screen.receive_button.click()
    qtbot.waitUntil(lambda: _cells(model)[0][2] == "đã gửi")
    said = screen.result.text().splitlines()
    assert said[0].startswith("Đã nhận «00004.svpbc»: báo cáo Tháng 10/2026 của đơn vị 00004")
    assert said[1] == ("Tệp «cat.svpbc» không phải gói báo cáo hoặc bị cắt, hỏng. Hãy xin đơn "
                       "vị gửi lại tệp.")
    assert said[2].endswith("đã nhận trước đây, không thay đổi gì.")
    first = _cells(model)[0]
    assert first[:4] == ["00004", "Xã Minh Tân", "đã gửi", "1"]
    assert first[4] == format_date(date.today())  # received now

    # Arrival days set as in the fixture: the late and the missing highlighted.
    for code, day in ARRIVED.items():
        report_packages.receive_package(db, province.admin, province.packages[code])
        _arrived(db, Unit(code, ""), day)
    screen.refresh()
    qtbot.waitUntil(lambda: [row[5] for row in _cells(model)] == [
        "đúng hạn", "muộn 3 ngày", "đúng hạn", "chưa gửi (quá hạn 15 ngày)"])
    assert [row[4] for row in _cells(model)] == ["03/11/2026", "08/11/2026", "05/11/2026", ""]
    assert [row[6] for row in _cells(model)] == ["Chờ xem xét"] * 3 + [""]
    assert _late(model) == [False, True, False, True]
    assert "3/4 đơn vị đã gửi báo cáo; hạn gửi 05/11/2026" in screen.summary.text()
    assert screen.on_time.text().endswith("Tháng 9/2026: 0/4 · Tháng 10/2026: 2/4")
    # The province gives more days in its settings: the window reads the tracker again.
    settings.save_office(db, province.admin, dataclasses.replace(
        settings.load_office(db), report_due_days=10))
    screen.refresh_for(DataChange(frozenset({DataKind.OFFICE})))
    # Read again (the period chooser's own refresh may still come after: wait for both).
    qtbot.waitUntil(lambda: _late(model) == [False, False, False, True]
                    and "hạn gửi 10/11" in screen.summary.text())
    assert "hạn gửi 10/11/2026 (10 ngày sau ngày cuối kỳ" in screen.summary.text()
    accounts = _cells(screen.accounts_model)
    assert [row[:4] for row in accounts] == [["Facebook", "Hóng biến Minh Tân", "3", "6"]]
    assert "3 vụ việc có trẻ em: tài khoản chỉ ghi nền tảng" in screen.accounts_note.text()


def test_consolidating_writes_the_three_files(
        qtbot: QtBot, db: Database, province: Province, screen: TrackerScreen,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _receive_all(db, province)
    out = tmp_path / "tong-hop"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(out))
    screen.consolidate_button.click()
    qtbot.waitUntil(lambda: screen.result.text().startswith("Đã ghi"))
    assert sorted(p.name for p in out.iterdir()) == [
        "bao-cao-tong-hop-2026-10.docx", "bao-cao-tong-hop-2026-10.pdf",
        "bao-cao-tong-hop-2026-10.xlsx"]
    assert "(3/4 đơn vị đã gửi)" in screen.result.text()
    assert screen.open_folder_button.isEnabled()
    by_unit = openpyxl.load_workbook(out / "bao-cao-tong-hop-2026-10.xlsx")["Theo đơn vị"]
    assert [by_unit.cell(row, 2).value for row in range(8, 12)] == [
        "00004", "00007", "00010", "00013"]


def test_the_province_accepts_one_report_and_returns_another_from_the_tracker(
        qtbot: QtBot, db: Database, province: Province, screen: TrackerScreen,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    _receive_all(db, province)
    screen.refresh()
    model = screen.units_model
    qtbot.waitUntil(lambda: [row[6] for row in _cells(model)] == ["Chờ xem xét"] * 3 + [""])
    assert not screen.accept_button.isEnabled() and not screen.return_button.isEnabled()
    screen.units_table.selectRow(3)  # Hòa Phú sent nothing: nothing to review
    assert not screen.accept_button.isEnabled()
    screen.units_table.selectRow(0)
    assert screen.accept_button.isEnabled() and screen.return_button.isEnabled()
    screen.accept_button.click()
    qtbot.waitUntil(lambda: _cells(model)[0][6] == "Đã chấp nhận")
    assert screen.result.text() == ("Đã chấp nhận báo cáo Tháng 10/2026 của đơn vị 00004 (Xã "
                                    "Minh Tân), số 12/BC, lần phát hành 1.")

    note = tmp_path / "tra-lai.svptl"
    monkeypatch.setattr(QInputDialog, "getMultiLineText",
                        lambda *args, **kwargs: ("Biểu 02 thiếu TikTok", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(note), ""))
    screen.units_table.selectRow(1)
    screen.return_button.click()
    qtbot.waitUntil(lambda: _cells(model)[1][6] == "Đã trả lại")
    assert screen.result.text().startswith("Đã trả lại báo cáo Tháng 10/2026 của đơn vị 00007")
    assert note.is_file() and b"TikTok" in note.read_bytes()
    screen.units_table.selectRow(1)
    assert not screen.return_button.isEnabled()  # decided: the unit answers by a re-issue
