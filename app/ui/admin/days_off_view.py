"""The days off of a year: the public holidays the program knows (Tết by the lunar
calendar, Giỗ Tổ Hùng Vương, the days in lieu), beside the days off and the Saturdays
worked ("làm bù") the government announced, which an administrator records. Every
working-day clock counts with them (the decision after a biên bản, a reply expected)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.labels import ANNOUNCED_DAY_OFF, ANNOUNCED_WORKING_DAY, WEEKDAY_LABELS
from app.domain.workdays import library_working_weekends, public_holidays
from app.progress import CancelToken, Progress
from app.services import days_off
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.days_off import NOTE_MAX, AnnouncedDayRecord
from app.text import format_date
from app.ui.admin.common import Feedback, fill_table, make_table, selected_row
from app.ui.data_change import DataChange, DataKind
from app.ui.dates import DateEntry, YearEntry, entries_ready
from app.ui.tasks import TaskRunner

# The years the library's calendar is offered for.
FIRST_YEAR, LAST_YEAR_AHEAD = 2020, 2


def _day(day: date) -> str:
    return f"{WEEKDAY_LABELS[day.weekday()]}, {format_date(day)}"


class DaysOffView(QWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None]) -> None:
        super().__init__()
        self._db, self._actor, self._runner, self._notify = db, actor, runner, notify
        self._announced: list[AnnouncedDayRecord] = []
        this_year = date.today().year
        self.year = YearEntry(this_year, first=FIRST_YEAR, last=this_year + LAST_YEAR_AHEAD,
                              optional=False)
        self.year.changed.connect(self.refresh)
        intro = QLabel("Thời hạn tính theo ngày làm việc (hạn ra quyết định xử phạt sau biên "
                       "bản, hạn trả lời văn bản) bỏ qua thứ Bảy, Chủ nhật, các ngày lễ, Tết "
                       "dưới đây và các ngày nghỉ thêm mà Chính phủ, Bộ Nội vụ thông báo; ngày "
                       "làm bù (thứ Bảy đi làm) được tính là ngày làm việc.")
        intro.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm:"))
        top.addWidget(self.year)
        top.addStretch(1)

        self.holidays = make_table(["Ngày", "Ngày lễ, Tết (theo lịch của chương trình)"])
        known = QGroupBox("Ngày lễ, Tết chương trình đã biết")
        QVBoxLayout(known).addWidget(self.holidays)

        self.announced = make_table(["Ngày", "Loại", "Căn cứ, ghi chú"])
        self.day = DateEntry()
        self.kind = QComboBox()
        self.kind.addItem(ANNOUNCED_DAY_OFF, False)
        self.kind.addItem(ANNOUNCED_WORKING_DAY, True)
        self.note = QLineEdit()
        self.note.setMaxLength(NOTE_MAX)
        self.note.setPlaceholderText("VD: Thông báo số …/TB-BNV của Bộ Nội vụ")
        editable = actor.can(Permission.MANAGE_SETTINGS)
        self.add_button = QPushButton("Thêm ngày")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("Xóa ngày đã chọn")
        self.remove_button.clicked.connect(self.remove_selected)
        for widget in (self.day, self.kind, self.note, self.add_button, self.remove_button):
            widget.setEnabled(editable)
        form = QFormLayout()
        form.addRow("Ngày:", self.day)
        form.addRow("Loại:", self.kind)
        form.addRow("Căn cứ, ghi chú:", self.note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.feedback = Feedback()
        announced = QGroupBox("Ngày nghỉ thêm, ngày làm bù theo thông báo của Chính phủ")
        column = QVBoxLayout(announced)
        column.addWidget(self.announced)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.feedback)

        sides = QHBoxLayout()
        sides.addWidget(known, 1)
        sides.addWidget(announced, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addLayout(sides, 1)
        self.refresh()

    def refresh(self) -> None:
        year = self.year.value()
        if year is None:
            return
        weekends = library_working_weekends(year)
        fill_table(self.holidays, [(_day(h.day), h.name) for h in public_holidays(year)]
                   + [(_day(day), ANNOUNCED_WORKING_DAY) for day in sorted(weekends)])
        self._announced = days_off.announced_days(self._db, year)
        fill_table(self.announced, [(_day(a.day), a.kind_label, a.note)
                                    for a in self._announced])

    def add(self) -> None:
        if not entries_ready(self):
            return
        day = self.day.checked_value()
        working = bool(self.kind.currentData())
        note = self.note.text()
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> AnnouncedDayRecord:
            return days_off.add_announced_day(db, actor, day, working=working, note=note)

        self._runner.start(task, on_success=self._added, on_failure=self.feedback.error,
                           owner=self)

    def _added(self, added: AnnouncedDayRecord) -> None:
        self.note.clear()
        self._changed(added.day, f"Đã thêm {added.kind_label.lower()} {format_date(added.day)}.")

    def remove_selected(self) -> None:
        row = selected_row(self.announced)
        if row is None:
            self.feedback.error("Hãy chọn một ngày trong danh sách ngày nghỉ thêm, làm bù.")
            return
        chosen = self._announced[row]
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> None:
            days_off.remove_announced_day(db, actor, chosen.id)

        self._runner.start(task, on_success=lambda _r: self._changed(
            chosen.day, f"Đã xóa {chosen.kind_label.lower()} {format_date(chosen.day)}."),
            on_failure=self.feedback.error, owner=self)

    def _changed(self, day: date, done: str) -> None:
        # The working-day deadlines of the lists and the dashboard change with the days.
        self._notify(DataChange.of(DataKind.OFFICE))
        if self.year.value() == day.year:
            self.refresh()
        else:
            self.year.set_value(day.year)  # shows that year's days
        self.feedback.ok(done)
