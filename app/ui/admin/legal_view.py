"""The legal catalog an administrator keeps current: its provisions (filtered by
instrument), the instruments, and the authorities' fining limits, each with its validity.

A provision a recorded sanction cites is ended, never deleted; an unused one may be."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.labels import PARTY_LABELS
from app.domain.legal import Validity
from app.progress import CancelToken, Progress
from app.services import legal_basis
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.legal_basis import Instrument, LegalCatalog, Limit, Provision
from app.text import format_money, format_number
from app.ui.admin.common import Feedback, fill_table, make_table, selected_row
from app.ui.admin.legal_dialogs import (
    CatalogDialog,
    EndDialog,
    InstrumentDialog,
    LimitDialog,
    ProvisionDialog,
)
from app.ui.data_change import DataChange, DataKind
from app.ui.tasks import TaskRunner

ALL_INSTRUMENTS = "Tất cả văn bản"
TO_CONFIRM = " (cần xác nhận)"
# The widest columns, so that every column fits a 1366-pixel screen.
CITATION_WIDTH = 300
DESCRIPTION_WIDTH = 420


def _range(p: Provision) -> str:
    if p.fine_min is None or p.fine_max is None:
        return ""
    party = f" ({PARTY_LABELS[p.stated_for].lower()})" if p.stated_for else ""
    return f"{format_number(p.fine_min)} – {format_number(p.fine_max)}{party}"


class LegalBasisView(QWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None]) -> None:
        super().__init__()
        self._db, self._actor, self._runner, self._notify = db, actor, runner, notify
        self._catalog = LegalCatalog((), (), (), frozenset())
        self._provisions: list[Provision] = []  # the rows shown, after the filter
        self._editable = actor.can(Permission.MANAGE_SETTINGS)
        self.feedback = Feedback()

        self.instrument_filter = QComboBox()
        self.instrument_filter.currentIndexChanged.connect(lambda _i: self._show_provisions())
        self.table = make_table(["Căn cứ", "Nội dung", "Khung tiền phạt (đồng)", "Hiệu lực",
                                 "Nhóm", "Đã dùng"])
        self.table.doubleClicked.connect(lambda _i: self.edit_provision())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_provision_button = self._button("Thêm điều khoản…", self.add_provision)
        self.edit_provision_button = self._button("Sửa…", self.edit_provision)
        self.end_provision_button = self._button("Kết thúc hiệu lực…", self.end_provision)
        self.delete_provision_button = self._button("Xóa", self.delete_provision)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("Văn bản:"))
        filter_row.addWidget(self.instrument_filter, 1)
        provisions = self._page(self.table, filter_row, self.add_provision_button,
                                self.edit_provision_button, self.end_provision_button,
                                self.delete_provision_button)

        self.instruments = make_table(["Văn bản", "Tên đầy đủ", "Hiệu lực", "Số điều khoản",
                                       "Ghi chú"])
        self.instruments.doubleClicked.connect(lambda _i: self.edit_instrument())
        self.instruments.itemSelectionChanged.connect(self._update_buttons)
        self.end_instrument_button = self._button("Kết thúc hiệu lực…", self.end_instrument)
        self.delete_instrument_button = self._button("Xóa", self.delete_instrument)
        instruments = self._page(self.instruments, None,
                                 self._button("Thêm văn bản…", self.add_instrument),
                                 self._button("Sửa…", self.edit_instrument),
                                 self.end_instrument_button, self.delete_instrument_button)

        self.limits = make_table(["Chức danh", "Đối tượng", "Phạt tiền tối đa", "Căn cứ",
                                  "Hiệu lực"])
        self.limits.doubleClicked.connect(lambda _i: self.edit_limit())
        limits = self._page(self.limits, None, self._button("Thêm mức…", self.add_limit),
                            self._button("Sửa…", self.edit_limit),
                            self._button("Xóa", self.delete_limit))

        self.tabs = QTabWidget()
        self.tabs.addTab(provisions, "Điều khoản")
        self.tabs.addTab(instruments, "Văn bản")
        self.tabs.addTab(limits, "Thẩm quyền phạt tiền")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        layout.addWidget(self.feedback)
        self.refresh()

    def _button(self, text: str, action: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(action)
        button.setEnabled(self._editable)
        return button

    @staticmethod
    def _page(table: QTableWidget, top: QHBoxLayout | None, *buttons: QPushButton) -> QWidget:
        page = QWidget()
        row = top or QHBoxLayout()
        if top is None:
            row.addStretch(1)
        for button in buttons:
            row.addWidget(button)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(table)
        return page

    # Loading ---------------------------------------------------------------------------------

    def refresh_for(self, change: DataChange) -> None:
        if change.concerns(DataKind.LEGAL_BASIS):
            self.refresh()

    def refresh(self) -> None:
        # A few dozen rows read in one session: no wait worth a background task.
        self._catalog = found = legal_basis.catalog(self._db)
        counts = {i.id: sum(p.instrument_id == i.id for p in found.provisions)
                  for i in found.instruments}
        fill_table(self.instruments, [
            (i.citation, i.title, Validity(i.valid_from, i.valid_to).text(), counts[i.id],
             i.note) for i in found.instruments])
        fill_table(self.limits, [
            (lim.limit.authority, PARTY_LABELS[lim.limit.party],
             format_money(lim.limit.max_fine),
             lim.limit.basis + (TO_CONFIRM if lim.limit.to_confirm else ""),
             lim.limit.validity.text()) for lim in found.limits])
        self.instruments.setColumnWidth(0, CITATION_WIDTH)
        for table in (self.instruments, self.limits):
            table.setColumnWidth(1, min(table.columnWidth(1), DESCRIPTION_WIDTH))
        chosen = self.instrument_filter.currentData()
        self.instrument_filter.blockSignals(True)
        self.instrument_filter.clear()
        self.instrument_filter.addItem(ALL_INSTRUMENTS, None)
        for instrument in found.instruments:
            self.instrument_filter.addItem(instrument.citation, instrument.id)
        self.instrument_filter.setCurrentIndex(max(self.instrument_filter.findData(chosen), 0))
        self.instrument_filter.blockSignals(False)
        self._show_provisions()

    def _show_provisions(self) -> None:
        instrument_id = self.instrument_filter.currentData()
        found = self._catalog
        self._provisions = [p for p in found.provisions
                            if instrument_id is None or p.instrument_id == instrument_id]
        fill_table(self.table, [
            (p.citation, p.description + (TO_CONFIRM if p.to_confirm else ""), _range(p),
             p.validity.text(), ", ".join(p.group_codes), "Có" if p.id in found.used else "")
            for p in self._provisions])
        self.table.setColumnWidth(0, CITATION_WIDTH)
        self.table.setColumnWidth(1, DESCRIPTION_WIDTH)
        self._update_buttons()

    def _update_buttons(self) -> None:
        provision = self._selected_provision()
        used = provision is not None and provision.id in self._catalog.used
        self.delete_provision_button.setEnabled(self._editable and provision is not None
                                                and not used)
        self.delete_provision_button.setToolTip(
            "Căn cứ đã được dùng trong quyết định xử phạt: chỉ kết thúc hiệu lực được."
            if used else "")
        self.end_provision_button.setEnabled(self._editable and provision is not None)
        instrument = self._selected_instrument()
        self.end_instrument_button.setEnabled(self._editable and instrument is not None)
        self.delete_instrument_button.setEnabled(
            self._editable and instrument is not None and not self._catalog.in_use(instrument))

    def _selected_provision(self) -> Provision | None:
        row = selected_row(self.table)
        return self._provisions[row] if row is not None else None

    def _selected_instrument(self) -> Instrument | None:
        row = selected_row(self.instruments)
        return self._catalog.instruments[row] if row is not None else None

    def _selected_limit(self) -> Limit | None:
        row = selected_row(self.limits)
        return self._catalog.limits[row] if row is not None else None

    # Changes ---------------------------------------------------------------------------------

    def _open(self, dialog: CatalogDialog, done: str) -> None:
        """Show a dialog that saves itself; once saved, every view of the catalog reloads."""
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._notify(DataChange.of(DataKind.LEGAL_BASIS))
        self.feedback.ok(done)

    def _run(self, work: Callable[[], Any], done: str) -> None:
        def task(_progress: Progress, _token: CancelToken) -> Any:
            return work()

        def succeeded(_result: object) -> None:
            self._notify(DataChange.of(DataKind.LEGAL_BASIS))
            self.feedback.ok(done)

        self._runner.start(task, on_success=succeeded, on_failure=self.feedback.error,
                           owner=self)

    def confirm(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(
            self, title, question, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def add_provision(self) -> None:
        db, actor = self._db, self._actor
        dialog = ProvisionDialog(
            self._runner, lambda data: legal_basis.add_provision(db, actor, data),
            self._catalog.instruments, instrument_id=self.instrument_filter.currentData(),
            parent=self)
        self._open(dialog, "Đã thêm điều khoản.")

    def edit_provision(self) -> None:
        provision = self._selected_provision()
        if provision is None or not self._editable:
            return
        db, actor = self._db, self._actor
        dialog = ProvisionDialog(
            self._runner, lambda data: legal_basis.update_provision(db, actor, provision.id, data),
            self._catalog.instruments, provision, parent=self)
        self._open(dialog, f"Đã lưu {provision.citation}.")

    def end_provision(self) -> None:
        provision = self._selected_provision()
        if provision is None or not self._editable:
            return
        db, actor = self._db, self._actor
        dialog = EndDialog(self._runner, provision.citation,
                           lambda day: legal_basis.end_provision(db, actor, provision.id, day),
                           provision.valid_to or date.today(), parent=self)
        self._open(dialog, f"Đã kết thúc hiệu lực {provision.citation}.")

    def delete_provision(self) -> None:
        provision = self._selected_provision()
        if provision is None or not self._editable or not self.confirm(
                "Xóa điều khoản", f"Xóa {provision.citation} khỏi danh mục?"):
            return
        db, actor = self._db, self._actor
        self._run(lambda: legal_basis.delete_provision(db, actor, provision.id),
                  f"Đã xóa {provision.citation}.")

    def add_instrument(self) -> None:
        db, actor = self._db, self._actor
        self._open(InstrumentDialog(
            self._runner, lambda data: legal_basis.add_instrument(db, actor, data),
            parent=self), "Đã thêm văn bản.")

    def edit_instrument(self) -> None:
        instrument = self._selected_instrument()
        if instrument is None or not self._editable:
            return
        db, actor = self._db, self._actor
        self._open(InstrumentDialog(
            self._runner,
            lambda data: legal_basis.update_instrument(db, actor, instrument.id, data),
            instrument, parent=self), f"Đã lưu {instrument.citation}.")

    def end_instrument(self) -> None:
        instrument = self._selected_instrument()
        if instrument is None or not self._editable:
            return
        db, actor = self._db, self._actor
        self._open(EndDialog(
            self._runner, instrument.citation,
            lambda day: legal_basis.end_instrument(db, actor, instrument.id, day),
            instrument.valid_to or date.today(), parent=self),
            f"Đã kết thúc hiệu lực {instrument.citation} và các điều khoản còn hiệu lực của nó.")

    def delete_instrument(self) -> None:
        instrument = self._selected_instrument()
        if instrument is None or not self._editable or not self.confirm(
                "Xóa văn bản", f"Xóa {instrument.citation} và các điều khoản của nó khỏi "
                               "danh mục?"):
            return
        db, actor = self._db, self._actor
        self._run(lambda: legal_basis.delete_instrument(db, actor, instrument.id),
                  f"Đã xóa {instrument.citation}.")

    def add_limit(self) -> None:
        db, actor = self._db, self._actor
        self._open(LimitDialog(self._runner,
                               lambda data: legal_basis.add_limit(db, actor, data),
                               parent=self), "Đã thêm mức phạt tối đa.")

    def edit_limit(self) -> None:
        found = self._selected_limit()
        if found is None or not self._editable:
            return
        db, actor = self._db, self._actor
        self._open(LimitDialog(self._runner,
                               lambda data: legal_basis.update_limit(db, actor, found.id, data),
                               found.limit, parent=self), "Đã lưu mức phạt tối đa.")

    def delete_limit(self) -> None:
        found = self._selected_limit()
        if found is None or not self._editable or not self.confirm(
                "Xóa mức phạt tối đa", f"Xóa mức phạt tối đa của {found.limit.authority} "
                                       f"({found.limit.validity.text()})?"):
            return
        db, actor = self._db, self._actor
        self._run(lambda: legal_basis.delete_limit(db, actor, found.id),
                  "Đã xóa mức phạt tối đa.")
