"""Start the window on a data folder: sign in, then the register; sign in again on switch.

The sign-in dialog is painted first; the data folder opens behind it.
"""

from __future__ import annotations

import logging
import sys
from contextlib import ExitStack
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import __version__, errorlog
from app.errors import DataFolderError
from app.paths import DataPaths
from app.progress import CancelToken, Progress
from app.resources import resource_path
from app.services import data_folder, server_connection
from app.ui.collector import collect_on_ui_thread
from app.ui.dialogs import RECONNECT
from app.ui.login import LoginDialog
from app.ui.tasks import UNEXPECTED, TaskRunner
from app.ui.translations import use_vietnamese

if TYPE_CHECKING:
    from app.services.data_folder import Database

log = logging.getLogger("sovipham")
OPEN_AFTER_PAINT_MS = 30


def _install_crash_handler(paths: DataPaths) -> None:
    """Unexpected errors are logged to the data folder, without personal data, and shown
    plainly, never as a traceback."""
    errorlog.install(paths)

    def on_error(kind: type[BaseException], error: BaseException,
                 trace: TracebackType | None) -> None:
        log.error("unexpected error", exc_info=(kind, error, trace))
        _show_error("Lỗi", UNEXPECTED)

    sys.excepthook = on_error


def _show_error(title: str, message: str) -> None:
    # Imported when needed: Qt builds a class's Python type on first use, QMessageBox's
    # in ~2 ms, which the sign-in dialog's first paint need not wait for.
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, title, message)


def _has_register(paths: DataPaths) -> bool:
    """Whether there is a register to sign in to (else the first run makes it): the data
    folder's file, or in server mode a schema in the server's database."""
    if paths.server is None:
        return paths.database.exists()
    from app.services import server_connection

    return server_connection.has_register(paths.server)


def _open_data(paths: DataPaths) -> tuple[Database, str]:
    from app.services import vault

    db = data_folder.open_data_folder(paths)
    return db, vault.office_name(paths)


def _prepare_calendar(_progress: Progress, _token: CancelToken) -> None:
    """The public holidays the case list's first deadlines count, loaded off the UI thread
    before the main window needs them."""
    from datetime import date

    from app.services import days_off

    days_off.prepare(date.today())


def first_sign_in(runner: TaskRunner, paths: DataPaths) -> tuple[LoginDialog, list[Database]]:
    """The sign-in dialog, and the data folder it will open once it has been painted
    (importing the database layer meanwhile would delay the first paint). A folder with
    no data yet starts with creating its first administrator."""
    dialog = LoginDialog(runner, paths=paths)
    opened: list[Database] = []

    def attach(result: tuple[Database, str] | None) -> None:
        from app import folder_rights  # after the first paint, as the folder opens

        if result is None:
            result = _first_run(runner, paths, dialog)
            if result is None:
                return  # the sign-in dialog ended
        opened.append(result[0])
        # Opened (or just made), the folder has the rights the program could give it; said
        # before `attach`, which signs in at once if that was asked while it opened.
        dialog.warn_about_folder(folder_rights.exposure_warning(paths))
        dialog.attach(*result)
        log.info("sovipham %s: sign-in window shown, data folder open", __version__)
        runner.start(_prepare_calendar)  # while the password is typed

    def open_task(_p: Progress, _t: CancelToken) -> tuple[Database, str] | None:
        if not _has_register(paths):
            return None
        return _open_data(paths)

    QTimer.singleShot(OPEN_AFTER_PAINT_MS, lambda: runner.start(
        open_task, on_success=attach, on_failure=dialog.refuse_data))
    return dialog, opened


def _first_run(runner: TaskRunner, paths: DataPaths,
               login: LoginDialog) -> tuple[Database, str] | None:
    """Create the data folder and its administrator, show the recovery key once."""
    from app.ui.first_run import FirstRunDialog, RecoveryKeyDialog

    setup = FirstRunDialog(runner, paths, login)
    result = setup.exec()
    if result != FirstRunDialog.DialogCode.Accepted or setup.db is None:
        login.done(RECONNECT if result == RECONNECT else LoginDialog.DialogCode.Rejected)
        return None
    RecoveryKeyDialog(setup.recovery_key, paths.root, parent=login).exec()
    login.username.setText(setup.username.text())
    login.password.setFocus()
    return setup.db, ""


def sign_in_loop(app: QApplication, paths: DataPaths) -> int:
    """0 once the program is left, `RECONNECT` when «Kết nối máy chủ» changed the
    register to open."""
    runner = TaskRunner()
    login, opened = first_sign_in(runner, paths)
    try:
        while True:
            result = login.exec()
            if result == RECONNECT:
                return RECONNECT
            if result != LoginDialog.DialogCode.Accepted or login.actor is None:
                return 0
            from app.services import settings
            from app.ui.main_window import MainWindow

            db = opened[0]
            window = MainWindow(db, login.actor)
            window.show()
            app.exec()
            window.deleteLater()
            if window.reconnecting:
                return RECONNECT
            if not window.switching_user:
                return 0
            login = LoginDialog(runner, db=db, unit_name=settings.load_office(db).unit_name,
                                paths=paths)
    finally:
        runner.wait()
        for db in opened:
            db.dispose()


def run_window(paths: DataPaths) -> int:
    """The window's run; a folder held by another program is shown, then raised again for
    the entry point's exit status."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    collect_on_ui_thread(app)
    use_vietnamese()
    app.setApplicationName("Sổ vi phạm MXH")
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.png"))))
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(app.quit)
    first = True
    while True:
        # `--database` or this PC's «Kết nối máy chủ», read again after it changed.
        active = server_connection.window_paths(paths)
        with ExitStack() as held:
            try:
                # Before the sign-in dialog: a second window on the folder says who has it
                # open (none on a server: the server arbitrates).
                held.enter_context(data_folder.hold(active))
            except DataFolderError as exc:
                _show_error("Không mở được thư mục dữ liệu", exc.message)
                raise
            if first:  # this PC's log, in the data folder whichever the register
                _install_crash_handler(paths)
                first = False
            result = sign_in_loop(app, active)
        if result != RECONNECT:
            return result
