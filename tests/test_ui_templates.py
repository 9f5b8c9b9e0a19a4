"""Quản trị → Mẫu văn bản: an administrator exports the report's template, puts back an edit
(a broken one refused naming its field, the list unchanged) and goes back to the default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.services import templates
from app.services.actor import Actor
from app.ui.admin import AdminScreen
from app.ui.admin.templates_view import TemplatesView
from app.ui.tasks import TaskRunner

SENTENCE = "Đơn vị cam kết số liệu trên là trung thực."


def _rows(view: TemplatesView) -> list[tuple[str, ...]]:
    table = view.table
    return [tuple(table.item(row, column).text() for column in (0, 1, 3))
            for row in range(table.rowCount())]


def _edit(source: Path, target: Path, *, misspell: bool) -> Path:
    document = Document(str(source))
    document.add_paragraph(SENTENCE)
    if misspell:
        for paragraph in document.paragraphs:
            for run in paragraph.runs:
                run.text = run.text.replace("{{ trich_yeu }}", "{{ trich_yeuu }}")
    document.save(str(target))
    return target


def _choose(monkeypatch: pytest.MonkeyPatch, name: str, path: Path) -> None:
    """The file dialog `name` answers `path`."""
    monkeypatch.setattr(QFileDialog, name, staticmethod(
        lambda *_args, **_kwargs: (str(path), "")))


def test_an_administrator_exports_replaces_and_restores_a_template(
        qtbot: QtBot, db: Database, admin: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    screen = AdminScreen(db, admin, TaskRunner(), lambda _change: None)
    qtbot.addWidget(screen)
    view = screen.templates
    assert screen.tabText(screen.indexOf(view)) == "Mẫu văn bản"
    qtbot.waitUntil(lambda: view.table.rowCount() == 11)  # the report and each letter kind
    assert _rows(view)[0] == ("Báo cáo định kỳ kết quả phát hiện, xử lý", "Mẫu mặc định", "")
    assert ("Giấy mời làm việc", "Mẫu mặc định", "") in _rows(view)
    assert "{{ so_ky_hieu }}: số, ký hiệu văn bản" in view.fields.text()

    exported = tmp_path / "mau" / "bao-cao.docx"
    _choose(monkeypatch, "getSaveFileName", exported)
    view.export_button.click()
    qtbot.waitUntil(lambda: "Đã xuất" in view.feedback.text())
    assert exported.exists()

    # A misspelt field: refused, named, the default still in use.
    _choose(monkeypatch, "getOpenFileName",
            _edit(exported, tmp_path / "sai.docx", misspell=True))
    view.replace_button.click()
    qtbot.waitUntil(lambda: "trich_yeuu" in view.feedback.text())
    assert "Mẫu có trường {{ trich_yeuu }} không có trong báo cáo" in view.feedback.text()
    assert _rows(view)[0][1] == "Mẫu mặc định"

    _choose(monkeypatch, "getOpenFileName",
            _edit(exported, tmp_path / "dung.docx", misspell=False))
    view.replace_button.click()
    qtbot.waitUntil(lambda: "Đã thay mẫu" in view.feedback.text())
    qtbot.waitUntil(lambda: _rows(view)[0][1] == "Mẫu của đơn vị")
    assert _rows(view)[0][2] == "admin"
    assert isinstance(templates.current_template(db, templates.REPORT), bytes)

    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    view.restore_button.click()
    qtbot.waitUntil(lambda: "Đã dùng lại mẫu mặc định" in view.feedback.text())
    qtbot.waitUntil(lambda: _rows(view)[0][1] == "Mẫu mặc định")
    assert len(asked) == 1 and "mẫu mặc định" in asked[0]
    assert not isinstance(templates.current_template(db, templates.REPORT), bytes)


def test_the_tab_offers_nothing_to_an_officer(qtbot: QtBot, db: Database,
                                              officer: Actor) -> None:
    view = TemplatesView(db, officer, TaskRunner())
    qtbot.addWidget(view)
    assert not any(button.isEnabled() for button in (
        view.export_button, view.export_default_button, view.replace_button,
        view.restore_button))
    assert view.table.rowCount() == 0


def test_the_report_screen_says_when_the_word_file_fell_back_on_the_default(
        qtbot: QtBot, db: Database, officer: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.models import DocumentTemplate
    from app.reports.docx_document import template_path
    from app.reports.docx_report import TEMPLATE
    from app.ui.report.screen import ReportScreen

    # A stored template that no longer fills (a field left open), as an earlier check let in.
    broken = Document(str(template_path(TEMPLATE)))
    broken.add_paragraph("Người lập: {{ nguoi_ky")
    path = tmp_path / "hong.docx"
    broken.save(str(path))
    with db.write() as session:
        session.add(DocumentTemplate(name=templates.REPORT, content=path.read_bytes(),
                                     sha256="0" * 64, replaced_by="admin"))
    screen = ReportScreen(db, officer, TaskRunner())
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.figures() is not None, timeout=10_000)
    target = tmp_path / "bc.docx"
    _choose(monkeypatch, "getSaveFileName", target)
    with qtbot.waitSignal(screen.action_bar.exported, timeout=60_000):
        screen.action_bar.export_docx.click()
    said = screen.summary.text()
    assert said.startswith("Đã xuất: bc.docx. Mẫu «Báo cáo định kỳ kết quả phát hiện, xử lý» "
                           "của đơn vị bị lỗi khi điền số liệu nên văn bản đã được soạn bằng "
                           "mẫu mặc định.")
    assert "Người lập" not in "\n".join(p.text for p in Document(str(target)).paragraphs)
