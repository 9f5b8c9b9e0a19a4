"""Background tasks bring results, user errors and cancellation back to the UI thread."""

from __future__ import annotations

import gc
import threading

import shiboken6
from pytestqt.qtbot import QtBot

from app.errors import UserError
from app.progress import CancelToken, Progress
from app.ui.tasks import UNEXPECTED, TaskRunner


def test_result_and_progress_arrive_on_the_ui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: list[tuple[int, int]] = []
    results: list[object] = []
    main_thread = threading.current_thread()
    threads: list[threading.Thread] = []

    def work(progress: Progress, _token: CancelToken) -> str:
        threads.append(threading.current_thread())
        for i in range(3):
            progress(i + 1, 3)
        return "xong"

    runner.start(work, on_success=results.append, on_progress=lambda d, t: seen.append((d, t)))
    qtbot.waitUntil(lambda: results == ["xong"])
    assert seen[-1] == (3, 3)
    assert threads and threads[0] is not main_thread


def test_user_error_message_and_unexpected_error_are_reported(qtbot: QtBot) -> None:
    runner = TaskRunner()
    messages: list[str] = []

    def refuse(_p: Progress, _t: CancelToken) -> None:
        raise UserError("Tệp không đúng mẫu.")

    def crash(_p: Progress, _t: CancelToken) -> None:
        raise RuntimeError("bug")

    runner.start(refuse, on_failure=messages.append)
    runner.start(crash, on_failure=messages.append)
    qtbot.waitUntil(lambda: len(messages) == 2)
    assert sorted(messages) == sorted(["Tệp không đúng mẫu.", UNEXPECTED])


def test_cancel_stops_the_task(qtbot: QtBot) -> None:
    runner = TaskRunner()
    started = threading.Event()
    cancelled: list[bool] = []

    def slow(_p: Progress, token: CancelToken) -> None:
        started.set()
        while True:
            token.raise_if_cancelled()
            threading.Event().wait(0.01)

    token = runner.start(slow, on_cancel=lambda: cancelled.append(True))
    assert started.wait(5)
    token.cancel()
    qtbot.waitUntil(lambda: cancelled == [True])


def test_signals_carrying_booleans_keep_their_references() -> None:
    """PySide6 6.12.0 over-released True on each emission and crashed at exit."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Carrier(QObject):
        value = Signal(object)

    carrier = Carrier()
    carrier.value.connect(lambda _v: None)
    before = sys.getrefcount(True)
    for _ in range(20):
        carrier.value.emit(True)
    # Other threads may take a reference meanwhile; none may be lost (6.12.0 lost 20).
    assert sys.getrefcount(True) >= before


def test_callbacks_of_a_deleted_owner_are_not_called(qtbot: QtBot) -> None:
    # A case closed while its thumbnails are drawn: the result must not reach dead widgets.
    from PySide6.QtWidgets import QWidget

    runner = TaskRunner()
    owner, witness = QWidget(), QWidget()
    got: list[str] = []
    release = threading.Event()

    def slow(_p: Progress, _t: CancelToken) -> str:
        release.wait(5)
        return "done"

    runner.start(slow, on_success=lambda r: got.append(f"owner {r}"), owner=owner)
    runner.start(slow, on_success=lambda r: got.append(f"witness {r}"), owner=witness)
    shiboken6.delete(owner)  # the editor closed and deleted meanwhile
    release.set()
    qtbot.waitUntil(lambda: bool(got))
    runner.wait()
    qtbot.wait(50)
    assert got == ["witness done"]


def test_a_cycle_dropped_while_a_worker_allocates_is_collected_on_the_ui_thread(
        qtbot: QtBot) -> None:
    """A widget in a reference cycle destroyed from a worker crashes Qt: the worker's
    allocations must not run the cycle collector, the UI thread's timer does."""
    destroyed_in: list[threading.Thread] = []

    class Cycle:
        def __init__(self) -> None:
            self.itself = self

        def __del__(self) -> None:
            destroyed_in.append(threading.current_thread())

    Cycle()
    kept: list[list[list[int]]] = []
    worker = threading.Thread(
        target=lambda: kept.append([[] for _ in range(50 * gc.get_threshold()[0])]))
    worker.start()
    worker.join()
    assert destroyed_in == []
    qtbot.waitUntil(lambda: bool(destroyed_in), timeout=3000)
    assert destroyed_in == [threading.main_thread()]
