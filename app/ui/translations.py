"""Qt's own texts in Vietnamese: the standard buttons, message boxes, the input dialog, Qt's
file and print dialogs, the print preview's tools and the context menu of text boxes.

Qt ships no Vietnamese translation (there is no qtbase_vi.qm), so the program gives its
own: a table read by a `QTranslator`, installed before the first widget. A table in Python
needs no build step and is packed with the program's code. Each key is Qt's source text in
its translation context, exactly as Qt asks for it (`&` marks the access key); a text Qt
asks for that is not here stays in English, which `tests/test_ui_translations.py` looks
for on every button of the window and its dialogs.

The system's own file and print dialogs (Windows) are left as they are: they speak the
language of the system the officer uses every day, with its places (Desktop, USB drives,
network), which Qt's dialog would lose.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

# The standard buttons (QDialogButtonBox, QMessageBox) of every platform theme.
_BUTTONS = {
    "OK": "Đồng ý",
    "&OK": "Đồ&ng ý",
    "Save": "Lưu",
    "&Save": "&Lưu",
    "Save All": "Lưu tất cả",
    "Open": "Mở",
    "&Yes": "&Có",
    "Yes to &All": "Có với &tất cả",
    "&No": "&Không",
    "N&o to All": "Khôn&g với tất cả",
    "Abort": "Dừng",
    "Retry": "Thử lại",
    "Ignore": "Bỏ qua",
    "Close": "Đóng",
    "&Close": "Đón&g",
    "Cancel": "Hủy",
    "&Cancel": "&Hủy",
    "Discard": "Không lưu",
    "Close without Saving": "Đóng, không lưu",
    "Help": "Trợ giúp",
    "Apply": "Áp dụng",
    "Reset": "Đặt lại",
    "Restore Defaults": "Khôi phục mặc định",
}

_EDITING = {
    "&Undo": "&Hoàn tác",
    "&Redo": "&Làm lại",
    "Cu&t": "&Cắt",
    "&Copy": "&Sao chép",
    "&Paste": "&Dán",
    "Delete": "Xóa",
    "Select All": "Chọn tất cả",
    "Copy &Link Location": "Sao chép đường &dẫn",
}

_FILE_DIALOG = {
    "%1\nDirectory not found.\nPlease verify the correct directory name was given.":
        "%1\nKhông tìm thấy thư mục.\nHãy kiểm tra lại tên thư mục.",
    "%1\nFile not found.\nPlease verify the correct file name was given.":
        "%1\nKhông tìm thấy tệp.\nHãy kiểm tra lại tên tệp.",
    "%1 already exists.\nDo you want to replace it?": "Tệp %1 đã có.\nGhi đè lên tệp đó?",
    "'%1' is write protected.\nDo you want to delete it anyway?":
        "«%1» được bảo vệ không cho ghi.\nVẫn xóa?",
    "Are you sure you want to delete '%1'?": "Xóa «%1»?",
    "Could not delete directory.": "Không xóa được thư mục.",
    "%1 File": "Tệp %1",
    "&Choose": "&Chọn",
    "&Delete": "&Xóa",
    "&Look in:": "&Tìm trong:",
    "Look in:": "Tìm trong:",
    "&New Folder": "Thư mục &mới",
    "&Open": "&Mở",
    "&Rename": "Đổi &tên",
    "&Save": "&Lưu",
    "All Files (*)": "Mọi tệp (*)",
    "All files (*)": "Mọi tệp (*)",
    "Alias": "Lối tắt",
    "Alt+Left": "Alt+Left",
    "Alt+Right": "Alt+Right",
    "Alt+Up": "Alt+Up",
    "Back": "Lùi",
    "Change to detail view mode": "Xem dạng chi tiết",
    "Change to list view mode": "Xem dạng danh sách",
    "Create New Folder": "Tạo thư mục mới",
    "Create a New Folder": "Tạo thư mục mới",
    "Delete": "Xóa",
    "Detail View": "Xem chi tiết",
    "Directories": "Thư mục",
    "Directory:": "Thư mục:",
    "Drive": "Ổ đĩa",
    "File": "Tệp",
    "File &name:": "Tên &tệp:",
    "File Folder": "Thư mục",
    "Files": "Tệp",
    "Files of &type:": "&Loại tệp:",
    "Files of type:": "Loại tệp:",
    "Find Directory": "Chọn thư mục",
    "Folder": "Thư mục",
    "Forward": "Tiến",
    "Go back": "Quay lại",
    "Go forward": "Đi tiếp",
    "Go to the parent directory": "Lên thư mục chứa",
    "List View": "Xem danh sách",
    "List of places and bookmarks": "Các nơi hay dùng",
    "My Computer": "Máy tính",
    "New Folder": "Thư mục mới",
    "Open": "Mở",
    "Parent Directory": "Thư mục chứa",
    "Recent Places": "Nơi mở gần đây",
    "Remove": "Bỏ",
    "Save As": "Lưu thành",
    "Shortcut": "Lối tắt",
    "Show ": "Hiện ",
    "Show &hidden files": "Hiện tệp &ẩn",
    "Sidebar": "Thanh bên",
    "Unknown": "Không rõ",
}

_FILE_LIST = {
    "<b>The name \"%1\" cannot be used.</b><p>Try using another name, with fewer characters "
    "or no punctuation marks.": "<b>Không dùng được tên «%1».</b><p>Hãy đặt tên khác, ngắn "
                               "hơn hoặc không có dấu câu.",
    "Computer": "Máy tính",
    "My Computer": "Máy tính",
    "Date Modified": "Ngày sửa",
    "Invalid filename": "Tên tệp không hợp lệ",
    "Kind": "Loại",
    "Name": "Tên",
    "Size": "Dung lượng",
    "Type": "Loại",
}

_PRINT_PREVIEW = {
    "Print Preview": "Xem trước khi in",
    "Next page": "Trang sau",
    "Previous page": "Trang trước",
    "First page": "Trang đầu",
    "Last page": "Trang cuối",
    "Fit width": "Vừa chiều rộng",
    "Fit page": "Vừa trang",
    "Zoom in": "Phóng to",
    "Zoom out": "Thu nhỏ",
    "Portrait": "Khổ dọc",
    "Landscape": "Khổ ngang",
    "Show single page": "Xem từng trang",
    "Show facing pages": "Xem hai trang đối diện",
    "Show overview of all pages": "Xem toàn bộ các trang",
    "Print": "In",
    "Page setup": "Thiết lập trang",
    "Page Setup": "Thiết lập trang",
    "Export to PDF": "Xuất PDF",
    "%1%": "%1%",
}

# Qt's own print dialog (Linux; Windows shows the system's).
_PRINT_DIALOG = {
    "&Options >>": "&Tùy chọn >>",
    "&Options <<": "&Tùy chọn <<",
    "&Print": "&In",
    "Print": "In",
    "All Pages": "Mọi trang",
    "Odd Pages": "Trang lẻ",
    "Even Pages": "Trang chẵn",
    "Local file": "Tệp trên máy",
    "Print to File (PDF)": "In ra tệp (PDF)",
    "Write PDF file": "Ghi tệp PDF",
    "Print To File ...": "In ra tệp…",
}
_PRINT_WIDGET = {
    "&Name:": "&Tên:",
    "...": "…",
    "Form": "Mẫu",
    "Location:": "Vị trí:",
    "Output &file:": "&Tệp ghi ra:",
    "P&roperties": "Th&uộc tính",
    "Preview": "Xem trước",
    "Printer": "Máy in",
    "Type:": "Loại:",
}
_PRINT_OUTPUT = {
    "Collate": "In theo bộ",
    "Color": "Màu",
    "Color Mode": "Chế độ màu",
    "Copies": "Số bản",
    "Copies:": "Số bản:",
    "Current Page": "Trang hiện tại",
    "Double Sided Printing": "In hai mặt",
    "Form": "Mẫu",
    "Grayscale": "Đen trắng",
    "Long side binding": "Lật theo cạnh dài",
    "Short side binding": "Lật theo cạnh ngắn",
    "Off": "Tắt",
    "Options": "Tùy chọn",
    "Output Settings": "Thiết lập in",
    "Page &Set:": "&Nhóm trang:",
    "Pages": "Trang",
    "Pages from": "Từ trang",
    "to": "đến",
    "Print all": "In tất cả",
    "Print range": "Phạm vi in",
    "Reverse": "In ngược thứ tự",
    "Selection": "Phần đã chọn",
    "Specify pages or ranges separated by commas. Ranges are specified by two numbers "
    "separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9.":
        "Ghi các trang hoặc khoảng trang cách nhau bởi dấu phẩy; một khoảng là hai số nối "
        "bằng dấu gạch ngang. Ví dụ: 3,5-7,9 in các trang 3, 5, 6, 7 và 9.",
}
_PAGE_SETUP = {
    "Page size:": "Khổ giấy:",
    "Paper": "Giấy",
    "Paper source:": "Khay giấy:",
    "Orientation": "Hướng giấy",
    "Portrait": "Khổ dọc",
    "Landscape": "Khổ ngang",
    "Reverse portrait": "Khổ dọc, ngược",
    "Reverse landscape": "Khổ ngang, ngược",
    "Margins": "Lề",
    "top margin": "lề trên",
    "bottom margin": "lề dưới",
    "left margin": "lề trái",
    "right margin": "lề phải",
    "Page Layout": "Bố cục trang",
    "Page &order:": "&Thứ tự trang:",
    "Pages &per sheet:": "Số &trang mỗi tờ:",
    "Width:": "Rộng:",
    "Height:": "Cao:",
    "Custom": "Tùy chỉnh",
    "Millimeters (mm)": "Milimét (mm)",
    "Inches (in)": "Inch (in)",
    "Points (pt)": "Point (pt)",
    "Form": "Mẫu",
}

QT_TEXTS: dict[str, dict[str, str]] = {
    "QPlatformTheme": _BUTTONS,
    "QGnomeTheme": _BUTTONS,
    "QDialogButtonBox": _BUTTONS,
    "QMessageBox": {"Show Details...": "Xem chi tiết…", "Hide Details...": "Ẩn chi tiết…"},
    "QInputDialog": {"Enter a value:": "Nhập giá trị:"},
    "QProgressDialog": {"Cancel": "Hủy"},
    "QLineEdit": _EDITING,
    "QWidgetTextControl": _EDITING,
    "QAbstractSpinBox": {"&Select All": "&Chọn tất cả", "&Step up": "&Tăng",
                         "Step &down": "&Giảm"},
    "QUnicodeControlCharacterMenu": {
        "Insert Unicode control character": "Chèn ký tự điều khiển Unicode"},
    "QFileDialog": _FILE_DIALOG,
    "QFileSystemModel": _FILE_LIST,
    "QAbstractFileIconProvider": {"Drive": "Ổ đĩa", "Folder": "Thư mục", "File": "Tệp"},
    "QPrintPreviewDialog": _PRINT_PREVIEW,
    "QPrintDialog": _PRINT_DIALOG,
    "QPrintWidget": _PRINT_WIDGET,
    "QPrintSettingsOutput": _PRINT_OUTPUT,
    "QPageSetupWidget": _PAGE_SETUP,
    "QTabBar": {"Scroll Left": "Cuộn sang trái", "Scroll Right": "Cuộn sang phải"},
    "QScrollBar": {
        "Scroll here": "Cuộn đến đây", "Left edge": "Mép trái", "Top": "Đầu",
        "Right edge": "Mép phải", "Bottom": "Cuối", "Page left": "Trang trái",
        "Page up": "Trang trên", "Page right": "Trang phải", "Page down": "Trang dưới",
        "Scroll left": "Cuộn sang trái", "Scroll up": "Cuộn lên",
        "Scroll right": "Cuộn sang phải", "Scroll down": "Cuộn xuống"},
}


class VietnameseQt(QTranslator):
    """Qt's texts from `QT_TEXTS`; None (Qt's English) for any other."""

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return QT_TEXTS.get(context, {}).get(source_text)

    def isEmpty(self) -> bool:
        return False


def use_vietnamese() -> None:
    """Numbers `1.234.567`, Vietnamese month and day names (the calendar) and Qt's own texts
    in Vietnamese, in every widget made from now on: called once the application exists,
    before its first widget."""
    app = QCoreApplication.instance()
    assert app is not None
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    # Owned by the application, which keeps it (and this Python object) alive.
    app.installTranslator(VietnameseQt(app))
