"""The clocks running on a case (app.services.clocks): each with its last day, the days left
or past in the unit it counts, and its source; each one run out is also in the "needs
action" lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.documents import DocumentKind
from app.domain.events import EventInput
from app.domain.labels import Attention, ClockKind, DayUnit, SanctionForm
from app.domain.sanctions import DecisionFollowUp
from app.services import cases, documents, events, settings, vocabulary
from app.services.actor import Actor
from app.services.clocks import OpenClock, open_clocks
from app.services.records import CaseDetail
from app.services.search import CaseQuery, search_case_ids
from app.ui.case_editor import CaseEditor
from app.ui.prefs import UiPrefs
from app.ui.tasks import TaskRunner
from app.ui.widgets import WARNING_COLOUR
from tests.conftest import TODAY, make_case

ACT = date(2026, 10, 5)  # Monday
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def discard_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


def _case(db: Database, officer: Actor) -> CaseDetail:
    return cases.create_case(db, officer, make_case(detected_on=ACT,
                                                    offender_name="Trần Văn Bình"), today=TODAY)


def _add(db: Database, officer: Actor, case: CaseDetail, event: EventInput) -> CaseDetail:
    return events.add_event(db, officer, case.id, event, today=TODAY)


def _by_kind(clocks: list[OpenClock]) -> dict[ClockKind, OpenClock]:
    return {clock.kind: clock for clock in clocks}


def _attention(db: Database, kind: Attention, today: date) -> set[int]:
    return set(search_case_ids(db, CaseQuery(attention=kind), today=today))


def test_a_case_lists_each_running_clock_with_its_days_in_its_unit(
        db: Database, officer: Actor) -> None:
    case = _case(db, officer)
    _add(db, officer, case, EventInput("YCG", date(2026, 10, 6), addressee="Chủ tài khoản"))
    case = _add(db, officer, case, EventInput("BB", date(2026, 10, 6)))
    documents.enter_drafted(db, officer, DocumentKind.ESCALATION, [case.id], None,
                            issued_on=date(2026, 10, 7), reply_by=date(2026, 10, 22))
    today = date(2026, 10, 13)  # Tuesday
    found = open_clocks(db, officer, case.id, today=today)
    assert [c.due for c in found] == sorted(c.due for c in found)
    clocks = _by_kind(found)
    assert set(clocks) == {ClockKind.DECISION, ClockKind.LIMITATION, ClockKind.REMOVAL,
                           ClockKind.REPLY}
    # Biên bản on Tuesday 06/10: 07 working days end on Thursday 15/10, two working days on.
    decision = clocks[ClockKind.DECISION]
    assert (decision.due, decision.unit, decision.days_left) == (
        date(2026, 10, 15), DayUnit.WORKING, 2)
    assert decision.remaining() == "còn 2 ngày làm việc" and not decision.overdue
    assert "Điều 66" in decision.source and "06/10/2026" in decision.started
    # 24 hours after the request: run out, said in words as well.
    removal = clocks[ClockKind.REMOVAL]
    assert removal.due == date(2026, 10, 7) and removal.overdue
    assert removal.remaining() == "Quá hạn 6 ngày"
    assert clocks[ClockKind.LIMITATION].due == date(2027, 10, 5)
    reply = clocks[ClockKind.REPLY]
    assert reply.due == date(2026, 10, 22) and "01/BC-VHXH" in reply.started
    assert reply.days_left == 9


def test_clocks_stop_when_what_they_wait_for_is_done(db: Database, officer: Actor) -> None:
    case = _case(db, officer)
    _add(db, officer, case, EventInput("YCG", date(2026, 10, 6), addressee="Chủ tài khoản"))
    _add(db, officer, case, EventInput("GB", date(2026, 10, 7)))
    _add(db, officer, case, EventInput("BB", date(2026, 10, 6)))
    case = _add(db, officer, case, EventInput(
        "XP", date(2026, 10, 8), sanction_form=SanctionForm.FINE, fine_amount=10_000_000))
    request = documents.enter_drafted(db, officer, DocumentKind.REMOVAL_REQUEST, [case.id],
                                      None, issued_on=date(2026, 10, 7),
                                      reply_by=date(2026, 10, 22))
    documents.enter_received(db, officer, documents.ReceivedInput(
        "Sở Văn hóa, Thể thao và Du lịch", date(2026, 10, 9), answers_id=request.id))
    # Decided: no decision clock, no limitation; removed, answered: nothing else.
    assert open_clocks(db, officer, case.id, today=date(2026, 10, 9)) == []
    decision = case.events[-1]
    events.record_follow_up(db, officer, decision.id,
                            DecisionFollowUp(delivered_on=date(2026, 10, 9)), today=TODAY)
    compliance = _by_kind(open_clocks(db, officer, case.id, today=date(2026, 10, 20)))
    assert list(compliance) == [ClockKind.COMPLIANCE]
    assert compliance[ClockKind.COMPLIANCE].due == date(2026, 10, 19)
    assert compliance[ClockKind.COMPLIANCE].remaining() == "Quá hạn 1 ngày"
    events.record_follow_up(db, officer, decision.id, DecisionFollowUp(
        date(2026, 10, 9), date(2026, 10, 18), 10_000_000, "BL 01"), today=TODAY)
    assert open_clocks(db, officer, case.id, today=date(2026, 10, 20)) == []


def test_each_clock_run_out_is_in_a_needs_action_list(db: Database, officer: Actor) -> None:
    case = _case(db, officer)
    case = _add(db, officer, case, EventInput("BB", date(2026, 10, 6)))
    documents.enter_drafted(db, officer, DocumentKind.ESCALATION, [case.id], None,
                            issued_on=date(2026, 10, 7), reply_by=date(2026, 10, 22))
    day = date(2026, 10, 23)
    overdue = {c.kind for c in open_clocks(db, officer, case.id, today=day) if c.overdue}
    assert overdue == {ClockKind.DECISION, ClockKind.REPLY}
    assert case.id in _attention(db, Attention.DECISION_OVERDUE, day)
    late = documents.overdue_replies(db, officer, today=day)
    assert [e.case_ids for e in late] == [(case.id,)]
    # On the decision's last day it is not overdue on the case, nor in the list.
    last = date(2026, 10, 15)
    assert not _by_kind(open_clocks(db, officer, case.id, today=last))[
        ClockKind.DECISION].overdue
    assert case.id not in _attention(db, Attention.DECISION_OVERDUE, last)


def test_the_case_editor_shows_its_running_clocks_and_says_overdue_in_words(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    today = date.today()
    case = cases.create_case(db, officer, make_case(detected_on=today - 40 * DAY,
                                                    offender_name="Trần Văn Bình"))
    case = events.add_event(db, officer, case.id,
                            EventInput("YCG", today - 3 * DAY, addressee="Chủ tài khoản"))
    editor = CaseEditor(db, officer, TaskRunner(), vocabulary.load(db),
                        settings.load_office(db), UiPrefs(db.paths, officer.username),
                        cases.get_case(db, officer, case.id))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(lambda: len(editor.clocks.clocks) == 2, timeout=10_000)
    assert editor.clocks.isVisible()
    rows = {row[0]: row for row in editor.clocks.texts()}
    removal = rows["Gỡ bỏ thông tin theo yêu cầu"]
    assert removal[3] == "Quá hạn 2 ngày"
    assert editor.clocks.table.item(0, 3).foreground().color() == QColor(WARNING_COLOUR)
    assert rows["Thời hiệu xử phạt"][3].startswith("còn ")
    # A biên bản recorded in the editor starts the decision's clock at once.
    editor.add_event(EventInput("BB", today))
    qtbot.waitUntil(lambda: ClockKind.DECISION in _by_kind(editor.clocks.clocks),
                    timeout=10_000)
    assert "Ra quyết định xử phạt" in {row[0] for row in editor.clocks.texts()}
