"""Server mode in the window: «Kết nối máy chủ» from the sign-in screen, and two PCs on one
register (each a `Database` of its own): a case saved on both, a connection dropped in
the middle of a save. Marked `server_window`: on PostgreSQL too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from app.db import Database
from app.db.engine import LOST_CONNECTION
from app.paths import DataPaths
from app.services import cases, server_connection, settings, vocabulary
from app.services.actor import Actor
from app.services.server_connection import ServerAddress
from app.ui.case_editor import CaseEditor
from app.ui.dialogs import RECONNECT
from app.ui.login import LoginDialog
from app.ui.prefs import UiPrefs
from app.ui.server_dialog import ServerDialog
from app.ui.tasks import TaskRunner
from tests.conftest import TODAY, make_case
from tests.memory_keyring import MemoryKeyring, store
from tests.test_concurrency import _second_pc, _wait_for_lock_wait
from tests.test_server_connection import address_of

__all__ = ["store"]  # the fixture

pytestmark = pytest.mark.server_window


@pytest.fixture(autouse=True)
def discard_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor left with unsaved input is closed at the end without asking."""
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


def _fill(dialog: ServerDialog, address: ServerAddress, password: str) -> None:
    dialog.host.setText(address.host)
    dialog.port.setValue(address.port)
    dialog.database.setText(address.database)
    dialog.login.setText(address.login)
    dialog.password.setText(password)


def test_the_dialog_checks_off_the_ui_thread_and_keeps_the_password_in_the_store(
        qtbot: QtBot, db: Database, tmp_path: Path, store: MemoryKeyring) -> None:
    paths = DataPaths(tmp_path / "may-nay")
    runner = TaskRunner()
    dialog = ServerDialog(runner, paths)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.local_button.isVisible()  # nothing to go back from yet
    _fill(dialog, ServerAddress("/khong/co/may/chu", database="sovipham"), "mat-khau")
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=20_000)
    assert "Không kết nối được máy chủ" in dialog.message.text()
    if db.paths.server is not None:
        _fill(dialog, address_of(db), "")
        dialog.check_button.click()
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=20_000)
        assert "sẵn sàng" in dialog.message.text()
    _fill(dialog, ServerAddress("may-chu.donvi.local", 5433, "sovipham", "canbo"), "mat-khau")
    dialog.accept_button.click()
    assert dialog.result() == ServerDialog.DialogCode.Accepted
    assert list(store.kept.values()) == ["mat-khau"]

    again = ServerDialog(runner, paths)
    qtbot.addWidget(again)
    again.show()
    assert (again.host.text(), again.port.value(), again.password.text()) == (
        "may-chu.donvi.local", 5433, "mat-khau")
    assert again.local_button.isVisible()
    again.local_button.click()
    assert server_connection.stored(paths) is None and store.kept == {}
    runner.wait()


def test_the_sign_in_screen_opens_the_register_a_new_connection_names(
        qtbot: QtBot, db: Database, tmp_path: Path, store: MemoryKeyring) -> None:
    paths = DataPaths(tmp_path / "may-nay")
    login = LoginDialog(TaskRunner(), paths=paths)
    qtbot.addWidget(login)
    login.show()
    button = next(b for b in login.buttons.findChildren(QPushButton)
                  if b.text() == "Kết nối máy chủ…")

    def type_and_save() -> None:
        shown = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, ServerDialog) and w.isVisible()]
        if not shown:
            return  # not open yet: the timer comes back
        typing.stop()
        _fill(shown[0], ServerAddress("may-chu", database="sovipham", login="canbo"), "bi-mat")
        shown[0].accept_button.click()

    typing = QTimer()
    typing.timeout.connect(type_and_save)
    typing.start(20)
    button.click()  # the dialog runs until saved
    typing.stop()
    assert login.result() == RECONNECT
    reopened = server_connection.window_paths(paths).server or ""
    assert make_url(reopened).host == "may-chu" and make_url(reopened).password == "bi-mat"


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.wait()


def _editor(qtbot: QtBot, runner: TaskRunner, db: Database, actor: Actor,
            case_id: int) -> CaseEditor:
    editor = CaseEditor(db, actor, runner, vocabulary.load(db), settings.load_office(db),
                        UiPrefs(db.paths, actor.username), cases.get_case(db, actor, case_id))
    qtbot.addWidget(editor)
    editor.show()
    return editor


def test_two_pcs_editing_one_case_the_second_save_is_told_and_nothing_is_lost(
        qtbot: QtBot, runner: TaskRunner, db: Database, officer: Actor, leader: Actor) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    other = _second_pc(db)
    try:
        first = _editor(qtbot, runner, db, leader, created.id)
        second = _editor(qtbot, runner, other, officer, created.id)
        first.general.notes.setPlainText("Lãnh đạo")
        second.general.notes.setPlainText("Cán bộ")
        with qtbot.waitSignal(first.saved, timeout=10_000):
            first.save()
        second.save()
        qtbot.waitUntil(second.reload_button.isVisible, timeout=10_000)
        assert "lanhdao" in second.message.text()
        # The officer's text is still in the editor, to copy over after reloading.
        assert second.general.notes.toPlainText() == "Cán bộ"
        assert cases.get_case(other, officer, created.id).data.notes == "Lãnh đạo"
    finally:
        other.dispose()


def test_a_connection_dropped_mid_save_is_said_in_the_editor_and_saving_again_works(
        qtbot: QtBot, runner: TaskRunner, db: Database, officer: Actor) -> None:
    if db.paths.server is None:
        pytest.skip("server mode only")
    created = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    editor = _editor(qtbot, runner, db, officer, created.id)
    editor.general.notes.setPlainText("Ghi chú mới")
    holder = create_engine(make_url(db.paths.server).set(drivername="postgresql+psycopg"),
                           poolclass=NullPool)
    try:
        with holder.connect() as conn:
            # Another program holds the audit chain: the save waits there, its case written.
            conn.execute(text("SELECT * FROM audit_chain FOR UPDATE"))
            editor.save()
            waited = threading.Thread(target=_wait_for_lock_wait, args=(db,))
            waited.start()
            qtbot.waitUntil(lambda: not waited.is_alive(), timeout=20_000)
            with holder.connect() as killer:
                killer.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                    "current_database() AND wait_event_type = 'Lock'"))
            qtbot.waitUntil(lambda: LOST_CONNECTION in editor.message.text(), timeout=20_000)
            conn.rollback()
    finally:
        holder.dispose()
    assert editor.isVisible() and editor.has_unsaved_changes()
    assert cases.get_case(db, officer, created.id).data.notes == created.data.notes
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save()
    assert cases.get_case(db, officer, created.id).data.notes == "Ghi chú mới"
