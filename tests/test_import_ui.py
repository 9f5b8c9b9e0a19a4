"""The window's import and export: a preview with every problem and nothing imported,
then a good file imported with progress; the full export with a password."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from app.db import Database
from app.services.actor import Actor
from app.ui.export_dialog import ExportDialog
from app.ui.import_dialog import ImportDialog
from tests.conftest import TODAY
from tests.test_import import case_count, case_row, encrypt, write_book


@pytest.fixture
def dialog(qtbot: QtBot, db: Database, officer: Actor) -> ImportDialog:
    widget = ImportDialog(db, officer, today=TODAY)
    qtbot.addWidget(widget)
    return widget


def _checked(qtbot: QtBot, dialog: ImportDialog, path: Path) -> None:
    dialog.load_file(path)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20_000)


def test_the_preview_lists_every_error_and_imports_nothing(
    qtbot: QtBot, dialog: ImportDialog, db: Database, tmp_path: Path
) -> None:
    path = write_book(tmp_path / "so.xlsx", [
        case_row(), case_row(**{"Ngày phát hiện": "31/02/2026", "Nền tảng": None,
                                "Tài khoản, kênh": "Trang khác"}),
    ], sheets={"Trẻ em liên quan": [{"Mã vụ việc": "X-1", "Họ tên": "Bé"}]})
    _checked(qtbot, dialog, path)
    model = dialog.problem_model
    rows = [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]
    assert [row[:4] for row in rows] == [
        ["Lỗi", "Vụ việc", 3, "Ngày phát hiện"],
        ["Lỗi", "Vụ việc", 3, "Nền tảng"],
        ["Lỗi", "Trẻ em liên quan", 2, "Mã vụ việc"],
    ]
    assert "31/02/2026" in rows[0][4]
    assert "3 lỗi" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.save_problems_button.isEnabled()
    dialog.save_problems_to(tmp_path / "loi.xlsx")
    qtbot.waitUntil(lambda: (tmp_path / "loi.xlsx").exists(), timeout=10_000)
    sheet = openpyxl.load_workbook(tmp_path / "loi.xlsx").active
    assert sheet is not None and sheet.max_row == 4  # the header and three problems
    assert case_count(db) == 0


def test_a_good_file_imports_with_progress(qtbot: QtBot, dialog: ImportDialog, db: Database,
                                           tmp_path: Path) -> None:
    path = write_book(tmp_path / "so.xlsx", [case_row(**{"Tài khoản, kênh": f"Trang {i}"})
                                             for i in range(2_500)])
    _checked(qtbot, dialog, path)
    assert dialog.import_button.isEnabled()
    assert "2500 vụ việc" in dialog.summary.text()
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as imported:
        dialog.import_button.click()
    assert imported.args == [2_500]
    assert case_count(db) == 2_500
    assert values and values == sorted(values) and max(values) >= 500
    assert "Đã nhập 2500 vụ việc" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()  # the same file is not imported twice


def test_a_protected_file_asks_for_its_password(qtbot: QtBot, dialog: ImportDialog,
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = encrypt(write_book(tmp_path / "so.xlsx", [case_row()]), "mật-khẩu")
    asked: list[str] = []

    def answer(message: str) -> str:
        asked.append(message)
        return "mật-khẩu"

    monkeypatch.setattr(dialog, "ask_password", answer)
    _checked(qtbot, dialog, path)
    assert asked and "được đặt mật khẩu" in asked[0]
    assert dialog.preview is not None and dialog.preview.can_import


def test_a_file_that_is_not_a_workbook_shows_why(qtbot: QtBot, dialog: ImportDialog,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "so.xlsx"
    path.write_text("không phải Excel", encoding="utf-8")
    dialog.load_file(path)
    qtbot.waitUntil(lambda: "không phải tệp Excel .xlsx" in dialog.summary.text(),
                    timeout=10_000)
    assert not dialog.import_button.isEnabled()


def test_the_full_export_with_a_password(qtbot: QtBot, db: Database, admin: Actor,
                                         tmp_path: Path) -> None:
    dialog = ExportDialog(db, admin)
    qtbot.addWidget(dialog)
    dialog.protect.setChecked(True)
    dialog.password.setText("khoa")
    dialog.password_again.setText("khac")
    dialog.export_to(tmp_path / "so.xlsx")
    assert "không khớp" in dialog.summary.text()
    dialog.password_again.setText("khoa")
    dialog.export_to(tmp_path / "so.xlsx")
    qtbot.waitUntil(lambda: dialog.export_result is not None, timeout=20_000)
    assert (tmp_path / "so.xlsx").read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    assert "Đã xuất 0 vụ việc" in dialog.summary.text()


def test_only_administrators_export(qtbot: QtBot, db: Database, officer: Actor,
                                   tmp_path: Path) -> None:
    dialog = ExportDialog(db, officer)
    qtbot.addWidget(dialog)
    dialog.export_to(tmp_path / "so.xlsx")
    qtbot.waitUntil(lambda: "không có quyền" in dialog.summary.text(), timeout=10_000)
    assert not (tmp_path / "so.xlsx").exists()
