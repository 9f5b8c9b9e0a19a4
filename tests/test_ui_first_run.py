"""The first start on an empty data folder, and the recovery key shown once: printed,
saved on a removable drive (never on a drive of this PC) or copied, and then taken off the
clipboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.passwords import STRONG_ACCOUNT_PASSWORD_RULE
from app.errors import NotAllowed
from app.paths import DataPaths
from app.services import accounts
from app.services.actor import Actor
from app.ui import first_run
from app.ui.admin.users_view import UsersView
from app.ui.first_run import CLIPBOARD_SECONDS, FirstRunDialog, RecoveryKeyDialog
from app.ui.tasks import TaskRunner
from tests.conftest import ADMIN_PASSWORD

KEY = "ABCDE-FGHIJ-KLMNO"


def _fill(dialog: FirstRunDialog, password: str, again: str, full_name: str = "Lê Văn Tâm") -> None:
    dialog.full_name.setText(full_name)
    dialog.password.setText(password)
    dialog.password_again.setText(again)


def test_first_run_creates_the_administrator(qtbot: QtBot, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "du-lieu")
    runner = TaskRunner()
    dialog = FirstRunDialog(runner, paths)
    qtbot.addWidget(dialog)
    _fill(dialog, ADMIN_PASSWORD, "matkhau-khac")
    dialog.create_data()
    assert dialog.message.text() == "Hai lần nhập mật khẩu không giống nhau."
    _fill(dialog, "ngan", "ngan")
    dialog.create_data()
    qtbot.waitUntil(lambda: "quá ngắn" in dialog.message.text())
    assert not paths.database.exists()
    _fill(dialog, ADMIN_PASSWORD, ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.create_data()
    assert dialog.db is not None
    actor = accounts.authenticate(dialog.db, "quantri", ADMIN_PASSWORD)
    assert actor.full_name == "Lê Văn Tâm"
    # The key shown works: it sets a new password when nobody remembers the old one.
    accounts.recover_account(dialog.db, "quantri", dialog.recovery_key, "bong-sen-moi-2027")
    dialog.db.dispose()
    runner.wait()


@pytest.mark.parametrize("weak", ["12345678", "quantri-2026", "Le-Van-Tam-1980"])
def test_the_first_administrator_gets_no_guessable_password(qtbot: QtBot, tmp_path: Path,
                                                           weak: str) -> None:
    paths = DataPaths(tmp_path / "du-lieu")
    runner = TaskRunner()
    dialog = FirstRunDialog(runner, paths)
    qtbot.addWidget(dialog)
    assert STRONG_ACCOUNT_PASSWORD_RULE in [label.text() for label in
                                            dialog.findChildren(QLabel)]
    _fill(dialog, weak, weak)
    dialog.create_data()
    qtbot.waitUntil(lambda: STRONG_ACCOUNT_PASSWORD_RULE in dialog.message.text())
    runner.wait()
    assert dialog.db is None and not paths.database.exists()


@pytest.fixture
def key_dialog(qtbot: QtBot, tmp_path: Path) -> RecoveryKeyDialog:
    dialog = RecoveryKeyDialog(KEY, tmp_path / "du-lieu", "Phòng Văn hóa và Thông tin")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_recovery_key_dialog_closes_only_once_the_key_is_kept(
        qtbot: QtBot, key_dialog: RecoveryKeyDialog) -> None:
    ok = key_dialog.accept_button
    assert not ok.isEnabled()
    qtbot.keyClick(key_dialog, Qt.Key.Key_Escape)
    assert key_dialog.isVisible()
    key_dialog.kept.setChecked(True)
    assert ok.isEnabled()
    ok.click()
    assert not key_dialog.isVisible()


# The clipboard ------------------------------------------------------------------------


def test_a_copied_key_leaves_the_clipboard_after_a_minute(key_dialog: RecoveryKeyDialog) -> None:
    clipboard = QGuiApplication.clipboard()
    key_dialog.copy_key()
    assert clipboard.text() == KEY
    # Clipboard managers (Windows' history, Klipper) are asked to keep no copy.
    kinds = clipboard.mimeData().formats()
    assert "x-kde-passwordManagerHint" in kinds
    assert "bộ nhớ tạm sẽ được xóa sau 60 giây" in key_dialog.message.text()
    timer = key_dialog.clipboard_timer
    assert timer.isActive() and timer.isSingleShot()
    assert timer.interval() == CLIPBOARD_SECONDS * 1000 == 60_000
    timer.timeout.emit()  # the minute is over
    assert clipboard.text() == ""
    assert not timer.isActive()


def test_closing_the_dialog_clears_the_clipboard_if_it_still_holds_the_key(
        key_dialog: RecoveryKeyDialog) -> None:
    clipboard = QGuiApplication.clipboard()
    key_dialog.copy_key()
    key_dialog.kept.setChecked(True)
    key_dialog.accept_button.click()
    assert clipboard.text() == ""
    assert not key_dialog.clipboard_timer.isActive()


def test_what_was_copied_since_stays_on_the_clipboard(key_dialog: RecoveryKeyDialog) -> None:
    clipboard = QGuiApplication.clipboard()
    key_dialog.copy_key()
    clipboard.setText("Biên bản số 12")  # the administrator copies something else
    key_dialog.clipboard_timer.timeout.emit()
    assert clipboard.text() == "Biên bản số 12"
    key_dialog.kept.setChecked(True)
    key_dialog.accept_button.click()
    assert clipboard.text() == "Biên bản số 12"


# Printing -----------------------------------------------------------------------------


def test_the_key_is_printed_on_paper_not_into_a_file(
        key_dialog: RecoveryKeyDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = key_dialog.printable_html()
    assert KEY in html and "Phòng Văn hóa và Thông tin" in html
    assert "tách khỏi máy tính" in html  # the advice
    asked: list[bool] = []

    def accepted(dialog: QPrintDialog) -> int:
        asked.append(dialog.testOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile))
        return QDialog.DialogCode.Accepted.value

    printed: list[QPrinter] = []
    monkeypatch.setattr(QPrintDialog, "exec", accepted)
    monkeypatch.setattr(RecoveryKeyDialog, "print_to", lambda _self, p: printed.append(p))
    key_dialog._print()
    assert asked == [False] and len(printed) == 1
    assert "máy in" in key_dialog.message.text()
    # What reaches the printer (here a PDF, as a test can see it) is written.
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "in.pdf"))
    monkeypatch.undo()
    key_dialog.print_to(printer)
    assert (tmp_path / "in.pdf").read_bytes().startswith(b"%PDF")


# Saving on a removable drive ----------------------------------------------------------


@pytest.fixture
def usb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A USB stick plugged in at tmp_path/usb: its own drive; the rest of tmp_path is on the
    drive of the data folder."""
    stick = tmp_path / "usb"
    stick.mkdir()
    on_pc = first_run.volume_of

    def volume_of(path: Path) -> str:
        return "USB" if stick in (path, *path.parents) else on_pc(path)

    monkeypatch.setattr(first_run, "volume_of", volume_of)
    monkeypatch.setattr(first_run, "removable_drives", lambda: [stick])
    return stick


