"""«Sổ văn bản»: the register's screen filters and searches, opens a document's case,
enters a reply against its request, attaches a signed copy; the dashboard lists the
requests waiting too long and opens them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QStyle
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.documents import DocumentKind
from app.domain.labels import OVERDUE
from app.services import cases, documents
from app.services.actor import Actor
from app.services.documents import REGISTER_COLUMNS, Direction
from app.ui.documents_view import DocumentsView, ReceivedDialog
from app.ui.main_window import MainWindow
from tests.conftest import make_case

TODAY = date.today()
DAY = timedelta(days=1)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def letters(db: Database, officer: Actor) -> dict[str, int]:
    first = cases.create_case(db, officer, make_case(detected_on=TODAY - 40 * DAY),
                              today=TODAY).id
    second = cases.create_case(db, officer, make_case(detected_on=TODAY - 40 * DAY,
                                                      account="Trang thứ hai"), today=TODAY).id
    late = documents.enter_drafted(db, officer, DocumentKind.ESCALATION, [first, second], None,
                                   issued_on=TODAY - 30 * DAY, reply_by=TODAY - 10 * DAY,
                                   recipients="Sở Văn hóa, Thể thao và Du lịch")
    invite = documents.enter_drafted(db, officer, DocumentKind.INVITATION, [first], None,
                                     issued_on=TODAY - 5 * DAY, recipients="Ông Trần Văn Bình")
    return {"first": first, "second": second, "late": late.id, "invite": invite.id}


def _screen(qtbot: QtBot, window: MainWindow) -> DocumentsView:
    view = window.show_screen("documents")
    assert isinstance(view, DocumentsView)
    qtbot.waitUntil(lambda: len(view.entries) > 0, timeout=10_000)
    return view


def _numbers(view: DocumentsView) -> list[str]:
    return [view.table.item(row, 2).text() for row in range(view.table.rowCount())]


def test_the_register_filters_searches_and_opens_the_case(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], officer: Actor,
        letters: dict[str, int]) -> None:
    window = open_window(officer)
    view = _screen(qtbot, window)
    assert _numbers(view) == ["01/GM-VHXH", "01/BC-VHXH"]
    with qtbot.waitSignal(view.loaded):
        view.search.setText("tran van binh")
        view.search.returnPressed.emit()
    assert _numbers(view) == ["01/GM-VHXH"]
    with qtbot.waitSignal(view.loaded):
        view.search.clear()
    with qtbot.waitSignal(view.loaded):
        view.overdue.setChecked(True)
    assert _numbers(view) == ["01/BC-VHXH"]
    assert view.table.item(0, 9).text() == "Quá hạn"
    with qtbot.waitSignal(view.loaded):
        view.overdue.setChecked(False)
    with qtbot.waitSignal(view.loaded):
        view.kind.setCurrentIndex(view.kind.findData(DocumentKind.INVITATION))
    assert _numbers(view) == ["01/GM-VHXH"]
    view.table.selectRow(0)
    opened: list[int] = []
    view.open_case.disconnect()
    view.open_case.connect(opened.append)
    view.open_selected_case()
    assert opened == [letters["first"]]


def test_a_reply_entered_against_its_request_ends_the_wait(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], db: Database,
        officer: Actor, letters: dict[str, int]) -> None:
    window = open_window(officer)
    dashboard = window.show_screen("dashboard")
    list_widget = window.dashboard.attention
    qtbot.waitUntil(lambda: any("quá hạn trả lời" in list_widget.item(r).text()
                                for r in range(list_widget.count())), timeout=10_000)
    line = next(list_widget.item(r) for r in range(list_widget.count())
                if "quá hạn trả lời" in list_widget.item(r).text())
    assert "01/BC-VHXH" in line.text() and dashboard is window.dashboard
    window.dashboard._open_attention(line)  # as a click does
    view = window.tab_screen("documents")
    assert isinstance(view, DocumentsView)
    qtbot.waitUntil(lambda: _numbers(view) == ["01/BC-VHXH"], timeout=10_000)
    assert view.overdue.isChecked()

    view.table.selectRow(0)
    with qtbot.waitSignal(view.receive_button.clicked):
        view.receive_button.click()
    qtbot.waitUntil(lambda: view.findChild(ReceivedDialog) is not None, timeout=10_000)
    dialog = view.findChild(ReceivedDialog)
    assert dialog is not None and dialog.answers.currentData() == letters["late"]
    dialog.accept_button.click()  # no sender: refused, the dialog stays
    qtbot.waitUntil(lambda: "cơ quan" in dialog.message.text().lower(), timeout=10_000)
    dialog.sender_name.setText("Sở Văn hóa, Thể thao và Du lịch")
    dialog.their_number.setText("88/SVHTTDL-QLVH")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        dialog.accept_button.click()
    assert _numbers(view) == []  # nothing overdue any more
    assert documents.overdue_replies(db, officer) == []
    received = documents.register(db, officer, documents.RegisterQuery(
        direction=Direction.RECEIVED))
    assert [(e.number, set(e.case_ids)) for e in received] == [
        ("88/SVHTTDL-QLVH", {letters["first"], letters["second"]})]


def test_a_signed_copy_is_attached_from_the_screen(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], db: Database,
        officer: Actor, letters: dict[str, int], tmp_path: Path) -> None:
    window = open_window(officer)
    view = _screen(qtbot, window)
    view.table.selectRow(1)
    entry = view.selected_entry()
    assert entry is not None and entry.id == letters["late"]
    assert view.attach_button.isEnabled() and not view.view_button.isEnabled()
    scan = tmp_path / "ban-da-ky.pdf"
    scan.write_bytes(PDF)
    view.attach_file(entry, scan)
    qtbot.waitUntil(lambda: (view.selected_entry() or entry).signed_copy is not None,
                    timeout=10_000)
    assert view.view_button.isEnabled()
    assert documents.open_signed_copy(db, officer, letters["late"]).read_bytes() == PDF


def test_a_viewer_sees_the_register_without_the_buttons_that_write(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], viewer: Actor,
        letters: dict[str, int]) -> None:
    window = open_window(viewer)
    view = _screen(qtbot, window)
    assert len(view.entries) == 2
    assert not view.receive_button.isVisibleTo(view)
    assert not view.attach_button.isVisibleTo(view)


def test_every_header_and_the_overdue_mark_are_readable_at_1366_px(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], officer: Actor,
        letters: dict[str, int]) -> None:
    window = open_window(officer)
    window.resize(1366 - 16, 768 - 40 - 40)  # the fit test's screen less the frame
    view = _screen(qtbot, window)
    qtbot.waitUntil(lambda: view.table.viewport().width() > 1000)
    header = view.table.horizontalHeader()
    cut = [view.table.horizontalHeaderItem(column).text() for column in range(header.count())
           if header.sectionSize(column) < header.sectionSizeFromContents(column).width()]
    assert cut == []
    assert sum(header.sectionSize(c) for c in range(header.count())) <= (
        view.table.viewport().width())  # no column pushed out of sight
    # «Quá hạn» and the dates on one line, whole: the text and the cell's margins within.
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
    widths = view.table.fontMetrics()
    headers = [text for text, _ in REGISTER_COLUMNS]
    for column, sample in ((headers.index(OVERDUE), OVERDUE),
                           (headers.index("Ngày"), "28/10/2026"),
                           (headers.index("Hạn trả lời"), "28/10/2026")):
        assert widths.horizontalAdvance(sample) + 2 * margin <= view.table.columnWidth(column)
