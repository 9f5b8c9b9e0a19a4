"""Widgets of the forms larger than `app.ui.widgets`' (kept apart so that the sign-in
dialog does not load them): a list as tall as its lines, a person-or-organisation
choice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QListWidget,
    QRadioButton,
    QSizePolicy,
    QWidget,
)

from app.domain.labels import PARTY_LABELS, PartyKind

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent


class FittedList(QListWidget):
    """A list of wrapped lines as tall as they are, up to `most` pixels (then it scrolls):
    one warning takes one line's height, not the room of several."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self._most = most
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        model = self.model()
        for changed in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            changed.connect(self.updateGeometry)

    def sizeHint(self) -> QSize:
        self.doItemsLayout()  # the lines wrapped at the present width
        lines = sum(self.visualItemRect(self.item(row)).height() + 2 * self.spacing()
                    for row in range(self.count()))
        return QSize(super().sizeHint().width(),
                     min(self._most, lines + 2 * self.frameWidth()))

    def minimumSizeHint(self) -> QSize:  # a scroll area's own minimum is several lines
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # the lines wrap anew
            self.updateGeometry()


class PartyKindChoice(QWidget):
    """A person or an organisation (the offender, the defamed party)."""

    def __init__(self) -> None:
        super().__init__()
        self.person = QRadioButton(PARTY_LABELS[PartyKind.PERSON])
        self.organisation = QRadioButton(PARTY_LABELS[PartyKind.ORGANISATION])
        self.person.setChecked(True)
        group = QButtonGroup(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.person, self.organisation):
            group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)

    def value(self) -> PartyKind:
        return PartyKind.ORGANISATION if self.organisation.isChecked() else PartyKind.PERSON

    def set_value(self, kind: PartyKind | None) -> None:
        self.organisation.setChecked(kind is PartyKind.ORGANISATION)
        self.person.setChecked(kind is not PartyKind.ORGANISATION)
