"""The register as a user searches it: areas completed without diacritics, matches marked
in the rows, and an empty result that says so and offers to clear the filters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QImage, QKeyEvent, QPainter
from PySide6.QtWidgets import QApplication, QComboBox, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.office import OfficeSettings
from app.services import cases, vocabulary
from app.services.actor import Actor
from app.services.search import CaseQuery
from app.ui.case_editor.general import GeneralSection
from app.ui.case_list import CaseListView
from app.ui.case_table import MATCH_BACKGROUND, NO_MATCH, MatchHighlight
from app.ui.case_table_model import COLUMNS, MATCHES_ROLE
from app.ui.prefs import UiPrefs
from app.ui.tasks import TaskRunner
from tests.conftest import TODAY, make_case

AREAS = ("Phường Tân Định", "Khu phố 1", "Xã Đông Hòa", "Ấp Tân Hòa", "Xã Dương Minh Châu")


@pytest.fixture
def view(qtbot: QtBot, db: Database, officer: Actor) -> Iterator[CaseListView]:
    for account, offender, area in (("Chợ online Tân Hòa", "Nguyễn Văn Đức", "Ấp Tân Hòa"),
                                    ("Hóng biến Minh Tân", "Trần Thị Lan", "Khu phố 1")):
        cases.create_case(db, officer, make_case(account=account, offender_name=offender,
                                                 area=area), today=TODAY)
    runner = TaskRunner()
    shown = CaseListView(db, officer, runner, UiPrefs(db.paths, officer.username),
                         vocabulary.load(db), OfficeSettings(areas=AREAS))
    qtbot.addWidget(shown)
    shown.resize(1200, 500)
    shown.show()
    with qtbot.waitSignal(shown.results_shown, timeout=5000):
        shown.refresh()
    yield shown
    runner.wait()


# The completions' popup takes the keyboard, which the offscreen platform cannot give it.
pytestmark = pytest.mark.qt_log_ignore("^This plugin does not support grabbing the keyboard$")


def _type(widget: QWidget, text: str) -> None:
    """Key presses of `text`, Vietnamese letters too (QTest's keyClicks takes ASCII only)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     char))


def _completions(qtbot: QtBot, combo: QComboBox, typed: str) -> list[str]:
    """What the box offers once `typed` is typed into it (as the user types, focused)."""
    edit = combo.lineEdit()
    assert edit is not None, "the box takes no typing"
    combo.window().activateWindow()
    edit.setFocus()
    edit.clear()
    _type(edit, typed)
    model = combo.completer().completionModel()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_filter_areas_complete_without_diacritics_and_sort_in_vietnamese(
        qtbot: QtBot, view: CaseListView) -> None:
    """The issue: the Địa bàn box completed nothing for `tan`."""
    combo = view.filters.area
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Tất cả", "Ấp Tân Hòa", "Khu phố 1", "Phường Tân Định", "Xã Dương Minh Châu",
        "Xã Đông Hòa"]
    assert _completions(qtbot, combo, "tan") == ["Ấp Tân Hòa", "Phường Tân Định"]
    assert _completions(qtbot, combo, "DONG HOA") == ["Xã Đông Hòa"]
    assert _completions(qtbot, combo, "đông") == ["Xã Đông Hòa"]
    # Choosing a completion filters the list by that area.
    _completions(qtbot, combo, "tan d")
    popup = combo.completer().popup()
    assert popup.isVisible()
    offered = popup.model().index(0, 0)
    with qtbot.waitSignal(view.results_shown, timeout=5000):
        qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton,
                         pos=popup.visualRect(offered).center())
    assert view.filters.current_query().area == "Phường Tân Định"
    # What was typed and not chosen goes back to the area chosen.
    edit = combo.lineEdit()
    assert edit is not None
    _type(edit, "xyz")
    edit.editingFinished.emit()
    assert edit.text() == "Phường Tân Định"
    assert view.filters.current_query().area == "Phường Tân Định"


def test_editor_area_completes_without_diacritics_and_keeps_free_text(
        qtbot: QtBot, db: Database) -> None:
    section = GeneralSection(vocabulary.load(db), AREAS)
    qtbot.addWidget(section)
    assert _completions(qtbot, section.area, "tan") == ["Ấp Tân Hòa", "Phường Tân Định"]
    assert _completions(qtbot, section.area, "duong") == ["Xã Dương Minh Châu"]
    section.area.lineEdit().clear()  # type: ignore[union-attr]
    _type(section.area.lineEdit(), "Thôn Mới")
    section.area.lineEdit().editingFinished.emit()  # type: ignore[union-attr]
    assert section.area.currentText() == "Thôn Mới"  # an area not in the list stays


def test_search_matches_are_marked_in_the_rows(qtbot: QtBot, view: CaseListView) -> None:
    with qtbot.waitSignal(view.results_shown, timeout=5000):
        view.filters.search.setText("tan hoa")
    model = view.model
    assert len(model.ids()) == 1
    columns = {column.key: n for n, column in enumerate(COLUMNS)}
    account = model.index(0, columns["account"])
    text = account.data()
    assert text == "Chợ online Tân Hòa"
    assert [text[a:b] for a, b in account.data(MATCHES_ROLE)] == ["Tân", "Hòa"]
    # Only the text the search looks in: the area is not what was found.
    assert model.index(0, columns["area"]).data(MATCHES_ROLE) is None
    # The delegate paints those spans on the match colour.
    image = QImage(400, 24, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    option = QStyleOptionViewItem()
    option.rect = image.rect()
    option.widget = view.table
    painter = QPainter(image)
    MatchHighlight().paint(painter, option, account)
    painter.end()
    marked = sum(image.pixelColor(x, 12) == MATCH_BACKGROUND for x in range(400))
    assert 10 < marked < 200
    # A new search marks its own words; no search, nothing.
    with qtbot.waitSignal(view.results_shown, timeout=5000):
        view.filters.search.setText("")
    assert all(model.index(row, columns["account"]).data(MATCHES_ROLE) is None
               for row in range(model.rowCount()))


def test_an_empty_result_says_so_and_clears_the_filters(qtbot: QtBot,
                                                        view: CaseListView) -> None:
    """The issue: an empty result was a blank table."""
    empty = view.table.empty
    assert not empty.isVisible()
    with qtbot.waitSignal(view.results_shown, timeout=5000):
        view.apply_query(CaseQuery(text="không có đâu", has_children=True))
    assert view.model.rowCount() == 0
    assert empty.isVisible() and empty.message.text() == NO_MATCH
    assert empty.clear_button.isVisible() and empty.clear_button.text() == "Bỏ lọc"
    with qtbot.waitSignal(view.results_shown, timeout=5000):
        qtbot.mouseClick(empty.clear_button, Qt.MouseButton.LeftButton)
    assert view.filters.current_query() == CaseQuery()
    assert view.filters.search.text() == "" and not view.filters.with_children.isChecked()
    assert view.model.rowCount() == 2
    assert not empty.isVisible()
