"""«Giới thiệu»: the program, its version, and the notices of the software it includes."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.domain.labels import PROGRAM_NAME, PROGRAM_SUMMARY
from app.notices import notices_text
from app.ui.dialogs import Dialog
from app.ui.prefs import UiPrefs


class AboutDialog(Dialog):
    def __init__(self, prefs: UiPrefs | None, parent: QWidget | None = None) -> None:
        super().__init__("Giới thiệu", prefs, "about", parent)
        title = QLabel(f"<b style='font-size:15pt'>{PROGRAM_NAME}</b>")
        self.version = QLabel(f"Phiên bản {__version__}")
        summary = QLabel(PROGRAM_SUMMARY)
        summary.setWordWrap(True)
        heading = QLabel("Phần mềm của bên thứ ba có trong chương trình và giấy phép của chúng:")
        self.notices = QPlainTextEdit(notices_text())
        self.notices.setReadOnly(True)
        # The licence texts are laid out in fixed-width lines.
        self.notices.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (title, self.version, summary, heading):
            layout.addWidget(widget)
        layout.addWidget(self.notices, 1)
        layout.addWidget(buttons)
        if prefs is None or prefs.bytes("geometry/about") is None:
            self.resize(760, 560)
