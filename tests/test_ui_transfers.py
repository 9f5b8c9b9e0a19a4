"""Case transfers from the window: «Chuyển vụ việc sang đơn vị khác…» sends the cases
selected in the list to a registered unit, «Nhận vụ việc chuyển đến…» takes a package's
cases into the list, a refused package says why with nothing changed, and only an
administrator (who holds the office's key) is offered either. The window's register is the
test's `db` (unit 00007); the other office is a folder of its own (tests/test_transfers.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.case import ChildInput
from app.domain.labels import TransferOutcome
from app.services import cases, transfers
from app.services.actor import Actor
from app.ui.main_window import MainWindow
from app.ui.transfer_dialog import NO_UNITS, TransferInDialog, TransferOutDialog
from tests.conftest import make_case
from tests.test_transfers import CHILD, RECEIVER, Office, _case_with_evidence, _snapshot
from tests.test_transfers import receiver as receiver  # the module's fixtures
from tests.test_transfers import sender as sender

WAIT = 20_000


def _listed(qtbot: QtBot, window: MainWindow, count: int) -> None:
    qtbot.waitUntil(lambda: window.case_list.model.rowCount() == count, timeout=WAIT)


def _out_dialog(qtbot: QtBot, window: MainWindow) -> TransferOutDialog:
    window.transfer_out_action.trigger()
    dialog = window.findChild(TransferOutDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.unit_error.isVisible() or dialog.unit.count() > 0,
                    timeout=WAIT)
    return dialog


def _in_dialog(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
               package: Path) -> TransferInDialog:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(package), "")))
    window.transfer_in_action.trigger()
    [dialog] = [d for d in window.findChildren(TransferInDialog) if d.isVisible()]
    qtbot.waitUntil(lambda: not dialog.progress.isVisible(), timeout=WAIT)
    return dialog


def test_two_cases_sent_from_the_dialog_arrive_at_the_receiving_office(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], receiver: Office,
        sender: Office, tmp_path: Path) -> None:
    sent = {_case_with_evidence(receiver, tmp_path)[0] for _ in range(2)}
    cases.create_case(receiver.db, receiver.admin, make_case())  # not selected: stays home
    window = open_window(receiver.admin)
    _listed(qtbot, window, 3)
    table = window.case_list.table
    for row in range(3):
        if window.case_list.model.row_record(row).code in sent:  # type: ignore[union-attr]
            table.selectionModel().select(
                window.case_list.model.index(row, 0),
                table.selectionModel().SelectionFlag.Select
                | table.selectionModel().SelectionFlag.Rows)
    assert window.transfer_out_action in table.row_actions  # the list's context menu

    dialog = _out_dialog(qtbot, window)
    assert set(dialog.codes.text().split(", ")) == sent
    assert dialog.unit.currentText() == "00004 — Phường Ba Đình"
    target = tmp_path / "goi-chuyen"
    dialog.target.setText(str(target))
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.sent_package is not None, timeout=WAIT)

    package = target.with_suffix(transfers.SUFFIX)
    message = dialog.message.text()
    assert "Đã ghi 2 vụ việc" in message and "4 tệp chứng cứ" in message
    assert str(package) in message and "00004 — Phường Ba Đình" in message
    arrived = transfers.transfer_in(sender.db, sender.admin, package)
    assert {(c.unit_code, c.code, c.outcome) for c in arrived.cases} == {
        (RECEIVER[0], code, TransferOutcome.ADDED) for code in sent}
    assert arrived.evidence_files == 4


def test_a_case_with_a_child_goes_in_full_only_with_a_basis_typed(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], receiver: Office,
        sender: Office, tmp_path: Path) -> None:
    made = cases.create_case(receiver.db, receiver.admin, make_case(
        children=(ChildInput(CHILD, 2014),)))
    window = open_window(receiver.admin)
    _listed(qtbot, window, 1)
    dialog = _out_dialog(qtbot, window)
    dialog.codes.setText(made.code)
    dialog.target.setText(str(tmp_path / "tre-em.svpcase"))
    dialog.send_children.setChecked(True)
    dialog.send_button.click()
    assert "căn cứ pháp lý" in dialog.basis_error.text()
    assert not (tmp_path / "tre-em.svpcase").exists()

    dialog.send_children.setChecked(False)
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.sent_package is not None, timeout=WAIT)
    assert dialog.sent_package is not None and dialog.sent_package.masked == (made.code,)
    assert "đã được che" in dialog.message.text()


def test_cases_received_through_the_menu_are_added_to_the_list(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], receiver: Office,
        sender: Office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = [_case_with_evidence(sender, tmp_path)[0] for _ in range(2)]
    package = tmp_path / "den.svpcase"
    transfers.transfer_out(sender.db, sender.admin, codes, RECEIVER[0], package)
    window = open_window(receiver.admin)
    _listed(qtbot, window, 0)

    dialog = _in_dialog(qtbot, window, monkeypatch, package)
    assert dialog.received_package is not None
    lines = [dialog.cases.item(row).text() for row in range(dialog.cases.count())]
    assert sorted(lines) == sorted(f"00004/{code}: thêm mới" for code in codes)
    assert "Đã nhận gói của đơn vị 00004: 2 vụ việc, 4 tệp chứng cứ." in dialog.message.text()
    _listed(qtbot, window, 2)
    shown = {window.case_list.model.row_record(row).code  # type: ignore[union-attr]
             for row in range(2)}
    assert shown == set(codes)
    dialog.close()

    again = _in_dialog(qtbot, window, monkeypatch, package)
    assert "đã được nhận trước đây" in again.message.text()
    _listed(qtbot, window, 2)


def test_a_refused_package_shows_why_and_changes_nothing(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], receiver: Office,
        sender: Office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        db: Database) -> None:
    code, _ = _case_with_evidence(sender, tmp_path)
    package = tmp_path / "sua.svpcase"
    transfers.transfer_out(sender.db, sender.admin, [code], RECEIVER[0], package)
    content = bytearray(package.read_bytes())
    content[len(content) // 2] ^= 1  # altered on the way
    package.write_bytes(bytes(content))
    before = _snapshot(db)
    window = open_window(receiver.admin)

    dialog = _in_dialog(qtbot, window, monkeypatch, package)
    assert dialog.received_package is None
    assert package.name in dialog.message.text() and "Không nhận" in dialog.message.text()
    assert not dialog.cases.isVisible()
    assert _snapshot(db) == before
    _listed(qtbot, window, 0)


def test_without_a_registered_unit_the_dialog_says_where_to_register_one(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], receiver: Office) -> None:
    dialog = _out_dialog(qtbot, open_window(receiver.admin))
    assert dialog.unit_error.text() == NO_UNITS
    assert "Quản trị → Đơn vị và khóa" in NO_UNITS
    assert not dialog.send_button.isEnabled()


@pytest.mark.parametrize("role", ["officer", "viewer", "leader"])
def test_other_roles_see_the_transfers_disabled_with_the_reason(
        role: str, request: pytest.FixtureRequest,
        open_window: Callable[[Actor], MainWindow]) -> None:
    window = open_window(request.getfixturevalue(role))
    for action in (window.transfer_out_action, window.transfer_in_action):
        assert not action.isEnabled()
        assert "Chỉ quản trị viên giữ khóa của đơn vị" in action.toolTip()
        assert action in window.case_menu.actions()


def test_the_window_starts_without_the_transfer_modules() -> None:
    # The package's format and keys load with the first transfer, not with the window.
    code = ("import sys\n"
            "import app.cli\n"  # the program's entry (app/__main__.py) imports it first
            "import app.ui.main, app.ui.main_window\n"
            "loaded = [m for m in ('app.ui.transfer_dialog', 'app.services.transfers') "
            "if m in sys.modules]\n"
            "assert not loaded, loaded\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
