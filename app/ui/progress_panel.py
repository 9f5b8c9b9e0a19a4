"""Progress of a long task in the status bar, with a cancel button."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.progress import CancelToken


class ProgressPanel(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(180)
        self.cancel = QPushButton("Hủy")
        self.cancel.clicked.connect(self._cancel)
        self._token: CancelToken | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.setVisible(False)

    def begin(self, title: str, token: CancelToken) -> None:
        self._token = token
        self.label.setText(title)
        self.bar.setRange(0, 0)  # busy until the first figure arrives
        self.setVisible(True)

    def show_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def end(self) -> None:
        self._token = None
        self.setVisible(False)

    def _cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()
            self.label.setText("Đang hủy…")
