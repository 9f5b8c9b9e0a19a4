"""Drafting from the window: «Ghi và soạn văn bản…» after an event whose step has a document,
«Soạn văn bản…» in the case editor and on the register's screen; kinds that do not fit
greyed with the reason; a leader names children only with a legal basis."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices, QStandardItemModel
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.case import ChildInput
from app.domain.documents import DocumentKind
from app.domain.events import EventInput
from app.services import cases, demo, documents, legal_basis, settings, vocabulary
from app.services.actor import Actor
from app.services.documents import Direction, RegisterQuery
from app.services.records import CaseDetail
from app.ui.case_editor import CaseEditor
from app.ui.case_editor.event_dialog import EventDialog
from app.ui.documents_view import DocumentsView
from app.ui.draft_dialog import BASIS_MISSING, DraftDialog
from app.ui.main_window import MainWindow
from app.ui.prefs import UiPrefs
from app.ui.tasks import TaskRunner
from tests.conftest import make_case

TODAY = date.today()
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def discard_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


def _case(db: Database, actor: Actor, **changes: object) -> CaseDetail:
    values: dict[str, object] = {"detected_on": TODAY - 10 * DAY,
                                 "offender_name": "Trần Văn Bình"}
    values.update(changes)
    return cases.create_case(db, actor, make_case(**values))


def _editor(qtbot: QtBot, db: Database, actor: Actor, case_id: int) -> CaseEditor:
    editor = CaseEditor(db, actor, TaskRunner(), vocabulary.load(db), settings.load_office(db),
                        UiPrefs(db.paths, actor.username), cases.get_case(db, actor, case_id))
    qtbot.addWidget(editor)
    editor.show()
    return editor


def _enabled(dialog: DraftDialog, kind: DocumentKind) -> bool:
    model = dialog.kind.model()
    assert isinstance(model, QStandardItemModel)
    return model.item(dialog.kind.findData(kind)).isEnabled()


def _tooltip(dialog: DraftDialog, kind: DocumentKind) -> str:
    model = dialog.kind.model()
    assert isinstance(model, QStandardItemModel)
    return model.item(dialog.kind.findData(kind)).toolTip()


def _ready(qtbot: QtBot, dialog: DraftDialog) -> None:
    qtbot.waitUntil(lambda: dialog.loaded is not None and dialog.draft_button.isEnabled(),
                    timeout=10_000)


def test_the_event_dialog_offers_drafting_for_a_step_with_a_document(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    case = _case(db, officer)
    act = case.data.act_date
    assert act is not None
    dialog = EventDialog(vocabulary.load(db), legal_basis.proposals(db, act.day, "TG"), act,
                         default_day=TODAY, offer_draft=True)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("MLV"))
    assert not dialog.draft_button.isHidden()
    dialog.kind.setCurrentIndex(dialog.kind.findData("XM"))  # verifying: no document
    assert dialog.draft_button.isHidden()


def test_an_invitation_drafted_after_its_event_is_written_and_entered_in_the_register(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], db: Database,
        officer: Actor, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.save_office(db, admin, demo.demo_office())  # the demo office's units and signer
    case = _case(db, officer)
    window = open_window(officer)
    editor = _editor(qtbot, db, officer, case.id)
    editor.add_event(EventInput("MLV", TODAY), draft=True)  # «Ghi và soạn văn bản…»
    qtbot.waitUntil(lambda: editor.findChild(DraftDialog) is not None, timeout=10_000)
    dialog = editor.findChild(DraftDialog)
    assert dialog is not None
    _ready(qtbot, dialog)
    assert dialog.chosen_kind() is DocumentKind.INVITATION
    assert dialog.event_choice.currentData() is not None  # the event just recorded
    assert _enabled(dialog, DocumentKind.MEETING_RECORD)
    assert not _enabled(dialog, DocumentKind.ESCALATION)  # not this step's document
    assert "«Mời làm việc»" in _tooltip(dialog, DocumentKind.ESCALATION)
    assert set(dialog.details) == {"thoi_gian", "dia_diem", "mang_theo"}
    assert dialog.addressees.toPlainText()  # the kind's default, editable
    dialog.details["thoi_gian"].setPlainText("08 giờ 00 phút, ngày 15/12/2026")
    dialog.details["dia_diem"].setPlainText("Trụ sở Ủy ban nhân dân xã Minh Tân")
    dialog.target.setText(str(tmp_path / "giay-moi.docx"))
    dialog._target_chosen = True
    with qtbot.waitSignal(dialog.drafted, timeout=60_000) as drafted:
        dialog.draft_button.click()
    result = drafted.args[0]
    assert result.docx == tmp_path / "giay-moi.docx" and result.docx.stat().st_size > 0
    assert result.pdf == tmp_path / "giay-moi.pdf" and result.pdf.read_bytes()[:4] == b"%PDF"
    assert result.entry.number == "01/GM-VHXH"
    assert not dialog.open_word.isHidden() and not dialog.open_pdf.isHidden()
    assert not dialog.draft_button.isEnabled()  # one document, one number
    # A PC without Word: said, with where the file is, instead of nothing happening.
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    dialog.open_word.click()
    assert dialog.message.text() == (
        "Không mở được «giay-moi.docx»: máy này chưa có chương trình đọc tệp «.docx». "
        f"Tệp đã được ghi ở «{tmp_path}».")
    view = window.show_screen("documents")
    assert isinstance(view, DocumentsView)
    qtbot.waitUntil(lambda: [e.number for e in view.entries] == ["01/GM-VHXH"],
                    timeout=10_000)


def test_the_register_screen_drafts_for_the_cases_of_the_selected_document(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], db: Database,
        officer: Actor, tmp_path: Path) -> None:
    unknown = [_case(db, officer, offender_name=None, account=f"Trang {n}").id
               for n in range(2)]
    documents.enter_drafted(db, officer, DocumentKind.REMOVAL_REQUEST, unknown, None,
                            issued_on=TODAY)
    window = open_window(officer)
    view = window.show_screen("documents")
    assert isinstance(view, DocumentsView)
    qtbot.waitUntil(lambda: len(view.entries) == 1, timeout=10_000)
    view.table.selectRow(0)
    view.draft_button.click()
    dialog = view.findChild(DraftDialog)
    assert dialog is not None
    _ready(qtbot, dialog)
    # Two cases, offenders unknown: the first kind that fits is chosen; an invitation,
    # written to one known offender, does not fit.
    assert _enabled(dialog, dialog.chosen_kind())
    assert not _enabled(dialog, DocumentKind.INVITATION)
    assert _tooltip(dialog, DocumentKind.INVITATION)
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.ESCALATION))
    _ready(qtbot, dialog)
    dialog.target.setText(str(tmp_path / "kien-nghi.docx"))
    dialog._target_chosen = True
    with qtbot.waitSignal(dialog.drafted, timeout=60_000):
        dialog.draft_button.click()
    qtbot.waitUntil(lambda: "01/BC-VHXH" in [e.number for e in view.entries], timeout=10_000)
    entry = next(e for e in view.entries if e.number == "01/BC-VHXH")
    assert set(entry.case_ids) == set(unknown) and entry.reply_by is not None


def test_a_leader_names_children_only_with_a_legal_basis(
        qtbot: QtBot, db: Database, officer: Actor, leader: Actor, tmp_path: Path) -> None:
    case = _case(db, officer, group_code="TE", children=(ChildInput("Lê Thị Bé", 2014),))
    editor = _editor(qtbot, db, leader, case.id)
    editor.open_draft_dialog()
    dialog = editor.draft_dialog
    assert isinstance(dialog, DraftDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.INVITATION))
    _ready(qtbot, dialog)
    assert not dialog.name_children.isHidden()
    dialog.name_children.setChecked(True)
    dialog.target.setText(str(tmp_path / "giay-moi.docx"))
    dialog._target_chosen = True
    dialog.draft_button.click()
    assert dialog.basis_error.text() == BASIS_MISSING
    assert documents.register(db, leader, RegisterQuery(direction=Direction.SENT)) == []


def test_an_officer_is_not_offered_to_name_children(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    case = _case(db, officer)
    editor = _editor(qtbot, db, officer, case.id)
    editor.open_draft_dialog()
    dialog = editor.draft_dialog
    assert isinstance(dialog, DraftDialog)
    assert dialog.name_children.isHidden() and dialog.basis.isHidden()


def test_kinds_without_kinh_gui_hide_the_field_and_send_none(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    case = _case(db, officer)
    editor = _editor(qtbot, db, officer, case.id)
    editor.open_draft_dialog()
    dialog = editor.draft_dialog
    assert isinstance(dialog, DraftDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.INVITATION))
    _ready(qtbot, dialog)
    assert dialog.addressees.isVisibleTo(dialog) and dialog.addressees.toPlainText()
    for kind in (DocumentKind.MEETING_RECORD, DocumentKind.VIOLATION_RECORD,
                 DocumentKind.DECISION):
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
        assert not dialog.addressees.isVisibleTo(dialog), kind
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.MEETING_RECORD))
    _ready(qtbot, dialog)
    dialog.addressees.setPlainText("Gõ trước khi đổi loại")
    request = dialog.request()
    assert request is not None and request.addressees == ()
    dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.COMMITMENT))
    assert dialog.addressees.isVisibleTo(dialog)  # the commitment is written to the unit
