"""Quản trị → Mẫu văn bản: the Word templates the program drafts with, the office's or the
default. An administrator exports one, edits its wording in Word keeping its fields, and
puts it back; the program drafts a sample with it first and refuses it, naming the field,
when that fails (`app.services.templates`)."""

from __future__ import annotations

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
from app.services import templates
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.templates import TemplateRecord
from app.ui.admin.common import Feedback, fill_table, make_table, selected_row
from app.ui.tasks import TaskRunner

WORD_FILTER = "Văn bản Word (*.docx)"
HOW_TO = ("Muốn đổi câu chữ của một văn bản chương trình soạn: chọn mẫu, bấm «Xuất mẫu…» để "
          "lưu ra tệp Word, sửa câu chữ trong Word nhưng giữ nguyên các trường {{ … }}, lưu "
          "lại dạng .docx rồi bấm «Thay mẫu…». Chương trình soạn thử một văn bản với mẫu mới "
          "trước khi nhận; mẫu có trường sai không được nhận và mẫu đang dùng giữ nguyên.")


class TemplatesView(QWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner) -> None:
        super().__init__()
        self._db, self._actor, self._runner = db, actor, runner
        self._templates: list[TemplateRecord] = []
        self.last_folder = Path.home()
        intro = QLabel(HOW_TO)
        intro.setWordWrap(True)
        self.table = make_table(["Mẫu văn bản", "Đang dùng", "Thay lúc", "Người thay"])
        self.table.itemSelectionChanged.connect(self._show_fields)
        self.fields = QLabel()
        self.fields.setWordWrap(True)
        self.export_button = QPushButton("Xuất mẫu…")
        self.export_button.setToolTip("Lưu mẫu đang dùng ra tệp Word để sửa.")
        self.export_default_button = QPushButton("Xuất mẫu mặc định…")
        self.export_default_button.setToolTip("Lưu mẫu gốc của chương trình ra tệp Word.")
        self.replace_button = QPushButton("Thay mẫu…")
        self.replace_button.setToolTip("Chọn tệp Word đã sửa: chương trình soạn thử rồi "
                                       "mới dùng.")
        self.restore_button = QPushButton("Dùng mẫu mặc định")
        self.export_button.clicked.connect(lambda: self.ask_export(default=False))
        self.export_default_button.clicked.connect(lambda: self.ask_export(default=True))
        self.replace_button.clicked.connect(self.ask_replace)
        self.restore_button.clicked.connect(self.ask_restore)
        buttons = QHBoxLayout()
        for button in (self.export_button, self.export_default_button, self.replace_button,
                       self.restore_button):
            buttons.addWidget(button)
            button.setEnabled(actor.can(Permission.MANAGE_SETTINGS))
        buttons.addStretch(1)
        self.feedback = Feedback()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.fields)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)
        self.refresh()

    def refresh(self) -> None:
        if not self._actor.can(Permission.MANAGE_SETTINGS):
            return
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> list[TemplateRecord]:
            return templates.list_templates(db, actor)

        self._runner.start(task, on_success=self._show, on_failure=self.feedback.error,
                           owner=self)

    def _show(self, records: list[TemplateRecord]) -> None:
        chosen = selected_row(self.table)
        self._templates = records
        fill_table(self.table, [
            (r.label, r.source_label,
             f"{r.replaced_at.astimezone():%H:%M %d/%m/%Y}" if r.replaced_at else "",
             r.replaced_by or "") for r in records])
        if records:
            self.table.selectRow(chosen if chosen is not None and chosen < len(records) else 0)

    def _show_fields(self) -> None:
        chosen = self._chosen()
        self.fields.setText("" if chosen is None else "Các trường của mẫu: " + "; ".join(
            f"{{{{ {name} }}}}: {meaning}" for name, meaning in chosen.fields.items()) + ".")

    def _chosen(self) -> TemplateRecord | None:
        row = selected_row(self.table)
        return self._templates[row] if row is not None and row < len(self._templates) else None

    def _chosen_or_say(self) -> TemplateRecord | None:
        chosen = self._chosen()
        if chosen is None:
            self.feedback.error("Hãy chọn một mẫu trong danh sách.")
        return chosen

    def ask_export(self, *, default: bool) -> None:
        chosen = self._chosen_or_say()
        if chosen is None:
            return
        suggested = self.last_folder / f"{chosen.name}{'-mac-dinh' if default else ''}.docx"
        name, _ = QFileDialog.getSaveFileName(self, f"Xuất mẫu «{chosen.label}»",
                                              str(suggested), WORD_FILTER)
        if name:
            self.export(chosen, Path(name), default=default)

    def export(self, chosen: TemplateRecord, target: Path, *, default: bool) -> None:
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> None:
            templates.export_template(db, actor, chosen.name, target, default=default)

        self.last_folder = target.parent
        which = "mẫu mặc định" if default or not chosen.office else "mẫu của đơn vị"
        self._runner.start(task, on_success=lambda _r: self.feedback.ok(
            f"Đã xuất {which} «{chosen.label}» ra {target}. Sửa câu chữ trong Word, giữ "
            "nguyên các trường {{ … }}, rồi bấm «Thay mẫu…»."),
            on_failure=self.feedback.error, owner=self)

    def ask_replace(self) -> None:
        chosen = self._chosen_or_say()
        if chosen is None:
            return
        name, _ = QFileDialog.getOpenFileName(self, f"Thay mẫu «{chosen.label}»",
                                              str(self.last_folder), WORD_FILTER)
        if name:
            self.replace(chosen, Path(name))

    def replace(self, chosen: TemplateRecord, source: Path) -> None:
        """Check (a sample drafted: a second or so) and store, off the UI thread."""
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> TemplateRecord:
            return templates.replace_template(db, actor, chosen.name, source)

        self.last_folder = source.parent
        self.feedback.ok(f"Đang soạn thử với mẫu {source.name}…")
        self._runner.start(task, on_success=lambda _r: self._changed(
            f"Đã thay mẫu «{chosen.label}» bằng {source.name}: từ nay chương trình soạn văn "
            "bản bằng mẫu này."), on_failure=self.feedback.error, owner=self)

    def ask_restore(self) -> None:
        chosen = self._chosen_or_say()
        if chosen is None:
            return
        if not chosen.office:
            self.feedback.error(f"Mẫu «{chosen.label}» đang là mẫu mặc định.")
            return
        if QMessageBox.question(
                self, "Dùng mẫu mặc định",
                f"Bỏ mẫu «{chosen.label}» của đơn vị và soạn lại bằng mẫu mặc định của chương "
                "trình? Muốn giữ mẫu của đơn vị, hãy «Xuất mẫu…» trước.",
        ) != QMessageBox.StandardButton.Yes:
            return
        self.restore(chosen)

    def restore(self, chosen: TemplateRecord) -> None:
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> None:
            templates.restore_default(db, actor, chosen.name)

        self._runner.start(task, on_success=lambda _r: self._changed(
            f"Đã dùng lại mẫu mặc định cho «{chosen.label}»."),
            on_failure=self.feedback.error, owner=self)

    def _changed(self, done: str) -> None:
        self.feedback.ok(done)
        self.refresh()
