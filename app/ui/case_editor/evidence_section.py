"""Evidence files of a case: thumbnails, blurred on cases with children until the
officer chooses to look (that look is audited), the SHA-256 of each file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.services import evidence
from app.services.actor import Actor
from app.services.evidence import AddedEvidence
from app.services.progress import CancelToken, Progress
from app.services.records import EvidenceRecord
from app.text import format_number
from app.ui.tasks import TaskRunner
from app.ui.widgets import FieldError

THUMBNAIL = QSize(150, 110)
FILTER = "Chứng cứ (*.png *.jpg *.jpeg *.gif *.webp *.bmp *.mp4 *.mov *.avi *.mkv *.webm " \
         "*.pdf *.docx *.xlsx *.txt)"


def thumbnail(path: Path, conceal: bool) -> QIcon:
    """A small picture of an image file; shrunk to a few pixels and enlarged when concealed,
    so nobody can recognise a face in it."""
    image = QImage(str(path))
    if image.isNull():
        return QIcon()
    if conceal:
        image = image.scaled(8, 6, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    scaled = image.scaled(THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    return QIcon(QPixmap.fromImage(scaled))


class EvidenceSection(QWidget):
    changed = Signal()

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner) -> None:
        super().__init__()
        self._db, self._actor, self._runner = db, actor, runner
        self.case_id: int | None = None
        self.records: list[EvidenceRecord] = []
        self.revealed: set[int] = set()
        self.files = QListWidget()
        self.files.setViewMode(QListWidget.ViewMode.IconMode)
        self.files.setIconSize(THUMBNAIL)
        self.files.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.files.setSpacing(8)
        self.files.setWordWrap(True)
        self.files.itemActivated.connect(lambda _i: self.open_selected())
        self.files.currentRowChanged.connect(self._show_details)
        self.details = QLabel()
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setWordWrap(True)
        self.message = FieldError()
        self.add_button = QPushButton("Thêm tệp…")
        self.add_button.clicked.connect(self._pick)
        self.show_button = QPushButton("Xem ảnh")
        self.show_button.clicked.connect(self.reveal_selected)
        self.open_button = QPushButton("Mở bằng chương trình xem")
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton("Gỡ khỏi vụ việc…")
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.show_button, self.open_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.hint = QLabel("Kéo thả ảnh chụp màn hình, video, PDF vào đây hoặc bấm «Thêm tệp…». "
                           "Ảnh của vụ việc có trẻ em được làm mờ; bấm «Xem ảnh» để xem rõ "
                           "(việc xem được ghi nhật ký).")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.files, 1)
        layout.addWidget(self.details)
        self.setAcceptDrops(True)

    def load(self, case_id: int | None, editable: bool) -> None:
        self.case_id = case_id
        self.add_button.setEnabled(editable and case_id is not None)
        self.remove_button.setEnabled(editable and case_id is not None)
        self.setAcceptDrops(editable and case_id is not None)
        if case_id is None:
            self.message.show_message("Lưu vụ việc trước rồi mới thêm chứng cứ.")
            return
        self.refresh()

    def refresh(self) -> None:
        if self.case_id is None:
            return
        self.records = evidence.list_evidence(self._db, self.case_id)
        self.files.clear()
        for record in self.records:
            conceal = record.conceal_preview and record.id not in self.revealed
            item = QListWidgetItem(record.original_name)
            if (record.media_type or "").startswith("image/"):
                item.setIcon(thumbnail(evidence.thumbnail_source(self._db, record), conceal))
            item.setToolTip(f"{record.original_name}\nSHA-256: {record.sha256}")
            self.files.addItem(item)

    def _selected(self) -> EvidenceRecord | None:
        row = self.files.currentRow()
        return self.records[row] if 0 <= row < len(self.records) else None

    def _show_details(self, row: int) -> None:
        if 0 <= row < len(self.records):
            record = self.records[row]
            self.details.setText(
                f"<b>{record.original_name}</b> — {format_number(record.size)} byte, thêm bởi "
                f"{record.added_by}<br>SHA-256: <code>{record.sha256}</code>")
        self.show_button.setEnabled(0 <= row < len(self.records)
                                    and self.records[row].conceal_preview)

    # Adding ------------------------------------------------------------------

    def _pick(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Chọn tệp chứng cứ", "", FILTER)
        for name in names:
            self.add_file(Path(name))

    def add_file(self, path: Path) -> None:
        if self.case_id is None:
            return
        db, actor, case_id = self._db, self._actor, self.case_id

        def task(progress: Progress, token: CancelToken) -> AddedEvidence:
            return evidence.add_evidence(db, actor, case_id, path, progress=progress,
                                         token=token)

        self.message.show_message(f"Đang thêm «{path.name}»…")
        self._runner.start(task, on_success=self._added, on_failure=self._failed)

    def _added(self, added: AddedEvidence) -> None:
        text = f"Đã thêm «{added.record.original_name}»."
        if added.also_in:
            text += f" Tệp này cũng là chứng cứ của vụ việc {', '.join(added.also_in)}."
        self.message.setStyleSheet("color: #2e7d32")
        self.message.show_message(text)
        self.refresh()
        self.changed.emit()

    def _failed(self, message: str) -> None:
        self.message.setStyleSheet("color: #b00020")
        self.message.show_message(message)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.add_file(Path(url.toLocalFile()))
        event.acceptProposedAction()

    # Looking -------------------------------------------------------------------

    def reveal_selected(self) -> None:
        """Show the picture clearly: the officer chose to look, which is audited."""
        def shown(record: EvidenceRecord, _path: Path) -> None:
            self.revealed.add(record.id)
            self.refresh()

        self._with_file(shown)

    def open_selected(self) -> None:
        self._with_file(lambda _record, path: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(path))))

    def _with_file(self, then: Callable[[EvidenceRecord, Path], object]) -> None:
        """Fetch the selected file off the UI thread (audited on child cases), then `then`."""
        record = self._selected()
        if record is None:
            return
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> Path:
            return evidence.open_evidence(db, actor, record.id)

        def opened(path: Path) -> None:
            then(record, path)

        self._runner.start(task, on_success=opened, on_failure=self._failed)

    def _remove(self) -> None:
        record = self._selected()
        if record is None:
            return
        reason, accepted = QInputDialog.getText(self, "Gỡ chứng cứ",
                                                f"Lý do gỡ «{record.original_name}»:")
        if not accepted:
            return
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> None:
            evidence.remove_evidence(db, actor, record.id, reason)

        def removed(_r: object) -> None:
            self.refresh()
            self.changed.emit()

        self._runner.start(task, on_success=removed, on_failure=self._failed)
