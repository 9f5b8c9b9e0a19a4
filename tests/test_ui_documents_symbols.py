"""The office form's table of document symbols: each kind's symbol shown, changed, saved and
used by the register; a symbol the register cannot number is refused in Vietnamese."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.documents import DEFAULT_SYMBOLS, DocumentKind
from app.services import cases, documents, settings
from app.services.actor import Actor
from app.ui.admin import AdminScreen
from app.ui.tasks import TaskRunner
from tests.conftest import TODAY, make_case


def _row(kind: DocumentKind) -> int:
    return list(DocumentKind).index(kind)


def test_the_office_form_sets_each_kinds_symbol(qtbot: QtBot, db: Database, admin: Actor,
                                                 officer: Actor) -> None:
    screen = AdminScreen(db, admin, TaskRunner(), lambda _change: None)
    qtbot.addWidget(screen)
    table = screen.office.symbols.table
    assert table.item(_row(DocumentKind.DECISION), 1).text() == "QĐ-XPHC"
    table.item(_row(DocumentKind.INVITATION), 1).setText("GM-UBND")
    table.item(_row(DocumentKind.DECISION), 1).setText("")  # back to the default
    screen.office.save()
    qtbot.waitUntil(lambda: "Đã lưu" in screen.office.feedback.text())
    office = settings.load_office(db)
    assert office.document_symbol(DocumentKind.INVITATION) == "GM-UBND"
    assert office.document_symbol(DocumentKind.DECISION) == DEFAULT_SYMBOLS[DocumentKind.DECISION]
    case_id = cases.create_case(db, officer, make_case(), today=TODAY).id
    entry = documents.enter_drafted(db, officer, DocumentKind.INVITATION, [case_id], None,
                                    issued_on=date(2026, 11, 2))
    assert entry.number == "01/GM-UBND"


def test_a_symbol_with_a_slash_or_too_long_is_refused_and_nothing_saved(
        qtbot: QtBot, db: Database, admin: Actor) -> None:
    screen = AdminScreen(db, admin, TaskRunner(), lambda _change: None)
    qtbot.addWidget(screen)
    form = screen.office
    form.symbols.table.item(_row(DocumentKind.DECISION), 1).setText("QĐ/XPHC")
    assert "dấu «/»" in form.symbols.error.text() and not form.symbols.error.isHidden()
    form.save()
    assert "quyết định xử phạt" in form.feedback.text() and "dấu «/»" in form.feedback.text()
    form.symbols.table.item(_row(DocumentKind.DECISION), 1).setText("X" * 41)
    assert "tối đa 40 ký tự" in form.symbols.error.text()
    form.symbols.table.item(_row(DocumentKind.DECISION), 1).setText("QĐ-UBND")
    assert form.symbols.error.isHidden()
    assert settings.load_office(db).document_symbol(DocumentKind.DECISION) == "QĐ-XPHC"
