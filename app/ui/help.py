"""«Hướng dẫn sử dụng» (F1): the user guide, with its contents and a search.

The text is `resources/guide/huong-dan.md`. What the program itself decides is filled in
from where it is decided, so that the guide says what this version does: each role's
rights, the names of the settings, the parts of this PC's data folder (in server mode, the
register, its keys and the evidence on the server), how long automatic
backups are kept, the commands to run with this data folder.
"""

from __future__ import annotations

import re
from string import Template

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.backup_rotation import KEEP_DAYS, KEEP_MONTHS, KEEP_WEEKS
from app.domain.labels import ROLE_LABELS
from app.domain.passwords import LOCKOUT, MAX_FAILED_ATTEMPTS
from app.domain.protection import CHILD_AGE_LIMIT
from app.errorlog import log_file
from app.paths import DataPaths
from app.resources import resource_path
from app.services import server_connection
from app.services.actor import PERMISSION_LABELS, ROLE_PERMISSIONS, Permission
from app.services.evidence_store import view_folder
from app.text import fold
from app.ui.admin.office_form import NUMBER_FIELDS
from app.ui.dialogs import Dialog
from app.ui.prefs import UiPrefs

GUIDE_FILE = ("guide", "huong-dan.md")
# Where the office's settings are, as the window names it (the tab of AdminScreen).
OFFICE_SETTINGS = "**Quản trị → Thông tin đơn vị**"
# The settings the guide points to, by the name it uses for each.
SETTINGS = {"tu_sao_luu": "backup_every_minutes", "nhac_usb": "offsite_backup_days",
            "tu_khoa": "idle_lock_minutes", "giu_da_xoa": "deleted_retention_days",
            "dung_luong": "evidence_max_mb"}
# Who may do what, by the name the guide uses for each.
WHO_MAY = {"ai_lap_bao_cao": Permission.REPORT, "ai_chot": Permission.SEND_REPORT,
           "ai_xoa": Permission.DELETE_CASES, "ai_xoa_han": Permission.PURGE,
           "ai_sao_luu": Permission.BACKUP, "ai_khoi_phuc": Permission.RESTORE,
           "ai_nguoi_dung": Permission.MANAGE_USERS, "ai_xem_tre_em": Permission.VIEW_CHILDREN,
           "ai_in_ten_tre_em": Permission.UNMASK_CHILDREN,
           "ai_xuat_toan_bo": Permission.EXPORT_FULL, "ai_kiem_tra": Permission.CHECK}
COMMAND = "sovipham"  # the command-line program beside the window's (build.spec)
SERVER_COMMANDS = ("Dữ liệu nằm trên máy chủ nên lệnh có `--database` (địa chỉ máy chủ, không "
                   "kèm mật khẩu): trước lệnh, gõ `set PGPASSWORD=` rồi mật khẩu đăng nhập máy "
                   "chủ, bấm Enter.")
HAS, HAS_NOT = "✓", "—"


def who_may(permission: Permission) -> str:
    """The roles that have `permission`, by their labels: `Quản trị, Lãnh đạo`."""
    return ", ".join(label for role, label in ROLE_LABELS.items()
                     if permission in ROLE_PERMISSIONS[role])


