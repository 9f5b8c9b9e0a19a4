"""Deleting a case: the case named as the register shows it, and the reason; the dialog
stays open, with what was typed, until the case is deleted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from app.errors import UserError
from app.services import cases
from app.services.actor import Actor
from app.services.data_folder import Database
from app.services.report_register import PendingChange
from app.ui.dialogs import Dialog
from app.ui.report.frozen_warning import save_checked
from app.ui.tasks import TaskRunner
from app.ui.widgets import with_error

SUMMARY_SHOWN = 100  # characters of the summary that name the case beside its code


def short_summary(summary: str) -> str:
    """The summary's start on one line, cut at a word."""
    line = " ".join(summary.split())
    if len(line) <= SUMMARY_SHOWN:
        return line
    return line[:SUMMARY_SHOWN].rsplit(" ", 1)[0] + "…"


class DeleteCaseDialog(Dialog):
    """Deletes case `case_id` (to the bin, restorable) once a reason is given."""

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner, case_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__("Xóa vụ việc", parent=parent, min_width=480)
        self._db, self._actor, self._runner, self._case_id = db, actor, runner, case_id
        # Read as the register shows the row: masked for a role that may not see children.
        row = next(iter(cases.list_rows(db, actor, [case_id])), None)
        self.case = QLabel(f"Xóa vụ việc {row.code}: «{short_summary(row.summary)}»?" if row
                           else "Vụ việc này không còn trong sổ.")
        self.case.setTextFormat(Qt.TextFormat.PlainText)  # the summary as typed, never markup
        self.case.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("VD: ghi trùng với một vụ việc khác")
        box, self.reason_error = with_error(self.reason)
        where = QLabel("Vụ việc vào thùng rác và có thể khôi phục; lý do được lưu cùng vụ việc.")
        where.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.case)
        form.addRow("Lý do xóa *:", box)
        form.addRow(where)
        form.addRow(self.message)
        form.addRow(self.button_box("Xóa", on_accept=self._delete))
        self.accept_button.setEnabled(row is not None)

    def _delete(self) -> None:
        """Deleted once the officer agrees to alter the frozen reports it would alter."""
        db, actor, case_id, reason = self._db, self._actor, self._case_id, self.reason.text()

        def delete() -> None:
            self.submit(self._runner, lambda: cases.delete_case(db, actor, case_id, reason),
                        on_fields=self._on_fields)

        self.reason_error.show_message(None)
        self.message.clear()
        save_checked(self._runner, self, db, actor, PendingChange(case_id, deleted=True),
                     delete, self.message.error)

    def _on_fields(self, error: UserError) -> bool:
        if error.field != "reason":
            return False
        self.reason_error.show_message(error.message)
        self.reason.setFocus()
        return True
