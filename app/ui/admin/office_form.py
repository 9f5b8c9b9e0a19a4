"""Office details used by reports, thresholds and the idle lock."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.office import OfficeSettings
from app.domain.report import REPORT_OPTION_LABELS
from app.progress import CancelToken, Progress
from app.services import settings
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.ui.admin.common import Feedback
from app.ui.data_change import DataChange, DataKind
from app.ui.tasks import TaskRunner

TEXT_FIELDS = (
    ("managing_body", "Cơ quan chủ quản", "VD: UBND XÃ …"),
    ("unit_name", "Tên đơn vị báo cáo", "VD: PHÒNG VĂN HÓA - XÃ HỘI"),
    ("unit_short", "Tên viết tắt", "dùng trong «Lưu: VT, …»"),
    ("place_name", "Địa danh", "ghi ở dòng «…, ngày … tháng … năm …»"),
    ("document_symbol", "Ký hiệu văn bản", "VD: BC-VHXH → Số: 05/BC-VHXH"),
    ("signer_authority", "Thẩm quyền ký", "VD: KT. TRƯỞNG PHÒNG"),
    ("signer_title", "Chức vụ người ký", "VD: PHÓ TRƯỞNG PHÒNG"),
    ("signer_name", "Họ tên người ký", ""),
    ("case_code_pattern", "Mẫu mã vụ việc", "{year} là năm, {seq:05d} là số thứ tự"),
)
LIST_FIELDS = (
    ("addressees", "Kính gửi (mỗi dòng một nơi)"),
    ("recipients", "Nơi nhận (mỗi dòng một nơi)"),
    ("areas", "Địa bàn: ấp, khu phố, thôn (mỗi dòng một địa bàn)"),
)
NUMBER_FIELDS = (
    ("idle_lock_minutes", "Tự khóa sau (phút không thao tác)", 1, 240),
    ("removal_overdue_days", "Cảnh báo yêu cầu gỡ chưa được đáp ứng sau (ngày)", 1, 90),
    ("stale_case_days", "Cảnh báo vụ việc không có biện pháp mới sau (ngày)", 1, 365),
    ("limitation_warning_days", "Cảnh báo trước khi hết thời hiệu (ngày)", 1, 180),
    ("evidence_max_mb", "Dung lượng tối đa một tệp chứng cứ (MB)", 1, 4096),
    ("backup_every_minutes", "Tự sao lưu sau mỗi (phút làm việc)", 5, 480),
    ("offsite_backup_days", "Nhắc sao lưu ra USB sau (ngày)", 1, 90),
    ("deleted_retention_days", "Giữ vụ việc đã xóa trước khi xóa hẳn (ngày)", 30, 3650),
)


class OfficeForm(QScrollArea):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None]) -> None:
        super().__init__()
        self._db, self._actor, self._runner, self._notify = db, actor, runner, notify
        self._current = settings.load_office(db)
        self.texts: dict[str, QLineEdit] = {}
        self.lists: dict[str, QPlainTextEdit] = {}
        self.numbers: dict[str, QSpinBox] = {}
        form = QFormLayout()
        for key, label, hint in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText(hint)
            self.texts[key] = edit
            form.addRow(label + ":", edit)
        for key, label in LIST_FIELDS:
            box = QPlainTextEdit()
            box.setFixedHeight(80)
            self.lists[key] = box
            form.addRow(label + ":", box)
        for key, label, low, high in NUMBER_FIELDS:
            spin = QSpinBox()
            spin.setRange(low, high)
            self.numbers[key] = spin
            form.addRow(label + ":", spin)
        self.report_options = {option: QCheckBox(label)
                               for option, label in REPORT_OPTION_LABELS.items()}
        for index, option_box in enumerate(self.report_options.values()):
            form.addRow("Báo cáo:" if index == 0 else "", option_box)
        self.save_button = QPushButton("Lưu thông tin đơn vị")
        self.save_button.clicked.connect(self.save)
        editable = actor.can(Permission.MANAGE_SETTINGS)
        self.save_button.setEnabled(editable)
        self.feedback = Feedback()
        buttons = QHBoxLayout()
        buttons.addWidget(self.feedback, 1)
        buttons.addWidget(self.save_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(QLabel("Thông tin này được ghi lên báo cáo gửi cấp trên. Đơn vị đổi "
                                "tên, đổi người ký thì sửa ở đây; vụ việc cũ giữ tên đơn vị "
                                "lúc ghi nhận."))
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.show_settings(self._current)

    def show_settings(self, office: OfficeSettings) -> None:
        for key, edit in self.texts.items():
            edit.setText(getattr(office, key))
        for key, box in self.lists.items():
            box.setPlainText("\n".join(getattr(office, key)))
        for key, spin in self.numbers.items():
            spin.setValue(getattr(office, key))
        for option, option_box in self.report_options.items():
            option_box.setChecked(option in office.report_options)

    def edited(self) -> OfficeSettings:
        values: dict[str, object] = {k: e.text().strip() for k, e in self.texts.items()}
        for key, box in self.lists.items():
            values[key] = tuple(line.strip() for line in box.toPlainText().splitlines()
                                if line.strip())
        values.update({k: s.value() for k, s in self.numbers.items()})
        values["report_options"] = tuple(str(option) for option, option_box
                                         in self.report_options.items()
                                         if option_box.isChecked())
        return dataclasses.replace(self._current, **values)  # type: ignore[arg-type]

    def save(self) -> None:
        office = self.edited()
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> OfficeSettings:
            settings.save_office(db, actor, office)
            return office

        self._runner.start(task, on_success=self._saved, on_failure=self.feedback.error)

    def _saved(self, office: OfficeSettings) -> None:
        self._current = office
        self._notify(DataChange.of(DataKind.OFFICE))
        self.feedback.ok("Đã lưu thông tin đơn vị.")
