"""The dashboard: this month so far against the same days of the last month and the whole
last month, twelve months, and what needs action.

Every figure is clickable and opens the case list filtered to the cases it counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.deadlines import LOCK_THRESHOLD_TEXT
from app.domain.labels import ATTENTION_LABELS, Attention, CaseStatus
from app.domain.periods import Period
from app.domain.report import Counts
from app.domain.vocabulary import EventKind
from app.progress import CancelToken, Progress
from app.services import documents
from app.services.dashboard import DashboardData, load_dashboard
from app.services.data_folder import Database
from app.services.documents import OverdueReplies
from app.services.search import CaseQuery
from app.text import format_date, format_money, format_number
from app.ui.charts import Bar, BarChart
from app.ui.data_change import DataChange, DataKind
from app.ui.tasks import TaskRunner

REPLIES = "replies"  # the needs-action line of the register of documents


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Callable[[Counts], int]
    query: Callable[[Period], CaseQuery]
    money: bool = False


FIGURES: tuple[Figure, ...] = (
    Figure("detected", "Phát hiện trong tháng", lambda c: c.detected,
           lambda p: CaseQuery(detected_from=p.start, detected_to=p.end)),
    Figure("removed", "Đã gỡ bỏ", lambda c: c.removed,
           lambda p: CaseQuery(event_kind=EventKind.REMOVED, event_from=p.start,
                               event_to=p.end)),
    Figure("sanctioned", "Xử phạt (số vụ)", lambda c: c.sanctioned,
           lambda p: CaseQuery(event_kind=EventKind.SANCTION, event_from=p.start,
                               event_to=p.end)),
    Figure("fines", "Tiền phạt", lambda c: c.fines,
           lambda p: CaseQuery(event_kind=EventKind.SANCTION, event_from=p.start,
                               event_to=p.end), money=True),
    Figure("unidentified", "Chưa xác định đối tượng", lambda c: c.unidentified,
           lambda p: CaseQuery(detected_from=p.start, detected_to=p.end, identified=False)),
    Figure("children", "Trẻ em bị ảnh hưởng", lambda c: c.children,
           lambda p: CaseQuery(detected_from=p.start, detected_to=p.end, has_children=True)),
    Figure("closed", "Kết thúc xử lý", lambda c: c.closed,
           lambda p: CaseQuery(closed_from=p.start, closed_to=p.end)),
    Figure("carried_out", "Đang xử lý", lambda c: c.carried_out,
           lambda p: CaseQuery(detected_to=p.end, status=CaseStatus.OPEN)),
)


def _against(now: int, before: int, money: bool) -> str:
    """`12 (+3)`: an earlier figure and how far this month's is from it."""
    shown = format_money(before) if money else format_number(before)
    if now == before:
        return shown
    sign = "+" if now > before else "−"
    difference = abs(now - before)
    delta = format_money(difference) if money else format_number(difference)
    return f"{shown} ({sign}{delta})"


def _days(period: Period) -> str:
    """`01–05/11`, or `15/10–04/11` across two months."""
    same_month = period.start.month == period.end.month
    start = f"{period.start:%d}" if same_month else f"{period.start:%d/%m}"
    return f"{start}–{period.end:%d/%m}"


def comparison(data: DashboardData, figure: Figure) -> str:
    """This month so far against the same days of the last, and against the whole last
    month when those days are not all of it."""
    now = figure.value(data.this_month.total)
    same, whole = data.same_days_last_month, data.last_month
    whole_value = figure.value(whole.total)
    if same.period.end == whole.period.end:
        return f"Cả tháng trước: {_against(now, whole_value, figure.money)}"
    same_value = _against(now, figure.value(same.total), figure.money)
    whole_text = format_money(whole_value) if figure.money else format_number(whole_value)
    return (f"Cùng kỳ tháng trước ({_days(same.period)}): {same_value}\n"
            f"Cả tháng trước: {whole_text}")


