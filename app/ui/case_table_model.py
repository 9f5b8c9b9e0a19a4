"""The case list model: ids of the whole result, rows fetched in batches as they are shown.

Sorting is done by the database (the model only asks for it), never by a proxy
model over the whole register.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

from app.domain.labels import CaseStatus
from app.domain.search_keys import matched_spans
from app.domain.vocabulary import Vocabulary
from app.services.case_list import LIST_COLUMNS, Align
from app.services.search import CaseRow

BATCH = 200
CACHE_LIMIT = 5_000

Index = QModelIndex | QPersistentModelIndex

OPEN_COLOUR = QColor("#a15c00")
CLOSED_COLOUR = QColor("#2e7d32")
CHILD_BACKGROUND = QColor("#fdecef")
WARNING_COLOUR = QColor("#e65100")


ALIGNMENT = {
    Align.LEFT: Qt.AlignmentFlag.AlignLeft,
    Align.CENTER: Qt.AlignmentFlag.AlignCenter,
    Align.RIGHT: Qt.AlignmentFlag.AlignRight,
}
COLUMNS = LIST_COLUMNS
# The (start, end) spans of a cell's text the search box matched, for the delegate to paint.
MATCHES_ROLE = Qt.ItemDataRole.UserRole + 1
# The columns whose text the search key holds (`services/case_rows.py`, `search_key`).
SEARCHED = frozenset({"code", "account", "url", "offender", "summary"})


def _warning_icon() -> QIcon:
    """A small orange dot: drawn, so that no image file has to ship."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(WARNING_COLOUR)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class CaseTableModel(QAbstractTableModel):
    sort_requested = Signal(object, bool)  # SortKey, descending

    def __init__(self, fetch: Callable[[list[int]], list[CaseRow]],
                 vocabulary: Vocabulary, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._vocabulary = vocabulary
        # 8 bytes a case, where a list of 100,000 Python ints holds 3.6 MB.
        self._ids = array("q")
        self._cache: OrderedDict[int, CaseRow] = OrderedDict()
        self._warning_icon = _warning_icon()
        self._search = ""

    # What the view shows -------------------------------------------------

    def set_ids(self, ids: list[int], changed: frozenset[int] | None = None) -> None:
        """Show `ids`. Rows already fetched are kept but those of `changed` (every row when
        it is None); when the ids are the same, only the changed rows are repainted."""
        if changed is None:
            self._cache.clear()
        else:
            for case_id in changed:
                self._cache.pop(case_id, None)
        if changed is not None and array("q", ids) == self._ids:
            last = len(COLUMNS) - 1
            for case_id in changed:
                if case_id in self._ids:
                    row = self._ids.index(case_id)
                    self.dataChanged.emit(self.index(row, 0), self.index(row, last))
            return
        self.beginResetModel()
        self._ids = array("q", ids)
        self.endResetModel()

    def set_search(self, text: str) -> None:
        """The search box's text, whose matches the rows show."""
        if text != self._search:
            self._search = text
            if self._ids:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self._ids) - 1, len(COLUMNS) - 1),
                                      [MATCHES_ROLE])

    def set_vocabulary(self, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def case_id(self, row: int) -> int:
        return self._ids[row]

    def ids(self) -> list[int]:
        return list(self._ids)

    def row_record(self, row: int) -> CaseRow | None:
        case_id = self._ids[row]
        cached = self._cache.get(case_id)
        if cached is None:
            self._load_around(row)
            cached = self._cache.get(case_id)
        return cached

    def _load_around(self, row: int) -> None:
        start = max(0, row - BATCH // 4)
        wanted = [i for i in self._ids[start:start + BATCH] if i not in self._cache]
        for record in self._fetch(wanted):
            self._cache[record.id] = record
        while len(self._cache) > CACHE_LIMIT:
            self._cache.popitem(last=False)

    # Qt model interface ---------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        record = self.row_record(index.row())
        if record is None:  # deleted since the list was queried
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record, self._vocabulary)
        if role == MATCHES_ROLE:
            if not self._search or column.key not in SEARCHED:
                return None
            return matched_spans(column.text(record, self._vocabulary), self._search) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(ALIGNMENT[column.align] | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "status":
            return QBrush(CLOSED_COLOUR if record.status is CaseStatus.CLOSED else OPEN_COLOUR)
        if role == Qt.ItemDataRole.DecorationRole and column.key == "code":
            return self._warning_icon if record.needs_attention else None
        if role == Qt.ItemDataRole.ToolTipRole and column.key == "code" and record.needs_attention:
            return f"{record.code}: cần xử lý (quá hạn, sắp hết thời hiệu hoặc chưa được gỡ)"
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.text(record, self._vocabulary)
        if role == Qt.ItemDataRole.BackgroundRole and record.has_children:
            return QBrush(CHILD_BACKGROUND)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column].sort
        if key is not None:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)
