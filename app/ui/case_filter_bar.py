"""The filter bar above the register: saved filters, search as you type, the criteria
widgets and those a dashboard figure adds; it holds the list's query and order."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.collation import sort_key
from app.domain.labels import ATTENTION_LABELS, Attention, CaseStatus
from app.domain.office import OfficeSettings
from app.domain.vocabulary import EventKind, VocabList, Vocabulary
from app.services.search import CaseQuery, SortKey
from app.text import format_date
from app.ui import filters
from app.ui.completion import complete_without_diacritics
from app.ui.dates import DateEntry, from_qdate
from app.ui.filters import BUILT_IN, query_from_json
from app.ui.flow_layout import FlowLayout, labelled
from app.ui.prefs import UiPrefs

SEARCH_DELAY_MS = 200
ALL = "Tất cả"
OVERDUE = "overdue"


def _combo(items: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for text, value in items:
        combo.addItem(text, value)
    return combo


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


EXTRA_FIELDS = ("event_kind", "event_from", "event_to", "closed_from", "closed_to")
EVENT_WORDS = {EventKind.REMOVED: "Đã gỡ bỏ", EventKind.SANCTION: "Xử phạt"}


def describe_extra(extra: dict[str, object]) -> str:
    """`Đã gỡ bỏ từ 01/11/2026 đến 30/11/2026` for the criteria of a dashboard figure."""
    def span(start: object, end: object) -> str:
        parts = []
        if isinstance(start, date):
            parts.append(f"từ {format_date(start)}")
        if isinstance(end, date):
            parts.append(f"đến {format_date(end)}")
        return " ".join(parts)

    pieces = []
    if extra.get("event_kind"):
        kind = str(extra["event_kind"])
        pieces.append(f"{EVENT_WORDS.get(EventKind(kind), kind)} "
                      f"{span(extra.get('event_from'), extra.get('event_to'))}")
    if extra.get("closed_from") or extra.get("closed_to"):
        pieces.append(f"Kết thúc xử lý {span(extra.get('closed_from'), extra.get('closed_to'))}")
    return "; ".join(p.strip() for p in pieces)


class CaseFilterBar(QWidget):
    """`changed` when the user changes a criterion (the search text after a pause);
    setting a whole query with `apply_query` does not emit it."""

    changed = Signal()

    def __init__(self, prefs: UiPrefs, vocabulary: Vocabulary, office: OfficeSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._prefs = prefs
        self._sort = (SortKey.DETECTED, True)
        self._applying = False
        # Criteria that come from a dashboard figure and have no widget of their own.
        self._extra: dict[str, object] = {}
        self.extra_label = QLabel()
        self.extra_label.setStyleSheet("background: #e8f0fb; padding: 2px 6px; border-radius: 4px")
        self.extra_clear = QPushButton("✕ Bỏ điều kiện này")
        self.extra_clear.setFlat(True)
        self.extra_clear.clicked.connect(self.clear_extra)

        self.saved = QComboBox()
        self.saved.setMinimumWidth(190)
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            "Tìm theo mã, tài khoản, đường dẫn, đối tượng, nội dung (gõ có dấu hay không dấu đều "
            "được)…")
        self.search.setClearButtonEnabled(True)
        save_button = QPushButton("Lưu bộ lọc…")
        save_button.clicked.connect(self._save_filter)
        clear_button = QPushButton("Bỏ lọc")
        clear_button.clicked.connect(lambda: self._chosen(CaseQuery()))

        self.group = QComboBox()
        self.platform = QComboBox()
        self.area = QComboBox()
        complete_without_diacritics(self.area, free_text=False)
        self.set_lists(vocabulary, office)
        self.status = _combo([(ALL, None), ("Đang xử lý", CaseStatus.OPEN),
                              ("Đã kết thúc", CaseStatus.CLOSED)])
        self.identified = _combo([(ALL, None), ("Đã xác định", True),
                                  ("Chưa xác định", False)])
        self.attention = _combo([(ALL, None), ("Quá hạn (mọi loại)", OVERDUE),
                                 *((label, kind) for kind, label in ATTENTION_LABELS.items())])
        self.with_children = QCheckBox("Có trẻ em")
        self.period = QCheckBox("Phát hiện từ")
        self.date_from = DateEntry(from_qdate(QDate.currentDate().addMonths(-1)))
        self.date_to = DateEntry()
        for edit in (self.date_from, self.date_to):
            edit.setEnabled(False)
        self.period.toggled.connect(self.date_from.setEnabled)
        self.period.toggled.connect(self.date_to.setEnabled)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.changed.emit)
        self.search.textChanged.connect(self._typed)
        for combo in (self.group, self.platform, self.area, self.status, self.identified,
                      self.attention):
            combo.currentIndexChanged.connect(self._criterion_changed)
        for box in (self.with_children, self.period):
            box.toggled.connect(self._criterion_changed)
        for edit in (self.date_from, self.date_to):
            edit.changed.connect(self._criterion_changed)
        self._fill_saved()
        self.saved.activated.connect(self._saved_chosen)

        top = QHBoxLayout()
        top.addWidget(QLabel("Bộ lọc:"))
        top.addWidget(self.saved)
        top.addWidget(self.search, 1)
        top.addWidget(save_button)
        top.addWidget(clear_button)
        # The lists wrap onto a second line on a narrow screen.
        second = FlowLayout()
        for label, widget in (("Nhóm:", self.group), ("Nền tảng:", self.platform),
                              ("Tình trạng:", self.status), ("Địa bàn:", self.area),
                              ("Đối tượng:", self.identified), ("Cần xử lý:", self.attention)):
            second.addWidget(labelled(label, widget))
        third = QHBoxLayout()
        third.addWidget(self.with_children)
        third.addSpacing(16)
        third.addWidget(self.period)
        third.addWidget(self.date_from)
        third.addWidget(QLabel("đến"))
        third.addWidget(self.date_to)
        third.addSpacing(16)
        third.addWidget(self.extra_label)
        third.addWidget(self.extra_clear)
        third.addStretch(1)
        self._show_extra()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addLayout(third)

    # Lists that come from the database -----------------------------------

    def set_lists(self, vocabulary: Vocabulary, office: OfficeSettings) -> None:
        for combo, name, everything in ((self.group, VocabList.GROUP, "Tất cả nhóm"),
                                        (self.platform, VocabList.PLATFORM, "Tất cả")):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for entry in vocabulary.entries(name):
                combo.addItem(entry.label if name is VocabList.PLATFORM else
                              f"{entry.code} – {entry.label}", entry.code)
            _select(combo, current)
            combo.blockSignals(False)
        self.group.setMaximumWidth(260)
        current_area = self.area.currentData()
        self.area.blockSignals(True)
        self.area.clear()
        self.area.addItem(ALL, None)
        for area in sorted(office.areas, key=sort_key):
            self.area.addItem(area, area)
        _select(self.area, current_area)
        self.area.blockSignals(False)

    # Query <-> widgets ----------------------------------------------------

    def current_query(self) -> CaseQuery:
        # Qt gives enum values back as plain strings.
        attention = self.attention.currentData()
        status = self.status.currentData()
        period = self.period.isChecked()
        return CaseQuery(
            text=self.search.text(),
            group_code=self.group.currentData(),
            platform_code=self.platform.currentData(),
            status=CaseStatus(status) if status else None,
            area=self.area.currentData(),
            identified=self.identified.currentData(),
            has_children=True if self.with_children.isChecked() else None,
            attention=Attention(attention) if attention not in (None, OVERDUE) else None,
            overdue=attention == OVERDUE,
            # A date that does not read bounds nothing; its entry says so.
            detected_from=self.date_from.value() if period else None,
            detected_to=self.date_to.value() if period else None,
            sort=self._sort[0],
            descending=self._sort[1],
            **self._extra,  # type: ignore[arg-type]
        )

    def apply_query(self, query: CaseQuery) -> None:
        """Show the criteria of `query` (its order stays the list's own)."""
        self._applying = True
        self._debounce.stop()  # the text typed so far is replaced
        self._extra = {key: getattr(query, key) for key in EXTRA_FIELDS
                       if getattr(query, key) is not None}
        self._show_extra()
        self.search.setText(query.text)
        _select(self.group, query.group_code)
        _select(self.platform, query.platform_code)
        _select(self.status, query.status)
        _select(self.area, query.area)
        _select(self.identified, query.identified)
        _select(self.attention, OVERDUE if query.overdue else query.attention)
        self.with_children.setChecked(bool(query.has_children))
        self.period.setChecked(query.detected_from is not None or query.detected_to is not None)
        if query.detected_from:
            self.date_from.set_value(query.detected_from)
        if query.detected_to:
            self.date_to.set_value(query.detected_to)
        self._applying = False

    def set_sort(self, key: SortKey, descending: bool) -> None:
        self._sort = (key, descending)

    def clear_extra(self) -> None:
        self._extra = {}
        self._show_extra()
        self.changed.emit()

    def _show_extra(self) -> None:
        self.extra_label.setText(describe_extra(self._extra))
        self.extra_label.setVisible(bool(self._extra))
        self.extra_clear.setVisible(bool(self._extra))

    def _typed(self) -> None:
        if not self._applying:
            self._debounce.start()

    def _criterion_changed(self) -> None:
        if not self._applying:
            self._debounce.stop()  # the query asked for now holds the text typed so far
            self.changed.emit()

    def _chosen(self, query: CaseQuery) -> None:
        self.apply_query(query)
        self.changed.emit()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # Saved filters ----------------------------------------------------------

    def _fill_saved(self) -> None:
        self.saved.clear()
        for name in BUILT_IN:
            self.saved.addItem(name, name)
        for name in filters.saved_filters(self._prefs):
            self.saved.addItem(f"★ {name}", name)

    def _saved_chosen(self, index: int) -> None:
        name = self.saved.itemData(index)
        stored = filters.saved_filters(self._prefs)
        self._chosen(BUILT_IN.get(name) or query_from_json(stored.get(name, {})))

    def _save_filter(self) -> None:
        name, accepted = QInputDialog.getText(self, "Lưu bộ lọc", "Tên bộ lọc:")
        if accepted and name.strip():
            self.save_filter(name.strip())

    def save_filter(self, name: str) -> None:
        """The filter's criteria without the search text (`filters.py` says why)."""
        filters.save_filter(self._prefs, name, self.current_query())
        self._fill_saved()
        _select(self.saved, name)