class FigureCard(QFrame):
    clicked = Signal()

    def __init__(self, label: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet("FigureCard { background: #ffffff; border: 1px solid #d0d7de; "
                           "border-radius: 6px; } FigureCard:hover { border-color: #2f6db5; }")
        self.value = QLabel("…")
        self.value.setStyleSheet("font-size: 20pt; font-weight: 600; color: #1d4f8c;")
        self.caption = QLabel(label)
        self.caption.setStyleSheet("font-weight: 600;")
        self.change = QLabel()
        self.change.setStyleSheet("color: #555555;")
        self.change.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addWidget(self.change)

    def mouseReleaseEvent(self, event: object) -> None:
        self.clicked.emit()


class DashboardView(QScrollArea):
    show_cases = Signal(object)  # CaseQuery
    show_overdue_replies = Signal()  # the register of documents, its late requests
    loaded = Signal()

    def __init__(self, db: Database, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self.data: DashboardData | None = None
        self._overdue: OverdueReplies | None = None
        self._stale = True  # computed when first shown: it costs more than the list
        self.heading = QLabel("Đang tính số liệu…")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: 600;")
        refresh = QPushButton("Làm mới")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(refresh)

        self.cards: dict[str, FigureCard] = {}
        cards = QGridLayout()
        for index, figure in enumerate(FIGURES):
            card = FigureCard(figure.label)
            card.clicked.connect(lambda f=figure: self._open_figure(f))
            self.cards[figure.key] = card
            cards.addWidget(card, index // 4, index % 4)

        self.by_group = BarChart("Phát hiện trong tháng theo nhóm hành vi")
        self.by_platform = BarChart("Phát hiện trong tháng theo nền tảng")
        self.by_month = BarChart("Phát hiện 12 tháng gần đây", vertical=True)
        self.by_month.setMinimumHeight(170)
        self.by_group.bar_clicked.connect(lambda code: self._open_month(group_code=code))
        self.by_platform.bar_clicked.connect(lambda code: self._open_month(platform_code=code))
        self.by_month.bar_clicked.connect(self._open_period)
        charts = QHBoxLayout()
        charts.addWidget(self.by_group, 3)
        charts.addWidget(self.by_platform, 2)

        self.attention = QListWidget()
        self.attention.itemActivated.connect(self._open_attention)
        self.attention.itemClicked.connect(self._open_attention)
        self.accounts = QListWidget()
        self.accounts.itemClicked.connect(self._open_account)
        self.accounts.itemActivated.connect(self._open_account)
        for widget in (self.attention, self.accounts):
            widget.setMinimumHeight(110)
        action_box = QGroupBox("Cần xử lý")
        QVBoxLayout(action_box).addWidget(self.attention)
        accounts_box = QGroupBox(f"Tài khoản vượt ngưỡng đề nghị khóa ({LOCK_THRESHOLD_TEXT})")
        QVBoxLayout(accounts_box).addWidget(self.accounts)
        lists = QHBoxLayout()
        lists.addWidget(action_box, 1)
        lists.addWidget(accounts_box, 1)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addLayout(charts, 2)
        layout.addWidget(self.by_month, 2)
        layout.addLayout(lists, 1)
        self.setWidget(body)
        self.setWidgetResizable(True)

    def refresh_for(self, change: DataChange) -> None:
        """The figures count cases, under the lists' labels, flagged by the office's
        thresholds: recomputed now if on screen, else when next shown."""
        if not change.concerns(DataKind.CASES, DataKind.OFFICE, DataKind.VOCABULARY):
            return
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        db = self._db

        def task(_p: Progress, _t: CancelToken) -> DashboardData:
            return load_dashboard(db)

        self._runner.start(task, on_success=self.show_data,
                           on_failure=lambda message: self.heading.setText(message))
        self._runner.start(lambda _p, _t: documents.overdue_summary(db),
                           on_success=self.show_overdue, owner=self)

    def show_overdue(self, late: OverdueReplies) -> None:
        """The register's requests past their date for a reply, one line of the list."""
        self._overdue = late
        self._show_overdue_line()

    def _show_overdue_line(self) -> None:
        for row in range(self.attention.count()):
            if self.attention.item(row).data(Qt.ItemDataRole.UserRole) == REPLIES:
                self.attention.takeItem(row)
                break
        late = self._overdue
        if late is None or not late.count:
            return
        item = QListWidgetItem(f"Văn bản đi quá hạn trả lời: {format_number(late.count)} văn "
                               f"bản (như số {', '.join(late.first_numbers[:3])}…)")
        item.setData(Qt.ItemDataRole.UserRole, REPLIES)
        self.attention.addItem(item)

    def show_data(self, data: DashboardData) -> None:
        self.data = data
        month = data.this_month.period
        self.heading.setText(f"Tổng quan {month.label.lower()} "
                             f"(đến ngày {format_date(data.today)})")
        for figure in FIGURES:
            card = self.cards[figure.key]
            value = figure.value(data.this_month.total)
            card.value.setText(format_money(value) if figure.money else format_number(value))
            card.change.setText(comparison(data, figure))
        self.by_group.set_bars([Bar(line.code, line.label, line.counts.detected)
                                for line in data.this_month.groups])
        self.by_platform.set_bars([Bar(line.code, line.label, line.counts.detected)
                                   for line in data.this_month.platforms
                                   if line.counts.detected])
        self.by_month.set_bars([Bar(period, f"{period.start:%m/%y}", detected)
                                for period, detected in data.monthly])
        self.attention.clear()
        for entry in data.attention:
            text = f"{ATTENTION_LABELS[entry.kind]}: {format_number(entry.count)} vụ việc"
            if entry.first_codes:
                text += f" (như {', '.join(entry.first_codes[:3])}…)"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, str(entry.kind))
            self.attention.addItem(item)
        self._show_overdue_line()
        self.accounts.clear()
        for account in data.lock_accounts:
            item = QListWidgetItem(account.describe())
            item.setData(Qt.ItemDataRole.UserRole, account.account)
            self.accounts.addItem(item)
        if not data.lock_accounts:
            self.accounts.addItem("Không có tài khoản nào vượt ngưỡng.")
        self.loaded.emit()

    # Clicks open the case list filtered to what was counted ----------------

    def _month(self) -> Period | None:
        return self.data.this_month.period if self.data else None

    def _open_figure(self, figure: Figure) -> None:
        period = self._month()
        if period is not None:
            self.show_cases.emit(figure.query(period))

    def _open_month(self, group_code: str | None = None,
                    platform_code: str | None = None) -> None:
        period = self._month()
        if period is not None:
            self.show_cases.emit(CaseQuery(detected_from=period.start, detected_to=period.end,
                                           group_code=group_code, platform_code=platform_code))

    def _open_period(self, period: Period) -> None:
        self.show_cases.emit(CaseQuery(detected_from=period.start, detected_to=period.end))

    def _open_attention(self, item: QListWidgetItem) -> None:
        kind = item.data(Qt.ItemDataRole.UserRole)
        if kind == REPLIES:
            self.show_overdue_replies.emit()
        elif kind:
            self.show_cases.emit(CaseQuery(attention=Attention(kind)))

    def _open_account(self, item: QListWidgetItem) -> None:
        account = item.data(Qt.ItemDataRole.UserRole)
        if account:
            self.show_cases.emit(CaseQuery(text=account))
