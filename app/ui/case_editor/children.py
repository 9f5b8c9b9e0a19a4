"""Children involved: every field here is a child's private information."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.case import ActDate, ChildInput, child_age, validate_child
from app.domain.fields import CHILD_BY_KEY, CHILDREN_LABEL
from app.domain.labels import Sex
from app.text import clean
from app.ui.admin.common import fill_table, make_table, selected_row
from app.ui.case_editor.section import Section, by_field, enter_activates
from app.ui.dates import YearEntry, entries_ready
from app.ui.dialogs import Dialog
from app.ui.widgets import FieldError, WarningLine, with_error

# NĐ 56/2017 Điều 33: what counts as a child's private information.
PRIVATE_INFORMATION = (
    "Thông tin bí mật đời sống riêng tư của trẻ em (NĐ 56/2017, Điều 33): họ tên, tuổi, đặc "
    "điểm nhận dạng, hình ảnh, sức khỏe, thành viên gia đình và người chăm sóc, tài sản, số "
    "điện thoại, địa chỉ, quê quán, trường, lớp, kết quả học tập, bạn bè, dịch vụ đã sử dụng. "
    "Chỉ ghi những gì cần cho việc xử lý; trên báo cáo trẻ em chỉ hiện chữ cái đầu."
)


def _sentence(message: str | None) -> str | None:
    """A rule's message as a sentence under its field."""
    return message[:1].upper() + message[1:] if message else None


def _label(key: str) -> str:
    field = CHILD_BY_KEY[key]
    return field.label + (" *" if field.required else "")


class ChildDialog(Dialog):
    """One child, checked by the rules the case is saved with; `act` is the case's act date
    as typed (None while unknown), on which the child's age is judged as the year is typed."""

    def __init__(self, child: ChildInput | None, act: ActDate | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(CHILDREN_LABEL, parent=parent, min_width=460)
        self._child = child
        self._act = act
        self.full_name = QLineEdit(child.full_name if child else "")
        self.birth_year = YearEntry(child.birth_year if child else None)
        self.sex = QComboBox()
        self.sex.addItem("—", None)
        for sex in Sex:
            self.sex.addItem(sex.value, sex)
        self.sex.setCurrentIndex(max(self.sex.findData(child.sex if child else None), 0))
        self.school_class = QLineEdit(child.school_class or "" if child else "")
        self.address = QLineEdit(child.address or "" if child else "")
        self.guardian = QCheckBox(_label("guardian_informed"))
        self.guardian.setChecked(bool(child and child.guardian_informed))
        self.referred = QCheckBox(_label("referred_to_protection"))
        self.referred.setChecked(bool(child and child.referred_to_protection))
        self.notes = QLineEdit(child.notes or "" if child else "")
        # A birth date (recorded by import) has no box here: its message goes under the year.
        self.inputs: dict[str, QWidget] = {
            "full_name": self.full_name, "birth_year": self.birth_year, "sex": self.sex,
            "school_class": self.school_class, "address": self.address, "notes": self.notes}
        self.errors: dict[str, FieldError] = {}
        # A child of 16 or 17 at the act: said under the year, never blocking.
        self.age_warning = WarningLine()
        form = QFormLayout(self)
        for key, widget in self.inputs.items():
            box, self.errors[key] = with_error(
                widget, *([self.age_warning] if key == "birth_year" else []))
            if key == "notes":
                form.addRow(self.guardian)
                form.addRow(self.referred)
            form.addRow(_label(key) + ":", box)
        form.addRow(self.message)
        form.addRow(self.button_box("Đồng ý", on_accept=self._accept))
        self.birth_year.changed.connect(self._check_age)  # a year typed in full
        self._check_age()

    def _problems(self) -> dict[str, str]:
        found = validate_child(self.child(), date.today(), self._act)
        return by_field(found, lambda key: "birth_year" if key == "birth_date" else key)

    def _check_age(self) -> None:
        """As the year is typed: its message, or the warning of a child of 16 or 17."""
        self.errors["birth_year"].show_message(_sentence(self._problems().get("birth_year")))
        age = child_age(self.child(), self._act) if self._act else None
        self.age_warning.show_message(_sentence(age.message)
                                      if age and not age.refused else None)

    def _accept(self) -> None:
        """The dialog stays open, each message under its field, until the child is right."""
        if not entries_ready(self):
            return
        found = self._problems()
        for key, error in self.errors.items():
            error.show_message(_sentence(found.get(key)))
        if not found:
            self.accept()
            return
        elsewhere = [_sentence(m) or "" for key, m in found.items() if key not in self.errors]
        self.message.error(" ".join(elsewhere) or "Chưa ghi được: có chỗ cần sửa (ghi màu đỏ).")
        first = next((key for key in self.inputs if key in found), None)
        if first is not None:
            self.inputs[first].setFocus()

    def child(self) -> ChildInput:
        base = self._child or ChildInput(full_name="")
        sex = self.sex.currentData()
        # Trimmed as stored, so the rules judge what will be saved.
        return dataclasses.replace(
            base, full_name=clean(self.full_name.text()) or "",
            birth_year=self.birth_year.value(), sex=Sex(sex) if sex else None,
            school_class=clean(self.school_class.text()), address=clean(self.address.text()),
            guardian_informed=self.guardian.isChecked(),
            referred_to_protection=self.referred.isChecked(), notes=clean(self.notes.text()))


class ChildrenSection(Section):
    """`act_date` gives the case's act date as typed, on which each child's age is taken."""

    def __init__(self, act_date: Callable[[], ActDate | None]) -> None:
        super().__init__()
        self._act_date = act_date
        self.children_list: list[ChildInput] = []
        reminder = QLabel(PRIVATE_INFORMATION)
        reminder.setWordWrap(True)
        reminder.setStyleSheet("background: #fff4e5; padding: 6px; border-radius: 4px")
        add = QPushButton("Thêm trẻ em…")
        add.clicked.connect(self._add)
        edit = QPushButton("Sửa…")
        edit.clicked.connect(self._edit)
        remove = QPushButton("Bỏ khỏi vụ việc")
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        for button in (add, edit, remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # Made after the buttons, so Tab reaches them first, as they are laid out.
        self.table = make_table([CHILD_BY_KEY[key].label for key in (
            "full_name", "birth_year", "sex", "school_class", "guardian_informed",
            "referred_to_protection")])
        self.table.activated.connect(lambda _i: self._edit())  # Enter or double click
        enter_activates(self.table)
        self.error = FieldError()
        self.errors["children"] = self.error
        self.outer.insertWidget(0, reminder)
        self.outer.addLayout(buttons)
        self.outer.addWidget(self.error)
        self.outer.addWidget(self.table)

    def load(self, children: tuple[ChildInput, ...]) -> None:
        self.children_list = list(children)
        self._show()

    def add_child(self, child: ChildInput) -> None:
        self.children_list.append(child)
        self._changed()

    def _changed(self) -> None:
        self._show()
        self.field_done.emit("children")

    def _show(self) -> None:
        fill_table(self.table, [
            (c.full_name, c.birth_year or "", c.sex or "", c.school_class or "",
             "có" if c.guardian_informed else "chưa", "có" if c.referred_to_protection else "chưa")
            for c in self.children_list])

    def _add(self) -> None:
        dialog = ChildDialog(None, self._act_date(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_child(dialog.child())

    def _edit(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        dialog = ChildDialog(self.children_list[row], self._act_date(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.children_list[row] = dialog.child()
            self._changed()

    def _remove(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            del self.children_list[row]
            self._changed()
