"""Who posted it: identified or not, a person or an organisation."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from app.domain.case import CaseInput
from app.domain.fields import CHOICE_BY_KEY
from app.ui.case_editor.section import Section
from app.ui.dates import DateEntry, YearEntry
from app.ui.form_widgets import PartyKindChoice


class OffenderSection(Section):
    def __init__(self) -> None:
        super().__init__()
        self.identified = QCheckBox("Đã xác định được đối tượng")
        self.kind = PartyKindChoice()
        self.name = QLineEdit()
        self.birth_date = DateEntry(optional=True)
        self.birth_year = YearEntry()
        self.address = QLineEdit()
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("12 chữ số căn cước")
        self.form.addRow(self.identified)
        self.add_field("offender_kind", self.kind, CHOICE_BY_KEY["offender_kind"].label)
        self.add_field("offender_name", self.name)
        self.add_field("offender_birth_date", self.birth_date)
        self.add_field("offender_birth_year", self.birth_year)
        self.add_field("offender_address", self.address)
        self.add_field("offender_id_number", self.id_number)
        self.details = [self.kind, self.name, self.birth_date, self.birth_year, self.address,
                        self.id_number]
        self.identified.toggled.connect(self._identified_changed)
        self._identified_changed(False)
        self.follow_form_with_tab()

    def _identified_changed(self, identified: bool) -> None:
        for widget in self.details:
            widget.setEnabled(identified)

    def load(self, data: CaseInput) -> None:
        self.identified.setChecked(data.offender_identified)
        self.kind.set_value(data.offender_kind)
        self.name.setText(data.offender_name or "")
        self.birth_date.set_value(data.offender_birth_date)
        self.birth_year.set_value(data.offender_birth_year)
        self.address.setText(data.offender_address or "")
        self.id_number.setText(data.offender_id_number or "")

    def values(self) -> dict[str, object]:
        if not self.identified.isChecked():
            return {key: None for key in ("offender_kind", "offender_name",
                                          "offender_birth_date", "offender_birth_year",
                                          "offender_address", "offender_id_number")}
        return {
            "offender_kind": self.kind.value(),
            "offender_name": self.name.text(),
            "offender_birth_date": self.birth_date.value(),
            "offender_birth_year": self.birth_year.value(),
            "offender_address": self.address.text(),
            "offender_id_number": self.id_number.text(),
        }