def _proposed(monkeypatch: pytest.MonkeyPatch, answer: str = "") -> list[str]:
    proposed: list[str] = []

    def save_dialog(*args: object) -> tuple[str, str]:
        proposed.append(str(args[2]))
        return answer, ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    return proposed


def test_the_key_is_proposed_for_a_usb_stick_and_saved_there(
        qtbot: QtBot, tmp_path: Path, usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Plugged in too: the drive the data folder is on (say, a portable copy of the program).
    monkeypatch.setattr(first_run, "removable_drives", lambda: [tmp_path, usb])
    dialog = RecoveryKeyDialog(KEY, tmp_path / "du-lieu", "Phòng Văn hóa và Thông tin")
    qtbot.addWidget(dialog)
    proposed = _proposed(monkeypatch, str(usb / "khoa.txt"))
    dialog._save()
    assert proposed == [str(usb / "khoa-khoi-phuc.txt")]
    saved = (usb / "khoa.txt").read_text(encoding="utf-8")
    assert f"Khóa khôi phục: {KEY}" in saved and "Phòng Văn hóa và Thông tin" in saved
    assert "rút USB" in dialog.message.text()


def test_no_drive_of_this_pc_is_proposed(qtbot: QtBot, tmp_path: Path, usb: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the data folder's drive is there: no save dialog, and how to do it instead."""
    monkeypatch.setattr(first_run, "removable_drives", lambda: [tmp_path])
    dialog = RecoveryKeyDialog(KEY, tmp_path / "du-lieu")
    qtbot.addWidget(dialog)
    proposed = _proposed(monkeypatch)
    dialog._save()
    assert proposed == []
    assert "Hãy cắm USB" in dialog.message.text() and "in khóa ra giấy" in dialog.message.text()


def test_a_file_on_the_data_folders_drive_is_refused(qtbot: QtBot, tmp_path: Path,
                                                     usb: Path) -> None:
    dialog = RecoveryKeyDialog(KEY, tmp_path / "du-lieu")
    qtbot.addWidget(dialog)
    for place in (tmp_path / "tai-lieu" / "khoa.txt", tmp_path / "khoa.txt"):
        assert not dialog.save_to(place)
        assert not place.exists()
        assert "ổ của máy tính" in dialog.message.text()
        assert "Hãy chọn USB hoặc thẻ nhớ" in dialog.message.text()


def test_another_drive_not_seen_as_removable_is_used_only_when_confirmed(
        qtbot: QtBot, tmp_path: Path, usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(first_run, "removable_drives", lambda: [])  # a USB disk, say
    dialog = RecoveryKeyDialog(KEY, tmp_path / "du-lieu")
    qtbot.addWidget(dialog)
    asked: list[str] = []
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args: asked.append(str(args[2])) or next(answers))
    assert not dialog.save_to(usb / "khoa.txt")
    assert not (usb / "khoa.txt").exists()
    assert dialog.save_to(usb / "khoa.txt")
    assert KEY in (usb / "khoa.txt").read_text(encoding="utf-8")
    assert "không lưu vào ổ đĩa của máy này" in asked[0]


def test_drives_are_told_apart_by_their_mount_point(tmp_path: Path) -> None:
    # A file not written yet is on its folder's drive.
    assert first_run.volume_of(tmp_path / "chua-co" / "khoa.txt") == \
        first_run.volume_of(tmp_path)
    assert all(drive.is_dir() for drive in first_run.removable_drives())


# A new key from the accounts view -----------------------------------------------------


def test_an_administrator_makes_a_new_recovery_key(
    qtbot: QtBot, db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = accounts.replace_recovery_key(db, admin)
    shown: list[RecoveryKeyDialog] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", lambda self: shown.append(self) or 1)
    runner = TaskRunner()
    view = UsersView(db, admin, runner, lambda _change: None)
    qtbot.addWidget(view)
    view._new_recovery_key()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    new_key = shown[0]._key
    assert new_key != old
    # The drive of the data folder is one the key is not saved on.
    assert first_run.volume_of(db.paths.root) in shown[0]._pc_volumes
    with pytest.raises(NotAllowed):
        accounts.recover_account(db, "admin", old, "bong-sen-moi-2027")
    accounts.recover_account(db, "admin", new_key, "bong-sen-moi-2027")
    runner.wait()
