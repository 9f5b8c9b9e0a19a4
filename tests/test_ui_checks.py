"""Checks while typing, not after: a dialog says what is wrong beside the field as the officer
types, keeps what was typed, and closes only when the input is right."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import Role, SanctionForm
from app.errors import UserError
from app.services import accounts, cases, events, evidence, settings, vocabulary
from app.services.accounts import UserRecord
from app.services.actor import Actor
from app.ui.admin.users_view import MISMATCH, NewUserDialog
from app.ui.case_editor import CaseEditor
from app.ui.case_editor.children import ChildDialog
from app.ui.case_editor.event_dialog import EventDialog
from app.ui.delete_dialog import DeleteCaseDialog
from app.ui.prefs import UiPrefs
from app.ui.tasks import TaskRunner
from tests.conftest import make_case

TODAY = date.today()
POSTED = date(2026, 6, 20)  # the act's date of the cases below


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
    return editor


# A child's age at the act ---------------------------------------------------------------------


def test_a_child_born_in_1990_is_refused_on_save(db: Database, officer: Actor) -> None:
    data = make_case(group_code="TE", detected_on=date(2026, 7, 1), posted_on=POSTED,
                     children=(ChildInput("Lê Văn Tí", 1990),))
    with pytest.raises(UserError) as refused:
        cases.create_case(db, officer, data, today=TODAY)
    assert ("Trẻ em thứ 1: sinh năm 1990, vào ngày vi phạm 20/06/2026 (ngày đăng tải) đã đủ "
            "35 tuổi: ở đây chỉ ghi người dưới 18 tuổi") in refused.value.message


@pytest.mark.parametrize(("born", "saved"), [
    (ChildInput("Lê Văn Tí", birth_date=date(2008, 6, 20)), False),  # 18 on the very day
    (ChildInput("Lê Văn Tí", birth_date=date(2008, 6, 21)), True),  # 17 for one more day
    (ChildInput("Lê Văn Tí", 2008), True),  # 17 or 18: the younger age counts
    (ChildInput("Lê Văn Tí", 2007), False),  # 18 at least
])
def test_the_age_is_taken_on_the_acts_date(db: Database, officer: Actor, born: ChildInput,
                                           saved: bool) -> None:
    # Detected when the child was surely 18: the posting date is the act's.
    data = make_case(group_code="TE", detected_on=date(2026, 11, 1), posted_on=POSTED,
                     children=(born,))
    if saved:
        cases.create_case(db, officer, data, today=TODAY)
    else:
        with pytest.raises(UserError, match="chỉ ghi người dưới 18 tuổi"):
            cases.create_case(db, officer, data, today=TODAY)


def test_the_child_dialog_says_the_age_beside_the_year_as_it_is_typed(qtbot: QtBot) -> None:
    act = make_case(detected_on=date(2026, 7, 1), posted_on=POSTED).act_date
    dialog = ChildDialog(None, act)
    qtbot.addWidget(dialog)
    dialog.full_name.setText("Lê Văn Tí")
    error, warning = dialog.errors["birth_year"], dialog.age_warning
    year = dialog.birth_year.line
    qtbot.keyClicks(year, "199")
    assert not error.text() and not warning.text()  # not all four digits yet: nothing said
    qtbot.keyClicks(year, "0")
    assert error.text().startswith("Sinh năm 1990, vào ngày vi phạm 20/06/2026 (ngày đăng tải) "
                                   "đã đủ 35 tuổi")
    dialog.accept_button.click()
    assert dialog.result() != ChildDialog.DialogCode.Accepted  # stays open, year as typed
    assert dialog.birth_year.value() == 1990 and dialog.full_name.text() == "Lê Văn Tí"
    year.selectAll()
    qtbot.keyClicks(year, "2009")
    assert not error.text()
    assert "đã đủ 16 tuổi: theo Luật Trẻ em 2016 (Điều 1)" in warning.text()  # only warned
    year.selectAll()
    qtbot.keyClicks(year, "2014")
    assert warning.isHidden() and error.isHidden()
    dialog.full_name.clear()
    dialog.accept_button.click()
    assert "Chưa nhập «Họ tên»" in dialog.errors["full_name"].text()
    assert dialog.result() != ChildDialog.DialogCode.Accepted
    dialog.full_name.setText("Lê Văn Tí")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        dialog.accept_button.click()
    assert dialog.child().birth_year == 2014


def test_the_editor_judges_a_childs_age_by_the_dates_typed_in_it(
        qtbot: QtBot, db: Database, officer: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = _editor(qtbot, db, officer)
    editor.general.posted_on.set_value(POSTED)  # not saved yet: the dialog takes it as typed
    opened: list[ChildDialog] = []

    def exec_(dialog: ChildDialog) -> int:
        opened.append(dialog)
        qtbot.keyClicks(dialog.birth_year.line, "2007")
        return 0

    monkeypatch.setattr(ChildDialog, "exec", exec_)
    editor.children_section._add()
    assert "20/06/2026 (ngày đăng tải) đã đủ 18 tuổi" in opened[0].errors["birth_year"].text()


# A fine against its provisions' range, before the event is recorded --------------------------


def _ticked(dialog: EventDialog, citation_start: str) -> str:
    """Ticks the first provision whose text starts so; its text."""
    item = next(dialog.bases.item(i) for i in range(dialog.bases.count())
                if dialog.bases.item(i).text().startswith(citation_start))
    item.setCheckState(Qt.CheckState.Checked)
    return item.text()


def test_a_fine_below_the_range_is_flagged_while_typing_before_saving(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=TODAY,
                                                       offender_name="Trần Văn Bình"),
                                today=TODAY)
    events.add_event(db, officer, created.id, EventInput("BB", TODAY), today=TODAY)
    editor = _editor(qtbot, db, officer, created.id)
    dialog = editor._event_dialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("XP"))
    dialog.form_choice.setCurrentIndex(dialog.form_choice.findData(SanctionForm.FINE))
    assert "20.000.000–30.000.000 đồng" in _ticked(dialog, "Điểm a Khoản 1 Điều 95")
    warning = dialog.warnings["fine_amount"]
    dialog.amount.setValue(5_000_000)
    qtbot.waitUntil(lambda: "thấp hơn khung" in warning.text(), timeout=5000)
    assert warning.text().startswith("Tiền phạt 5.000.000 đồng")
    assert "10.000.000 đồng – 15.000.000 đồng đối với cá nhân" in warning.text()  # half: a person
    assert cases.get_case(db, officer, created.id).events[-1].kind == "BB"  # nothing saved
    dialog.amount.setValue(12_000_000)
    qtbot.waitUntil(warning.isHidden, timeout=5000)
    # Typed as it will be recorded: the case's offender turns out to be a minor of 17.
    dialog.reject()
    editor.offender.birth_year.set_value(TODAY.year - 18)  # 17 at least, maybe 18: 17 counts
    dialog = editor._event_dialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("XP"))
    dialog.form_choice.setCurrentIndex(dialog.form_choice.findData(SanctionForm.FINE))
    _ticked(dialog, "Điểm a Khoản 1 Điều 95")
    dialog.amount.setValue(12_000_000)
    warning = dialog.warnings["fine_amount"]
    qtbot.waitUntil(lambda: "cao hơn khung" in warning.text(), timeout=5000)
    assert "5.000.000 đồng – 7.500.000 đồng" in warning.text()
    assert "chưa thành niên" in warning.text()
    dialog.accept()  # a warning never blocks
    assert dialog.result() == EventDialog.DialogCode.Accepted


# The account dialog keeps what was typed, each message beside its field -------------------------


def test_the_account_dialog_stays_open_with_each_refusal_beside_its_field(
        qtbot: QtBot, db: Database, admin: Actor, officer: Actor) -> None:
    def create(username: str, full_name: str, role: Role, password: str) -> UserRecord:
        return accounts.create_user(db, admin, username=username, full_name=full_name,
                                    role=role, password=password)

    dialog = NewUserDialog(TaskRunner(), create)
    qtbot.addWidget(dialog)
    dialog.username.setText("canbo")  # taken
    dialog.full_name.setText("Nguyễn Thị Nhân")
    dialog.password.setText("ngan")
    dialog.password.editingFinished.emit()  # left: judged at once by the role's rule
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự" in dialog.errors["password"].text()
    dialog.password.setText("du-dai-2026")
    dialog.password.editingFinished.emit()
    assert dialog.errors["password"].isHidden()
    dialog.password_again.setText("du-dai-2027")
    dialog.password_again.editingFinished.emit()
    assert dialog.errors["password_again"].text() == MISMATCH
    dialog.accept_button.click()  # refused at once, nothing asked of the services
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.password_again.setText("du-dai-2026")
    dialog.accept_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors["username"].text()), timeout=5000)
    assert dialog.errors["username"].text() == "Tên đăng nhập «canbo» đã có."
    assert not dialog.message.text() and dialog.errors["password_again"].isHidden()
    assert (dialog.username.text(), dialog.full_name.text(), dialog.password.text(),
            dialog.password_again.text()) == ("canbo", "Nguyễn Thị Nhân", "du-dai-2026",
                                              "du-dai-2026")  # nothing lost
    dialog.username.setText("nhanvien")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.accept_button.click()
    assert accounts.authenticate(db, "nhanvien", "du-dai-2026").full_name == "Nguyễn Thị Nhân"


# The delete dialog names the case and keeps the dialog open on an empty reason ------------------


def test_the_delete_dialog_names_the_case_and_asks_again_for_an_empty_reason(
        qtbot: QtBot, db: Database, leader: Actor) -> None:
    summary = ("Đăng tin sai sự thật về việc bắt cóc trẻ em tại chợ Minh Tân, kèm hình ảnh "
               "cắt ghép từ một vụ việc ở tỉnh khác\nvà lời kêu gọi chia sẻ rộng rãi.")
    created = cases.create_case(db, leader, make_case(detected_on=TODAY, summary=summary),
                                today=TODAY)
    dialog = DeleteCaseDialog(db, leader, TaskRunner(), created.id)
    qtbot.addWidget(dialog)
    assert dialog.case.text() == (
        f"Xóa vụ việc {created.code}: «Đăng tin sai sự thật về việc bắt cóc trẻ em tại chợ "
        "Minh Tân, kèm hình ảnh cắt ghép từ một vụ việc…»?")  # cut at a word
    dialog.reason.setText("   ")
    dialog.accept_button.click()
    qtbot.waitUntil(lambda: bool(dialog.reason_error.text()), timeout=5000)
    assert dialog.reason_error.text() == "Cần ghi lý do xóa vụ việc."
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert cases.get_case(db, leader, created.id).deleted_at is None
    dialog.reason.setText("Ghi trùng")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.accept_button.click()
    assert cases.get_case(db, leader, created.id).deleted_at is not None


# Evidence: a file no program opens, and what was said before saving ----------------------------


def test_a_file_no_program_opens_is_said_and_can_be_saved_as_a_copy(
        qtbot: QtBot, db: Database, officer: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    picture = tmp_path / "chup man hinh.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(0x3366FF)
    image.save(str(picture))
    evidence.add_evidence(db, officer, created.id, picture)
    editor = _editor(qtbot, db, officer, created.id)
    editor.show()  # a viewer is opened only for a window on screen
    editor.tabs.setCurrentWidget(editor.evidence)
    section = editor.evidence
    section.files.setCurrentRow(0)
    monkeypatch.setattr("app.ui.case_editor.evidence_section.QDesktopServices.openUrl",
                        lambda _url: False)  # no program for the type
    section.open_button.click()
    qtbot.waitUntil(lambda: bool(section.message.text()), timeout=5000)
    assert section.message.text().startswith(
        "Máy này chưa có chương trình nào mở được tệp «.png» («chup man hinh.png»).")
    assert "«Lưu bản sao…»" in section.message.text()
    assert not section.save_copy_button.isHidden()
    target = tmp_path / "ban sao" / "anh.png"
    target.parent.mkdir()
    monkeypatch.setattr("app.ui.case_editor.evidence_section.QFileDialog.getSaveFileName",
                        lambda *_a, **_k: (str(target), ""))
    section.save_copy_button.click()
    qtbot.waitUntil(lambda: "Đã lưu bản sao" in section.message.text(), timeout=5000)
    assert target.read_bytes() == picture.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["anh.png"]  # nothing half-written


def test_the_evidence_tab_says_nothing_stale_once_the_case_is_saved(
        qtbot: QtBot, db: Database, officer: Actor) -> None:
    editor = _editor(qtbot, db, officer)
    message = editor.evidence.message
    assert message.text() == "Lưu vụ việc trước rồi mới thêm chứng cứ."
    editor.general.detected_on.set_value(TODAY)
    editor.general.account.setText("Kenh hong bien")
    editor.general.summary.setPlainText("Clip sai sự thật")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.save()
    assert message.isHidden() and editor.evidence.add_button.isEnabled()
