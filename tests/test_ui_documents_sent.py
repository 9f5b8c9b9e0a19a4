"""«Ghi văn bản đi»: a document made outside the program entered in the register from the
«Sổ văn bản» screen, with the next number or one typed (refused when used), its cases by
code and its event, and a request's reply date from the office's reply clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.documents import DocumentKind
from app.domain.events import EventInput
from app.services import cases, documents, events
from app.services.actor import Actor
from app.services.documents import Direction, RegisterQuery
from app.ui.documents_view import DocumentsView, SentDialog
from app.ui.main_window import MainWindow
from tests.conftest import make_case

TODAY = date.today()


def _dialog(qtbot: QtBot, window: MainWindow) -> tuple[DocumentsView, SentDialog]:
    view = window.show_screen("documents")
    assert isinstance(view, DocumentsView)
    view.send_button.click()
    qtbot.waitUntil(lambda: view.findChild(SentDialog) is not None, timeout=10_000)
    dialog = view.findChild(SentDialog)
    assert dialog is not None
    return view, dialog


def test_a_request_made_outside_is_entered_with_the_next_number_and_a_reply_date(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], db: Database,
        officer: Actor) -> None:
    case = cases.create_case(db, officer, make_case(detected_on=TODAY - 10 * timedelta(1)))
    case = events.add_event(db, officer, case.id, EventInput(
        "KN", TODAY, addressee="Sở Văn hóa, Thể thao và Du lịch"))
    window = open_window(officer)
    view, dialog = _dialog(qtbot, window)
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.ESCALATION))
    clock = documents.reply_clock(db)
    assert dialog.reply_by.value() == clock.reply_by(DocumentKind.ESCALATION, TODAY)
    dialog.codes.setText(f" {case.code} ")
    dialog.look_up_cases()
    qtbot.waitUntil(lambda: dialog.event_choice.count() == 2, timeout=10_000)
    dialog.event_choice.setCurrentIndex(1)
    dialog.recipients.setPlainText("Sở Văn hóa, Thể thao và Du lịch\nLưu: VT")
    dialog.subject.setPlainText("Kiến nghị hỗ trợ xác minh chủ tài khoản")
    with qtbot.waitSignal(dialog.entered, timeout=10_000) as entered:
        dialog.accept_button.click()
    entry = entered.args[0]
    assert entry.number == "01/BC-VHXH" and entry.case_ids == (case.id,)
    assert entry.event_id == case.events[-1].id and entry.reply_by is not None
    qtbot.waitUntil(lambda: "01/BC-VHXH" in view.message.text(), timeout=10_000)
    [stored] = documents.register(db, officer, RegisterQuery(direction=Direction.SENT))
    assert stored.counterpart == "Sở Văn hóa, Thể thao và Du lịch\nLưu: VT"


def test_a_number_already_used_or_an_unknown_code_is_refused_and_the_dialog_stays(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], db: Database,
        officer: Actor) -> None:
    case = cases.create_case(db, officer, make_case(detected_on=TODAY))
    documents.enter_drafted(db, officer, DocumentKind.INVITATION, [case.id], None,
                            issued_on=TODAY, number=7)
    window = open_window(officer)
    _view, dialog = _dialog(qtbot, window)
    assert dialog.kind.currentData() == DocumentKind.INVITATION
    assert dialog.reply_by.value() is None  # an invitation expects no reply
    dialog.codes.setText("VP-KHONG-CO")
    dialog.look_up_cases()
    qtbot.waitUntil(lambda: "VP-KHONG-CO" in dialog.codes_error.text(), timeout=10_000)
    dialog.codes.setText(case.code)
    dialog.number.setText("7")
    dialog.accept_button.click()
    # The refusal is said, then the button given back, by two callbacks of the task.
    qtbot.waitUntil(lambda: "đã dùng" in dialog.message.text()
                    and dialog.accept_button.isEnabled(), timeout=10_000)
    assert dialog.isVisible()
    dialog.number.setText("")
    with qtbot.waitSignal(dialog.entered, timeout=10_000) as entered:
        dialog.accept_button.click()
    assert entered.args[0].number == "08/GM-VHXH"
