"""Recording a case through the editor, as an officer would."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import ClosingResult, SanctionForm
from app.services import audit, cases, evidence, settings, vocabulary
from app.services.actor import Actor
from app.services.search import CaseQuery, count_cases
from app.ui.case_editor import CaseEditor
from app.ui.dates import to_qdate
from app.ui.prefs import UiPrefs
from app.ui.tasks import TaskRunner
from tests.conftest import make_case

TODAY = date.today()


@pytest.fixture(autouse=True)
def discard_when_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows left open at the end of a test are closed without a modal question."""
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


def _editor(qtbot: QtBot, db: Database, actor: Actor, case_id: int | None = None) -> CaseEditor:
    detail = cases.get_case(db, actor, case_id) if case_id else None
    editor = CaseEditor(db, actor, TaskRunner(), vocabulary.load(db), settings.load_office(db),
                        UiPrefs(db.paths, actor.username), detail)
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)  # shortcuts reach the active window only
    return editor


def _save(qtbot: QtBot, editor: CaseEditor) -> None:
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_new_child_case_typed_by_keyboard_is_saved(qtbot: QtBot, db: Database,
                                                   officer: Actor) -> None:
    editor = _editor(qtbot, db, officer)
    general = editor.general
    general.detected_on.setDate(to_qdate(TODAY))
    qtbot.keyClicks(general.url, "https://www.tiktok.com/@kenh/video/123")
    assert general.platform.currentData() == "TT"  # recognised from the pasted link
    qtbot.keyClicks(general.account, "Kenh hong bien")
    general.group.setCurrentIndex(general.group.findData("TE"))
    assert editor.tabs.isTabVisible(2)  # the children section appears for TE
    general.subkind.setCurrentIndex(general.subkind.findData("TE-BL"))
    qtbot.keyClicks(general.summary, "Clip bao luc hoc sinh")
    editor.children_section.add_child(ChildInput("Nguyễn Văn An", 2013))
    _save(qtbot, editor)
    assert editor.detail is not None
    saved = cases.get_case(db, officer, editor.detail.id)
    assert saved.data.platform_code == "TT" and saved.data.child_subkind_code == "TE-BL"
    assert [c.full_name for c in saved.data.children] == ["Nguyễn Văn An"]
    assert not editor.has_unsaved_changes()


def test_bad_input_is_shown_next_to_each_field_and_nothing_is_saved(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    editor = _editor(qtbot, db, officer)
    editor.general.detected_on.setDate(to_qdate(TODAY).addDays(3))
    editor.offender.identified.setChecked(True)
    qtbot.keyClicks(editor.offender.id_number, "12ab")
    editor.save()
    qtbot.waitUntil(lambda: editor.general.errors["account"].isVisible(), timeout=5000)
    assert "tương lai" in editor.general.errors["detected_on"].text()
    assert "Chưa nhập «Tóm tắt nội dung»" in editor.general.errors["summary"].text()
    assert "12 chữ số" in editor.offender.errors["offender_id_number"].text()
    assert "chưa nhập «Họ tên đối tượng»" in editor.offender.errors["offender_name"].text()
    assert editor.tabs.currentIndex() == 0  # the first problem is brought forward
    assert count_cases(db, CaseQuery()) == 0


def test_events_change_the_status_and_reopening_keeps_history(
        qtbot: QtBot, db: Database, officer: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.add_event(EventInput("XP", TODAY, document_number="5/QĐ-XPHC",
                                    sanction_form=SanctionForm.FINE, fine_amount=7_500_000))
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.add_event(EventInput("KT", TODAY, closing_result=ClosingResult.HANDLED))
    assert "Đã kết thúc" in editor.timeline.status.text()
    assert editor.timeline.reopen_button.isEnabled()
    monkeypatch.setattr("app.ui.case_editor.editor.QInputDialog.getText",
                        staticmethod(lambda *a, **k: ("Đăng lại", True)))
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor._reopen()
    assert "Đang xử lý" in editor.timeline.status.text()
    assert [e.voided for e in editor.timeline.events] == [False, True]
    editor.add_event(EventInput("GB", date(2000, 1, 1)))
    qtbot.waitUntil(lambda: "trước ngày phát hiện" in editor.message.text(), timeout=5000)


def test_someone_else_saved_meanwhile_nothing_is_overwritten(
        qtbot: QtBot, db: Database, officer: Actor, leader: Actor) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    cases.update_case(db, leader, created.id, dataclasses.replace(created.data, notes="Lãnh đạo"),
                      expected_version=created.version, today=TODAY)
    editor.general.notes.setPlainText("Cán bộ")
    editor.save()
    qtbot.waitUntil(lambda: editor.reload_button.isVisible(), timeout=5000)
    assert "lanhdao" in editor.message.text()
    assert cases.get_case(db, officer, created.id).data.notes == "Lãnh đạo"
    editor.reload()
    qtbot.waitUntil(lambda: editor.general.notes.toPlainText() == "Lãnh đạo", timeout=5000)


def test_unsaved_changes_are_not_lost_silently(qtbot: QtBot, db: Database, officer: Actor,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    assert not editor.has_unsaved_changes()
    qtbot.keyClicks(editor.general.account, " moi")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel))
    editor.reject()
    assert asked and editor.isVisible()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Save))
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.reject()
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert cases.get_case(db, officer, created.id).data.account.endswith(" moi")


