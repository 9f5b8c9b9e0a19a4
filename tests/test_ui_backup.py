"""Backups from the window: to a USB file, automatically on close, and restoring one;
replacing the keys from the administrator's screen."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.db.engine import keyed_connection
from app.errors import NotAllowed
from app.security import keyfile, keys
from app.services import accounts, backup, backup_archive, cases
from app.services.actor import Actor
from app.services.evidence_store import view_folder
from app.ui.admin import AdminScreen
from app.ui.first_run import RecoveryKeyDialog
from app.ui.main_window import MainWindow
from app.ui.tasks import TaskRunner
from tests.backup_tools import admin_key, copy_database, legacy_archive, read_back
from tests.conftest import ADMIN_PASSWORD, PASSWORD, TODAY, make_case


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes answered Yes, their texts kept."""
    shown: list[str] = []

    def record(_parent: object, _title: str, text: str, *_a: object) -> object:
        shown.append(text)
        return QMessageBox.StandardButton.Yes

    for name in ("information", "warning", "question"):
        monkeypatch.setattr(QMessageBox, name, record)
    return shown


OpenWindow = Callable[[Actor], MainWindow]


def test_backup_to_a_usb_file_and_the_reminder_goes(
    qtbot: QtBot, open_window: OpenWindow, db: Database, admin: Actor, tmp_path: Path,
    answers: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cases.create_case(db, admin, make_case(), today=TODAY)
    window = open_window(admin)
    assert window.reminder.isVisibleTo(window)
    assert "chưa có bản sao lưu nào được ghi ra ngoài máy" in window.reminder.text()
    target = tmp_path / "usb" / "sao-luu.svpbak"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(target), ""))
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    assert "Đã sao lưu 1 vụ việc và 0 tệp chứng cứ" in answers[0]
    assert backup_archive.read_header(target).cases == 1
    assert not window.reminder.isVisibleTo(window)


def test_closing_the_window_backs_up_the_days_work(
    qtbot: QtBot, open_window: OpenWindow, db: Database, officer: Actor
) -> None:
    window = open_window(officer)
    cases.create_case(db, officer, make_case(), today=TODAY)
    window.close()
    [made] = db.paths.backups.glob("tu-dong-*.svpbak")
    # Made in the officer's session, it opens with the administrators' key only.
    assert read_back(made, admin_key(db.paths)).cases == 1
    # Nothing changed since: the next close writes no new backup.
    again = open_window(officer)
    again.close()
    assert list(db.paths.backups.glob("tu-dong-*.svpbak")) == [made]


@pytest.mark.parametrize("role", ["officer", "leader"])
def test_backing_up_and_restoring_by_hand_are_for_administrators(
    qtbot: QtBot, open_window: OpenWindow, db: Database, request: pytest.FixtureRequest,
    role: str
) -> None:
    window = open_window(request.getfixturevalue(role))
    assert not window.backup_action.isEnabled()
    assert not window.restore_data_action.isEnabled()


def test_restore_from_the_window_then_sign_in_again(
    qtbot: QtBot, open_window: OpenWindow, db: Database, admin: Actor, tmp_path: Path,
    answers: list[str]
) -> None:
    cases.create_case(db, admin, make_case(summary="Có trong bản sao lưu"), today=TODAY)
    archive = backup.make_backup(db, admin, tmp_path / "b.svpbak").path
    cases.create_case(db, admin, make_case(summary="Ghi sau khi sao lưu"), today=TODAY)
    window = open_window(admin)
    window.backups.restore_from(archive)
    qtbot.waitUntil(lambda: window.switching_user, timeout=10_000)
    assert any("Toàn bộ dữ liệu hiện tại sẽ được thay" in text for text in answers)
    assert any("Đã khôi phục 1 vụ việc" in text for text in answers)
    assert not window.isVisible()
    with closing(keyed_connection(db.paths.database, db.data_key)) as connection:
        summaries = [row[0] for row in connection.execute("SELECT summary FROM cases")]
    assert summaries == ["Có trong bản sao lưu"]
    assert list(db.paths.backups.glob("truoc-khoi-phuc-*"))


