"""A form section: fields laid out with their labels, each with its error line."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QVBoxLayout, QWidget

from app.domain.fields import BY_KEY
from app.ui.widgets import FieldError


class Section(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.errors: dict[str, FieldError] = {}
        self.inputs: dict[str, QWidget] = {}
        outer = QVBoxLayout(self)
        outer.addLayout(self.form)
        self.outer = outer

    def add_field(self, key: str, widget: QWidget, label: str | None = None) -> None:
        """Add `widget` for the case field `key` (its label comes from app.domain.fields)."""
        field = BY_KEY.get(key)
        text = label or (field.label if field else key)
        if field is not None and field.required:
            text += " *"
        error = FieldError()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        self.form.addRow(text + ":", box)
        self.errors[key] = error
        self.inputs[key] = widget

    def clear_errors(self) -> None:
        for error in self.errors.values():
            error.show_message(None)
