"""Dates and years typed as an officer types them: over the whole field, over a part, as
eight digits, in short; what does not read stays as typed with its message, and no form
saves it (issue 20)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.case import ActDate
from app.domain.periods import Period
from app.errors import UserError
from app.services import cases, settings, vocabulary
from app.services.actor import Actor
from app.ui.case_editor import CaseEditor
from app.ui.case_editor.children import ChildDialog
from app.ui.case_editor.event_dialog import EventDialog
from app.ui.dates import NOT_SAVED, DateEntry, YearEntry, entries_ready
from app.ui.prefs import UiPrefs
from app.ui.report.period_picker import PeriodPicker
from app.ui.report.text_page import ReportTextPage
from app.ui.tasks import TaskRunner
from tests.conftest import make_case

DETECTED = date(2026, 11, 5)


@pytest.fixture
def event_dialog(qtbot: QtBot, db: Database) -> EventDialog:
    dialog = EventDialog(vocabulary.load(db), [], ActDate(DETECTED, "detected_on"),
                         default_day=DETECTED)
    _show(qtbot, dialog)
    return dialog


def _show(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)  # keys reach the active window only


@pytest.fixture
def form() -> QWidget:
    """A window for entries, with a text box at its end for Tab to reach."""
    window = QWidget()
    QVBoxLayout(window).addWidget(QLineEdit())
    return window


def _in_form(qtbot: QtBot, form: QWidget, *entries: QWidget) -> None:
    """`entries` shown one under the other in `form`."""
    column = form.layout()
    assert isinstance(column, QVBoxLayout)
    for index, entry in enumerate(entries):
        column.insertWidget(index, entry)
    _show(qtbot, form)


def _focus(qtbot: QtBot, field: QWidget) -> QWidget:
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    focused = QApplication.focusWidget()
    assert focused is not None
    return focused


def _type_over(qtbot: QtBot, field: QWidget, typed: str) -> None:
    """Ctrl+A in the field, `typed` over it, then Tab to the next field."""
    target = _focus(qtbot, field)
    qtbot.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(target, typed)
    qtbot.keyClick(target, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not field.hasFocus())


@pytest.mark.parametrize(("typed", "day"), [
    ("20/11/2026", date(2026, 11, 20)),
    ("05012027", date(2027, 1, 5)),
    ("5/1/2027", date(2027, 1, 5)),
    ("5-1-2027", date(2027, 1, 5)),
    ("5.1.2027", date(2027, 1, 5)),
])
def test_a_date_typed_over_the_field_is_the_date_typed(
        qtbot: QtBot, event_dialog: EventDialog, typed: str, day: date) -> None:
    _type_over(qtbot, event_dialog.day, typed)
    assert event_dialog.event_input().occurred_on == day
    assert event_dialog.day.text() == f"{day:%d/%m/%Y}"  # always shown as dd/mm/yyyy


@pytest.mark.parametrize(("typed", "said"), [
    ("02/12/202", "«02/12/202»: năm cần ghi đủ 4 chữ số"),
    ("31/02/2026", "Ngày «31/02/2026» không có thật trên lịch (ngày 31, tháng 2, năm 2026)"),
    ("0501202", "«0501202» không phải là ngày: cần ngày dạng dd/mm/yyyy"),
])
def test_a_date_that_does_not_read_stays_as_typed_with_its_message(
        qtbot: QtBot, event_dialog: EventDialog, typed: str, said: str) -> None:
    _type_over(qtbot, event_dialog.day, typed)
    assert event_dialog.day.text() == typed  # never turned into another date
    assert event_dialog.event_input().occurred_on is None
    assert event_dialog.day.message.isVisible() and said in event_dialog.day.message.text()


def test_the_event_dialog_refuses_to_record_a_date_that_does_not_read(
        qtbot: QtBot, event_dialog: EventDialog) -> None:
    _type_over(qtbot, event_dialog.day, "02/12/202")
    qtbot.mouseClick(event_dialog.accept_button, Qt.MouseButton.LeftButton)
    assert event_dialog.isVisible()
    assert event_dialog.result() != EventDialog.DialogCode.Accepted
    assert event_dialog.day.text() == "02/12/202"  # what was typed is kept, to be corrected
    qtbot.waitUntil(event_dialog.day.hasFocus)  # and the officer is taken to it
    _type_over(qtbot, event_dialog.day, "02/12/2026")
    assert event_dialog.day.message.isHidden()
    qtbot.mouseClick(event_dialog.accept_button, Qt.MouseButton.LeftButton)
    assert event_dialog.result() == EventDialog.DialogCode.Accepted
    assert event_dialog.event_input().occurred_on == date(2026, 12, 2)


def test_the_case_editor_saves_nothing_while_a_date_does_not_read(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=DETECTED), today=DETECTED)
    editor = CaseEditor(db, officer, TaskRunner(), vocabulary.load(db), settings.load_office(db),
                        UiPrefs(db.paths, officer.username), cases.get_case(db, officer,
                                                                            created.id))
    _show(qtbot, editor)
    _type_over(qtbot, editor.general.posted_on, "1/11/26")
    editor.tabs.setCurrentIndex(1)
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.tabs.currentIndex() == 0  # brought forward, with the date in focus
    qtbot.waitUntil(editor.general.posted_on.hasFocus)
    assert editor.general.posted_on.text() == "1/11/26"
    assert "năm cần ghi đủ 4 chữ số" in editor.general.posted_on.message.text()
    assert NOT_SAVED in editor.message.text()
    assert cases.get_case(db, officer, created.id).version == created.version
    _type_over(qtbot, editor.general.posted_on, "1/11/2026")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert cases.get_case(db, officer, created.id).data.posted_on == date(2026, 11, 1)


def test_typing_over_a_selected_part_replaces_only_that_part(qtbot: QtBot, form: QWidget) -> None:
    entry = DateEntry(date(2026, 11, 5))
    _in_form(qtbot, form, entry)
    line = _focus(qtbot, entry)
    qtbot.keyClick(line, Qt.Key.Key_Home)
    for _ in range(3):
        qtbot.keyClick(line, Qt.Key.Key_Right)
    for _ in range(2):  # the month, «11»
        qtbot.keyClick(line, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    with qtbot.waitSignal(entry.changed):
        qtbot.keyClicks(line, "12")
    assert entry.value() == date(2026, 12, 5) and entry.text() == "05/12/2026"


def test_a_message_waits_until_the_officer_leaves_the_field(qtbot: QtBot, form: QWidget) -> None:
    entry = DateEntry(date(2026, 11, 5))
    _in_form(qtbot, form, entry)
    line = _focus(qtbot, entry)
    qtbot.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(line, "20/11/20")  # half typed: not blamed yet, and no new value
    assert entry.message.isHidden() and entry.value() is None
    with qtbot.waitSignal(entry.changed):
        qtbot.keyClicks(line, "26")
    assert entry.value() == date(2026, 11, 20) and entry.message.isHidden()


# The offscreen platform has no keyboard to grab for the calendar's popup; a desktop has.
@pytest.mark.qt_log_ignore("^This plugin does not support grabbing the keyboard$")
def test_up_and_down_step_a_day_and_f4_opens_the_calendar(qtbot: QtBot, form: QWidget) -> None:
    entry = DateEntry(date(2026, 2, 28))
    _in_form(qtbot, form, entry)
    line = _focus(qtbot, entry)
    qtbot.keyClick(line, Qt.Key.Key_Up)
    assert entry.text() == "01/03/2026"
    qtbot.keyClick(line, Qt.Key.Key_Down)
    qtbot.keyClick(line, Qt.Key.Key_Down)
    assert entry.value() == date(2026, 2, 27)
    qtbot.keyClick(line, Qt.Key.Key_F4)
    calendar = entry.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.grid.selectedDate() == QDate(2026, 2, 27)
    calendar.grid.setSelectedDate(QDate(2026, 3, 8))
    with qtbot.waitSignal(entry.changed):
        qtbot.keyClick(calendar.grid.focusWidget() or calendar.grid, Qt.Key.Key_Return)
    assert entry.value() == date(2026, 3, 8) and not calendar.isVisible()


def test_an_optional_date_may_be_left_empty_and_a_required_one_may_not(
        qtbot: QtBot, form: QWidget) -> None:
    optional, required = DateEntry(date(2026, 3, 1), optional=True), DateEntry()
    _in_form(qtbot, form, optional, required)
    for entry in (optional, required):
        line = _focus(qtbot, entry)
        qtbot.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(line, Qt.Key.Key_Delete)
        qtbot.keyClick(line, Qt.Key.Key_Tab)
    assert optional.value() is None and optional.problem() is None
    assert optional.message.isHidden()
    assert required.value() is None and "Chưa nhập ngày" in required.message.text()
    assert not entries_ready(form)
    required.set_value(date(2026, 3, 2))
    assert entries_ready(form)


def test_a_year_has_four_digits_in_its_range(qtbot: QtBot, form: QWidget) -> None:
    entry = YearEntry()
    _in_form(qtbot, form, entry)
    _type_over(qtbot, entry, "201")
    assert entry.text() == "201" and entry.value() is None
    assert "cần năm có 4 chữ số" in entry.message.text() and entry.message.isVisible()
    _type_over(qtbot, entry, "1850")
    assert f"cần năm từ 1900 đến {date.today().year}" in entry.message.text()
    _type_over(qtbot, entry, "2012")
    assert entry.value() == 2012 and entry.message.isHidden()
    qtbot.keyClick(_focus(qtbot, entry), Qt.Key.Key_Up)
    assert entry.value() == 2013


def test_a_child_with_a_birth_year_of_three_digits_is_not_recorded(qtbot: QtBot) -> None:
    dialog = ChildDialog(None, None)
    _show(qtbot, dialog)
    dialog.full_name.setText("Nguyễn Văn An")
    _type_over(qtbot, dialog.birth_year, "201")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != ChildDialog.DialogCode.Accepted
    assert dialog.birth_year.text() == "201"
    assert "cần năm có 4 chữ số" in dialog.birth_year.message.text()  # beside the year
    _type_over(qtbot, dialog.birth_year, "2012")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == ChildDialog.DialogCode.Accepted
    assert dialog.child().birth_year == 2012


def test_the_report_period_and_issue_date_refuse_what_does_not_read(
        qtbot: QtBot, form: QWidget) -> None:
    picker = PeriodPicker(Period.month(2026, 10))
    _in_form(qtbot, form, picker)
    with qtbot.assertNotEmitted(picker.changed):
        _type_over(qtbot, picker.year, "202")
    with pytest.raises(UserError, match="cần năm có 4 chữ số"):
        picker.period()
    with qtbot.waitSignal(picker.changed):
        _type_over(qtbot, picker.year, "2025")
    assert picker.period() == Period.month(2025, 10)

    page = ReportTextPage()
    _in_form(qtbot, form, page)
    _type_over(qtbot, page.issue_date, "1/11/2026")
    assert page.report_text().issue_date == date(2026, 11, 1)
    _type_over(qtbot, page.issue_date, "1/13/2026")
    with pytest.raises(UserError, match="không có thật trên lịch"):
        page.report_text()
