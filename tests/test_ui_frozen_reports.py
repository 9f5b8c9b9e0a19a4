"""Frozen periods in the window: the warning before a save that would alter a frozen report,
the report tab's "Đã chốt số …" with the differences since, re-issuing, exporting the
frozen files, and opening any version's files from "Sổ báo cáo đã gửi"."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.events import EventInput
from app.domain.periods import Period
from app.domain.report import ReportText
from app.services import cases, events, report_register, settings, vocabulary
from app.services.actor import Actor
from app.services.demo import demo_office
from app.services.records import CaseDetail
from app.services.report_export import Targets
from app.ui.case_editor import CaseEditor
from app.ui.data_change import DataChange
from app.ui.delete_dialog import DeleteCaseDialog
from app.ui.main_window import MainWindow
from app.ui.prefs import UiPrefs
from app.ui.report.frozen_warning import FrozenChangeWarning
from app.ui.report.screen import ReportScreen
from app.ui.tasks import TaskRunner
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
REMOVAL = EventInput("GB", date(2026, 10, 30))


@pytest.fixture(autouse=True)
def discard_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows left open at the end of a test are closed without a modal question."""
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


@pytest.fixture
def frozen(db: Database, admin: Actor, officer: Actor, leader: Actor) -> CaseDetail:
    """October frozen as report 12 with one open case detected on 05/10."""
    settings.save_office(db, admin, demo_office())
    detail = cases.create_case(db, officer, make_case(detected_on=date(2026, 10, 5)),
                               today=TODAY)
    report_register.send_report(db, leader, OCTOBER,
                                ReportText("12", date(2026, 11, 3), "Báo cáo tháng 10."))
    return detail


def _editor(qtbot: QtBot, db: Database, actor: Actor, case_id: int) -> CaseEditor:
    editor = CaseEditor(db, actor, TaskRunner(), vocabulary.load(db), settings.load_office(db),
                        UiPrefs(db.paths, actor.username), cases.get_case(db, actor, case_id))
    qtbot.addWidget(editor)
    editor.show()
    return editor


def _warning(qtbot: QtBot, parent: CaseEditor | MainWindow) -> FrozenChangeWarning:
    qtbot.waitUntil(lambda: any(w.isVisible() for w in
                                parent.findChildren(FrozenChangeWarning)), timeout=10_000)
    return next(w for w in parent.findChildren(FrozenChangeWarning) if w.isVisible())


def test_adding_a_removal_in_a_frozen_month_warns_before_saving(
        qtbot: QtBot, db: Database, officer: Actor, frozen: CaseDetail) -> None:
    editor = _editor(qtbot, db, officer, frozen.id)
    editor.add_event(REMOVAL)
    warning = _warning(qtbot, editor)
    assert warning.text.text().startswith(
        "Báo cáo số 12/BC-VHXH tháng 10/2026 đã chốt ngày ")
    assert "thay đổi này làm thay đổi số liệu đã gửi" in warning.text.text()
    assert [b.text() for b in warning.findChildren(type(warning.accept_button))] == [
        "Lưu", "Không lưu"]
    warning.reject()  # «Không lưu»
    qtbot.waitUntil(lambda: not warning.isVisible())
    assert cases.get_case(db, officer, frozen.id).events == ()

    editor.add_event(REMOVAL)
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        _warning(qtbot, editor).accept_button.click()  # «Lưu»
    assert [e.kind for e in cases.get_case(db, officer, frozen.id).events] == ["GB"]


def test_saving_an_edit_that_moves_a_frozen_figure_warns_and_keeps_the_input(
        qtbot: QtBot, db: Database, officer: Actor, frozen: CaseDetail) -> None:
    editor = _editor(qtbot, db, officer, frozen.id)
    editor.general.group.setCurrentIndex(editor.general.group.findData("DD"))
    editor.save()
    warning = _warning(qtbot, editor)
    # The case leaves its group's row for another: three cells each (4, 5 and 12).
    assert "cột «Phát hiện trong kỳ» giảm 1; và 2 ô khác)" in warning.text.text()
    warning.reject()
    assert editor.has_unsaved_changes()  # still typed, not saved
    assert cases.get_case(db, officer, frozen.id).data.group_code == "TG"


def test_a_change_outside_frozen_periods_saves_without_a_warning(
        qtbot: QtBot, db: Database, officer: Actor, frozen: CaseDetail) -> None:
    editor = _editor(qtbot, db, officer, frozen.id)
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.add_event(EventInput("GB", date(2026, 11, 2)))
    assert not editor.findChildren(FrozenChangeWarning)


