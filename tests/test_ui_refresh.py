"""After a change, the views that show the changed data reload, and only they: the
register fetches again only the rows of the changed cases."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from app.db import Database
from app.services import accounts, cases, settings
from app.services.actor import Actor
from app.services.case_list import LIST_COLUMNS
from app.services.search import CaseRow
from app.ui.admin import AdminScreen
from app.ui.admin.users_view import NewUserDialog
from app.ui.case_editor import CaseEditor
from app.ui.dashboard import DashboardView
from app.ui.data_change import DataChange, DataKind
from app.ui.delete_dialog import DeleteCaseDialog
from app.ui.main_window import MainWindow
from tests.conftest import TODAY, make_case

OpenWindow = Callable[[Actor], MainWindow]
SUMMARY = [c.key for c in LIST_COLUMNS].index("summary")


@pytest.fixture
def register(db: Database, admin: Actor) -> list[int]:
    return [cases.create_case(db, admin, make_case(
        account=f"Trang {number}", detected_on=date(2026, 10, number)), today=TODAY).id
        for number in range(1, 6)]


@pytest.fixture
def window(qtbot: QtBot, open_window: OpenWindow, admin: Actor,
           register: list[int]) -> MainWindow:
    window = open_window(admin)
    qtbot.waitUntil(lambda: window.case_list.model.rowCount() == len(register))
    return window


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The ids of each batch of rows the register fetches."""
    batches: list[list[int]] = []
    list_rows = cases.list_rows

    def spy(db: Database, actor: Actor, ids: list[int]) -> list[CaseRow]:
        batches.append(list(ids))
        return list_rows(db, actor, ids)

    monkeypatch.setattr(cases, "list_rows", spy)
    return batches


def _show_every_row(window: MainWindow) -> list[str]:
    model = window.case_list.model
    return [str(model.data(model.index(row, SUMMARY))) for row in range(model.rowCount())]


def _screens(window: MainWindow) -> tuple[DashboardView, AdminScreen]:
    admin = window.tab_screen("admin")
    assert isinstance(admin, AdminScreen)
    return window.dashboard, admin


def _count_reloads(monkeypatch: pytest.MonkeyPatch, *views: object) -> list[object]:
    """Each view's `refresh`, recorded when called."""
    reloaded: list[object] = []
    for view in views:
        def counted(view: object = view, refresh: Callable[[], None] = view.refresh) -> None:
            reloaded.append(view)
            refresh()

        monkeypatch.setattr(view, "refresh", counted)
    return reloaded


def test_an_edited_case_refreshes_its_row_and_the_dashboard_not_the_accounts(
        qtbot: QtBot, window: MainWindow, register: list[int], fetched: list[list[int]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    dashboard, admin = _screens(window)
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000):
        window.show_screen("dashboard")
    assert dashboard.cards["detected"].value.text() == "0"  # none this month
    _show_every_row(window)
    reloaded = _count_reloads(monkeypatch, admin.users, admin.lists, admin.legal)
    fetched.clear()
    edited = register[2]

    def edit_and_save(editor: CaseEditor) -> int:
        editor.general.summary.setPlainText("Nội dung đã sửa")
        editor.general.detected_on.set_value(date.today())
        with qtbot.waitSignal(editor.saved, timeout=5000):
            editor.save()
        return 0

    monkeypatch.setattr(CaseEditor, "exec", edit_and_save)
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000), \
            qtbot.waitSignal(window.case_list.results_shown, timeout=10_000):
        window.open_case(edited)
    # Detected today, it comes first; the register fetched that one row again and kept
    # the others it had.
    assert window.case_list.model.ids()[0] == edited
    assert _show_every_row(window)[0] == "Nội dung đã sửa"
    assert fetched == [[edited]]
    assert dashboard.cards["detected"].value.text() == "1"
    assert reloaded == []  # accounts, lists, legal bases: nothing of theirs changed
    # The accounts view does reload when an account changes.
    def create(dialog: NewUserDialog) -> int:
        dialog.username.setText("moi")
        dialog.full_name.setText("Người Mới")
        for field in (dialog.password, dialog.password_again):
            field.setText("du-dai-2026")
        dialog.accept_button.click()
        qtbot.waitUntil(lambda: dialog.result() == NewUserDialog.DialogCode.Accepted)
        return dialog.result()

    monkeypatch.setattr(NewUserDialog, "exec", create)
    admin.users._create()
    qtbot.waitUntil(lambda: reloaded == [admin.users])
    assert admin.users.table.rowCount() == len(accounts.list_users(window.db, window.actor))


