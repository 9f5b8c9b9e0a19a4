"""Every window and dialog fits the screens offices have: 1366×768, the most common, and a
1920×1080 laptop at Windows' default 125 % scaling (1536×864 logical pixels), with the
taskbar and the window's frame taken off."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

import app.ui
from app.db import Database
from app.domain.case import ChildInput
from app.domain.documents import DocumentKind
from app.domain.events import EventInput
from app.domain.labels import Role, SanctionForm
from app.domain.periods import Period
from app.domain.report import ReportText
from app.domain.report_forms import children_rows
from app.paths import DataPaths
from app.services import (
    accounts,
    cases,
    demo,
    documents,
    events,
    legal_basis,
    report_register,
    settings,
)
from app.services.actor import Actor
from app.services.case_list import LIST_COLUMNS
from app.services.report_register import CaseBreach, PendingChange, SanctionPathBreaches
from app.ui.about import AboutDialog
from app.ui.admin import AdminScreen
from app.ui.admin.legal_dialogs import EndDialog, InstrumentDialog, LimitDialog, ProvisionDialog
from app.ui.admin.users_view import NewPasswordDialog, NewUserDialog
from app.ui.case_editor import CaseEditor
from app.ui.case_editor.children import ChildDialog
from app.ui.case_editor.decision_dialog import DecisionDialog
from app.ui.case_editor.event_dialog import EventDialog
from app.ui.case_editor.print_dialog import PrintDialog
from app.ui.delete_dialog import DeleteCaseDialog
from app.ui.documents_view import ReceivedDialog, SentDialog
from app.ui.draft_dialog import DraftDialog
from app.ui.export_dialog import ExportDialog
from app.ui.first_run import FirstRunDialog, RecoveryKeyDialog
from app.ui.help import GuideWindow
from app.ui.import_dialog import ImportDialog
from app.ui.list_print import ListPrintDialog
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.report.actions import BreachesDialog
from app.ui.report.children_review import ChildrenRowsReview
from app.ui.report.frozen_warning import FrozenChangeWarning
from app.ui.report.screen import ReportScreen
from app.ui.server_dialog import ServerDialog
from app.ui.transfer_dialog import TransferInDialog, TransferOutDialog
from tests.conftest import TODAY, make_case

# The screens, in logical pixels, less Windows' taskbar (40 px at the bottom).
TASKBAR = 40
SCREENS = (QSize(1366, 768 - TASKBAR), QSize(1536, 864 - TASKBAR))
# A window's frame on Windows: the borders and the title bar.
FRAME = QSize(16, 40)

OCTOBER = Period.month(2026, 10)


@pytest.fixture(autouse=True)
def discard_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


@dataclass
class Office:
    """A folder with a child case, a fined one and October frozen, its main window shown
    as administrator with every screen built."""

    db: Database
    admin: Actor
    window: MainWindow
    child_case: int
    fined_case: int


@pytest.fixture
def office(qtbot: QtBot, db: Database, admin: Actor, leader: Actor,
           open_window: Callable[[Actor], MainWindow]) -> Office:
    settings.save_office(db, admin, demo.demo_office())
    child = cases.create_case(db, admin, make_case(
        detected_on=date(2026, 10, 3), group_code="TE", children=(ChildInput("Lê Thị Bé", 2014),),
        offender_name="Nguyễn Văn Đức"), today=TODAY)
    fined = cases.create_case(db, admin, make_case(
        detected_on=date(2026, 10, 5), offender_name="Trần Văn Bình"), today=TODAY)
    events.add_event(db, admin, fined.id, EventInput("BB", date(2026, 10, 6)), today=TODAY)
    events.add_event(db, admin, fined.id, EventInput(
        "XP", date(2026, 10, 8), document_number="5/QĐ-XPHC", sanction_form=SanctionForm.FINE,
        fine_amount=7_500_000), today=TODAY)
    report_register.send_report(db, leader, OCTOBER,
                                ReportText("12", date(2026, 11, 3), "Báo cáo tháng 10."))
    window = open_window(admin)
    for key in ("dashboard", "reports", "admin"):
        window.show_screen(key)
    qtbot.waitUntil(lambda: window.case_list.model.rowCount() == 2)
    return Office(db, admin, window, child.id, fined.id)


def _too_large(widget: QWidget) -> list[str]:
    """What of `widget`'s smallest size (the larger of its layout's and the one it sets), or
    of the size it opens at, does not fit a screen with the frame around it."""
    hint = widget.minimumSizeHint()
    smallest = QSize(max(hint.width(), widget.minimumWidth()),
                     max(hint.height(), widget.minimumHeight()))
    # A window not resized by the program opens at its layout's size.
    opening = (widget.size() if widget.testAttribute(Qt.WidgetAttribute.WA_Resized)
               else widget.sizeHint().expandedTo(smallest))
    problems = []
    for screen in SCREENS:
        for what, size in (("minimum", smallest), ("opening", opening)):
            framed = size + FRAME
            if framed.width() > screen.width() or framed.height() > screen.height():
                problems.append(f"{type(widget).__name__}'s {what} size "
                                f"{size.width()}×{size.height()} does not fit "
                                f"{screen.width()}×{screen.height() + TASKBAR}")
    return problems


def _dialogs(office: Office, tmp_path: Path) -> Iterator[QDialog]:
    """One of each dialog of the program, as the window opens it."""
    db, admin, window = office.db, office.admin, office.window
    runner = window.runner
    child = cases.get_case(db, admin, office.child_case)
    fined = cases.get_case(db, admin, office.fined_case)
    editor = CaseEditor(db, admin, runner, window.vocabulary, window.office, window.prefs,
                        fined, window)
    yield editor
    yield CaseEditor(db, admin, runner, window.vocabulary, window.office, window.prefs,
                     None, window)
    act = fined.data.act_date
    assert act is not None
    provisions = legal_basis.proposals(db, act.day, fined.data.group_code)
    decision = next(e for e in fined.events if e.kind == "XP")
    yield EventDialog(window.vocabulary, provisions, act, event=decision, parent=editor)
    yield EventDialog(window.vocabulary, provisions, act, default_day=TODAY, parent=editor,
                      offer_draft=True)
    yield DecisionDialog(decision, parent=editor, today=TODAY)
    yield ChildDialog(child.data.children[0], child.data.act_date, editor)
    yield PrintDialog(db, admin, child, unsaved=False, parent=editor)
    yield FrozenChangeWarning(report_register.frozen_reports_altered(
        db, admin, PendingChange(fined.id, added=EventInput("GB", date(2026, 10, 30)))), editor)
    yield ListPrintDialog(db, admin, window.case_list.model.ids(), LIST_COLUMNS, window)
    yield ImportDialog(db, admin, window, today=TODAY)
    yield ExportDialog(db, admin, window)
    yield TransferOutDialog(db, admin, [fined.id, child.id], window)
    yield TransferInDialog(db, admin, window)
    yield AboutDialog(window.prefs, window)
    yield GuideWindow(db.paths, window.prefs, window)
    yield LoginDialog(runner, db=db, unit_name=window.office.unit_name,
                      locked_user=admin.username, parent=window)
    yield LoginDialog(runner, db=db, unit_name=window.office.unit_name)
    yield FirstRunDialog(runner, DataPaths(tmp_path / "du-lieu-moi"))
    yield ServerDialog(runner, DataPaths(tmp_path / "du-lieu-moi"))
    yield RecoveryKeyDialog("ABCD-" * 11 + "ABCD", tmp_path / "du-lieu-moi",
                            window.office.unit_name, window)
    yield NewUserDialog(runner, lambda *_typed: None, window)
    yield NewPasswordDialog("Đặt lại mật khẩu", "Mật khẩu mới cho «admin»:",
                            accounts.find_user(db, admin, "admin"), Role.ADMIN, runner,
                            lambda _password: None, window)
    yield DeleteCaseDialog(db, admin, runner, fined.id, window)
    catalog = legal_basis.catalog(db)
    yield InstrumentDialog(runner, lambda data: None, catalog.instruments[0], window)
    yield ProvisionDialog(runner, lambda data: None, catalog.instruments, catalog.provisions[0],
                          parent=window)
    yield ProvisionDialog(runner, lambda data: None, catalog.instruments, parent=window)
    yield LimitDialog(runner, lambda data: None, catalog.limits[0].limit, window)
    yield EndDialog(runner, catalog.provisions[0].citation, lambda day: None, TODAY, window)
    yield BreachesDialog(SanctionPathBreaches(OCTOBER, [
        CaseBreach(fined.code, ("Chưa xác định được đối tượng nhưng đã có quyết định xử phạt.",))
        for _ in range(12)]), window.prefs, window)
    reports = window.tab_screen("reports")
    assert isinstance(reports, ReportScreen)
    figures = reports.figures()
    assert figures is not None
    yield ChildrenRowsReview(children_rows(figures), window.prefs, window)
    request = documents.enter_drafted(db, admin, DocumentKind.ESCALATION, [fined.id], None,
                                      issued_on=TODAY, reply_by=TODAY)
    yield ReceivedDialog(db, admin, runner, window.prefs, documents.awaiting_reply(db, admin),
                         request.id, window)
    yield SentDialog(db, admin, runner, window.prefs, documents.reply_clock(db), [fined.code],
                     window)
    yield DraftDialog(db, admin, runner, window.prefs, [fined.code], event_id=decision.id,
                      kind=DocumentKind.DECISION, parent=window)


def test_the_main_window_fits_with_every_screen_built(qtbot: QtBot, office: Office) -> None:
    admin_screen = office.window.tab_screen("admin")
    assert isinstance(admin_screen, AdminScreen)  # built: its tabs count in the window's size
    problems = _too_large(office.window)
    assert not problems, "\n".join(problems)


def test_every_dialog_fits(qtbot: QtBot, office: Office, tmp_path: Path) -> None:
    problems = []
    for dialog in _dialogs(office, tmp_path):
        qtbot.addWidget(dialog)
        problems += _too_large(dialog)
    assert not problems, "\n".join(problems)


def _dialog_classes() -> set[type[QDialog]]:
    """Every dialog class the program declares in `app.ui`."""
    found: set[type[QDialog]] = set()
    for module in pkgutil.walk_packages(app.ui.__path__, "app.ui."):
        for _name, value in inspect.getmembers(importlib.import_module(module.name),
                                               inspect.isclass):
            if issubclass(value, QDialog) and value.__module__.startswith("app.ui."):
                found.add(value)
    return found


def test_the_fit_test_opens_every_dialog(qtbot: QtBot, office: Office, tmp_path: Path) -> None:
    """A new dialog fails here until `_dialogs` opens one: none is forgotten."""
    opened = set()
    for dialog in _dialogs(office, tmp_path):
        qtbot.addWidget(dialog)
        opened |= set(type(dialog).__mro__)
    bases = {cls for cls in _dialog_classes() if any(
        issubclass(other, cls) and other is not cls for other in _dialog_classes())}
    missing = sorted(cls.__qualname__ for cls in _dialog_classes() - bases - opened)
    assert missing == []


def test_the_legal_bases_of_a_sanction_grow_with_the_dialog_and_wrap(
        qtbot: QtBot, office: Office) -> None:
    fined = cases.get_case(office.db, office.admin, office.fined_case)
    act = fined.data.act_date
    assert act is not None
    dialog = EventDialog(office.window.vocabulary,
                         legal_basis.proposals(office.db, act.day, fined.data.group_code), act,
                         event=next(e for e in fined.events if e.kind == "XP"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(640, 560)
    qtbot.waitUntil(lambda: dialog.height() == 560)
    before = dialog.bases.height()
    dialog.resize(640, 860)
    qtbot.waitUntil(lambda: dialog.height() == 860)
    assert dialog.bases.height() - before >= 280  # nearly all of the 300 pixels added
    first = dialog.bases.visualItemRect(dialog.bases.item(0))
    assert first.width() <= dialog.bases.viewport().width()  # wrapped, not cut off
    assert first.height() > dialog.bases.fontMetrics().height() * 2
