"""Start the window on a data folder: sign in, then the register; sign in again on switch.

The sign-in dialog is painted first; the data folder opens behind it.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.paths import DataPaths
from app.services.progress import CancelToken, Progress
from app.ui.login import LoginDialog
from app.ui.tasks import UNEXPECTED, TaskRunner

if TYPE_CHECKING:
    from app.db import Database

log = logging.getLogger("sovipham")
OPEN_AFTER_PAINT_MS = 30


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


def _open_data(paths: DataPaths) -> tuple[Database, str]:
    from app.db import open_database
    from app.services import settings

    db = open_database(paths)
    return db, settings.load_office(db).unit_name


def first_sign_in(runner: TaskRunner, paths: DataPaths) -> tuple[LoginDialog, list[Database]]:
    """The sign-in dialog, and the data folder it will open once it has been painted
    (importing the database layer meanwhile would delay the first paint)."""
    dialog = LoginDialog(runner)
    opened: list[Database] = []

    def attach(result: tuple[Database, str]) -> None:
        opened.append(result[0])
        dialog.attach(*result)

    def open_task(_p: Progress, _t: CancelToken) -> tuple[Database, str]:
        return _open_data(paths)

    QTimer.singleShot(OPEN_AFTER_PAINT_MS, lambda: runner.start(
        open_task, on_success=attach, on_failure=dialog.refuse_data))
    return dialog, opened


def sign_in_loop(app: QApplication, paths: DataPaths) -> int:
    runner = TaskRunner()
    login, opened = first_sign_in(runner, paths)
    try:
        while True:
            if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
                return 0
            from app.services import settings
            from app.ui.main_window import MainWindow

            db = opened[0]
            window = MainWindow(db, login.actor)
            window.show()
            app.exec()
            window.deleteLater()
            if not window.switching_user:
                return 0
            login = LoginDialog(runner, db=db, unit_name=settings.load_office(db).unit_name)
    finally:
        runner.wait()
        for db in opened:
            db.dispose()


def use_vietnamese_conventions() -> None:
    """Numbers `1.234.567` and Vietnamese names in every Qt widget."""
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))


def run_window(paths: DataPaths) -> int:
    use_vietnamese_conventions()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Sổ vi phạm MXH")
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(app.quit)
    _install_crash_handler(paths)
    return sign_in_loop(app, paths)