def test_refreshing_everything_reloads_every_view(
        qtbot: QtBot, window: MainWindow, register: list[int], fetched: list[list[int]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """«Làm mới» (F5): what a whole new set of data needs, as after an import."""
    dashboard, admin = _screens(window)
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000):
        window.show_screen("dashboard")
    window.show_screen("admin")
    admin.setCurrentWidget(admin.purge)
    reloaded = _count_reloads(monkeypatch, admin.users, admin.lists, admin.legal, admin.purge)
    _show_every_row(window)
    fetched.clear()
    with qtbot.waitSignal(window.case_list.results_shown, timeout=10_000):
        window.refresh_action.trigger()
    assert sorted(reloaded, key=id) == sorted(
        [admin.users, admin.lists, admin.legal, admin.purge], key=id)
    _show_every_row(window)
    assert sorted(i for batch in fetched for i in batch) == sorted(register)
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000):
        window.show_screen("dashboard")  # computed again when shown


def test_a_deleted_case_leaves_the_list_and_only_the_list_and_dashboard_reload(
        qtbot: QtBot, window: MainWindow, register: list[int], fetched: list[list[int]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    dashboard, admin = _screens(window)
    reloaded = _count_reloads(monkeypatch, admin.users, admin.lists, admin.legal)
    _show_every_row(window)
    fetched.clear()

    def exec_(dialog: DeleteCaseDialog) -> int:
        dialog.reason.setText("Trùng")
        dialog.accept_button.click()
        qtbot.waitUntil(lambda: dialog.result() == DeleteCaseDialog.DialogCode.Accepted)
        return dialog.result()

    monkeypatch.setattr(DeleteCaseDialog, "exec", exec_)
    with qtbot.waitSignal(window.case_list.results_shown, timeout=10_000):
        window.delete_case(register[0])
    assert window.case_list.model.ids() == register[:0:-1]  # newest first, the first gone
    _show_every_row(window)
    assert fetched == [[register[0]]]  # the row the dialog names; the rows left were fetched
    assert reloaded == []
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000):
        window.show_screen("dashboard")


def test_rows_of_a_change_are_fetched_again_even_when_a_newer_query_overtakes_it(
        qtbot: QtBot, window: MainWindow, db: Database, admin: Actor, register: list[int],
        fetched: list[list[int]]) -> None:
    view = window.case_list
    _show_every_row(window)
    resets: list[bool] = []
    view.model.modelReset.connect(lambda: resets.append(True))
    fetched.clear()
    for case_id in register[:2]:
        detail = cases.get_case(db, admin, case_id)
        cases.update_case(db, admin, case_id,
                          dataclasses.replace(detail.data, summary=f"Sửa {case_id}"),
                          expected_version=detail.version)
    with qtbot.waitSignal(view.results_shown, timeout=10_000):
        view.refresh(frozenset({register[0]}))
        view.refresh(frozenset({register[1]}))  # the first result is then dropped
    shown = _show_every_row(window)
    assert {f"Sửa {register[0]}", f"Sửa {register[1]}"} <= set(shown)
    assert sorted(i for batch in fetched for i in batch) == sorted(register[:2])
    assert resets == []  # the same cases in the same order: only their rows repainted


def test_refreshing_does_not_put_off_the_automatic_backup(
        qtbot: QtBot, window: MainWindow, db: Database, admin: Actor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    timer = window.backups.timer
    started: list[int] = []
    monkeypatch.setattr(timer, "start", lambda interval: started.append(interval))
    with qtbot.waitSignal(window.case_list.results_shown, timeout=10_000):
        window.refresh_action.trigger()
    assert started == []  # the countdown of the work since the last backup goes on
    office = settings.load_office(db)
    settings.save_office(db, admin, dataclasses.replace(
        office, backup_every_minutes=office.backup_every_minutes + 5))
    window.data_changed.emit(DataChange.of(DataKind.OFFICE))
    assert started == [(office.backup_every_minutes + 5) * 60_000]
