"""Driving the main window as an officer would."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from python_calamine import CalamineWorkbook

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import ClosingResult
from app.services import cases, events
from app.services.actor import Actor
from app.services.case_list import LIST_COLUMNS
from app.services.search import CaseQuery, SortKey
from app.ui.case_editor import CaseEditor
from app.ui.delete_dialog import DeleteCaseDialog
from app.ui.filters import query_from_json, query_to_json
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.prefs import UiPrefs
from tests.conftest import CHILD_NAMES_IN_TESTS, PASSWORD, TODAY, make_case


@pytest.fixture
def register(db: Database, officer: Actor) -> dict[str, int]:
    made = {
        "duc": cases.create_case(db, officer, make_case(
            offender_name="Nguyễn Văn Đức", detected_on=date(2026, 9, 1), group_code="DD"),
            today=TODAY),
        "child": cases.create_case(db, officer, make_case(
            group_code="TE", children=(ChildInput("Lê Thị Bé"),), platform_code="TT",
            detected_on=date(2026, 10, 1), account="Tin nóng quê tôi"), today=TODAY),
        "closed": cases.create_case(db, officer, make_case(
            detected_on=date(2026, 11, 1), account="Chợ online"), today=TODAY),
    }
    events.add_event(db, officer, made["closed"].id, EventInput(
        "KT", date(2026, 11, 2), closing_result=ClosingResult.HANDLED), today=TODAY)
    return {k: v.id for k, v in made.items()}


OpenWindow = Callable[[Actor], MainWindow]


def _window(qtbot: QtBot, open_window: OpenWindow, actor: Actor) -> MainWindow:
    window = open_window(actor)
    qtbot.waitUntil(lambda: window.case_list.model.rowCount() > 0 or "0 /" in
                    window.counts.text())
    return window


@pytest.fixture
def window(qtbot: QtBot, open_window: OpenWindow, officer: Actor,
           register: dict[str, int]) -> MainWindow:
    return _window(qtbot, open_window, officer)


def _shown_ids(window: MainWindow) -> set[int]:
    return set(window.case_list.model.ids())


def test_list_shows_every_case_with_counts(window: MainWindow, register: dict[str, int]) -> None:
    assert _shown_ids(window) == set(register.values())
    assert window.counts.text() == "Đang hiển thị 3 / 3 vụ việc"


def test_the_total_stays_the_registers_when_sorted_or_filtered(
        qtbot: QtBot, window: MainWindow, register: dict[str, int]) -> None:
    """Unfiltered, the total is the list's own length; sorted otherwise, the same; filtered,
    the whole register's count."""
    view = window.case_list
    with qtbot.waitSignal(view.results_shown):
        view.filters.set_sort(SortKey.CODE, False)
        view.refresh()
    assert window.counts.text() == "Đang hiển thị 3 / 3 vụ việc"
    with qtbot.waitSignal(view.results_shown):
        view.filters.with_children.setChecked(True)
    assert window.counts.text() == "Đang hiển thị 1 / 3 vụ việc"


@pytest.mark.parametrize("typed", ["nguyen van duc", "Nguyễn Văn Đức",
                                   unicodedata.normalize("NFD", "văn đức")])
def test_search_as_you_type_ignores_diacritics(qtbot: QtBot, window: MainWindow,
                                               register: dict[str, int], typed: str) -> None:
    with qtbot.waitSignal(window.case_list.results_shown, timeout=3000):
        if typed.isascii():
            qtbot.keyClicks(window.case_list.filters.search, typed)
        else:  # Vietnamese keyboards deliver composed text, which QTest cannot type
            window.case_list.filters.search.setText(typed)
    assert _shown_ids(window) == {register["duc"]}


def test_filters_narrow_the_list(qtbot: QtBot, window: MainWindow,
                                 register: dict[str, int]) -> None:
    view = window.case_list
    with qtbot.waitSignal(view.results_shown):
        view.filters.with_children.setChecked(True)
    assert _shown_ids(window) == {register["child"]}
    with qtbot.waitSignal(view.results_shown):
        view.apply_query(CaseQuery(status=None, identified=False))
    assert _shown_ids(window) == {register["child"], register["closed"]}
    with qtbot.waitSignal(view.results_shown):
        view.filters.status.setCurrentIndex(view.filters.status.findText("Đã kết thúc"))
    assert _shown_ids(window) == {register["closed"]}


