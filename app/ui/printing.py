"""Printing what the program lays out as a PDF: a preview, the system's printer, or a PDF
file saved where the user chooses.

Paper and file show one layout: the printer gets the PDF's own pages, rendered by PDFium
as grey images (the printouts are black and grey) at the printer's resolution up to
`PRINT_DPI`. Each choice asks the service for the printout again, off the UI thread: it is
audited there, and shows the register as it is now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QStandardPaths, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.ui.task_dialog import TaskDialog
from app.ui.tasks import TaskFunction

PDF_FILTER = "Tài liệu PDF (*.pdf)"
PRINT_DPI = 300  # sharp text on an office laser printer, a few MB a page
PREVIEW_DPI = 150  # the preview on screen, zoomed up to about 150 %


class PdfPages:
    """The pages of a PDF held in memory, rendered for a printer or its preview."""

    def __init__(self, pdf: bytes) -> None:
        self._pdf = pdf
        with self._opened() as document:
            self._count = len(document)
            width, height = document[0].get_size()
        self.landscape = bool(width > height)  # the list is; a case sheet is not

    def __len__(self) -> int:
        return self._count

    @contextmanager
    def _opened(self) -> Iterator[Any]:
        # PDFium loads with the first printout, not with the window.
        import pypdfium2

        document = pypdfium2.PdfDocument(self._pdf)
        try:
            yield document
        finally:
            document.close()

    def paint(self, printer: QPrinter) -> None:
        """Send the pages the print dialog chose (all by default) to `printer`, each on
        the whole sheet: the PDF holds its own margins."""
        painter = QPainter()
        if not painter.begin(printer):
            return  # Qt's print system has said why (no printer, a file it cannot write)
        try:
            preview = painter.paintEngine().type() == QPaintEngine.Type.Picture
            dpi = min(printer.resolution(), PREVIEW_DPI if preview else PRINT_DPI)
            first, last = 0, len(self)
            if printer.printRange() == QPrinter.PrintRange.PageRange:
                first, last = max(printer.fromPage(), 1) - 1, min(printer.toPage(), last)
            copies = 1 if printer.supportsMultipleCopies() else printer.copyCount()
            with self._opened() as document:
                for number, index in enumerate(i for _ in range(copies)
                                               for i in range(first, last)):
                    if number:
                        printer.newPage()
                    image = _image(document[index], dpi)
                    sheet = printer.paperRect(QPrinter.Unit.DevicePixel)
                    scale = min(sheet.width() / image.width(), sheet.height() / image.height())
                    painter.drawImage(QRectF(sheet.x(), sheet.y(), image.width() * scale,
                                             image.height() * scale), image)
        finally:
            painter.end()


def _image(page: Any, dpi: float) -> QImage:
    """A PDF page as a grey image of `dpi` dots per inch."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_Grayscale8)
        return image.copy()  # its own pixels: the bitmap is freed below
    finally:
        bitmap.close()
        page.close()


