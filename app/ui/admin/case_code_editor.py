"""The automatic case code, chosen in plain parts with a live example (`VV2026-00001`)
and kept as the office's pattern."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QSpinBox, QWidget

from app.domain.case_code import MAX_DIGITS, YEAR_PLACE_LABELS, CaseCodeParts, YearPlace
from app.errors import UserError

TEXT_MAX_LENGTH = 15  # the whole code must stay short enough for a table column


class CaseCodeEditor(QWidget):
    """`pattern()` is what the office setting stores; `example` shows the first codes.
    The texts are kept as typed, spaces too, so that a stored pattern comes back whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefix, self.between, self.suffix = QLineEdit(), QLineEdit(), QLineEdit()
        for edit, hint in ((self.prefix, "VD: VV"), (self.between, "VD: - hoặc /"),
                           (self.suffix, "VD: /MXH")):
            edit.setMaxLength(TEXT_MAX_LENGTH)
            edit.setPlaceholderText(hint)
            edit.textChanged.connect(self._update)
        self.year = QComboBox()
        for place, label in YEAR_PLACE_LABELS.items():
            self.year.addItem(label, str(place))  # Qt keeps plain strings, not the enum
        self.year.currentIndexChanged.connect(self._update)
        self.digits = QSpinBox()
        self.digits.setRange(1, MAX_DIGITS)
        self.digits.setSuffix(" chữ số")
        self.digits.valueChanged.connect(self._update)
        self.example = QLabel()
        self.example.setWordWrap(True)
        self.notice = QLabel()  # a stored pattern the parts cannot show
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        rows = ((("Chữ ở đầu:", self.prefix), ("Năm:", self.year)),
                (("Chữ giữa năm và số:", self.between), ("Chữ ở cuối:", self.suffix)),
                (("Số thứ tự:", self.digits),))
        for row, pairs in enumerate(rows):
            for column, (label, widget) in enumerate(pairs):
                grid.addWidget(QLabel(label), row, 2 * column)
                grid.addWidget(widget, row, 2 * column + 1)
        grid.addWidget(self.example, len(rows), 0, 1, 4)
        grid.addWidget(self.notice, len(rows) + 1, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.set_pattern(CaseCodeParts().pattern)

    def parts(self) -> CaseCodeParts:
        year = YearPlace(self.year.currentData())
        return CaseCodeParts(self.prefix.text(), year,
                             "" if year is YearPlace.NONE else self.between.text(),
                             self.digits.value(), self.suffix.text())

    def pattern(self) -> str:
        return self.parts().pattern

    def set_pattern(self, pattern: str) -> None:
        try:
            parts = CaseCodeParts.parse(pattern)
            self.notice.setVisible(False)
        except UserError:
            # Typed before the code was chosen in parts: said, and replaced when saved.
            parts = CaseCodeParts()
            self.notice.setText(f"Mã vụ việc đang đặt theo kiểu cũ (như «{_old_example(pattern)}») "
                                "không còn dùng được; khi lưu, vụ việc mới sẽ có mã theo các lựa "
                                "chọn trên.")
            self.notice.setVisible(True)
        widgets = (self.prefix, self.year, self.between, self.digits, self.suffix)
        for widget in widgets:
            widget.blockSignals(True)
        self.prefix.setText(parts.prefix)
        self.year.setCurrentIndex(self.year.findData(str(parts.year)))
        self.between.setText(parts.between)
        self.digits.setValue(parts.digits)
        self.suffix.setText(parts.suffix)
        for widget in widgets:
            widget.blockSignals(False)
        self._update()

    def _update(self) -> None:
        parts = self.parts()
        self.between.setEnabled(parts.year is not YearPlace.NONE)
        year = date.today().year
        counted = ("số thứ tự nối tiếp qua các năm" if parts.year is YearPlace.NONE
                   else "số thứ tự bắt đầu lại từ 1 mỗi năm, theo năm phát hiện")
        self.example.setText(f"Ví dụ: <b>{html.escape(parts.example(year))}</b>, "
                             f"<b>{html.escape(parts.example(year, 2))}</b>, … ({counted}). "
                             "Vụ việc đã ghi giữ mã cũ.")


def _old_example(pattern: str) -> str:
    """The first code of a pattern saved before the parts, as it came out."""
    try:
        return pattern.format(year=date.today().year, seq=1)
    except (KeyError, IndexError, ValueError):
        return pattern
