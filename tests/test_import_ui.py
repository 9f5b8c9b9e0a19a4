"""The window's import and export: a preview with every problem and nothing imported,
then a good file imported with progress; the full export, which asks for a password, a
purpose and a recipient when the cases hold a child."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from app.db import Database
from app.domain.case import ChildInput
from app.domain.passwords import FILE_PASSWORD_RULE
from app.models import AuditEntry
from app.services import cases
from app.services.actor import Actor
from app.services.exporting import PASSWORD_REQUIRED, PURPOSE_REQUIRED, RECIPIENT_REQUIRED
from app.ui.export_dialog import FIELDS_REFUSED, MISMATCH, ExportDialog
from app.ui.import_dialog import ImportDialog
from tests.conftest import TODAY, make_case
from tests.test_import import case_count, case_row, encrypt, write_book
from tests.test_import_hostile import ENDED, far_apart


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
    assert "3 lỗi" in dialog.message.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.save_problems_button.isEnabled()
    dialog.save_problems_to(tmp_path / "loi.xlsx")
    qtbot.waitUntil(lambda: (tmp_path / "loi.xlsx").exists(), timeout=10_000)
    with CalamineWorkbook.from_path(str(tmp_path / "loi.xlsx")) as book:
        assert len(book.get_sheet_by_index(0).to_python()) == 4  # the header and 3 problems
    assert case_count(db) == 0


def test_a_good_file_imports_with_progress(qtbot: QtBot, dialog: ImportDialog, db: Database,
                                           tmp_path: Path) -> None:
    path = write_book(tmp_path / "so.xlsx", [case_row(**{"Tài khoản, kênh": f"Trang {i}"})
                                             for i in range(2_500)])
    _checked(qtbot, dialog, path)
    assert dialog.import_button.isEnabled()
    assert "2500 vụ việc" in dialog.message.text()
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as imported:
        dialog.import_button.click()
    assert imported.args == [2_500]
    assert case_count(db) == 2_500
    assert values and values == sorted(values) and max(values) >= 500
    assert "Đã nhập 2500 vụ việc" in dialog.message.text()
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
    qtbot.waitUntil(lambda: "không phải tệp Excel .xlsx" in dialog.message.text(),
                    timeout=10_000)
    assert not dialog.import_button.isEnabled()


def test_a_file_that_ends_the_reader_shows_why_and_the_next_file_imports(
        qtbot: QtBot, dialog: ImportDialog, db: Database, tmp_path: Path) -> None:
    dialog.load_file(far_apart(tmp_path / "xa.xlsx"))
    qtbot.waitUntil(lambda: ENDED in dialog.message.text(), timeout=20_000)
    assert not dialog.import_button.isEnabled()
    _checked(qtbot, dialog, write_book(tmp_path / "so.xlsx", [case_row()]))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: case_count(db) == 1, timeout=20_000)


@pytest.fixture
def export_dialog(qtbot: QtBot, db: Database, admin: Actor) -> ExportDialog:
    widget = ExportDialog(db, admin)
    qtbot.addWidget(widget)
    return widget


def _messages(dialog: ExportDialog) -> dict[str, str]:
    return {key: error.text() for key, error in dialog.errors.items() if error.text()}


def test_the_full_export_of_children_asks_for_a_password_purpose_and_recipient(
    qtbot: QtBot, export_dialog: ExportDialog, db: Database, admin: Actor, tmp_path: Path
) -> None:
    dialog = export_dialog
    cases.create_case(db, admin, make_case(children=(ChildInput("Nguyễn Văn An", 2014),)),
                      today=TODAY)
    path = tmp_path / "so.xlsx"
    dialog.export_to(path)
    qtbot.waitUntil(lambda: dialog.message.text() == FIELDS_REFUSED, timeout=10_000)
    assert _messages(dialog) == {"file_password": PASSWORD_REQUIRED,
                                 "purpose": PURPOSE_REQUIRED, "recipient": RECIPIENT_REQUIRED}
    dialog.password.setText("khoa")
    dialog.password_again.setText("khac")
    dialog.export_to(path)
    assert _messages(dialog) == {"password_again": MISMATCH}
    dialog.password_again.setText("khoa")
    dialog.purpose.setText("Gửi Sở theo Công văn số 12")
    dialog.export_to(path)
    qtbot.waitUntil(lambda: dialog.message.text() == FIELDS_REFUSED, timeout=10_000)
    assert _messages(dialog) == {
        "file_password": f"Mật khẩu quá ngắn: cần ít nhất 12 ký tự. {FILE_PASSWORD_RULE}",
        "recipient": RECIPIENT_REQUIRED}
    assert list(tmp_path.iterdir()) == [db.paths.root]
    for field in (dialog.password, dialog.password_again):
        field.setText("Khoa-tệp-2026!")
    dialog.recipient.setText("Sở Văn hóa và Thể thao")
    dialog.export_to(path)
    qtbot.waitUntil(lambda: dialog.export_result is not None, timeout=20_000)
    assert _messages(dialog) == {}
    assert path.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    assert dialog.message.text() == f"Đã xuất 1 vụ việc vào {path} (có mật khẩu mở tệp)."
    with db.read() as session:
        detail = json.loads(session.execute(select(AuditEntry.detail).where(
            AuditEntry.action == "export")).scalar_one())
    assert (detail["purpose"], detail["recipient"]) == ("Gửi Sở theo Công văn số 12",
                                                        "Sở Văn hóa và Thể thao")


def test_the_file_is_picked_only_once_the_export_is_accepted(
    qtbot: QtBot, export_dialog: ExportDialog, db: Database, admin: Actor, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = export_dialog
    cases.create_case(db, admin, make_case(), today=TODAY)
    picked: list[str] = []

    def pick(*_args: object) -> tuple[str, str]:
        picked.append("chọn tệp")
        return str(tmp_path / "so.xlsx"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", pick)
    dialog.password.setText("matkhaurattotdaiqua")
    dialog.password_again.setText("matkhaurattotdaiqua")
    dialog.choose_file()
    qtbot.waitUntil(lambda: dialog.message.text() == FIELDS_REFUSED, timeout=10_000)
    assert list(_messages(dialog)) == ["file_password"] and picked == []
    # No child in the register: no password, purpose or recipient is needed.
    dialog.password.clear()
    dialog.password_again.clear()
    dialog.choose_file()
    qtbot.waitUntil(lambda: dialog.export_result is not None, timeout=20_000)
    assert picked == ["chọn tệp"]
    assert dialog.message.text() == f"Đã xuất 1 vụ việc vào {tmp_path / 'so.xlsx'}."
    assert (tmp_path / "so.xlsx").read_bytes().startswith(b"PK")


def test_only_administrators_export(qtbot: QtBot, db: Database, officer: Actor,
                                   tmp_path: Path) -> None:
    dialog = ExportDialog(db, officer)
    qtbot.addWidget(dialog)
    dialog.export_to(tmp_path / "so.xlsx")
    qtbot.waitUntil(lambda: "không có quyền" in dialog.message.text(), timeout=10_000)
    assert not (tmp_path / "so.xlsx").exists()
