"""Completion without diacritics: `tan` offers "Phường Tân Định" and "Ấp Tân Hòa", `dinh`
offers "Định", as the search matches (`app.text.fold`)."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QIdentityProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QComboBox, QCompleter

from app.text import fold

FOLDED_ROLE = Qt.ItemDataRole.UserRole + 40


class _Folded(QIdentityProxyModel):
    """The source model, each entry's text also folded (FOLDED_ROLE) for matching."""

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == FOLDED_ROLE:
            return fold(str(super().data(index, Qt.ItemDataRole.DisplayRole) or ""))
        return super().data(index, role)


class FoldedCompleter(QCompleter):
    """Offers the entries of `model` holding the typed text anywhere, case, diacritics
    and đ ignored, and puts the entry as written in the box."""

    def __init__(self, model: QAbstractItemModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        folded = _Folded(self)
        folded.setSourceModel(model)
        self.setModel(folded)
        self.setCompletionRole(FOLDED_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def splitPath(self, path: str) -> list[str]:
        return [fold(path)]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


def complete_without_diacritics(combo: QComboBox, *, free_text: bool) -> None:
    """Make `combo` complete its own entries as typed without diacritics. Unless
    `free_text`, only an entry can be chosen: what was typed and not chosen goes back to
    the current entry when the box is left."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setCompleter(FoldedCompleter(combo.model(), combo))
    if free_text:
        return
    edit = combo.lineEdit()
    assert edit is not None  # an editable box has one

    def back_to_the_entry() -> None:
        chosen = combo.itemText(combo.currentIndex())
        if edit.text() != chosen:
            edit.setText(chosen)

    edit.editingFinished.connect(back_to_the_entry)
