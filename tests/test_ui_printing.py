"""Printing from the window: the case printout and the list previewed and printed on the
system's printer from the PDF's own pages, and saved as a PDF only by choice, asking
before replacing a file."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.case import ChildInput
from app.services import audit, cases, demo, settings, vocabulary
from app.services.actor import Actor
from app.services.case_list import LIST_COLUMNS
from app.services.list_export import list_printout
from app.services.search import CaseQuery, search_case_ids
from app.ui.case_editor import CaseEditor
from app.ui.case_editor.print_dialog import PrintDialog
from app.ui.list_print import ListPrintDialog
from app.ui.main_window import MainWindow
from app.ui.prefs import UiPrefs
from app.ui.printing import PdfPages, PrintoutDialog
from app.ui.tasks import TaskRunner
from tests.conftest import TODAY, make_case

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils is not installed")
CHILD = "Lê Thị Bống"


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def _child_case(db: Database, officer: Actor) -> int:
    return cases.create_case(db, officer, make_case(
        detected_on=TODAY, group_code="TE", children=(ChildInput(CHILD, 2016),)),
        today=TODAY).id


def _print_dialog(qtbot: QtBot, db: Database, actor: Actor, case_id: int) -> PrintDialog:
    dialog = PrintDialog(db, actor, cases.get_case(db, actor, case_id), unsaved=False)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


class Previews:
    """QPrintPreviewDialog.exec, offscreen: shows the preview, records how many pages it
    laid out, and closes it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pages: list[int] = []
        self.titles: list[str] = []
        self.orientations: list[bool] = []
        monkeypatch.setattr(QPrintPreviewDialog, "exec", lambda dialog: self._exec(dialog))

    def _exec(self, dialog: QPrintPreviewDialog) -> int:
        dialog.show()
        widget = dialog.findChild(QPrintPreviewWidget)
        assert widget is not None
        widget.updatePreview()
        self.pages.append(widget.pageCount())
        self.titles.append(dialog.windowTitle())
        self.orientations.append(widget.orientation() == QPageLayout.Orientation.Landscape)
        dialog.close()
        return 0


def _printing_to(monkeypatch: pytest.MonkeyPatch, target: Path,
                 pages: tuple[int, int] | None = None) -> list[QPrintDialog]:
    """QPrintDialog.exec: the user picks a printer that writes `target`, and `pages` (from,
    to) if given, and accepts."""
    asked: list[QPrintDialog] = []

    def accepted(dialog: QPrintDialog) -> int:
        asked.append(dialog)
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        if pages is not None:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*pages)
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accepted)
    return asked


def _wait_idle(qtbot: QtBot, dialog: PrintoutDialog) -> None:
    qtbot.waitUntil(dialog.preview_button.isEnabled, timeout=20_000)


@needs_poppler
def test_the_case_printout_is_previewed_and_printed_without_a_file_in_the_data_folder(
        qtbot: QtBot, db: Database, officer: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = _child_case(db, officer)
    previews = Previews(monkeypatch)
    dialog = _print_dialog(qtbot, db, officer, case_id)
    assert not dialog.unmask.isEnabled()  # an officer prints children masked only
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: previews.pages != [], timeout=20_000)
    assert dialog.pages is not None and previews.pages == [len(dialog.pages)] and \
        previews.pages[0] >= 1
    assert previews.orientations == [False]  # the case sheet is portrait

    paper = tmp_path / "may-in.pdf"
    asked = _printing_to(monkeypatch, paper)
    dialog.print_button.click()
    qtbot.waitUntil(lambda: paper.exists(), timeout=20_000)
    assert len(asked) == 1 and _pdf_pages(paper) == len(dialog.pages)
    assert "Đã gửi bản in ra máy in" in dialog.message.text()
    # Printing and previewing leave nothing in the data folder.
    for folder in (db.paths.exports, db.paths.root / ".xem"):
        assert not folder.exists() or not any(folder.iterdir())
    with db.read() as session:
        printed = audit.entries(session, action="case_print")
    assert [(p.username, p.detail["children_unmasked"]) for p in printed] == [
        ("canbo", False), ("canbo", False)]


def _answers(monkeypatch: pytest.MonkeyPatch, *answers: QMessageBox.StandardButton) -> list[str]:
    """QMessageBox.question answers `answers` in turn; the questions asked, in order."""
    asked: list[str] = []
    given = iter(answers)

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return next(given)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def _choosing(monkeypatch: pytest.MonkeyPatch, name: Path) -> list[tuple[str, Any]]:
    """QFileDialog.getSaveFileName: the user types `name`; the suggestions and options."""
    offered: list[tuple[str, Any]] = []

    def chosen(_parent: object, _title: str, suggested: str, _filter: str,
               **kwargs: Any) -> tuple[str, str]:
        offered.append((suggested, kwargs.get("options")))
        return str(name), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(chosen))
    return offered


