"""The `Báo cáo` screen: figures off the UI thread, models, narrative, exports, register."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import ClosingResult
from app.domain.periods import Period
from app.domain.report import ReportOption
from app.services import cases, events, report_register, settings
from app.services.actor import Actor
from app.services.demo import demo_office
from app.ui.admin.office_form import OfficeForm
from app.ui.report.actions import register_form
from app.ui.report.children_review import ChildrenRowsReview
from app.ui.report.form_table import FormTableModel
from app.ui.report.period_picker import PeriodPicker
from app.ui.report.screen import ReportScreen
from app.ui.tasks import TaskRunner
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)


@pytest.fixture
def data(db: Database, admin: Actor, officer: Actor) -> Database:
    settings.save_office(db, admin, demo_office())
    for day in (date(2026, 9, 28), date(2026, 10, 2), date(2026, 10, 30)):
        detail = cases.create_case(db, officer, make_case(detected_on=day), today=TODAY)
    events.add_event(db, officer, detail.id, EventInput(
        "KT", date(2026, 10, 31), closing_result=ClosingResult.NO_VIOLATION), today=TODAY)
    return db


def _screen(qtbot: QtBot, db: Database, actor: Actor) -> ReportScreen:
    runner = TaskRunner()
    screen = ReportScreen(db, actor, runner)
    qtbot.addWidget(screen)
    screen.show()  # figures are computed when the screen is first shown
    screen.picker.set_period(OCTOBER)
    qtbot.waitUntil(lambda: screen.figures() is not None
                    and screen.figures().period == OCTOBER,  # type: ignore[union-attr]
                    timeout=10_000)
    return screen


def test_the_three_forms_show_the_computed_figures(qtbot: QtBot, data: Database,
                                                   leader: Actor,
                                                   qtmodeltester: ModelTester) -> None:
    screen = _screen(qtbot, data, leader)
    groups, platforms, listing = screen.models
    assert (groups.rowCount(), groups.columnCount()) == (7, 13)
    assert groups.headerData(3, Qt.Orientation.Horizontal) == "Phát hiện trong kỳ"
    assert groups.data(groups.index(6, 1)) == "Tổng cộng"
    assert groups.data(groups.index(6, 3)) == "2"
    assert [platforms.data(platforms.index(r, 1)) for r in range(platforms.rowCount())] == [
        "Facebook", "Tổng cộng"]
    assert listing.rowCount() == 2 and listing.data(listing.index(0, 2)) == "02/10/2026"
    assert "Tháng 10/2026: phát hiện 2 vụ" in screen.summary.text()
    assert "Trong tháng 10/2026, đã phát hiện 2 vụ việc" in screen.text.narrative.toPlainText()
    for model in (*screen.models, screen.action_bar.register_model):
        qtmodeltester.check(model)


def test_models_pass_the_model_tester_when_empty(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(FormTableModel())
    qtmodeltester.check(FormTableModel(register_form([])))


def test_period_picker_builds_every_kind(qtbot: QtBot) -> None:
    picker = PeriodPicker(OCTOBER)
    qtbot.addWidget(picker)
    for period in (Period.quarter(2026, 4), Period.half(2026, 1), Period.year_of(2025),
                   Period.between(date(2026, 10, 1), date(2026, 11, 15)), OCTOBER):
        picker.set_period(period)
        assert picker.period() == period
    picker.kind.setCurrentIndex(1)  # Quý
    picker.part.setCurrentIndex(3)
    assert picker.period().label == "Quý IV/2026"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_export_uses_the_edited_text_number_and_date(qtbot: QtBot, data: Database,
                                                     officer: Actor, tmp_path: Path) -> None:
    screen = _screen(qtbot, data, officer)
    actions = screen.action_bar
    assert not actions.send_button.isEnabled()  # an officer may not mark a report as sent
    screen.text.narrative.setPlainText("I. TÌNH HÌNH\nNội dung do cán bộ sửa trước khi xuất.")
    screen.text.number.setText("21")
    with qtbot.waitSignal(actions.exported, timeout=60_000):
        actions.export_to(tmp_path)
    assert actions.open_folder_button.isEnabled() and actions.last_folder == tmp_path
    assert (tmp_path / "bao-cao-2026-10.xlsx").exists()
    text = subprocess.run(["pdftotext", str(tmp_path / "bao-cao-2026-10.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    assert "Nội dung do cán bộ sửa trước khi xuất./." in text and "Số: 21/BC-VHXH" in text
    # Figures refreshed later keep the officer's text.
    screen.refresh()
    qtbot.waitUntil(lambda: "phát hiện" in screen.summary.text())  # the new figures shown
    assert screen.text.narrative_edited and "cán bộ sửa" in screen.text.narrative.toPlainText()
    screen.text.use_draft()
    assert not screen.text.narrative_edited


def test_the_word_button_writes_the_editable_report(qtbot: QtBot, data: Database,
                                                   officer: Actor, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from docx import Document

    screen = _screen(qtbot, data, officer)
    actions = screen.action_bar
    assert actions.export_docx.isEnabled() and actions.export_docx.text() == "Xuất Word…"
    screen.text.narrative.setPlainText("Nội dung do cán bộ sửa trước khi xuất.")
    screen.text.number.setText("21")
    target = tmp_path / "bc.docx"
    asked: list[str] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(target), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    with qtbot.waitSignal(actions.exported, timeout=60_000):
        actions.export_docx.click()
    assert asked[0].endswith("bao-cao-2026-10.docx")
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.xlsx"))
    document = Document(str(target))
    assert "Nội dung do cán bộ sửa trước khi xuất./." in [p.text for p in document.paragraphs]
    assert document.tables[0].rows[1].cells[0].text == "Số: 21/BC-VHXH"


def test_marking_as_sent_fills_the_register(qtbot: QtBot, data: Database, leader: Actor,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    screen = _screen(qtbot, data, leader)
    screen.text.number.setText("30")
    with qtbot.waitSignal(screen.action_bar.sent, timeout=60_000):
        screen.action_bar.send()
    qtbot.waitUntil(lambda: screen.action_bar.register_model.rowCount() == 1)
    model = screen.action_bar.register_model
    issued = screen.text.issue_date.text()  # today, even past midnight
    assert [model.data(model.index(0, c)) for c in range(5)] == [
        "Tháng 10/2026", "30/BC-VHXH", issued, "1", "Lanhdao"]
    assert screen.action_bar.last_folder == data.paths.reports
    assert len(report_register.list_sent_reports(data, leader)) == 1
    monkeypatch.setattr(QMessageBox, "warning", lambda *_args: None)
    with qtbot.waitSignal(screen.action_bar.failed, timeout=30_000) as refused:
        screen.action_bar.send()  # again, without a reason
    assert "đã chốt số liệu" in refused.args[0]




def test_before_freezing_the_rows_with_children_are_read_once_more(
        qtbot: QtBot, data: Database, officer: Actor, leader: Actor) -> None:
    cases.create_case(data, officer, make_case(
        detected_on=date(2026, 10, 12), group_code="TE", summary="Clip bé Zuyen bị đánh",
        children=(ChildInput("Nguyễn Thị Zuyên", birth_year=2014),)), today=TODAY)
    screen = _screen(qtbot, data, leader)
    screen.text.number.setText("31")
    shown: list[list[object]] = []

    def answer(confirm: bool) -> None:
        def look() -> None:
            dialogs = [w for w in QApplication.topLevelWidgets()
                       if isinstance(w, ChildrenRowsReview) and w.isVisible()]
            if not dialogs:
                QTimer.singleShot(10, look)  # not shown yet
                return
            dialog = dialogs[0]
            model = dialog.model
            shown.append([model.data(model.index(r, c)) for r in range(model.rowCount())
                          for c in range(model.columnCount())])
            if confirm:
                dialog.confirm.click()
            else:
                dialog.reject()

        QTimer.singleShot(0, look)

    answer(False)
    screen.action_bar.send_button.click()
    assert len(shown) == 1 and report_register.list_sent_reports(data, leader) == []
    [row] = [shown[0]]
    assert "2" in row  # numbered as in form 03: the second case of October
    assert "Clip bé Z. bị đánh\nTrẻ em bị ảnh hưởng: N.T.Z., 11 tuổi." in row
    assert not any("Zuy" in str(cell) for cell in row)
    answer(True)
    with qtbot.waitSignal(screen.action_bar.sent, timeout=60_000):
        screen.action_bar.send_button.click()
    assert len(shown) == 2 and len(report_register.list_sent_reports(data, leader)) == 1


def test_the_office_s_cut_off_choice_makes_the_screen_count_the_15th_to_the_14th(
        qtbot: QtBot, data: Database, admin: Actor, leader: Actor) -> None:
    form = OfficeForm(data, admin, TaskRunner(), lambda _change: None)
    qtbot.addWidget(form)
    form.report_options[ReportOption.CUT_OFF_PERIODS].setChecked(True)
    form.save()
    qtbot.waitUntil(lambda: "Đã lưu" in form.feedback.text())
    assert settings.load_office(data).report_options == (str(ReportOption.CUT_OFF_PERIODS),)

    screen = ReportScreen(data, leader, TaskRunner())
    qtbot.addWidget(screen)
    screen.show()
    october = Period.month(2026, 10, cut_off=True)
    screen.picker.kind.setCurrentIndex(0)
    screen.picker.year.set_value(2026)
    screen.picker.part.setCurrentIndex(9)
    assert screen.picker.period() == october
    assert screen.picker.days.text() == "(từ ngày 15/09/2026 đến ngày 14/10/2026)"
    qtbot.waitUntil(lambda: screen.figures() is not None
                    and screen.figures().period == october,  # type: ignore[union-attr]
                    timeout=10_000)
    # Cases of 28/09 and 02/10 fall in the cut-off October, the one of 30/10 in November.
    assert screen.figures().summary.total.detected == 2  # type: ignore[union-attr]
    assert "tháng 10/2026 (từ ngày 15/09/2026 đến ngày 14/10/2026)" in (
        screen.text.narrative.toPlainText())


def test_freezing_a_period_with_unlawful_sanctions_lists_each_case(
        qtbot: QtBot, data: Database, officer: Actor, leader: Actor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.models import Event
    from app.ui.report.actions import BreachesDialog

    # A fine on an unidentified offender, recorded before the rules existed.
    broken = cases.create_case(data, officer, make_case(detected_on=date(2026, 10, 12)),
                               today=TODAY)
    with data.write() as session:
        session.add(Event(case_id=broken.id, kind="XP", occurred_on=date(2026, 10, 14),
                          officer="canbo", sanction_form="Phạt tiền", fine_amount=5_000_000))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[2]))
    screen = _screen(qtbot, data, leader)
    screen.text.number.setText("32")
    with qtbot.waitSignal(screen.action_bar.failed, timeout=30_000) as refused:
        screen.action_bar.send()
    assert "Chưa chốt số liệu" in refused.args[0] and broken.code in refused.args[0]
    shown = screen.action_bar.breaches
    assert isinstance(shown, BreachesDialog) and shown.isVisible()
    [line] = [shown.cases.item(i).text() for i in range(shown.cases.count())]
    assert line.startswith(f"{broken.code}: Chưa xác định được đối tượng")
    assert warned == []  # the list says it: no second message box
    assert report_register.list_sent_reports(data, leader) == []
    shown.reject()