def test_built_in_saved_filter_and_a_user_filter(qtbot: QtBot, window: MainWindow,
                                                 register: dict[str, int]) -> None:
    view = window.case_list
    index = view.filters.saved.findText("Vụ việc có trẻ em")
    with qtbot.waitSignal(view.results_shown):
        view.filters.saved.activated.emit(index)
    assert _shown_ids(window) == {register["child"]}
    view.filters.save_filter("Trẻ em của tôi")
    assert view.filters.saved.findText("★ Trẻ em của tôi") >= 0


def test_saved_filters_keep_no_search_text(qtbot: QtBot, open_window: OpenWindow,
                                          officer: Actor, db: Database,
                                          register: dict[str, int]) -> None:
    """The search box may hold a child's name: saved filters keep only their criteria, and
    those an older version saved lose their text, every user's, when the window opens."""
    child = "Lê Thị Bé"
    for user in ("canbo", "lanhdao"):
        prefs = UiPrefs(db.paths, user)
        prefs.set_json("saved_filters", {"Bé": {"text": child, "has_children": True}})
        prefs.sync()
    ini = db.paths.root / "giao-dien.ini"
    assert child in ini.read_text(encoding="utf-8")
    window = _window(qtbot, open_window, officer)
    assert child not in ini.read_text(encoding="utf-8")
    assert UiPrefs(db.paths, "lanhdao").json("saved_filters", {}) == {
        "Bé": {"has_children": True}}
    view = window.case_list
    with qtbot.waitSignal(view.results_shown):
        view.filters.saved.activated.emit(view.filters.saved.findText("★ Bé"))
    assert _shown_ids(window) == {register["child"]}
    with qtbot.waitSignal(view.results_shown):
        view.filters.search.setText(child)
    view.filters.save_filter("Tìm bé")
    window.prefs.sync()
    assert child not in ini.read_text(encoding="utf-8")
    saved = window.prefs.json("saved_filters", {})["Tìm bé"]
    assert "text" not in saved and saved["has_children"] is True


def test_clicking_a_header_sorts_in_the_database(qtbot: QtBot, window: MainWindow,
                                                 register: dict[str, int]) -> None:
    view = window.case_list
    code_column = [c.key for c in LIST_COLUMNS].index("detected_on")
    with qtbot.waitSignal(view.results_shown):
        view.table.horizontalHeader().sectionClicked.emit(code_column)
        view.table.sortByColumn(code_column, Qt.SortOrder.AscendingOrder)
    assert view.model.ids() == [register["duc"], register["child"], register["closed"]]
    with qtbot.waitSignal(view.results_shown):
        view.table.sortByColumn(code_column, Qt.SortOrder.DescendingOrder)
    assert view.model.ids() == [register["closed"], register["child"], register["duc"]]


def test_enter_opens_the_selected_case(qtbot: QtBot, window: MainWindow,
                                       monkeypatch: pytest.MonkeyPatch,
                                       register: dict[str, int]) -> None:
    opened: list[str] = []
    monkeypatch.setattr("app.ui.case_editor.CaseEditor.exec",
                        lambda self: opened.append(self.windowTitle()) or 0)
    view = window.case_list
    view.table.setFocus()
    view.table.selectRow(view.model.ids().index(register["duc"]))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(opened))
    assert opened[0].startswith("Vụ việc VV2026-")
    from app.ui.case_editor import CaseEditor

    qtbot.waitUntil(lambda: not window.findChildren(CaseEditor))  # closed, then freed