@needs_poppler
def test_saving_the_pdf_asks_before_replacing_a_file(
        qtbot: QtBot, db: Database, officer: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = _child_case(db, officer)
    code = cases.get_case(db, officer, case_id).code
    existing = tmp_path / "phieu.pdf"
    existing.write_bytes(b"bien ban cu")
    dialog = _print_dialog(qtbot, db, officer, case_id)
    # Typed without its ".pdf": the file dialog could not know it names an existing file.
    offered = _choosing(monkeypatch, tmp_path / "phieu")
    asked = _answers(monkeypatch, QMessageBox.StandardButton.No,
                     QMessageBox.StandardButton.Yes)
    dialog.save_button.click()
    assert len(asked) == 1 and "phieu.pdf" in asked[0] and "Thay tệp đó" in asked[0]
    assert existing.read_bytes() == b"bien ban cu" and dialog.saved is None
    # The program asks itself, once the name is final (the dialog would ask in English, and
    # about the name as typed).
    assert offered[0] == (str(db.paths.exports / f"phieu-{code}.pdf"),
                          QFileDialog.Option.DontConfirmOverwrite)

    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.saved == existing, timeout=20_000)
    assert len(asked) == 2
    text = _pdf_text(existing)
    assert "PHIẾU THÔNG TIN VỤ VIỆC" in text and "L.T.B." in text and "Bống" not in text
    assert f"Đã lưu vào {existing}" in dialog.message.text()
    # A new file is saved without a question.
    _choosing(monkeypatch, tmp_path / "moi.pdf")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.saved == tmp_path / "moi.pdf", timeout=20_000)
    assert len(asked) == 2


@needs_poppler
def test_a_leader_prints_children_in_full_and_saves_them_only_outside_the_data_folder(
        qtbot: QtBot, db: Database, officer: Actor, leader: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = _child_case(db, officer)
    dialog = _print_dialog(qtbot, db, leader, case_id)
    assert dialog.unmask.isEnabled()
    dialog.unmask.setChecked(True)
    paper = tmp_path / "may-in.pdf"
    _printing_to(monkeypatch, paper)
    dialog.print_button.click()
    qtbot.waitUntil(paper.exists, timeout=20_000)
    warned: list[str] = []

    def warning(_parent: object, _title: str, text: str, *_args: object) -> object:
        warned.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    offered = _choosing(monkeypatch, tmp_path / "day-du.pdf")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.saved == tmp_path / "day-du.pdf", timeout=20_000)
    assert "không chép ra USB hay mang ra khỏi cơ quan" in warned[0]
    assert Path(offered[0][0]).name.endswith("-day-du.pdf")
    assert not Path(offered[0][0]).is_relative_to(db.paths.root)
    assert CHILD in _pdf_text(tmp_path / "day-du.pdf")
    # Never in the data folder, where a purge would not find it.
    _choosing(monkeypatch, db.paths.exports / "phieu.pdf")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "không được lưu trong thư mục dữ liệu" in dialog.message.text(),
                    timeout=20_000)
    assert not (db.paths.exports / "phieu.pdf").exists()
    with db.read() as session:
        printed = audit.entries(session, action="case_print")
    assert [(p.username, p.detail["children_unmasked"]) for p in printed] == [
        ("lanhdao", True), ("lanhdao", True)]


def test_print_from_the_editor_opens_the_print_dialog(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    case_id = _child_case(db, officer)
    editor = CaseEditor(db, officer, TaskRunner(), vocabulary.load(db), settings.load_office(db),
                        UiPrefs(db.paths, officer.username), cases.get_case(db, officer, case_id))
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    qtbot.keyClick(editor, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.print_dialog
    assert isinstance(dialog, PrintDialog) and dialog.isVisible()
    assert dialog.preview_button.isDefault()
    dialog.reject()


@needs_poppler
def test_the_list_is_previewed_on_the_pages_of_its_printout_and_saved_as_pdf(
        qtbot: QtBot, db: Database, admin: Actor, officer: Actor, tmp_path: Path,
        open_window: Callable[[Actor], MainWindow], monkeypatch: pytest.MonkeyPatch) -> None:
    demo.add_demo_cases(db, admin, 60, today=TODAY)
    window = open_window(officer)
    qtbot.waitUntil(lambda: window.case_list.model.rowCount() == 60, timeout=20_000)
    expected = PdfPages(list_printout(db, officer, search_case_ids(db, CaseQuery()),
                                      window.case_list.visible_columns()))
    assert len(expected) == 3
    previews = Previews(monkeypatch)
    shown: list[ListPrintDialog] = []
    paper = tmp_path / "may-in.pdf"

    def run(dialog: ListPrintDialog) -> int:
        shown.append(dialog)
        dialog.show()
        dialog.preview_button.click()
        qtbot.waitUntil(lambda: previews.pages != [], timeout=20_000)
        saved = tmp_path / "danh-sach-vu-viec.pdf"
        saved.write_bytes(b"ban cu")
        _choosing(monkeypatch, saved)
        _answers(monkeypatch, QMessageBox.StandardButton.Yes)
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.saved == saved, timeout=20_000)
        _printing_to(monkeypatch, paper, pages=(2, 3))
        dialog.print_button.click()
        qtbot.waitUntil(paper.exists, timeout=20_000)
        dialog.reject()
        return 0

    monkeypatch.setattr(ListPrintDialog, "exec", run)
    window.print_view_action.trigger()
    assert len(shown) == 1 and "60 vụ việc" in shown[0].summary.text()
    assert previews.pages == [3] and previews.orientations == [True]  # landscape
    assert _pdf_pages(tmp_path / "danh-sach-vu-viec.pdf") == 3
    assert _pdf_pages(paper) == 2  # the pages chosen in the print dialog
    with db.read() as session:
        kinds = [e.detail["kind"] for e in audit.entries(session, action="export")]
    assert sorted(kinds) == ["case_list_pdf"] + ["case_list_print"] * 3


def test_an_empty_list_has_nothing_to_print(qtbot: QtBot, db: Database, officer: Actor) -> None:
    dialog = ListPrintDialog(db, officer, [], LIST_COLUMNS)
    qtbot.addWidget(dialog)
    assert "không có gì để in" in dialog.summary.text()
    assert not any(b.isEnabled() for b in (dialog.preview_button, dialog.print_button,
                                            dialog.save_button))
