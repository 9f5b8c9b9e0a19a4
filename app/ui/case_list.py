"""The register: the filter bar over the case table, its query run off the UI thread,
and after a change only the rows of the changed cases fetched again."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.domain.office import OfficeSettings
from app.domain.vocabulary import Vocabulary
from app.progress import CancelToken, Progress
from app.services import cases, units
from app.services.actor import Actor
from app.services.case_list import ListColumn
from app.services.data_folder import Database
from app.services.search import CaseQuery, SortKey, count_cases, search_case_ids
from app.ui.case_filter_bar import CaseFilterBar
from app.ui.case_table import CaseTable
from app.ui.case_table_model import CaseTableModel
from app.ui.data_change import DataChange, DataKind
from app.ui.prefs import UiPrefs
from app.ui.tasks import TaskRunner


class CaseListView(QWidget):
    open_case = Signal(int)
    delete_requested = Signal(int)
    counts_changed = Signal(int, int)  # shown, all cases in the register
    results_shown = Signal()

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner, prefs: UiPrefs,
                 vocabulary: Vocabulary, office: OfficeSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._own_unit = office.unit_code
        self._generation = 0
        # Cases whose rows the next result fetches again; None: every row.
        self._stale_rows: frozenset[int] | None = None
        self.filters = CaseFilterBar(prefs, vocabulary, office)
        self.filters.changed.connect(self.refresh)
        # Owned by the view's widget: a model collected before its view crashes the paint.
        self.model = CaseTableModel(lambda ids: cases.list_rows(db, actor, ids), vocabulary, self)
        self.table = CaseTable(self.model, prefs)
        self.table.open_requested.connect(self.open_case)
        self.table.delete_requested.connect(self.delete_requested)
        self.table.clear_filters_requested.connect(lambda: self.apply_query(CaseQuery()))
        # Connected once the table is set up: it asks the model to sort meanwhile.
        self.model.sort_requested.connect(self._sort_by)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)

    def set_lists(self, vocabulary: Vocabulary, office: OfficeSettings) -> None:
        """The code lists or the office's areas were edited: new choices and labels."""
        self.filters.set_lists(vocabulary, office)
        self.model.set_vocabulary(vocabulary)
        self._own_unit = office.unit_code

    def apply_query(self, query: CaseQuery) -> None:
        """Show the cases matching `query` (dashboard figures)."""
        self.filters.apply_query(query)
        self.refresh()

    def focus_search(self) -> None:
        self.filters.focus_search()

    def selected_case_id(self) -> int | None:
        return self.table.selected_case_id()

    def selected_case_ids(self) -> list[int]:
        """The selected cases, top to bottom (their rows need not have been read)."""
        return [self.model.case_id(row) for row in self.table.selected_rows()]

    def visible_columns(self) -> list[ListColumn]:
        return self.table.visible_columns()

    # Running the query off the UI thread ---------------------------------

    def refresh_for(self, change: DataChange) -> None:
        """The rows show cases and flag those needing action by the office's thresholds;
        the labels of the code lists come with `set_lists`."""
        if change.concerns(DataKind.CASES, DataKind.OFFICE):
            self.refresh(change.only_cases())

    def refresh(self, changed: frozenset[int] | None = None) -> None:
        """Run the query again (a change may add, remove or move cases); rows already
        fetched are kept but those of `changed`, or none when it is None."""
        if changed is None or self._stale_rows is None:
            self._stale_rows = None
        else:  # a result still on its way would otherwise not fetch its cases again
            self._stale_rows |= changed
        self._generation += 1
        generation = self._generation
        query = self.filters.current_query()
        db, own_unit = self._db, self._own_unit

        def task(_progress: Progress, _token: CancelToken) -> tuple[list[int], int, bool]:
            ids = search_case_ids(db, query)
            total = len(ids) if query.whole_register else count_cases(db, CaseQuery())
            return ids, total, units.holds_other_units(db, own_unit)

        self._runner.start(task, on_success=lambda result: self._show(generation, query,
                                                                      result))

    def _show(self, generation: int, query: CaseQuery,
              result: tuple[list[int], int, bool]) -> None:
        if generation != self._generation:
            return  # a newer query is on its way
        ids, total, other_units = result
        self.table.show_units(other_units)
        selected = self.selected_case_id()
        self.model.set_ids(ids, self._stale_rows)
        self.model.set_search(query.text)
        self._stale_rows = frozenset()
        self.table.show_empty(filtered=total > 0)
        if selected in ids:
            self.table.selectRow(ids.index(selected))
        self.counts_changed.emit(len(ids), total)
        self.results_shown.emit()

    def _sort_by(self, key: SortKey, descending: bool) -> None:
        self.filters.set_sort(key, descending)
        self.refresh()
