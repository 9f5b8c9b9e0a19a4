"""The sanction path in the window: «Sửa quyết định», «Thi hành quyết định», the addressee of
a transfer, and the cases "chốt số liệu" refuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.events import EventInput
from app.domain.labels import SanctionForm
from app.domain.sanctions import DecisionFollowUp
from app.services import cases, events, settings, vocabulary
from app.services.actor import Actor
from app.ui.case_editor import CaseEditor
from app.ui.case_editor.decision_dialog import DecisionDialog
from app.ui.case_editor.event_dialog import EventDialog
from app.ui.prefs import UiPrefs
from app.ui.tasks import TaskRunner
from tests.conftest import make_case

TODAY = date.today()
DECIDED = TODAY - timedelta(days=20)


@pytest.fixture(autouse=True)
def discard_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


def _fined(db: Database, officer: Actor) -> int:
    case = cases.create_case(db, officer, make_case(
        detected_on=DECIDED - timedelta(days=2), offender_name="Trần Văn Bình"), today=TODAY)
    events.add_event(db, officer, case.id, EventInput("BB", DECIDED - timedelta(days=1)),
                     today=TODAY)
    events.add_event(db, officer, case.id, EventInput(
        "XP", DECIDED, document_number="5/QĐ-XPHC", sanction_form=SanctionForm.FINE,
        fine_amount=7_500_000), today=TODAY)
    return case.id


def _editor(qtbot: QtBot, db: Database, actor: Actor, case_id: int) -> CaseEditor:
    editor = CaseEditor(db, actor, TaskRunner(), vocabulary.load(db), settings.load_office(db),
                        UiPrefs(db.paths, actor.username), cases.get_case(db, actor, case_id))
    qtbot.addWidget(editor)
    editor.show()
    return editor


def _select(editor: CaseEditor, kind: str) -> None:
    row = next(i for i, e in enumerate(editor.timeline.events)
               if e.kind == kind and not e.voided)
    editor.timeline.table.selectRow(row)


def _answer_modal(kind: type, act: object) -> None:
    """Run `act` on the modal dialog of `kind` once it shows."""
    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(10, look)
            return
        act(dialog)  # type: ignore[operator]

    QTimer.singleShot(0, look)


def test_correcting_a_decision_records_a_new_one_and_voids_the_old(
        qtbot: QtBot, db: Database, officer: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = _editor(qtbot, db, officer, _fined(db, officer))
    _select(editor, "BB")
    assert not editor.timeline.correct_button.isEnabled()  # a biên bản is no decision
    _select(editor, "XP")
    assert editor.timeline.correct_button.isEnabled()
    monkeypatch.setattr("app.ui.case_editor.editor.QInputDialog.getText",
                        staticmethod(lambda *a, **k: ("Sai số tiền", True)))

    def correct(dialog: EventDialog) -> None:
        assert dialog.amount.value() == 7_500_000 and not dialog.kind.isEnabled()
        dialog.amount.setValue(6_000_000)
        dialog.accept()

    _answer_modal(EventDialog, correct)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.timeline.correct_button.click()
    decisions = [(e.fine_amount, e.voided) for e in editor.timeline.events if e.kind == "XP"]
    assert decisions == [(7_500_000, True), (6_000_000, False)]
    assert "Đã ghi quyết định mới" in editor.message.text()


def test_a_second_decision_is_refused_in_the_dialog_with_the_way_to_correct(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    editor = _editor(qtbot, db, officer, _fined(db, officer))
    dialog = editor._event_dialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("XP"))
    dialog.accept()
    assert dialog.result() != EventDialog.DialogCode.Accepted
    assert "Sửa quyết định" in dialog.errors["kind"].text()


def test_the_follow_up_dialog_records_delivery_and_payment(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    case_id = _fined(db, officer)
    editor = _editor(qtbot, db, officer, case_id)
    _select(editor, "XP")
    delivered = DECIDED + timedelta(days=1)

    def follow(dialog: DecisionDialog) -> None:
        dialog.delivered.set_value(delivered)
        assert (delivered + timedelta(days=10)).strftime("%d/%m/%Y") in dialog.deadline.text()
        dialog.paid.set_value(delivered + timedelta(days=3))
        dialog.accept()  # no receipt number: refused, the dialog stays
        assert "số biên lai" in dialog.errors["paid_on"].text() and dialog.isVisible()
        dialog.receipt.setText("0001234/BLTP")
        dialog.accept()

    _answer_modal(DecisionDialog, follow)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.timeline.follow_up_button.click()
    recorded = cases.get_case(db, officer, case_id).events[-1]
    assert recorded.follow_up == DecisionFollowUp(
        delivered, delivered + timedelta(days=3), 7_500_000, "0001234/BLTP")
    assert "đã nộp 7.500.000 đồng" in editor.timeline.table.item(
        len(editor.timeline.events) - 1, 3).text()


def test_a_warning_decision_follows_only_its_delivery(qtbot: QtBot, db: Database,
                                                      officer: Actor) -> None:
    case = cases.create_case(db, officer, make_case(
        detected_on=DECIDED, offender_name="Trần Văn Bình"), today=TODAY)
    decided = events.add_event(db, officer, case.id, EventInput(
        "XP", DECIDED, sanction_form=SanctionForm.WARNING), today=TODAY).events[-1]
    dialog = DecisionDialog(decided, today=TODAY)
    qtbot.addWidget(dialog)
    assert set(dialog.errors) == {"delivered_on"}
    dialog.delivered.set_value(DECIDED)
    assert dialog.follow_up() == DecisionFollowUp(delivered_on=DECIDED)


def test_a_transfer_names_the_body_from_the_suggestions(qtbot: QtBot, db: Database,
                                                        officer: Actor) -> None:
    case = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    editor = _editor(qtbot, db, officer, case.id)
    dialog = editor._event_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentIndex(dialog.kind.findData("XM"))
    assert not dialog.addressee.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findData("CTE"))
    assert dialog.addressee.isVisible()
    dialog.addressee.setCurrentText("Phòng Văn hóa - Xã hội (bảo vệ trẻ em)")
    data = dialog.event_input()
    recorded = events.add_event(db, officer, case.id, data, today=TODAY).events[-1]
    assert recorded.addressee == "Phòng Văn hóa - Xã hội (bảo vệ trẻ em)"