def test_deleting_a_case_of_a_frozen_month_warns_first(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], db: Database,
        leader: Actor, frozen: CaseDetail, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(leader)

    def exec_(dialog: DeleteCaseDialog) -> int:
        dialog.reason.setText("Nhập trùng")
        dialog.accept_button.click()
        warning = _warning(qtbot, window)  # over the delete dialog
        assert "Báo cáo số 12/BC-VHXH tháng 10/2026" in warning.text.text()
        assert cases.get_case(db, leader, frozen.id).deleted_at is None
        warning.accept_button.click()
        qtbot.waitUntil(lambda: dialog.result() == DeleteCaseDialog.DialogCode.Accepted,
                        timeout=10_000)
        return dialog.result()

    monkeypatch.setattr(DeleteCaseDialog, "exec", exec_)
    window.delete_case(frozen.id)
    assert cases.get_case(db, leader, frozen.id).deleted_at is not None
    window.runner.wait()


def _screen(qtbot: QtBot, db: Database, actor: Actor) -> ReportScreen:
    screen = ReportScreen(db, actor, TaskRunner())
    qtbot.addWidget(screen)
    screen.show()
    screen.picker.set_period(OCTOBER)
    qtbot.waitUntil(lambda: (f := screen.figures()) is not None and f.period == OCTOBER
                    and "phát hiện" in screen.summary.text(), timeout=20_000)
    return screen


def test_the_report_tab_shows_a_frozen_month_and_its_differences_and_reissues(
        qtbot: QtBot, db: Database, officer: Actor, leader: Actor, frozen: CaseDetail,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    screen = _screen(qtbot, db, leader)
    assert "Số liệu hôm nay khớp với số liệu đã chốt." in screen.frozen_note.text()
    assert screen.text.number.text() == "12" and screen.text.number.isReadOnly()
    events.add_event(db, officer, frozen.id, REMOVAL, today=TODAY)  # saved after freezing
    screen.refresh_for(DataChange.cases([frozen.id]))
    qtbot.waitUntil(lambda: "khác số liệu đã chốt" in screen.frozen_note.text(),
                    timeout=20_000)
    note = screen.frozen_note.text()
    assert screen.frozen_note.isVisible() and note.startswith(
        "Đã chốt số 12/BC-VHXH ngày 03/11/2026 (phiên bản 1; Lanhdao chốt lúc ")
    assert "khác số liệu đã chốt ở 4 ô" in note
    assert "Biểu 01, dòng «Tổng cộng», cột «Đã gỡ bỏ»: 0 → 1" in note
    actions = screen.action_bar
    assert actions.reissue_button.isVisible() and not actions.send_button.isVisible()

    # Exporting gives the frozen files, whatever the text page says now.
    sent = report_register.list_sent_reports(db, leader)[0]
    with qtbot.waitSignal(actions.exported, timeout=60_000):
        actions.export(Targets(pdf=tmp_path / "bc.pdf"))
    assert hashlib.sha256((tmp_path / "bc.pdf").read_bytes()).hexdigest() == sent.pdf_sha256
    assert "bản đã chốt số 12/BC-VHXH" in screen.summary.text()

    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("Bổ sung việc gỡ bỏ ghi muộn", True)))
    with qtbot.waitSignal(actions.sent, timeout=60_000):
        actions.reissue_button.click()
    qtbot.waitUntil(lambda: actions.register_model.rowCount() == 2, timeout=10_000)
    model = actions.register_model
    assert [[model.data(model.index(r, c)) for c in (1, 3)] for r in range(2)] == [
        ["12/BC-VHXH", "2"], ["12/BC-VHXH", "1"]]
    # A month not frozen gets back the number field as typed.
    screen.picker.set_period(Period.month(2026, 9))
    qtbot.waitUntil(lambda: not screen.text.number.isReadOnly(), timeout=20_000)
    assert not screen.frozen_note.isVisible() and actions.send_button.isVisible()


def test_the_register_opens_the_files_of_any_version_as_sent(
        qtbot: QtBot, db: Database, admin: Actor, officer: Actor, leader: Actor,
        frozen: CaseDetail, monkeypatch: pytest.MonkeyPatch) -> None:
    first = report_register.list_sent_reports(db, leader)[0]
    events.add_event(db, officer, frozen.id, REMOVAL, today=TODAY)
    office = settings.load_office(db)
    settings.save_office(db, admin, dataclasses.replace(office, unit_signer_name="Người Ký Mới"))
    report_register.reissue_report(db, leader, OCTOBER,
                                   ReportText("", date(2026, 11, 25), "Bổ sung."), "Bổ sung")
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url) or True))
    screen = _screen(qtbot, db, leader)
    qtbot.waitUntil(lambda: screen.action_bar.register_model.rowCount() == 2, timeout=10_000)
    screen.tabs.setCurrentIndex(4)
    screen.register_table.selectRow(1)  # the first version, older
    screen.open_sent_pdf.click()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    pdf = Path(opened[0].toLocalFile())
    assert pdf.name == "bao-cao-2026-10-so-12-v1.pdf"
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == first.pdf_sha256
    screen.open_sent_xlsx.click()
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=10_000)
    xlsx = Path(opened[1].toLocalFile())
    assert hashlib.sha256(xlsx.read_bytes()).hexdigest() == first.xlsx_sha256
    assert "phiên bản 1, đúng như đã gửi" in screen.summary.text()
