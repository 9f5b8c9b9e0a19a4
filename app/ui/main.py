"""Start the window on a data folder: sign in, then the register; sign in again on switch."""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app.db import Database, open_database
from app.errors import UserError
from app.paths import DataPaths
from app.services import settings
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.tasks import UNEXPECTED, TaskRunner

log = logging.getLogger("sovipham")


def _install_crash_handler(paths: DataPaths) -> None:
    """Unexpected errors are logged to the data folder and shown plainly, never as a traceback."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(paths.logs / "sovipham.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)

    def on_error(kind: type[BaseException], error: BaseException,
                 trace: TracebackType | None) -> None:
        log.error("unexpected error", exc_info=(kind, error, trace))
        QMessageBox.critical(None, "Lỗi", UNEXPECTED)

    sys.excepthook = on_error


def sign_in_loop(app: QApplication, db: Database) -> int:
    runner = TaskRunner()
    while True:
        login = LoginDialog(db, settings.load_office(db).unit_name, runner)
        if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
            return 0
        window = MainWindow(db, login.actor)
        window.show()
        app.exec()
        window.deleteLater()
        if not window.switching_user:
            return 0


def run_window(paths: DataPaths) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Sổ vi phạm MXH")
    app.setQuitOnLastWindowClosed(False)
    try:
        db = open_database(paths)
    except UserError as exc:
        QMessageBox.critical(None, "Không mở được dữ liệu", exc.message)
        return 4
    _install_crash_handler(paths)
    app.lastWindowClosed.connect(app.quit)
    try:
        return sign_in_loop(app, db)
    finally:
        db.dispose()
