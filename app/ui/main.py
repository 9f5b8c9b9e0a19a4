"""Start the window on a data folder: sign in, then the register."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from app.db import open_database
from app.errors import UserError
from app.paths import DataPaths
from app.services import settings
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow


def run_window(paths: DataPaths) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Sổ vi phạm MXH")
    try:
        db = open_database(paths)
    except UserError as exc:
        QMessageBox.critical(None, "Không mở được dữ liệu", exc.message)
        return 4
    login = LoginDialog(db, settings.load_office(db).unit_name)
    if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
        db.dispose()
        return 0
    window = MainWindow(db, login.actor)
    window.show()
    code = app.exec()
    db.dispose()
    return code