def test_a_damaged_file_is_refused_with_a_message(
    qtbot: QtBot, open_window: OpenWindow, db: Database, admin: Actor, tmp_path: Path,
    answers: list[str]
) -> None:
    bad = tmp_path / "hong.svpbak"
    bad.write_bytes(b"khong phai ban sao luu")
    window = open_window(admin)
    window.backups.restore_from(bad)
    assert answers == ["Tệp «hong.svpbak» không phải bản sao lưu của chương trình, bị hỏng "
                       "hoặc đã bị sửa (không giải mã, kiểm tra được). Không có gì bị thay "
                       "đổi; hãy dùng một bản sao lưu khác."]


def test_decrypted_viewer_copies_do_not_outlive_the_window(
    qtbot: QtBot, open_window: OpenWindow, db: Database, officer: Actor
) -> None:
    left = view_folder(db.paths) / "0123456789abcdef.png"
    left.parent.mkdir()
    left.write_bytes(b"left by a crash")
    window = open_window(officer)
    assert not left.exists()
    left.parent.mkdir()
    left.write_bytes(b"opened in a viewer")
    window.close()
    assert not view_folder(db.paths).exists()


def test_replacing_the_keys_from_the_administrators_screen(
    qtbot: QtBot, db: Database, officer: Actor, tmp_path: Path, answers: list[str],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    old_key = db.data_key
    shown: list[str] = []

    def keep(dialog: RecoveryKeyDialog) -> int:
        shown.append(dialog._key)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RecoveryKeyDialog, "exec", keep)
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: (ADMIN_PASSWORD, True))
    runner = TaskRunner()
    screen = AdminScreen(db, admin, runner, lambda _change: None)
    qtbot.addWidget(screen)
    # The screen's own reads done first: the replacement needs the database alone and
    # refuses (rightly) while another connection is open.
    runner.wait()
    screen.keys.confirm_and_rotate()
    qtbot.waitUntil(lambda: "Đã thay khóa" in screen.keys.feedback.text(), timeout=20_000)
    # The confirmation said what changes; the result, who needs a new password.
    assert "không đăng nhập được nữa cho đến khi bạn đặt lại mật khẩu" in answers[0]
    assert "«canbo»" in answers[-1] and "Đã sao lưu bằng khóa mới" in answers[-1]
    assert db.data_key != old_key
    found = keyfile.load(db.paths.keys)
    assert found is not None and found.recovery is not None
    assert keys.unwrap(found.recovery, shown[0]) is not None  # the key shown is the new one
    with pytest.raises(NotAllowed):
        accounts.authenticate(db, "canbo", PASSWORD)


def test_a_backup_of_the_old_format_is_restored_only_with_a_password_and_a_warning(
    qtbot: QtBot, open_window: OpenWindow, db: Database, admin: Actor, tmp_path: Path,
    answers: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cases.create_case(db, admin, make_case(summary="Có trong bản sao lưu cũ"), today=TODAY)
    copy = tmp_path / "cu.sqlite3"
    copy_database(db.paths, db.data_key, copy)
    wraps = [{"account": keyfile.account_tag("admin"),
              **keys.wrap_for_password(db.data_key, ADMIN_PASSWORD).to_json()}]
    old = legacy_archive(db.paths, db.data_key, copy, tmp_path / "cu.svpbak", wraps)
    asked: list[str] = []

    def password(_parent: object, _title: str, label: str, *_a: object) -> tuple[str, bool]:
        asked.append(label)
        return ADMIN_PASSWORD, True

    monkeypatch.setattr(QInputDialog, "getText", password)
    window = open_window(admin)
    window.backups.restore_from(old)
    qtbot.waitUntil(lambda: window.switching_user, timeout=10_000)
    assert "không kiểm tra được ai đã tạo" in answers[0]
    assert asked  # even though the folder holds the same data key
    assert any("Đã khôi phục 1 vụ việc" in text for text in answers)
