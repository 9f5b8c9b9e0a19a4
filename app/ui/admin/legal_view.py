"""The legal-basis catalog with validity dates; an administrator corrects provisions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.labels import PARTY_LABELS
from app.progress import CancelToken, Progress
from app.services import legal_basis
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.legal_basis import Provision
from app.text import format_date, format_number
from app.ui.admin.common import Feedback, fill_table, make_table, selected_row
from app.ui.data_change import DataChange, DataKind
from app.ui.dialogs import Dialog
from app.ui.tasks import TaskRunner
from app.ui.widgets import OptionalDate

MAX_FINE = 2_000_000_000


def _range(p: Provision) -> str:
    if p.fine_min is None or p.fine_max is None:
        return ""
    party = f" ({PARTY_LABELS[p.stated_for].lower()})" if p.stated_for else ""
    return f"{format_number(p.fine_min)} – {format_number(p.fine_max)}{party}"


def _validity(p: Provision) -> str:
    if p.valid_from and p.valid_to:
        return f"{format_date(p.valid_from)} – {format_date(p.valid_to)}"
    if p.valid_from:
        return f"từ {format_date(p.valid_from)}"
    if p.valid_to:
        return f"đến {format_date(p.valid_to)}"
    return "không thời hạn"


class ProvisionDialog(Dialog):
    def __init__(self, provision: Provision, parent: QWidget | None = None) -> None:
        super().__init__(provision.citation, parent=parent, min_width=560)
        self.description = QLineEdit(provision.description)
        self.fine_min = QSpinBox()
        self.fine_max = QSpinBox()
        for spin, value in ((self.fine_min, provision.fine_min),
                            (self.fine_max, provision.fine_max)):
            spin.setRange(0, MAX_FINE)
            spin.setSingleStep(500_000)
            spin.setGroupSeparatorShown(True)
            spin.setSpecialValueText("không có")
            spin.setValue(value or 0)
        self.valid_from = OptionalDate(provision.valid_from)
        self.valid_to = OptionalDate(provision.valid_to)
        form = QFormLayout(self)
        form.addRow("Mô tả:", self.description)
        form.addRow("Tiền phạt từ (đồng):", self.fine_min)
        form.addRow("đến (đồng):", self.fine_max)
        form.addRow("Có hiệu lực từ:", self.valid_from)
        form.addRow("Hết hiệu lực sau:", self.valid_to)
        form.addRow(self.button_box("Lưu"))


class LegalBasisView(QWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None]) -> None:
        super().__init__()
        self._db, self._actor, self._runner, self._notify = db, actor, runner, notify
        self._provisions: list[Provision] = []
        self.table = make_table(["Căn cứ", "Nội dung", "Khung tiền phạt (đồng)", "Hiệu lực",
                                 "Nhóm"])
        self.table.doubleClicked.connect(lambda _i: self._edit())
        self.feedback = Feedback()
        edit = QPushButton("Sửa căn cứ…")
        edit.clicked.connect(self._edit)
        edit.setEnabled(actor.can(Permission.MANAGE_SETTINGS))
        top = QHBoxLayout()
        top.addWidget(edit)
        top.addWidget(self.feedback, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.refresh()

    def refresh_for(self, change: DataChange) -> None:
        if change.concerns(DataKind.LEGAL_BASIS):
            self.refresh()

    def refresh(self) -> None:
        self._provisions = legal_basis.all_provisions(self._db)
        fill_table(self.table, [
            (p.citation, p.description + (" (cần xác nhận)" if p.to_confirm else ""), _range(p),
             _validity(p), ", ".join(p.group_codes)) for p in self._provisions])
        self.table.setColumnWidth(1, 480)

    def _edit(self) -> None:
        row = selected_row(self.table)
        if row is None or not self._actor.can(Permission.MANAGE_SETTINGS):
            return
        provision = self._provisions[row]
        dialog = ProvisionDialog(provision, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        db, actor = self._db, self._actor
        description = dialog.description.text()
        low, high = dialog.fine_min.value() or None, dialog.fine_max.value() or None
        valid_from, valid_to = dialog.valid_from.value(), dialog.valid_to.value()

        def task(_p: Progress, _t: CancelToken) -> Provision:
            return legal_basis.update_provision(db, actor, provision.id, description=description,
                                                fine_min=low, fine_max=high,
                                                valid_from=valid_from, valid_to=valid_to)

        def succeeded(_r: object) -> None:
            self._notify(DataChange.of(DataKind.LEGAL_BASIS))
            self.feedback.ok(f"Đã lưu {provision.citation}.")

        self._runner.start(task, on_success=succeeded, on_failure=self.feedback.error)