def test_read_only_user_sees_but_cannot_change(qtbot: QtBot, db: Database, officer: Actor,
                                               viewer: Actor) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    editor = _editor(qtbot, db, viewer, created.id)
    assert editor.general.account.text() == created.data.account
    assert not editor.general.isEnabled()
    assert not editor.save_button.isVisible()
    assert not editor.timeline.add_button.isEnabled()


def _png(path: Path, colour: int) -> Path:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(colour)
    image.save(str(path))
    return path


def test_evidence_added_duplicate_refused_and_child_pictures_blurred_until_viewed(
        qtbot: QtBot, db: Database, officer: Actor, tmp_path: Path) -> None:
    created = cases.create_case(db, officer, make_case(
        detected_on=TODAY, group_code="TE", children=(ChildInput("Lê Bé"),)), today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    section = editor.evidence
    picture = _png(tmp_path / "chup man hinh.png", 0xFF3366)
    section.add_file(picture)
    qtbot.waitUntil(lambda: len(section.records) == 1, timeout=5000)
    record = section.records[0]
    assert record.conceal_preview and record.sha256 in section.files.item(0).toolTip()
    section.add_file(picture)
    qtbot.waitUntil(lambda: "đã có" in section.message.text(), timeout=5000)
    assert len(evidence.list_evidence(db, created.id)) == 1
    section.files.setCurrentRow(0)
    assert section.show_button.isEnabled()
    section.reveal_selected()
    qtbot.waitUntil(lambda: record.id in section.revealed, timeout=5000)
    with db.read() as session:
        views = audit.entries(session, action="evidence_view")
    assert [v.entity_uuid for v in views] == [created.uuid]


def test_warnings_appear_in_the_editor_and_link_to_earlier_cases(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    earlier = cases.create_case(db, officer, make_case(detected_on=TODAY,
                                                       account="Trang Hóng Biến"), today=TODAY)
    current = cases.create_case(db, officer, make_case(detected_on=TODAY,
                                                       account="trang hong bien"), today=TODAY)
    editor = _editor(qtbot, db, officer, current.id)
    qtbot.waitUntil(lambda: editor.warnings.count() > 0, timeout=5000)
    texts = [editor.warnings.item(i).text() for i in range(editor.warnings.count())]
    assert any(earlier.code in text for text in texts)
    opened: list[int] = []
    editor.open_case_requested.connect(opened.append)
    editor.warnings.itemActivated.emit(editor.warnings.item(0))
    assert opened == [earlier.id]
