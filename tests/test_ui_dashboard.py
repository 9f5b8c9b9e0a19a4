"""The dashboard shows the report's own figures, and each figure opens its cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import ClosingResult, SanctionForm
from app.domain.periods import Period
from app.services import cases, events
from app.services.actor import Actor
from app.services.dashboard import load_dashboard
from app.services.report_figures import compute_summary
from app.text import format_number
from app.ui.dashboard import FIGURES
from app.ui.data_change import DataChange
from app.ui.main_window import MainWindow
from tests.conftest import make_case

TODAY = date.today()
MONTH_START = TODAY.replace(day=1)


@pytest.fixture
def register(db: Database, officer: Actor) -> None:
    last_month = MONTH_START - timedelta(days=3)
    old = cases.create_case(db, officer, make_case(detected_on=last_month,
                                                   offender_name="Lê Văn Tám"), today=TODAY)
    events.add_event(db, officer, old.id, EventInput("GB", MONTH_START), today=TODAY)
    events.add_event(db, officer, old.id, EventInput("BB", MONTH_START), today=TODAY)
    events.add_event(db, officer, old.id, EventInput(
        "XP", MONTH_START, sanction_form=SanctionForm.FINE, fine_amount=7_500_000,
        document_number="1/QĐ"), today=TODAY)
    events.add_event(db, officer, old.id, EventInput(
        "KT", MONTH_START, closing_result=ClosingResult.HANDLED), today=TODAY)
    cases.create_case(db, officer, make_case(detected_on=MONTH_START, group_code="TE",
                                             children=(ChildInput("Bé Một"),
                                                       ChildInput("Bé Hai"))), today=TODAY)
    cases.create_case(db, officer, make_case(detected_on=TODAY, platform_code="TT",
                                             offender_name="Trần Văn Ba"), today=TODAY)


@pytest.fixture
def window(open_window: Callable[[Actor], MainWindow], officer: Actor,
           register: None) -> MainWindow:
    return open_window(officer)


def test_figures_equal_the_report_and_open_their_cases(qtbot: QtBot, db: Database,
                                                       window: MainWindow) -> None:
    view = window.dashboard
    assert view.data is None  # nothing computed while the register is on screen
    window.show_screen("dashboard")
    qtbot.waitUntil(lambda: view.data is not None, timeout=10_000)
    report = compute_summary(db, Period.month(TODAY.year, TODAY.month)).total
    assert report.detected == 2 and report.fines == 7_500_000 and report.children == 2
    for figure in FIGURES:
        shown = view.cards[figure.key].value.text()
        expected = figure.value(report)
        assert shown.replace(" đồng", "") == format_number(expected), figure.key
    listed = {}
    for figure in FIGURES:
        if figure.key in ("fines", "children"):
            continue  # an amount and a number of children: they open the cases behind them
        with qtbot.waitSignal(window.case_list.results_shown, timeout=5000):
            view.cards[figure.key].clicked.emit()
        listed[figure.key] = len(window.case_list.model.ids())
        assert listed[figure.key] == figure.value(report), figure.key
    assert window.tabs.currentWidget() is window.case_list


def test_group_chart_shows_six_groups_and_a_click_filters(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    view = window.dashboard
    window.show_screen("dashboard")
    qtbot.waitUntil(lambda: view.data is not None, timeout=10_000)
    assert [b.key for b in view.by_group.bars()] == ["TE", "DD", "TG", "PC", "QC", "KH"]
    assert len(view.by_month.bars()) == 12
    with qtbot.waitSignal(window.case_list.results_shown, timeout=5000):
        view.by_group.bar_clicked.emit("TE")
    assert len(window.case_list.model.ids()) == 1


def test_a_saved_case_shows_in_the_figures_at_once(qtbot: QtBot, db: Database, officer: Actor,
                                                   window: MainWindow) -> None:
    view = window.dashboard
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        window.show_screen("dashboard")
    assert view.cards["detected"].value.text() == "2"
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.refresh()  # nothing changed: the same figures, from the cache
    assert view.cards["detected"].value.text() == "2"
    made = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        window.data_changed.emit(DataChange.cases([made.id]))  # as the window does on a save
    assert view.cards["detected"].value.text() == "3"


def test_cards_compare_with_the_same_days_and_the_whole_last_month(
        db: Database, officer: Actor, open_window: Callable[[Actor], MainWindow]) -> None:
    """The issue: five days of December were compared with the whole of November."""
    today = date(2025, 12, 5)
    for day in (date(2025, 11, 3), date(2025, 11, 20), date(2025, 11, 29),
                date(2025, 12, 2)):
        cases.create_case(db, officer, make_case(detected_on=day), today=today)
    view = open_window(officer).dashboard
    view.show_data(load_dashboard(db, today))
    detected = view.cards["detected"]
    assert detected.change.text() == ("Cùng kỳ tháng trước (01–05/11): 1\n"
                                      "Cả tháng trước: 3")
    # On the last day of a month the same days are the whole month before: one figure.
    view.show_data(load_dashboard(db, date(2025, 12, 31)))
    assert detected.change.text() == "Cả tháng trước: 3 (−2)"
