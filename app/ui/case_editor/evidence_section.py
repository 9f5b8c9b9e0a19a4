"""Evidence files of a case: thumbnails, blurred on cases with children until the
officer chooses to look (that look is audited), the SHA-256 of each file."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QImage,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.domain.evidence_files import ALLOWED_TYPES
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.services import evidence
from app.services.actor import Actor
from app.services.data_folder import Database
from app.services.evidence import AddedEvidence
from app.services.records import EvidenceRecord
from app.text import format_number
from app.ui.case_editor.section import enter_activates
from app.ui.idle import on_screen
from app.ui.tasks import TaskRunner
from app.ui.widgets import MessageLine

THUMBNAIL = QSize(150, 110)
FILTER = f"Chứng cứ ({' '.join(f'*.{extension}' for extension in ALLOWED_TYPES)})"


def thumbnail(content: bytes, conceal: bool) -> QImage:
    """A small picture of an image file (made off the UI thread); shrunk to a few pixels and
    enlarged when concealed, so nobody can recognise a face in it. Null if unreadable."""
    image = QImage.fromData(content)
    if image.isNull():
        return image
    if conceal:
        image = image.scaled(8, 6, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image.scaled(THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


def _file_icon(widget: QWidget) -> QIcon:
    """The system's file icon in the middle of a thumbnail-sized square, so that every
    file lines up with the pictures (and a picture has a place while it is read)."""
    canvas = QPixmap(THUMBNAIL)
    canvas.fill(Qt.GlobalColor.transparent)
    icon = widget.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon).pixmap(48, 48)
    painter = QPainter(canvas)
    painter.drawPixmap((THUMBNAIL.width() - icon.width()) // 2,
                       (THUMBNAIL.height() - icon.height()) // 2, icon)
    painter.end()
    return QIcon(canvas)


def no_viewer(name: str) -> str:
    """Said when the system has no program to open the file `name`."""
    kind = f"tệp «{Path(name).suffix.lower()}»" if Path(name).suffix else "loại tệp này"
    return (f"Máy này chưa có chương trình nào mở được {kind} («{name}»). Hãy cài chương trình "
            "xem loại tệp đó, hoặc bấm «Lưu bản sao…» để lưu tệp ra nơi khác rồi mở bằng "
            "chương trình khác hoặc trên máy khác.")


HINT = ("Kéo thả ảnh chụp màn hình, video, PDF vào đây hoặc bấm «Thêm tệp…». Ảnh của vụ việc "
        "có trẻ em được làm mờ; bấm «Xem ảnh» để xem rõ (việc xem được ghi nhật ký).")


class EvidenceSection(QWidget):
    changed = Signal()

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner) -> None:
        super().__init__()
        self._db, self._actor, self._runner = db, actor, runner
        self.case_id: int | None = None
        self.records: list[EvidenceRecord] = []
        self._listing = 0  # which refresh the thumbnails being made belong to
        self._drawn = 0  # the last refresh whose thumbnails are all drawn
        self.revealed: set[int] = set()
        self.files = QListWidget()
        self._placeholder = _file_icon(self)
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
        self.message = MessageLine()
        self.add_button = QPushButton("Thêm tệp…")
        self.add_button.clicked.connect(self._pick)
        self.show_button = QPushButton("Xem ảnh")
        self.show_button.clicked.connect(self.reveal_selected)
        self.open_button = QPushButton("Mở bằng chương trình xem")
        self.open_button.clicked.connect(self.open_selected)
        # Offered when the system has no program for the file's type.
        self.save_copy_button = QPushButton("Lưu bản sao…")
        self.save_copy_button.clicked.connect(self.save_copy)
        self.save_copy_button.setVisible(False)
        self.remove_button = QPushButton("Gỡ khỏi vụ việc…")
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.show_button, self.open_button,
                       self.save_copy_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.files, 1)
        layout.addWidget(self.details)
        self.setAcceptDrops(True)
        QWidget.setTabOrder(self.remove_button, self.files)  # as laid out: buttons, then files
        enter_activates(self.files)

    def load(self, case_id: int | None, editable: bool) -> None:
        self.case_id = case_id
        self.add_button.setEnabled(editable and case_id is not None)
        self.remove_button.setEnabled(editable and case_id is not None)
        self.setAcceptDrops(editable and case_id is not None)
        if case_id is None:
            self.message.error("Lưu vụ việc trước rồi mới thêm chứng cứ.")
            return
        self.message.clear()  # saved: what was said before no longer holds
        self.refresh()

    def refresh(self) -> None:
        if self.case_id is None:
            return
        hidden = evidence.withheld(self._db, self._actor, self.case_id)
        self.hint.setText(evidence.WITHHELD if hidden else HINT)
        for button in (self.show_button, self.open_button):
            button.setEnabled(not hidden)
        self.records = [] if hidden else evidence.list_evidence(self._db, self._actor,
                                                                self.case_id)
        self.files.clear()
        pictures: list[tuple[int, EvidenceRecord, bool]] = []
        for row, record in enumerate(self.records):
            item = QListWidgetItem(self._placeholder, record.original_name)
            if (record.media_type or "").startswith("image/"):
                pictures.append((row, record,
                                 record.conceal_preview and record.id not in self.revealed))
            item.setToolTip(f"{record.original_name}\nSHA-256: {record.sha256}")
            self.files.addItem(item)
        self._draw_thumbnails(pictures)

    def _draw_thumbnails(self, pictures: list[tuple[int, EvidenceRecord, bool]]) -> None:
        """Pictures are read and shrunk off the UI thread: a case with many screenshots
        opens at once, and each thumbnail appears when ready."""
        self._listing += 1
        listing, db = self._listing, self._db

        def task(_p: Progress, token: CancelToken) -> list[tuple[int, QImage]]:
            made = []
            for row, record, conceal in pictures:
                token.raise_if_cancelled()
                try:
                    made.append((row, thumbnail(evidence.thumbnail_content(db, record), conceal)))
                except UserError:
                    continue  # a missing or damaged file: `check` reports it, here no picture
            return made

        def drawn(made: list[tuple[int, QImage]]) -> None:
            if listing != self._listing:
                return  # the list was made again meanwhile
            for row, image in made:
                item = self.files.item(row)
                if item is not None and not image.isNull():
                    item.setIcon(QIcon(QPixmap.fromImage(image)))

        def finished() -> None:
            self._drawn = max(self._drawn, listing)

        self._runner.start(task, on_success=drawn, on_finished=finished, owner=self)

    def thumbnails_done(self) -> bool:
        """Every thumbnail of the list as shown is drawn (or could not be)."""
        return self._drawn == self._listing

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

        self.message.working(f"Đang thêm «{path.name}»…")
        self._runner.start(task, on_success=self._added, on_failure=self._failed, owner=self)

    def _added(self, added: AddedEvidence) -> None:
        text = f"Đã thêm «{added.record.original_name}»."
        if added.also_in:
            text += f" Tệp này cũng là chứng cứ của vụ việc {', '.join(added.also_in)}."
        self.message.done(text)
        self.refresh()
        self.changed.emit()

    def _failed(self, message: str) -> None:
        self.message.error(message)

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
        def opened(record: EvidenceRecord, path: Path) -> None:
            if not on_screen(self):  # locked meanwhile: the lock removed the other copies
                with suppress(OSError):
                    path.unlink()
            elif QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                self.message.clear()
                self.save_copy_button.setVisible(False)
            else:
                self.message.error(no_viewer(record.original_name))
                self.save_copy_button.setVisible(True)

        self._with_file(opened)

    def save_copy(self) -> None:
        """«Lưu bản sao…»: the selected file, decrypted, where the officer chooses (to open
        it with a program of another computer, or to hand it on)."""
        record = self._selected()
        if record is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Lưu bản sao chứng cứ",
                                              record.original_name)
        if not name:
            return
        db, actor, target = self._db, self._actor, Path(name)

        def task(_p: Progress, _t: CancelToken) -> None:
            evidence.save_copy(db, actor, record.id, target)

        def saved(_r: object) -> None:
            self.save_copy_button.setVisible(False)
            self.message.done(f"Đã lưu bản sao vào «{target}».")

        self._runner.start(task, on_success=saved, on_failure=self._failed, owner=self)

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

        self._runner.start(task, on_success=opened, on_failure=self._failed, owner=self)

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

        self._runner.start(task, on_success=removed, on_failure=self._failed, owner=self)
