"""Quản trị → Ngày nghỉ, làm bù: the year's public holidays beside the days the government
announced, which an administrator adds and removes; the units of the clocks on the office
form."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.labels import DayUnit
from app.services import days_off, settings
from app.services.actor import Actor
from app.ui.admin import AdminScreen
from app.ui.admin.days_off_view import DaysOffView
from app.ui.data_change import DataChange, DataKind
from app.ui.tasks import TaskRunner


def _cells(view: DaysOffView, table: str) -> list[tuple[str, ...]]:
    shown = getattr(view, table)
    return [tuple(shown.item(row, column).text() for column in range(shown.columnCount()))
            for row in range(shown.rowCount())]


def test_an_administrator_adds_and_removes_a_day_beside_the_years_holidays(
        qtbot: QtBot, db: Database, admin: Actor) -> None:
    changed: list[DataChange] = []
    screen = AdminScreen(db, admin, TaskRunner(), changed.append)
    qtbot.addWidget(screen)
    view = screen.days_off
    assert screen.tabText(screen.indexOf(view)) == "Ngày nghỉ, làm bù"
    view.year.line.setText("2027")
    view.year.line.editingFinished.emit()
    holidays = _cells(view, "holidays")
    assert ("thứ Bảy, 06/02/2027", "Tết Nguyên Đán") in holidays
    assert ("thứ Sáu, 16/04/2027", "Ngày Giỗ Tổ Hùng Vương") in holidays
    assert _cells(view, "announced") == []

    view.day.set_value(date(2027, 4, 24))
    view.kind.setCurrentIndex(view.kind.findData(True))
    view.note.setText("Thông báo của Bộ Nội vụ")
    view.add_button.click()
    qtbot.waitUntil(lambda: "Đã thêm" in view.feedback.text())
    assert _cells(view, "announced") == [
        ("thứ Bảy, 24/04/2027", "Làm bù", "Thông báo của Bộ Nội vụ")]
    assert changed == [DataChange.of(DataKind.OFFICE)]
    assert days_off.load_calendar(db).is_working_day(date(2027, 4, 24))

    # The same day again: refused, said in Vietnamese, nothing added.
    view.add_button.click()
    qtbot.waitUntil(lambda: "đã được ghi" in view.feedback.text())
    assert "24/04/2027" in view.feedback.text()
    assert len(_cells(view, "announced")) == 1

    # A day of another year shows that year.
    view.day.set_value(date(2028, 1, 4))
    view.kind.setCurrentIndex(view.kind.findData(False))
    view.add_button.click()
    qtbot.waitUntil(lambda: "Đã thêm nghỉ thêm 04/01/2028" in view.feedback.text())
    assert view.year.value() == 2028
    assert _cells(view, "announced") == [("thứ Ba, 04/01/2028", "Nghỉ thêm", "")]

    view.announced.selectRow(0)
    view.remove_button.click()
    qtbot.waitUntil(lambda: "Đã xóa" in view.feedback.text())
    assert _cells(view, "announced") == []
    assert [d.day for d in days_off.announced_days(db, 2027)] == [date(2027, 4, 24)]


def test_an_officer_sees_the_days_but_changes_none(qtbot: QtBot, db: Database,
                                                   admin: Actor, officer: Actor) -> None:
    days_off.add_announced_day(db, admin, date(2027, 4, 19), working=False)
    view = DaysOffView(db, officer, TaskRunner(), lambda _change: None)
    qtbot.addWidget(view)
    view.year.set_value(2027)
    assert _cells(view, "announced") == [("thứ Hai, 19/04/2027", "Nghỉ thêm", "")]
    assert not view.add_button.isEnabled() and not view.remove_button.isEnabled()


def test_the_office_form_sets_the_unit_of_the_decision_and_the_reply(
        qtbot: QtBot, db: Database, admin: Actor) -> None:
    screen = AdminScreen(db, admin, TaskRunner(), lambda _change: None)
    qtbot.addWidget(screen)
    form = screen.office
    decision = form.units["decision_day_unit"]
    assert decision.currentData() == DayUnit.WORKING  # as Luật XLVPHC Điều 66 reads
    decision.setCurrentIndex(decision.findData(DayUnit.CALENDAR))
    reply = form.units["reply_day_unit"]
    reply.setCurrentIndex(reply.findData(DayUnit.WORKING))
    form.numbers["reply_days"].setValue(10)
    form.save()
    qtbot.waitUntil(lambda: "Đã lưu" in form.feedback.text())
    saved = settings.load_office(db)
    assert (saved.decision_day_unit, saved.reply_day_unit, saved.reply_days) == (
        DayUnit.CALENDAR, DayUnit.WORKING, 10)
