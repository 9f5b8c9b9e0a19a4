"""Recording a case through the editor, as an officer would."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.case import ChildInput, DefamedInput
from app.domain.events import EventInput
from app.domain.labels import ClosingResult, PartyKind, SanctionForm
from app.domain.warnings import CaseWarning, WarningKind
from app.services import audit, cases, events, evidence, legal_basis, settings, vocabulary
from app.services.actor import Actor
from app.services.search import CaseQuery, count_cases
from app.ui.case_editor import CaseEditor
from app.ui.case_editor.children import ChildDialog
from app.ui.case_editor.editor import WARNINGS_MOST_HEIGHT
from app.ui.case_editor.event_dialog import EventDialog
from app.ui.case_editor.evidence_section import THUMBNAIL
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
    general.detected_on.set_value(TODAY)
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
    editor.general.detected_on.set_value(TODAY + timedelta(days=3))
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
    created = cases.create_case(db, officer, make_case(detected_on=TODAY,
                                                       offender_name="Trần Văn Bình"),
                                today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.add_event(EventInput("BB", TODAY))
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
    assert [e.voided for e in editor.timeline.events] == [False, False, True]
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
    qtbot.waitUntil(section.thumbnails_done, timeout=5000)  # drawn off the UI thread
    blurred = section.files.item(0).icon().pixmap(THUMBNAIL).toImage()
    assert blurred.pixelColor(blurred.width() // 2, blurred.height() // 2).name() == "#ff3366"
    section.add_file(picture)
    qtbot.waitUntil(lambda: "đã có" in section.message.text(), timeout=5000)
    assert len(evidence.list_evidence(db, officer, created.id)) == 1
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


def test_the_warnings_take_the_height_of_their_lines_up_to_a_limit(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    earlier = cases.create_case(db, officer, make_case(detected_on=TODAY,
                                                       account="Trang Hóng Biến"), today=TODAY)
    current = cases.create_case(db, officer, make_case(detected_on=TODAY,
                                                       account="trang hong bien"), today=TODAY)
    editor = _editor(qtbot, db, officer, current.id)
    qtbot.waitUntil(lambda: editor.warnings.count() > 0, timeout=5000)
    one = CaseWarning(WarningKind.REPEAT_OFFENDER, f"Trùng tài khoản với vụ việc {earlier.code}.",
                      "account")
    editor._show_warnings([one])
    line = editor.warnings.visualItemRect(editor.warnings.item(0)).height()
    qtbot.waitUntil(lambda: editor.warnings.height() <= line + 2 * editor.warnings.frameWidth())
    assert editor.warnings.height() >= line  # the line is whole, not cut
    editor._show_warnings([one] * 20)
    qtbot.waitUntil(lambda: editor.warnings.height() == WARNINGS_MOST_HEIGHT)


def _leave(qtbot: QtBot, field: QWidget, to: QWidget) -> None:
    """The officer moves on from `field` (its editingFinished or focus-out runs)."""
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    to.setFocus()
    qtbot.waitUntil(to.hasFocus)


def test_offender_and_defamation_typed_by_keyboard_are_saved(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=TODAY, group_code="DD"),
                                today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    assert editor.tabs.isTabVisible(3) and not editor.tabs.isTabVisible(2)
    offender = editor.offender
    qtbot.keyClick(offender.identified, Qt.Key.Key_Space)
    qtbot.keyClicks(offender.name, "Tran Van Hung")
    offender.birth_year.set_value(1990)
    qtbot.keyClicks(offender.id_number, "079090001234")
    defamation = editor.defamation
    defamation.name.setText("Công ty Minh Tân")
    qtbot.keyClick(defamation.kind.organisation, Qt.Key.Key_Space)
    qtbot.keyClick(defamation.complained, Qt.Key.Key_Space)
    defamation.words.setPlainText("Gọi là lừa đảo")
    _save(qtbot, editor)
    saved = cases.get_case(db, officer, created.id).data
    assert (saved.offender_name, saved.offender_birth_year, saved.offender_id_number) == (
        "Tran Van Hung", 1990, "079090001234")
    assert saved.defamed == (DefamedInput("Công ty Minh Tân", PartyKind.ORGANISATION, True,
                                          words_complained="Gọi là lừa đảo",
                                          uuid=saved.defamed[0].uuid),)


def test_a_field_is_checked_as_soon_as_the_officer_leaves_it(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    editor = _editor(qtbot, db, officer)
    general, offender = editor.general, editor.offender
    _leave(qtbot, general.summary, general.account)  # left empty
    summary_error = general.errors["summary"]
    assert "Chưa nhập «Tóm tắt nội dung»" in summary_error.text()
    assert not general.errors["account"].text()  # not reached yet: nothing said about it
    general.detected_on.set_value(TODAY + timedelta(days=2))  # a date is checked when picked
    assert "tương lai" in general.errors["detected_on"].text()
    general.detected_on.set_value(TODAY)
    assert general.errors["detected_on"].isHidden()

    editor.tabs.setCurrentIndex(1)
    offender.identified.setChecked(True)
    qtbot.keyClicks(offender.id_number, "12ab")
    _leave(qtbot, offender.id_number, offender.address)
    id_error = offender.errors["offender_id_number"]
    assert "12 chữ số" in id_error.text() and id_error.isVisible()
    offender.id_number.clear()
    qtbot.keyClicks(offender.id_number, "079090001234")
    _leave(qtbot, offender.id_number, offender.address)
    assert id_error.isHidden()
    offender.birth_year.set_value(1990)
    _leave(qtbot, offender.birth_year, offender.address)
    offender.birth_date.set_value(date(1991, 5, 1))  # a date is checked when picked
    assert "không khớp" in offender.errors["offender_birth_year"].text()
    editor.tabs.setCurrentIndex(0)
    general.summary.setPlainText("Clip sai sự thật")
    _leave(qtbot, general.summary, general.area)
    assert summary_error.isHidden()
    assert count_cases(db, CaseQuery()) == 0  # checking saves nothing


def test_messages_after_saving_clear_as_each_field_is_fixed(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    editor = _editor(qtbot, db, officer)
    editor.save()
    account_error = editor.general.errors["account"]
    qtbot.waitUntil(account_error.isVisible, timeout=5000)
    assert "chỗ cần sửa" in editor.message.text()
    qtbot.keyClicks(editor.general.account, "Kenh hong bien")
    _leave(qtbot, editor.general.account, editor.general.group)
    assert account_error.isHidden() and editor.general.errors["summary"].isVisible()
    editor.general.summary.setPlainText("Clip sai sự thật")
    _leave(qtbot, editor.general.summary, editor.general.area)
    assert editor.message.isHidden()  # nothing left to fix


def test_tab_goes_down_the_form_and_enter_opens_a_row_without_saving(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    editor = _editor(qtbot, db, officer)
    general = editor.general
    expected = [general.detected_on, general.posted_on, general.posted_until, general.source,
                general.url, general.platform,
                general.content_form, general.account, general.group, general.subkind,
                general.secondary, general.summary, *general.reach.values(), general.area,
                general.notes, editor.save_button]
    general.detected_on.setFocus()
    qtbot.waitUntil(general.detected_on.hasFocus)
    reached: list[QWidget | None] = [general.detected_on]  # a date is one stop of Tab
    while len(reached) < 40 and editor.save_button not in reached:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        while focused is not None and focused not in expected:  # a spin box's inner part
            focused = focused.parentWidget()
        reached.append(focused)
    assert reached == expected

    editor.children_section.add_child(ChildInput("Lê Văn Tí", 2015))
    editor.tabs.setCurrentIndex(2)
    table = editor.children_section.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    opened: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ChildDialog)
        opened.append(dialog.full_name.text())
        dialog.full_name.clear()
        dialog._accept()  # the rules of a saved case: a name is needed
        opened.append(dialog.errors["full_name"].text())
        dialog.reject()

    QTimer.singleShot(0, answer)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened[0] == "Lê Văn Tí" and "Chưa nhập «Họ tên»" in opened[1]
    assert not editor.message.text() and count_cases(db, CaseQuery()) == 0  # not saved


def test_a_wrong_event_stays_open_with_the_message_under_its_field(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    created = cases.create_case(db, officer, make_case(
        detected_on=TODAY, offender_name="Trần Văn Bình"), today=TODAY)
    events.add_event(db, officer, created.id, EventInput("BB", TODAY), today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    dialog = editor._event_dialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("XP"))
    dialog.form_choice.setCurrentIndex(dialog.form_choice.findData(SanctionForm.FINE))
    dialog.accept()
    assert dialog.result() != EventDialog.DialogCode.Accepted
    assert "Phạt tiền cần ghi «Số tiền phạt (đồng)»" in dialog.errors["fine_amount"].text()
    dialog.amount.setValue(5_000_000)
    dialog.amount.editingFinished.emit()
    assert dialog.errors["fine_amount"].isHidden()
    dialog.set_day(date(2000, 1, 1))
    assert "trước ngày phát hiện" in dialog.errors["occurred_on"].text()
    dialog.set_day(TODAY)
    dialog.accept()
    assert dialog.result() == EventDialog.DialogCode.Accepted


def test_the_event_dialog_judges_the_text_as_it_will_be_stored(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    # Spaces pasted around a number of the longest length: the service trims them and
    # records it, so the dialog must not refuse it.
    created = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    dialog = editor._event_dialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("MLV"))
    number = "1" * 100
    dialog.document.setText(f"  {number}  ")
    dialog.accept()
    assert dialog.errors["document_number"].isHidden()
    assert dialog.result() == EventDialog.DialogCode.Accepted
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.add_event(dialog.event_input())
    recorded = cases.get_case(db, officer, created.id).events
    assert [event.document_number for event in recorded] == [number]


ND15_1A = "Điểm a Khoản 1 Điều 101 NĐ 15/2020/NĐ-CP (sửa đổi bởi NĐ 14/2022/NĐ-CP)"


def _press_ghi(seen: list[list[str]]) -> None:
    """Presses «Ghi» in the event dialog now open, noting the provisions ticked in it."""
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, EventDialog)
    items = [dialog.bases.item(i) for i in range(dialog.bases.count())]
    seen.append([i.text() for i in items if i.checkState() == Qt.CheckState.Checked])
    seen.append([dialog.act_note.text()])
    dialog.accept()


def test_a_chosen_provision_outside_the_proposals_is_kept_when_the_event_is_saved(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    # Found on 05/07/2026 with no posting date: only NĐ 174/2026 is proposed, yet the
    # decision applies Điều 101 NĐ 15/2020. Opening it and pressing «Ghi» keeps it.
    created = cases.create_case(db, officer, make_case(detected_on=date(2026, 7, 5),
                                                       offender_name="Trần Văn Bình"),
                                today=TODAY)
    nd15 = next(p for p in legal_basis.all_provisions(db) if p.citation == ND15_1A)
    decision = EventInput("XP", date(2026, 7, 20), sanction_form=SanctionForm.WARNING,
                          legal_basis_ids=(nd15.id,))
    events.add_event(db, officer, created.id, decision, today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    assert editor.detail is not None
    [event] = editor.detail.events
    seen: list[list[str]] = []
    QTimer.singleShot(0, lambda: _press_ghi(seen))
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor._edit_event(event)
    assert cases.get_case(db, officer, created.id).events[0].legal_basis_ids == (nd15.id,)
    [ticked], [note] = seen
    assert ticked.startswith(f"[Hết hiệu lực sau 30/06/2026] {ND15_1A} — ")
    assert note.startswith("Đề xuất các căn cứ có hiệu lực vào ngày hành vi kết thúc: "
                           "05/07/2026 (chưa ghi ngày đăng tải: tạm tính theo ngày phát hiện).")


def test_the_posting_dates_are_typed_in_the_general_section_and_date_the_proposals(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=date(2026, 7, 5)),
                                today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    general = editor.general
    assert general.posted_on.value() is None and general.posted_until.value() is None
    general.posted_on.set_value(date(2026, 6, 20))
    general.posted_on.changed.emit()
    _save(qtbot, editor)
    saved = cases.get_case(db, officer, created.id).data
    assert (saved.posted_on, saved.posted_until) == (date(2026, 6, 20), None)
    dialog = editor._event_dialog()
    qtbot.addWidget(dialog)
    offered = [dialog.bases.item(i).text() for i in range(dialog.bases.count())]
    assert any(text.startswith(ND15_1A) for text in offered)
    assert not any("NĐ 174/2026" in text for text in offered)
    assert "20/06/2026 (ngày đăng tải)" in dialog.act_note.text()
    # Posted after it was found: refused under the field, as the import refuses it.
    general.posted_on.set_value(date(2026, 7, 6))
    general.posted_on.changed.emit()
    assert "«Ngày đăng tải» 06/07/2026 sau «Ngày phát hiện» 05/07/2026" in (
        general.errors["posted_on"].text())
