"""«Chuyển vụ việc sang đơn vị khác…» and «Nhận vụ việc chuyển đến…»: cases sent whole to
another registered unit in a `.svpcase` package, and a received package's cases added or
updated (`app.services.transfers`, shared/spec/exchange.md "Case transfer package").

The package is signed and opened with the office's own keys, which only an
administrator's session holds: for other roles the window's actions are disabled, the
reason in their tooltip. Both run off the UI thread; the dialog then says what came of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.case_code import typed_codes
from app.progress import CancelToken, Progress
from app.services import transfers, unit_keys
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.transfers import Received, Sent
from app.services.unit_keys import RegisteredUnitRecord
from app.ui.form_widgets import FittedList
from app.ui.printing import confirm_replace, documents_folder
from app.ui.task_dialog import TaskDialog
from app.ui.widgets import FieldError

PACKAGE_FILTER = f"Gói chuyển vụ việc (*{transfers.SUFFIX})"
NO_UNITS = ("Chưa đăng ký đơn vị nhận nào: hãy nhận tệp khóa công khai của đơn vị nhận, so "
            "dấu vân tay qua điện thoại và đăng ký ở Quản trị → Đơn vị và khóa.")
CHILDREN_TEXT = "Chuyển đầy đủ thông tin trẻ em (có căn cứ pháp lý)"
WHAT_IS_SENT = ("Vụ việc được chuyển nguyên vẹn (thông tin, biện pháp xử lý, người liên quan, "
                "tệp chứng cứ, trích nhật ký thao tác) trong một gói ký số, mã hóa: chỉ đơn vị "
                "nhận mở được. Việc chuyển được ghi vào nhật ký và quá trình xử lý của vụ việc.")
CHILDREN_MASKED = ("Nếu không chọn ô dưới đây, vụ việc có trẻ em (hoặc đối tượng dưới 16 tuổi) "
                   "được chuyển với thông tin trẻ em đã che (chữ cái đầu, tuổi, giới tính) và "
                   "không kèm tệp chứng cứ của vụ việc đó.")
BASIS_MISSING = ("Hãy ghi căn cứ pháp lý để chuyển thông tin trẻ em (ví dụ: Công an xã đề "
                 "nghị theo Điều 62 Luật Xử lý vi phạm hành chính), hoặc bỏ chọn ô này.")
NO_CASES = "Hãy ghi mã vụ việc cần chuyển."
NO_TARGET = "Hãy chọn nơi lưu gói chuyển vụ việc."


def _with_suffix(path: Path) -> Path:
    return path if path.suffix.lower() == transfers.SUFFIX else \
        path.with_name(path.name + transfers.SUFFIX)


class TransferOutDialog(TaskDialog):
    """The cases by code (prefilled from the list's selection), the receiving unit among
    the registered ones, a legal basis to send children in full, and where to save."""

    def __init__(self, db: Database, actor: Actor, case_ids: Sequence[int],
                 parent: QWidget | None = None) -> None:
        """`case_ids`: the cases chosen in the list, whose codes the dialog fills in."""
        super().__init__("Chuyển vụ việc sang đơn vị khác", parent=parent, min_width=640)
        self._db, self._actor = db, actor
        self._target_chosen = False
        self.sent_package: Sent | None = None

        self.codes = QLineEdit()
        self.codes.setPlaceholderText("Ví dụ: VV2026-00012, VV2026-00015 (vụ việc của đơn vị "
                                      "khác: MÃ_ĐƠN_VỊ/MÃ_VỤ_VIỆC)")
        self.unit = QComboBox()
        self.unit.currentIndexChanged.connect(self._suggest_target)
        self.unit_error = FieldError()
        self.send_children = QCheckBox(CHILDREN_TEXT)
        self.send_children.setToolTip("Chỉ khi đơn vị nhận có thẩm quyền xử lý (Công an, cơ "
                                      "quan bảo vệ trẻ em, tỉnh thụ lý vụ việc). Căn cứ được "
                                      "ghi vào nhật ký.")
        self.basis = QLineEdit()
        self.basis.setMaxLength(transfers.BASIS_LIMIT)
        self.basis.setPlaceholderText("Căn cứ pháp lý (bắt buộc khi chuyển thông tin trẻ em)")
        self.basis.setEnabled(False)
        self.basis_error = FieldError()
        self.send_children.toggled.connect(self.basis.setEnabled)
        for widget in (self.send_children, self.basis):
            widget.setVisible(actor.can(Permission.UNMASK_CHILDREN))
        explanation = QLabel(WHAT_IS_SENT)
        explanation.setWordWrap(True)
        masked = QLabel(CHILDREN_MASKED)
        masked.setWordWrap(True)
        self.target = QLineEdit()
        self.target.textEdited.connect(self._target_typed)
        choose = QPushButton("Chọn…")
        choose.clicked.connect(self.choose_target)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(choose)
        self.send_button = QPushButton("Chuyển")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)

        form = QFormLayout()
        form.addRow("Mã vụ việc", self.codes)
        form.addRow("Đơn vị nhận", self.unit)
        form.addRow("", self.unit_error)
        form.addRow("Lưu gói", target_row)
        children = QGroupBox("Thông tin trẻ em")
        column = QVBoxLayout(children)
        for part in (masked, self.send_children, self.basis, self.basis_error):
            column.addWidget(part)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(children)
        layout.addWidget(self.message)
        layout.addLayout(self.progress_row())
        layout.addLayout(self.button_row(self.send_button))
        self._set_running(False)
        self._load(list(case_ids))

    # The chosen cases and the receiving units -----------------------------------------

    def _load(self, case_ids: list[int]) -> None:
        """The codes of the cases chosen and the units that may receive them, read off the
        UI thread (a whole list selected is thousands of cases)."""
        db, actor = self._db, self._actor
        self.send_button.setEnabled(False)

        def work(_p: Progress, _t: CancelToken) -> tuple[list[str], list[RegisteredUnitRecord]]:
            return (transfers.case_refs(db, actor, case_ids),
                    [unit for unit in unit_keys.registered_units(db, actor)
                     if unit.replaced_at is None])

        # Owned by the dialog: closed before the list arrives, nothing is shown.
        self._runner.start(work, on_success=self._show_loaded, on_failure=self.message.error,
                           owner=self)

    def _show_loaded(self, loaded: tuple[list[str], list[RegisteredUnitRecord]]) -> None:
        refs, found = loaded
        if not self.codes.text().strip():  # not typed meanwhile
            self.codes.setText(", ".join(refs))
        for unit in found:
            self.unit.addItem(f"{unit.code} — {unit.name}", unit.code)
        self.unit.setEnabled(bool(found))
        self.unit_error.show_message(None if found else NO_UNITS)
        self.send_button.setEnabled(bool(found))
        self._suggest_target()

    def chosen_unit(self) -> str | None:
        code = self.unit.currentData()
        return str(code) if code is not None else None

    # Where the package goes -----------------------------------------------------------

    def _target_typed(self) -> None:
        self._target_chosen = True

    def _suggest_target(self) -> None:
        if not self._target_chosen:
            unit = self.chosen_unit() or "don-vi"
            self.target.setText(str(documents_folder()
                                    / f"chuyen-vu-viec-{unit}-{date.today():%Y%m%d}"
                                      f"{transfers.SUFFIX}"))

    def choose_target(self) -> None:
        # The program asks before replacing, once the name has its suffix (`send`).
        name, _ = QFileDialog.getSaveFileName(self, "Lưu gói chuyển vụ việc", self.target.text(),
                                              PACKAGE_FILTER,
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if name:
            self.target.setText(str(_with_suffix(Path(name))))
            self._target_chosen = True

    # Sending -----------------------------------------------------------------------

    def send(self) -> None:
        self.message.clear()
        codes, unit = typed_codes(self.codes.text()), self.chosen_unit()
        basis: str | None = None
        if self.send_children.isChecked():
            basis = self.basis.text().strip()
            if not basis:
                self.basis_error.show_message(BASIS_MISSING)
                self.basis.setFocus()
                return
        self.basis_error.show_message(None)
        if not codes:
            self.message.error(NO_CASES)
            return
        if unit is None:
            self.message.error(NO_UNITS)
            return
        if not self.target.text().strip():
            self.message.error(NO_TARGET)
            return
        target = _with_suffix(Path(self.target.text().strip()))
        if target.exists() and not confirm_replace(self, target):
            return
        self.send_to(codes, unit, target, basis)

    def send_to(self, codes: list[str], unit: str, target: Path, basis: str | None) -> None:
        db, actor = self._db, self._actor

        def work(_p: Progress, _t: CancelToken) -> Sent:
            return transfers.transfer_out(db, actor, codes, unit, target, children_basis=basis)

        self.message.working(f"Đang ghi gói chuyển vụ việc cho đơn vị {unit}…")
        self.run(work, self._sent)

    def _sent(self, sent: Sent) -> None:
        self._set_running(False)
        self.sent_package = sent
        unit = self.unit.currentText() if self.chosen_unit() == sent.to_unit else sent.to_unit
        text = (f"Đã ghi {len(sent.codes)} vụ việc ({', '.join(sent.codes)}) và "
                f"{sent.evidence_files} tệp chứng cứ vào {sent.target} cho đơn vị {unit}. "
                "Gửi tệp này cho đơn vị nhận; chỉ đơn vị đó mở được.")
        if sent.masked:
            text += (f" Thông tin trẻ em của vụ việc {', '.join(sent.masked)} đã được che và "
                     "tệp chứng cứ của các vụ việc đó không kèm theo.")
        self.message.done(text)

    def update_buttons(self, running: bool) -> None:
        # The service cannot stop half-way: no cancel button, nothing to cancel.
        self.cancel_button.setVisible(False)
        self.send_button.setEnabled(not running and self.unit.count() > 0)


class TransferInDialog(TaskDialog):
    """A received package checked whole and its cases taken in, then what became of each
    (added, updated, kept); a refusal in Vietnamese, nothing changed."""

    received = Signal(object)  # Received

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("Nhận vụ việc chuyển đến", parent=parent, min_width=600)
        self._db, self._actor = db, actor
        self.received_package: Received | None = None
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.cases = FittedList(260)
        self.cases.setVisible(False)
        self.choose_button = QPushButton("Chọn gói…")
        self.choose_button.clicked.connect(self.choose_source)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(self.cases)
        layout.addWidget(self.message)
        layout.addLayout(self.progress_row())
        layout.addLayout(self.button_row(self.choose_button))
        self._set_running(False)

    def choose_source(self) -> bool:
        """Ask for the package and receive it; False when the user chose none."""
        name, _ = QFileDialog.getOpenFileName(self, "Nhận gói chuyển vụ việc",
                                              str(documents_folder()), PACKAGE_FILTER)
        if name:
            self.receive(Path(name))
        return bool(name)

    def receive(self, source: Path) -> None:
        db, actor = self._db, self._actor

        def work(_p: Progress, _t: CancelToken) -> Received:
            return transfers.transfer_in(db, actor, source)

        self.source.setText(f"Gói: {source}")
        self.cases.clear()
        self.cases.setVisible(False)
        self.message.working("Đang kiểm tra chữ ký, mã băm từng tệp chứng cứ và nhận vụ "
                             "việc…")
        self.run(work, self._received)

    def _received(self, received: Received) -> None:
        self._set_running(False)
        self.received_package = received
        if received.again:
            self.message.done(f"Gói {received.source.name} đã được nhận trước đây: không "
                              "thay đổi gì.")
            return
        for case in received.cases:
            self.cases.addItem(case.words)
        self.cases.setVisible(True)
        self.message.done(f"Đã nhận gói của đơn vị {received.from_unit}: "
                          f"{len(received.cases)} vụ việc, {received.evidence_files} tệp "
                          "chứng cứ.")
        self.received.emit(received)

    def update_buttons(self, running: bool) -> None:
        # Receiving is one transaction, checked whole before it: nothing to cancel half-way.
        self.cancel_button.setVisible(False)
        self.choose_button.setEnabled(not running)
