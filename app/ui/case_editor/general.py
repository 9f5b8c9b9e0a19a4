"""General facts: detection, posting, source, platform, account, link, groups, summary,
reach."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from app.domain.case import CaseInput
from app.domain.collation import sort_key
from app.domain.platforms import platform_from_url
from app.domain.vocabulary import Group, VocabList, Vocabulary
from app.ui.case_editor.section import Section
from app.ui.completion import complete_without_diacritics
from app.ui.dates import DateEntry

REACH_MAX = 2_000_000_000
# Why the posting dates matter, shown on them.
ACT_DATE_TIP = ("Ngày hành vi kết thúc là ngày kết thúc đăng tải nếu có, nếu không là ngày đăng "
                "tải: căn cứ pháp lý, khung tiền phạt, thời hiệu và tuổi của đối tượng tính theo "
                "ngày đó. Khi chưa ghi, chương trình tạm tính theo ngày phát hiện.")
REACH = (("reach_views", "Lượt xem"), ("reach_reactions", "Lượt thích"),
         ("reach_shares", "Lượt chia sẻ"), ("reach_comments", "Lượt bình luận"))


def code_combo(vocabulary: Vocabulary, name: VocabList, optional: bool) -> QComboBox:
    combo = QComboBox()
    if optional:
        combo.addItem("— không ghi —", None)
    for entry in vocabulary.entries(name):
        combo.addItem(entry.label, entry.code)
    return combo


def select_code(combo: QComboBox, code: str | None) -> None:
    combo.setCurrentIndex(max(combo.findData(code), 0))


class GeneralSection(Section):
    def __init__(self, vocabulary: Vocabulary, areas: tuple[str, ...]) -> None:
        super().__init__()
        self.detected_on = DateEntry()
        self.posted_on = DateEntry(optional=True)
        self.posted_until = DateEntry(optional=True)
        for posting in (self.posted_on, self.posted_until):
            posting.setToolTip(ACT_DATE_TIP)
        self.source = code_combo(vocabulary, VocabList.SOURCE, optional=True)
        self.url = QLineEdit()
        self.url.setPlaceholderText("Dán đường dẫn: chương trình tự nhận ra nền tảng")
        self.platform = code_combo(vocabulary, VocabList.PLATFORM, optional=False)
        self.content_form = code_combo(vocabulary, VocabList.CONTENT_FORM, optional=True)
        self.account = QLineEdit()
        self.group = code_combo(vocabulary, VocabList.GROUP, optional=False)
        self.subkind = code_combo(vocabulary, VocabList.CHILD_SUBKIND, optional=True)
        self.secondary = QListWidget()
        for entry in vocabulary.entries(VocabList.GROUP):
            item = QListWidgetItem(entry.label)
            item.setData(Qt.ItemDataRole.UserRole, entry.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.secondary.addItem(item)
        self.secondary.setSpacing(1)
        # Every group in sight: a scrolled list this short hides its last entries.
        self.secondary.setFixedHeight(
            (self.secondary.sizeHintForRow(0) + 2) * self.secondary.count()
            + 2 * self.secondary.frameWidth())
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setFixedHeight(90)
        self.area = QComboBox()
        self.area.addItem("")
        self.area.addItems(sorted(areas, key=sort_key))
        complete_without_diacritics(self.area, free_text=True)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.reach: dict[str, QSpinBox] = {}
        reach = QWidget()
        grid = QGridLayout(reach)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, (key, label) in enumerate(REACH):
            spin = QSpinBox()
            spin.setRange(-1, REACH_MAX)
            spin.setSpecialValueText("—")  # -1: not recorded
            spin.setGroupSeparatorShown(True)
            spin.setValue(-1)
            spin.setToolTip(label)
            self.reach[key] = spin
            grid.addWidget(spin, 0, index)
        self.add_field("detected_on", self.detected_on)
        self.add_field("posted_on", self.posted_on)
        self.add_field("posted_until", self.posted_until)
        self.add_field("source_code", self.source)
        self.add_field("url", self.url)
        self.add_field("platform_code", self.platform)
        self.add_field("content_form_code", self.content_form)
        self.add_field("account", self.account)
        self.add_field("group_code", self.group)
        self.add_field("child_subkind_code", self.subkind)
        self.add_field("secondary_groups", self.secondary, "Nhóm khác liên quan")
        self.add_field("summary", self.summary)
        self.add_field("reach_views", reach, "Lượt xem / thích / chia sẻ / bình luận")
        self.add_field("area", self.area)
        self.add_field("notes", self.notes)
        self.url.textEdited.connect(self._recognise_platform)
        self.group.currentIndexChanged.connect(self._group_changed)
        self._group_changed()
        self.follow_form_with_tab()

    def _recognise_platform(self, text: str) -> None:
        code = platform_from_url(text)
        if code is not None:
            select_code(self.platform, code)

    def _group_changed(self) -> None:
        self.subkind.setEnabled(self.group.currentData() == Group.CHILDREN
                                or Group.CHILDREN in self.secondary_codes())

    def secondary_codes(self) -> tuple[str, ...]:
        return tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.secondary.item(i) for i in range(self.secondary.count()))
            if item.checkState() == Qt.CheckState.Checked
        )

    def load(self, data: CaseInput) -> None:
        if data.detected_on:
            self.detected_on.set_value(data.detected_on)
        self.posted_on.set_value(data.posted_on)
        self.posted_until.set_value(data.posted_until)
        select_code(self.source, data.source_code)
        self.url.setText(data.url or "")
        select_code(self.platform, data.platform_code)
        select_code(self.content_form, data.content_form_code)
        self.account.setText(data.account or "")
        select_code(self.group, data.group_code)
        select_code(self.subkind, data.child_subkind_code)
        for index in range(self.secondary.count()):
            item = self.secondary.item(index)
            checked = item.data(Qt.ItemDataRole.UserRole) in data.secondary_groups
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.summary.setPlainText(data.summary or "")
        for key, spin in self.reach.items():
            value = getattr(data, key)
            spin.setValue(-1 if value is None else value)
        self.area.setCurrentText(data.area or "")
        self.notes.setPlainText(data.notes or "")
        self._group_changed()

    def values(self) -> dict[str, object]:
        return {
            "detected_on": self.detected_on.value(),
            "posted_on": self.posted_on.value(),
            "posted_until": self.posted_until.value(),
            "source_code": self.source.currentData(),
            "url": self.url.text(),
            "platform_code": self.platform.currentData(),
            "content_form_code": self.content_form.currentData(),
            "account": self.account.text(),
            "group_code": self.group.currentData(),
            "child_subkind_code": (self.subkind.currentData() if self.subkind.isEnabled()
                                   else None),
            "secondary_groups": self.secondary_codes(),
            "summary": self.summary.toPlainText(),
            **{key: (None if spin.value() < 0 else spin.value())
               for key, spin in self.reach.items()},
            "area": self.area.currentText(),
            "notes": self.notes.toPlainText(),
        }