def roles_table() -> str:
    """Every right and the roles that have it, as a Markdown table."""
    roles = list(ROLE_LABELS)
    lines = ["| Việc | " + " | ".join(ROLE_LABELS[role] for role in roles) + " |",
             "|---|" + ":-:|" * len(roles)]
    for permission, label in PERMISSION_LABELS.items():
        marks = (HAS if permission in ROLE_PERMISSIONS[role] else HAS_NOT for role in roles)
        lines.append(f"| {label[:1].upper()}{label[1:]} | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def register_parts(paths: DataPaths) -> str:
    """The guide's lines on where the register, its keys and the evidence are: this
    folder's files, or in server mode the server's database (which every PC reads)."""
    if paths.server is not None:
        return ("- Sổ vụ việc, tệp chứng cứ (đã mã hóa) và khóa mã hóa (niêm phong bằng mật "
                "khẩu của từng người dùng) nằm trong cơ sở dữ liệu trên máy chủ mà chương trình "
                "kết nối tới, không nằm trong thư mục này: mọi máy dùng chung. Sao lưu của "
                "máy chủ do người quản trị máy chủ làm (xem README).")
    return "\n".join(f"- `{path.relative_to(paths.root)}`: {what}" for path, what in (
        (paths.database, "sổ vụ việc (đã mã hóa)."),
        (paths.keys, "tệp khóa. Thiếu tệp này thì không mở được dữ liệu: không xóa, không "
                     "sửa."),
        (paths.evidence, "tệp chứng cứ (đã mã hóa).")))


def guide_text(paths: DataPaths) -> str:
    """The guide in Markdown, filled in for the data folder `paths`."""
    template = Template(resource_path(*GUIDE_FILE).read_text(encoding="utf-8"))
    labels = {key: label for key, label, _low, _high in NUMBER_FIELDS}
    data_dir = f'--data-dir "{paths.root}"'
    server_note = ""
    if paths.server is not None:  # the commands do not read the window's connection
        data_dir += f' --database "{server_connection.command_url(paths.server)}"'
        server_note = SERVER_COMMANDS
    values = {
        "vai_tro": roles_table(),
        **{name: who_may(permission) for name, permission in WHO_MAY.items()},
        "quyen_lap_bao_cao": PERMISSION_LABELS[Permission.REPORT],
        "quyen_chot": PERMISSION_LABELS[Permission.SEND_REPORT],
        **{name: f"{OFFICE_SETTINGS}, ô «{labels[key]}»" for name, key in SETTINGS.items()},
        "thu_muc_du_lieu": str(paths.root),
        "so_khoa_chung_cu": register_parts(paths),
        **{name: str(path.relative_to(paths.root)) for name, path in (
            ("sao_luu", paths.backups),
            ("bao_cao", paths.reports), ("phieu", paths.exports),
            ("nhat_ky_loi", log_file(paths)), ("ban_xem", view_folder(paths)))},
        "tep_nhat_ky_loi": str(log_file(paths)),
        "giu_ngay": KEEP_DAYS, "giu_tuan": KEEP_WEEKS, "giu_thang": KEEP_MONTHS,
        "so_lan_sai": MAX_FAILED_ATTEMPTS,
        "phut_tam_khoa": int(LOCKOUT.total_seconds() // 60),
        "tuoi_tre_em": CHILD_AGE_LIMIT,
        "lenh_kiem_tra": f"{COMMAND} {data_dir} --user TÊN --password-stdin check",
        "lenh_khoi_phuc": f"{COMMAND} {data_dir} --user TÊN --password-stdin restore "
                          "E:\\sao-luu.svpbak",
        "lenh_lay_lai": f"{COMMAND} {data_dir} --user TÊN recover --recovery-key-stdin",
        "lenh_may_chu": server_note,
    }
    return template.substitute(values)


def _letters() -> dict[str, str]:
    """Each plain letter and the letters that fold to it (`a`: àáảãạăằ…, `d`: dđ), both cases."""
    letters: dict[str, set[str]] = {}
    for code in [*range(ord("A"), ord("z") + 1), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        folded = fold(chr(code))
        if len(folded) == 1 and folded.isascii() and folded.isalpha():
            letters.setdefault(folded, set()).add(chr(code))
    return {letter: "".join(sorted(chars)) for letter, chars in letters.items()}


_LETTERS = _letters()


def loose_pattern(query: str) -> str:
    """A regular expression finding `query` whatever its diacritics, case and spacing."""
    parts = []
    for char in fold(query):
        if char == " ":
            parts.append(r"\s+")
        elif char in _LETTERS:
            parts.append(f"[{_LETTERS[char]}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


class GuideWindow(Dialog):
    """Beside the main window (not modal): officers read it while they work."""

    def __init__(self, paths: DataPaths, prefs: UiPrefs | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Hướng dẫn sử dụng", prefs, "guide", parent, size=(1040, 660))
        self.setModal(False)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setMarkdown(guide_text(paths))
        self.contents = QListWidget()
        self.contents.itemClicked.connect(self._go_to)
        self.contents.itemActivated.connect(self._go_to)
        self._list_contents()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm trong hướng dẫn (không cần gõ dấu)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._mark_matches)
        self.next_button = QPushButton("Tìm tiếp")
        self.next_button.setDefault(True)  # Enter goes on to the next place, never closes
        self.next_button.clicked.connect(self.find_next)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search.setFocus)
        self.matches: list[QTextCursor] = []

        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.next_button)
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 740])
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addLayout(self.button_row())

    # Contents ------------------------------------------------------------------

    def _list_contents(self) -> None:
        """The sections and their parts, from the headings of the text."""
        block = self.text.document().begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level in (2, 3):
                item = QListWidgetItem(block.text() if level == 2 else "    " + block.text())
                item.setData(Qt.ItemDataRole.UserRole, block.position())
                if level == 2:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.contents.addItem(item)
            block = block.next()

    def _go_to(self, item: QListWidgetItem) -> None:
        self.show_at(int(item.data(Qt.ItemDataRole.UserRole)))

    def show_at(self, position: int) -> None:
        """The text scrolled so that what is at `position` stands at the top."""
        document = self.text.document()
        block = document.findBlock(position)
        top = document.documentLayout().blockBoundingRect(block).top()
        self.text.verticalScrollBar().setValue(int(top))

    # Search --------------------------------------------------------------------

    def _mark_matches(self) -> None:
        """Every place the search text is found, marked; the message says how many."""
        self.matches = []
        query = self.search.text()
        if fold(query):
            expression = QRegularExpression(
                loose_pattern(query), QRegularExpression.PatternOption.CaseInsensitiveOption)
            document = self.text.document()
            found = document.find(expression, 0)
            while not found.isNull():
                self.matches.append(found)
                found = document.find(expression, found)
        marked = QTextCharFormat()
        marked.setBackground(QColor("#ffe066"))
        selections = []
        for match in self.matches:
            selection = QTextEdit.ExtraSelection()
            selection.cursor, selection.format = match, marked
            selections.append(selection)
        self.text.setExtraSelections(selections)
        if not fold(query):
            self.message.clear()
        elif self.matches:
            self.message.working(f"Tìm thấy {len(self.matches)} chỗ; bấm Enter hoặc «Tìm "
                                 "tiếp» để đến chỗ tiếp theo.")
        else:
            self.message.error(f"Không thấy «{query.strip()}» trong hướng dẫn.")

    def find_next(self) -> None:
        """The next place found after the one shown, from the top again after the last."""
        if not self.matches:
            return
        after = self.text.textCursor().selectionEnd()
        following = [m for m in self.matches if m.selectionStart() >= after]
        match = (following or self.matches)[0]
        self.text.setTextCursor(match)
        self.text.ensureCursorVisible()
