"""The person or organisation a defamation case offends."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit

from app.domain.case import DefamedInput
from app.domain.fields import DEFAMED_BY_KEY, DEFAMED_LABEL
from app.domain.labels import PartyKind
from app.text import clean
from app.ui.case_editor.section import Section, when_done
from app.ui.dates import DateEntry
from app.ui.form_widgets import PartyKindChoice


class DefamationSection(Section):
    def __init__(self) -> None:
        super().__init__()
        self._uuid: str | None = None
        self.name = QLineEdit()
        self.kind = PartyKindChoice()
        self.complained = QCheckBox(DEFAMED_BY_KEY["complaint_received"].label)
        self.complaint_date = DateEntry(optional=True)
        self.words = QPlainTextEdit()
        self.words.setTabChangesFocus(True)
        self.words.setFixedHeight(80)
        self.words.setPlaceholderText("Những lời lẽ bị phản ánh là xúc phạm")
        self.correction = QCheckBox(DEFAMED_BY_KEY["correction_published"].label)
        self.add_field("defamed[1]", self.name, DEFAMED_LABEL)
        self.add_field("defamed_kind", self.kind, DEFAMED_BY_KEY["kind"].label)
        self.form.addRow(self.complained)
        self.add_field("complaint_date", self.complaint_date,
                       DEFAMED_BY_KEY["complaint_date"].label)
        self.add_field("words", self.words, DEFAMED_BY_KEY["words_complained"].label)
        self.form.addRow(self.correction)
        # Every problem of the party is shown under its name, whichever field caused it.
        for widget in (self.kind, self.complained, self.complaint_date, self.words,
                       self.correction):
            when_done(widget, lambda: self.field_done.emit("defamed[1]"))
        self.follow_form_with_tab()

    def load(self, parties: tuple[DefamedInput, ...]) -> None:
        party = parties[0] if parties else None
        self._uuid = party.uuid if party else None
        self.name.setText(party.name if party else "")
        self.kind.set_value(party.kind if party else PartyKind.PERSON)
        self.complained.setChecked(bool(party and party.complaint_received))
        self.complaint_date.set_value(party.complaint_date if party else None)
        self.words.setPlainText(party.words_complained or "" if party else "")
        self.correction.setChecked(bool(party and party.correction_published))

    def parties(self) -> tuple[DefamedInput, ...]:
        if not clean(self.name.text()):
            return ()
        return (DefamedInput(
            name=self.name.text(),
            kind=self.kind.value(),
            complaint_received=self.complained.isChecked(),
            complaint_date=self.complaint_date.value(),
            words_complained=self.words.toPlainText(),
            correction_published=self.correction.isChecked(),
            uuid=self._uuid,
        ),)
