"""«Đơn vị và khóa»: this office's fingerprint and public key file, and the other offices
whose keys an administrator registered after comparing fingerprints by phone
(`services/unit_keys.py`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.progress import CancelToken, Progress
from app.services import settings, unit_keys
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.unit_keys import RegisteredUnitRecord, Trusted, UnitKey
from app.ui.admin.common import Feedback, fill_table, make_table
from app.ui.data_change import DataChange, DataKind
from app.ui.tasks import TaskRunner

KEY_FILTER = "Tệp khóa công khai của đơn vị (*.json)"
HEADERS = ("Mã đơn vị", "Tên đơn vị", "Dấu vân tay", "Đăng ký lúc", "Người đăng ký",
           "Thay khóa")
EXPLANATION = (
    "Mỗi đơn vị có một cặp khóa để ký báo cáo, hồ sơ gửi đi và một cặp khóa để nhận hồ sơ "
    "chuyển đến. Gửi tệp khóa công khai cho tỉnh hoặc đơn vị khác; khi đăng ký khóa của đơn "
    "vị khác, hãy gọi điện cho đơn vị đó và đọc so từng nhóm của dấu vân tay.")


class UnitsView(QWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None]) -> None:
        super().__init__()
        self._db, self._actor, self._runner, self._notify = db, actor, runner, notify
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        self.own = QLabel()
        self.own.setWordWrap(True)
        allowed = actor.can(Permission.MANAGE_SETTINGS)
        self.export_button = QPushButton("Xuất khóa công khai…")
        self.export_button.setEnabled(allowed)
        self.export_button.clicked.connect(self._choose_export)
        self.register_button = QPushButton("Đăng ký đơn vị…")
        self.register_button.setEnabled(allowed)
        self.register_button.clicked.connect(self._choose_register)
        self.table = make_table(HEADERS)
        self.feedback = Feedback()
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.feedback, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.own)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("Các đơn vị đã đăng ký khóa:"))
        layout.addWidget(self.table, 1)
        self.reload()

    def reload(self) -> None:
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> tuple[str, list[RegisteredUnitRecord]]:
            office = settings.load_office(db)
            keys = unit_keys.own_public_keys(db)
            unit = (f"{office.unit_code} — {office.unit_title}" if office.unit_code
                    else "chưa ghi mã đơn vị (Quản trị → Thông tin đơn vị)")
            fingerprint = (keys.fingerprint if keys is not None else
                           "chưa có (tạo khi quản trị viên đăng nhập)")
            return (f"Đơn vị mình: {unit}\nDấu vân tay khóa của đơn vị mình: {fingerprint}",
                    unit_keys.registered_units(db, actor))

        self._runner.start(task, on_success=self._show, on_failure=self.feedback.error,
                           owner=self)

    def _show(self, found: tuple[str, list[RegisteredUnitRecord]]) -> None:
        own, registered = found
        self.own.setText(own)
        fill_table(self.table, [
            (r.code, r.name, r.fingerprint, f"{r.registered_at.astimezone():%H:%M %d/%m/%Y}",
             r.registered_by, "" if r.replaced_at is None else
             f"đã thay lúc {r.replaced_at.astimezone():%H:%M %d/%m/%Y} ({r.replaced_by})")
            for r in registered])

    # Exporting this office's key ------------------------------------------------------

    def _choose_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Xuất khóa công khai của đơn vị",
                                              "khoa-cong-khai-don-vi.json", KEY_FILTER)
        if name:
            self.export_to(Path(name))

    def export_to(self, target: Path) -> None:
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> UnitKey:
            return unit_keys.write_unit_key(db, actor, target)

        self._runner.start(task, on_success=lambda key: self.feedback.ok(
            f"Đã ghi {target.name}. Dấu vân tay: {key.fingerprint}"),
            on_failure=self.feedback.error, owner=self)

    # Registering another office's key -------------------------------------------------

    def _choose_register(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Đăng ký khóa công khai của đơn vị", "",
                                              KEY_FILTER)
        if name:
            self.register_from(Path(name))

    def register_from(self, path: Path) -> None:
        """The file's unit and fingerprint shown first; stored only once confirmed."""
        db, actor = self._db, self._actor

        def read(_p: Progress, _t: CancelToken) -> tuple[UnitKey, RegisteredUnitRecord | None]:
            key = unit_keys.read_unit_key(path)
            current = next((r for r in unit_keys.registered_units(db, actor)
                            if r.code == key.unit.code and r.replaced_at is None), None)
            return key, current

        self._runner.start(read, on_success=lambda found: self._confirm(path, *found),
                           on_failure=self.feedback.error, owner=self)

    def confirm(self, question: str) -> bool:
        return QMessageBox.question(
            self, "Đăng ký khóa của đơn vị", question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes

    def _confirm(self, path: Path, key: UnitKey, current: RegisteredUnitRecord | None) -> None:
        if current is not None and current.fingerprint == key.fingerprint:
            self.feedback.ok(f"Đơn vị {key.unit.code} đã được đăng ký với đúng khóa này.")
            return
        question = (f"Đơn vị: {key.unit.code} — {key.unit.name}\n\n"
                    f"Dấu vân tay:\n{key.fingerprint}\n\n"
                    "Hãy gọi điện cho đơn vị và đọc so từng nhóm. Đúng với dấu vân tay đơn "
                    "vị đọc thì đăng ký.")
        if current is not None:
            question += (f"\n\nĐơn vị này đã đăng ký với khóa khác (dấu vân tay "
                         f"{current.fingerprint}). Đăng ký sẽ THAY khóa cũ: chỉ làm khi đơn "
                         "vị xác nhận đã đổi khóa.")
        if not self.confirm(question):
            return
        db, actor, replace = self._db, self._actor, current is not None

        def task(_p: Progress, _t: CancelToken) -> Trusted:
            return unit_keys.trust_unit(db, actor, path, replace=replace,
                                        expected_fingerprint=key.fingerprint)

        self._runner.start(task, on_success=self._registered, on_failure=self.feedback.error,
                           owner=self)

    def _registered(self, trusted: Trusted) -> None:
        record = trusted.record
        self.feedback.ok(f"Đã {'thay khóa của' if trusted.outcome == 'replaced' else 'đăng ký'}"
                         f" đơn vị {record.code} — {record.name}.")
        self.reload()
        self._notify(DataChange.of(DataKind.OFFICE))  # a first unit: the province's tab