def test_delete_asks_for_a_reason_and_needs_the_right(
        qtbot: QtBot, open_window: OpenWindow, db: Database, leader: Actor,
        register: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window(qtbot, open_window, leader)
    named: list[str] = []

    def exec_(dialog: DeleteCaseDialog) -> int:
        named.append(dialog.case.text())
        dialog.reason.setText("Nhập trùng")
        dialog.accept_button.click()
        qtbot.waitUntil(lambda: dialog.result() == DeleteCaseDialog.DialogCode.Accepted,
                        timeout=5000)
        return dialog.result()

    monkeypatch.setattr(DeleteCaseDialog, "exec", exec_)
    view = window.case_list
    view.table.setFocus()
    view.table.selectRow(view.model.ids().index(register["duc"]))
    with qtbot.waitSignal(view.results_shown, timeout=3000):
        qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert register["duc"] not in _shown_ids(window)
    deleted = cases.get_case(db, leader, register["duc"])
    assert deleted.deleted_reason == "Nhập trùng"
    assert named == [f"Xóa vụ việc {deleted.code}: «{deleted.data.summary}»?"]
    window.runner.wait()


def test_read_only_user_cannot_delete_or_administer(qtbot: QtBot, open_window: OpenWindow,
                                                    viewer: Actor,
                                                    register: dict[str, int]) -> None:
    window = _window(qtbot, open_window, viewer)
    assert not window.delete_action.isEnabled()
    assert not window.restore_action.isEnabled()
    assert "Quản trị" not in [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.runner.wait()


def test_case_list_model_passes_the_model_tester(qtmodeltester: ModelTester,
                                                 window: MainWindow) -> None:
    qtmodeltester.check(window.case_list.model)


def _on_screen(widget: QWidget) -> bool:
    """Shown to the eye: its native window is. (A locked window stays visible to Qt, so
    that a dialog's exec() goes on behind the lock.)"""
    handle = widget.windowHandle()
    return handle is not None and handle.isVisible()


def test_idle_time_locks_the_window(qtbot: QtBot, window: MainWindow,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []

    def fake_exec(dialog: QDialog) -> int:
        shown.append(dialog.windowTitle())
        assert not _on_screen(window)  # data hidden while locked
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr("app.ui.main_window.LoginDialog.exec", fake_exec)
    window.idle.set_minutes(0.01)  # under a second
    qtbot.waitUntil(lambda: shown == ["Màn hình đã khóa — Sổ vi phạm MXH"], timeout=5000)
    assert _on_screen(window)


def _in_editor(window: MainWindow, scenario: Callable[[CaseEditor], None]) -> None:
    """`scenario` run while a new case's editor is open as the window opens it (exec()),
    then the editor closed without its questions."""
    failures: list[BaseException] = []

    def run() -> None:
        editor = QApplication.activeModalWidget()
        assert isinstance(editor, CaseEditor)
        try:
            scenario(editor)
        except BaseException as exc:  # raised into Qt, it would leave the editor open
            failures.append(exc)
        finally:
            QDialog.done(editor, QDialog.DialogCode.Rejected.value)

    QTimer.singleShot(0, run)
    window.new_case()
    if failures:
        raise failures[0]


def _while_locked(window: MainWindow, *steps: Callable[[LoginDialog], None]) -> None:
    """Each step run in turn inside the lock dialog, the next once it shows again."""
    def run(rest: tuple[Callable[[LoginDialog], None], ...]) -> None:
        lock = window.lock_dialog
        if lock is None or not lock.isVisible():  # between two runs of the dialog
            QTimer.singleShot(10, lambda: run(rest))
            return
        rest[0](lock)
        if len(rest) > 1:
            QTimer.singleShot(10, lambda: run(rest[1:]))

    QTimer.singleShot(0, lambda: run(steps))


def test_the_lock_hides_every_window_and_unlocking_brings_them_back_as_they_were(
        qtbot: QtBot, window: MainWindow, db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr("app.ui.main_window.QMessageBox.question",
                        lambda _p, _t, text, *_a: asked.append(text)
                        or QMessageBox.StandardButton.No)
    xem = db.paths.root / ".xem"
    seen: dict[str, object] = {}

    def locked_first(lock: LoginDialog) -> None:
        seen["windows shown"] = [w.windowTitle() for w in QApplication.topLevelWidgets()
                                 if _on_screen(w)]
        qtbot.waitUntil(lambda: not xem.exists() or not any(xem.iterdir()))
        qtbot.keyClick(lock, Qt.Key.Key_Escape)  # stays up, signs nobody out
        lock.close()
        seen["after Esc"] = lock.isVisible() and not window.switching_user
        lock.sign_out_button.click()  # asks; "No" keeps the lock

    def locked_again(lock: LoginDialog) -> None:
        seen["after No"] = not window.switching_user
        lock.password.setText("sai-mat-khau")
        lock.accept_button.click()
        qtbot.waitUntil(lambda: "mật khẩu không đúng" in lock.message.text(), timeout=5000)
        lock.password.setText(PASSWORD)
        lock.accept_button.click()

    def scenario(editor: CaseEditor) -> None:
        editor.general.summary.setPlainText(f"Clip quay lén em {CHILD_NAMES_IN_TESTS[0]}")
        xem.mkdir(exist_ok=True)
        (xem / "0123456789abcdef.png").write_bytes(b"\x89PNG anh da giai ma")
        assert _on_screen(editor) and editor.has_unsaved_changes()
        _while_locked(window, locked_first, locked_again)
        window.lock()  # returns once unlocked
        seen["editor back"] = _on_screen(editor) and _on_screen(window)
        seen["text"] = editor.general.summary.toPlainText()
        seen["modal"] = QApplication.activeModalWidget() is editor

    _in_editor(window, scenario)
    assert seen == {
        "windows shown": ["Màn hình đã khóa — Sổ vi phạm MXH"], "after Esc": True,
        "after No": True, "editor back": True,
        "text": f"Clip quay lén em {CHILD_NAMES_IN_TESTS[0]}", "modal": True}
    assert len(asked) == 1 and "Vụ việc mới" in asked[0] and "chưa lưu" in asked[0]
    assert not window.switching_user and window.lock_dialog is None


def test_signing_out_from_the_lock_asks_then_closes_every_window(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.ui.main_window.QMessageBox.question",
                        lambda *_a: QMessageBox.StandardButton.Yes)
    outcome: list[bool] = []

    def scenario(editor: CaseEditor) -> None:
        editor.general.summary.setPlainText("Chưa lưu")
        _while_locked(window, lambda lock: lock.sign_out_button.click())
        window.lock()
        outcome.append(editor.isVisible())

    _in_editor(window, scenario)
    assert outcome == [False] and window.switching_user


def test_export_of_the_view_masks_children_and_keeps_order(
        qtbot: QtBot, window: MainWindow, register: dict[str, int], tmp_path: Path,
        db: Database, officer: Actor) -> None:
    detail = cases.get_case(db, officer, register["child"])
    cases.update_case(db, officer, register["child"], dataclasses.replace(
        detail.data, summary="Clip bạo lực, lộ mặt em LÊ THỊ BÉ (=lớp 5)"),
        expected_version=detail.version, today=TODAY)
    target = tmp_path / "ds.xlsx"
    window.export_view(target)
    qtbot.waitUntil(lambda: not window.progress.isVisible() and target.exists(), timeout=5000)
    with CalamineWorkbook.from_path(str(target)) as book:
        rows = book.get_sheet_by_index(0).to_python()[2:]
    codes = [cases.get_case(db, officer, i).code for i in window.case_list.model.ids()]
    assert [r[0] for r in rows] == codes
    text = " ".join(str(v) for r in rows for v in r)
    assert "L.T.B." in text and "LÊ THỊ BÉ" not in text


def test_file_menu_offers_import_and_full_export_by_role(qtbot: QtBot, open_window: OpenWindow,
                                                         admin: Actor, officer: Actor,
                                                         register: dict[str, int]) -> None:
    for actor, can_export_all in ((admin, True), (officer, False)):
        window = _window(qtbot, open_window, actor)
        assert window.import_action.isEnabled()
        assert window.export_all_action.isEnabled() is can_export_all
        window.runner.wait()


def test_other_screens_are_built_when_their_tab_is_first_chosen(
        qtbot: QtBot, open_window: OpenWindow, admin: Actor) -> None:
    from app.ui.admin import AdminScreen
    from app.ui.report.screen import ReportScreen

    window = _window(qtbot, open_window, admin)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Sổ vụ việc", "Tổng quan", "Sổ văn bản", "Báo cáo", "Quản trị"]
    assert not window.findChildren(AdminScreen) and not window.findChildren(ReportScreen)
    window.tabs.setCurrentIndex(4)
    (admin_screen,) = window.findChildren(AdminScreen)
    assert admin_screen.isVisible() and not window.findChildren(ReportScreen)
    window.tabs.setCurrentIndex(3)
    (report_screen,) = window.findChildren(ReportScreen)
    assert report_screen.isVisible() and not admin_screen.isVisible()
    window.tabs.setCurrentIndex(4)
    assert window.findChildren(AdminScreen) == [admin_screen]  # built once
    window.runner.wait()


def test_about_shows_the_version_and_the_licences_of_qt(window: MainWindow) -> None:
    from app import __version__
    from app.ui.about import AboutDialog

    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Trợ &giúp")
    [guide, about] = help_menu.actions()
    assert (guide.text(), about.text()) == ("&Hướng dẫn sử dụng", "&Giới thiệu")
    seen: dict[str, str] = {}

    def read() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AboutDialog)
        seen["version"] = dialog.version.text()
        seen["notices"] = dialog.notices.toPlainText()
        dialog.reject()

    QTimer.singleShot(0, read)
    about.trigger()
    assert seen["version"] == f"Phiên bản {__version__}"
    notices = seen["notices"]
    assert "PySide6_Essentials" in notices and "shiboken6" in notices
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in notices
    assert "Version 3, 29 June 2007" in notices
    assert "https://code.qt.io/cgit/pyside/pyside-setup.git/" in notices


def test_a_saved_filter_gives_back_every_date_criterion_as_a_date() -> None:
    query = CaseQuery(detected_from=date(2026, 1, 1), detected_to=date(2026, 1, 31),
                      event_from=date(2026, 2, 1), event_to=date(2026, 2, 28),
                      closed_from=date(2026, 3, 1), closed_to=date(2026, 3, 31))
    assert query_from_json(json.loads(json.dumps(query_to_json(query)))) == query