def printer_for(pages: PdfPages, title: str) -> QPrinter:
    """A printer set to the pages: A4, their orientation, drawing on the whole sheet."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if pages.landscape
                               else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    return printer


def preview_dialog(pages: PdfPages, title: str,
                   parent: QWidget) -> tuple[QPrintPreviewDialog, QPrinter]:
    """Qt's print preview of the pages, whose printer button opens the system's print
    dialog; the caller holds the printer while the dialog runs (Qt does not own it)."""
    printer = printer_for(pages, title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Xem trước khi in {title}")
    dialog.paintRequested.connect(pages.paint)
    return dialog, printer


def print_dialog(pages: PdfPages, title: str, parent: QWidget) -> tuple[QPrintDialog, QPrinter]:
    """The system's print dialog for the pages (which printer, which pages, how many
    copies); accepted, `pages.paint(printer)` prints. The caller holds the printer."""
    printer = printer_for(pages, title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"In {title}")
    dialog.setMinMax(1, len(pages))
    return dialog, printer


def documents_folder() -> Path:
    """Where a PDF is offered to be saved: the user's documents folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def ask_pdf_path(parent: QWidget, title: str, suggested: Path) -> Path | None:
    """The file the user chooses to save a PDF as, ending in `.pdf`; None if they cancel.

    The program asks before replacing a file itself, once the name has its `.pdf` (the
    file dialog would ask about the name as typed, and only on some systems)."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), PDF_FILTER,
                                          options=QFileDialog.Option.DontConfirmOverwrite)
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    if path.exists() and not confirm_replace(parent, path):
        return None
    return path


def confirm_replace(parent: QWidget, path: Path) -> bool:
    answer = QMessageBox.question(
        parent, "Thay tệp đã có?",
        f"Đã có tệp «{path.name}» trong thư mục {path.parent}.\n\nThay tệp đó bằng tệp mới? "
        "Nội dung cũ sẽ mất.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class PrintoutDialog(TaskDialog):
    """«Xem trước khi in…», «In…» and «Lưu PDF…» for one printout. A subclass says how to
    lay it out (`printout`) and save it (`save`); each choice runs the service again."""

    def __init__(self, title: str, document: str, parent: QWidget | None = None, *,
                 min_width: int = 0) -> None:
        """`document` names the printout in a sentence: "phiếu thông tin vụ việc VV…"."""
        super().__init__(title, parent=parent, min_width=min_width)
        self.document = document
        self.pages: PdfPages | None = None  # the last printout laid out
        self.saved: Path | None = None
        self.preview_button = QPushButton("Xem trước khi in…")
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(self.preview)
        self.print_button = QPushButton("In…")
        self.print_button.clicked.connect(self.print_now)
        self.save_button = QPushButton("Lưu PDF…")
        self.save_button.setToolTip("Ghi bản in ra một tệp PDF, ở nơi bạn chọn")
        self.save_button.clicked.connect(self.save_pdf)

    def buttons(self) -> QHBoxLayout:
        """The dialog's row of buttons: «Lưu PDF…» apart on the left, «Đóng» last."""
        return self.button_row(self.preview_button, self.print_button, first=[self.save_button])

    # What a printout is --------------------------------------------------------

    def printout(self) -> TaskFunction:
        """The work that returns the PDF's bytes, run off the UI thread."""
        raise NotImplementedError

    def save(self, path: Path) -> TaskFunction:
        """The work that saves the printout as `path`, run off the UI thread."""
        raise NotImplementedError

    def suggested_path(self) -> Path:
        raise NotImplementedError

    def may_save(self) -> bool:
        """Asked before the file dialog: a printout with private details warns first."""
        return True

    # The choices ---------------------------------------------------------------

    def preview(self) -> None:
        self._lay_out(self._show_preview)

    def print_now(self) -> None:
        self._lay_out(self._print)

    def _lay_out(self, then: Callable[[PdfPages], None]) -> None:
        self.message.working("Đang chuẩn bị bản in…")
        work = self.printout()

        def done(pdf: bytes) -> None:
            self._set_running(False)
            self.pages = PdfPages(pdf)
            self.message.done(f"Bản in có {len(self.pages)} trang.")
            then(self.pages)

        self.run(work, done)

    def _show_preview(self, pages: PdfPages) -> None:
        dialog, _printer = preview_dialog(pages, self.document, self)
        dialog.exec()

    def _print(self, pages: PdfPages) -> None:
        dialog, printer = print_dialog(pages, self.document, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # about 0.3 s a page
        try:
            pages.paint(printer)
        finally:
            QApplication.restoreOverrideCursor()
        where = f" {printer.printerName()}" if printer.printerName() else ""
        self.message.done(f"Đã gửi bản in ra máy in{where}.")

    def save_pdf(self) -> None:
        if not self.may_save():
            return
        path = ask_pdf_path(self, f"Lưu {self.document} ra tệp PDF", self.suggested_path())
        if path is None:
            return
        self.message.working(f"Đang lưu vào {path}…")

        def done(_result: object) -> None:
            self.saved = path
            self._set_running(False)
            self.message.done(f"Đã lưu vào {path}.")

        self.run(self.save(path), done)

    def update_buttons(self, running: bool) -> None:
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setEnabled(not running)

