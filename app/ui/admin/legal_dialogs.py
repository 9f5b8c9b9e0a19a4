"""The dialogs of the legal catalog: an instrument, a provision, an authority's limit, and
the end of a validity. Each saves off the UI thread and, when the service refuses, shows
why beside the field concerned and keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import Field
from app.domain.labels import PARTY_LABELS, PartyKind
from app.domain.legal import (
    COMMUNE_CHAIRMAN,
    INSTRUMENT_BY_KEY,
    LIMIT_BY_KEY,
    MAX_FINE,
    PROVISION_BY_KEY,
    AuthorityLimit,
    InstrumentInput,
    ProvisionInput,
)
from app.domain.vocabulary import BUILTIN, VocabList
from app.errors import UserError, ValidationError
from app.services.legal_basis import Instrument, Provision
from app.ui.dates import NOT_SAVED, DateEntry, entries_ready
from app.ui.dialogs import Dialog
from app.ui.tasks import TaskRunner
from app.ui.widgets import FieldError, with_error

NO_AMOUNT = "không có"
TEXT_HEIGHT = 64  # three lines of a description or of remedies


def _money_box(value: int | None, special: str | None = NO_AMOUNT) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_FINE)
    spin.setSingleStep(500_000)
    spin.setGroupSeparatorShown(True)
    if special:
        spin.setSpecialValueText(special)  # 0 means no amount
    spin.setValue(value or 0)
    return spin


def _text_box(value: str) -> QPlainTextEdit:
    box = QPlainTextEdit(value)
    box.setTabChangesFocus(True)
    box.setFixedHeight(TEXT_HEIGHT)
    return box


def _party_combo(value: PartyKind | None) -> QComboBox:
    combo = QComboBox()
    for kind in (PartyKind.ORGANISATION, PartyKind.PERSON):
        combo.addItem(PARTY_LABELS[kind], kind)
    combo.setCurrentIndex(max(combo.findData(value), 0))
    return combo


class CatalogDialog(Dialog):
    """A form whose save runs the service in the background and stays open on a refusal."""

    def __init__(self, title: str, runner: TaskRunner, parent: QWidget | None,
                 min_width: int = 640) -> None:
        super().__init__(title, parent=parent, min_width=min_width)
        self._runner = runner
        self.errors: dict[str, FieldError] = {}
        self.saved: Any = None  # what the service returned
        self._work: Callable[[], Any] | None = None

    def row(self, form: QFormLayout, fields: dict[str, Field], key: str, widget: QWidget,
            label: str | None = None) -> None:
        box, self.errors[key] = with_error(widget)
        form.addRow(f"{label or fields[key].label}:", box)

    def pair(self, form: QFormLayout, label: str, first: tuple[str, QWidget], between: str,
             second: tuple[str, QWidget]) -> None:
        """Two fields on one line, their messages on one line under both."""
        line = QWidget()
        row = QHBoxLayout(line)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(first[1], 1)
        row.addWidget(QLabel(between))
        row.addWidget(second[1], 1)
        box, error = with_error(line)
        self.errors[first[0]] = self.errors[second[0]] = error
        form.addRow(f"{label}:", box)

    def finish(self, layout: QVBoxLayout, accept: str) -> None:
        layout.addWidget(self.message)
        layout.addWidget(self.button_box(accept, on_accept=self.save))

    def request(self) -> Callable[[], Any]:
        """The service call that saves what the fields hold (subclasses)."""
        raise NotImplementedError

    def save(self) -> None:
        for error in self.errors.values():
            error.show_message(None)
        self.message.clear()
        if not entries_ready(self):
            self.message.error(NOT_SAVED)
            return
        self.submit(self._runner, self.request(), done=self._saved, on_fields=self._on_fields)

    def _saved(self, result: Any) -> None:
        self.saved = result

    def _on_fields(self, error: UserError) -> bool:
        problems = error.problems if isinstance(error, ValidationError) else []
        placed = [p for p in problems if p.field in self.errors]
        # Fields that share a line (the two ends of a range) share its message too.
        for line in {id(self.errors[p.field]): self.errors[p.field] for p in placed}.values():
            line.show_message("\n".join(p.message for p in placed
                                         if self.errors[p.field] is line))
        if placed and len(placed) == len(problems):
            self.message.error("Chưa lưu: hãy sửa các ô có thông báo màu đỏ.")
            return True
        return False


class InstrumentDialog(CatalogDialog):
    def __init__(self, runner: TaskRunner, save: Callable[[InstrumentInput], Any],
                 instrument: Instrument | None = None, parent: QWidget | None = None) -> None:
        super().__init__(instrument.citation if instrument else "Thêm văn bản", runner, parent)
        self._save = save
        found = instrument.as_input() if instrument else InstrumentInput("")
        self.citation = QLineEdit(found.citation)
        self.citation.setPlaceholderText("Ví dụ: NĐ 174/2026/NĐ-CP")
        self.title_text = _text_box(found.title)
        self.valid_from = DateEntry(found.valid_from, optional=True)
        self.valid_to = DateEntry(found.valid_to, optional=True)
        self.note = _text_box(found.note)
        form = QFormLayout()
        for key, widget in (("citation", self.citation), ("title", self.title_text),
                            ("valid_from", self.valid_from), ("valid_to", self.valid_to),
                            ("note", self.note)):
            self.row(form, INSTRUMENT_BY_KEY, key, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.finish(layout, "Lưu")

    def value(self) -> InstrumentInput:
        return InstrumentInput(self.citation.text(), self.title_text.toPlainText(),
                               self.valid_from.value(), self.valid_to.value(),
                               self.note.toPlainText())

    def request(self) -> Callable[[], Any]:
        data, save = self.value(), self._save
        return lambda: save(data)


class ProvisionDialog(CatalogDialog):
    def __init__(self, runner: TaskRunner, save: Callable[[ProvisionInput], Any],
                 instruments: Sequence[Instrument], provision: Provision | None = None,
                 instrument_id: int | None = None, parent: QWidget | None = None) -> None:
        # Wide enough for the groups' names, two by two.
        super().__init__(provision.citation if provision else "Thêm điều khoản", runner, parent,
                         min_width=860)
        self._save = save
        found = provision.as_input() if provision else ProvisionInput(
            instrument_id, "", "", "", "", (), stated_for=PartyKind.ORGANISATION,
            other_party_factor=0.5)
        self.instrument = QComboBox()
        for instrument in instruments:
            self.instrument.addItem(instrument.citation, instrument.id)
        self.instrument.setCurrentIndex(self.instrument.findData(found.instrument_id))
        self.article, self.clause, self.point = (QLineEdit(found.article),
                                                 QLineEdit(found.clause),
                                                 QLineEdit(found.point))
        parts = QWidget()
        parts_row = QHBoxLayout(parts)
        parts_row.setContentsMargins(0, 0, 0, 0)
        for key, edit in (("article", self.article), ("clause", self.clause),
                          ("point", self.point)):
            edit.setMaxLength(PROVISION_BY_KEY[key].max_length or 10)
            box, self.errors[key] = with_error(edit)
            parts_row.addWidget(QLabel(f"{PROVISION_BY_KEY[key].label}:"))
            parts_row.addWidget(box, 1)
        self.description = _text_box(found.description)
        self.groups: dict[str, QCheckBox] = {}
        groups = QWidget()
        grid = QGridLayout(groups)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, (code, label) in enumerate(BUILTIN[VocabList.GROUP]):
            box = self.groups[code] = QCheckBox(f"{code} – {label}")
            box.setChecked(code in found.group_codes)
            grid.addWidget(box, index // 2, index % 2)
        self.fine_min = _money_box(found.fine_min)
        self.fine_max = _money_box(found.fine_max)
        self.stated_for = _party_combo(found.stated_for)
        self.factor = QDoubleSpinBox()
        self.factor.setRange(0, 10)
        self.factor.setDecimals(2)
        self.factor.setSingleStep(0.5)
        self.factor.setValue(found.other_party_factor or 0)
        self.remedies = _text_box("\n".join(found.remedies))
        self.remedies.setPlaceholderText("Mỗi biện pháp một dòng")
        self.valid_from = DateEntry(found.valid_from, optional=True)
        self.valid_to = DateEntry(found.valid_to, optional=True)
        self.to_confirm = QCheckBox("Mới đọc ở nguồn thứ cấp, cần đối chiếu văn bản gốc")
        self.to_confirm.setChecked(found.to_confirm)
        form = QFormLayout()
        self.row(form, PROVISION_BY_KEY, "instrument_id", self.instrument)
        form.addRow("Điều, khoản, điểm:", parts)
        for key, widget in (("description", self.description), ("group_codes", groups)):
            self.row(form, PROVISION_BY_KEY, key, widget)
        self.pair(form, "Tiền phạt (đồng)", ("fine_min", self.fine_min), "đến",
                  ("fine_max", self.fine_max))
        self.pair(form, PROVISION_BY_KEY["stated_for"].label, ("stated_for", self.stated_for),
                  f"{PROVISION_BY_KEY['other_party_factor'].label}:",
                  ("other_party_factor", self.factor))
        self.row(form, PROVISION_BY_KEY, "remedies", self.remedies)
        self.pair(form, PROVISION_BY_KEY["valid_from"].label, ("valid_from", self.valid_from),
                  f"{PROVISION_BY_KEY['valid_to'].label}:", ("valid_to", self.valid_to))
        form.addRow("", self.to_confirm)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.finish(layout, "Lưu")

    def value(self) -> ProvisionInput:
        stated_for = self.stated_for.currentData()
        return ProvisionInput(
            instrument_id=self.instrument.currentData(), article=self.article.text(),
            clause=self.clause.text(), point=self.point.text(),
            description=self.description.toPlainText(),
            group_codes=tuple(code for code, box in self.groups.items() if box.isChecked()),
            fine_min=self.fine_min.value() or None, fine_max=self.fine_max.value() or None,
            stated_for=stated_for, other_party_factor=self.factor.value() or None,
            remedies=tuple(self.remedies.toPlainText().splitlines()),
            valid_from=self.valid_from.value(), valid_to=self.valid_to.value(),
            to_confirm=self.to_confirm.isChecked())

    def request(self) -> Callable[[], Any]:
        data, save = self.value(), self._save
        return lambda: save(data)


class LimitDialog(CatalogDialog):
    def __init__(self, runner: TaskRunner, save: Callable[[AuthorityLimit], Any],
                 limit: AuthorityLimit | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Sửa mức phạt tối đa" if limit else "Thêm mức phạt tối đa", runner,
                         parent)
        self._save = save
        found = limit or AuthorityLimit(COMMUNE_CHAIRMAN, PartyKind.PERSON, 0, "")
        self.authority = QLineEdit(found.authority)
        self.party = _party_combo(found.party)
        self.max_fine = _money_box(found.max_fine, special=None)
        self.basis = QLineEdit(found.basis)
        self.basis.setPlaceholderText("Ví dụ: Điều 106 NĐ 174/2026/NĐ-CP")
        self.valid_from = DateEntry(found.valid_from, optional=True)
        self.valid_to = DateEntry(found.valid_to, optional=True)
        self.to_confirm = QCheckBox("Mới đọc ở nguồn thứ cấp, cần đối chiếu văn bản gốc")
        self.to_confirm.setChecked(found.to_confirm)
        form = QFormLayout()
        for key, widget in (("authority", self.authority), ("party", self.party),
                            ("max_fine", self.max_fine), ("basis", self.basis),
                            ("valid_from", self.valid_from), ("valid_to", self.valid_to)):
            self.row(form, LIMIT_BY_KEY, key, widget)
        form.addRow("", self.to_confirm)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.finish(layout, "Lưu")

    def value(self) -> AuthorityLimit:
        return AuthorityLimit(self.authority.text(), self.party.currentData(),
                              self.max_fine.value(), self.basis.text(),
                              self.valid_from.value(), self.valid_to.value(),
                              self.to_confirm.isChecked())

    def request(self) -> Callable[[], Any]:
        data, save = self.value(), self._save
        return lambda: save(data)


class EndDialog(CatalogDialog):
    """The last day a provision or an instrument is in force."""

    def __init__(self, runner: TaskRunner, what: str, save: Callable[[date], Any],
                 day: date, parent: QWidget | None = None) -> None:
        super().__init__(f"Kết thúc hiệu lực: {what}", runner, parent)
        self._save = save
        self.valid_to = DateEntry(day)
        note = QLabel("Chương trình không đề xuất căn cứ này cho hành vi sau ngày đó; các "
                      "quyết định đã ghi vẫn giữ căn cứ này.")
        note.setWordWrap(True)
        form = QFormLayout()
        self.row(form, PROVISION_BY_KEY, "valid_to", self.valid_to, "Còn hiệu lực đến hết ngày")
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        self.finish(layout, "Kết thúc hiệu lực")

    def request(self) -> Callable[[], Any]:
        day, save = self.valid_to.checked_value(), self._save
        return lambda: save(day)
