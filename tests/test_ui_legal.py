"""The administrator's legal catalog screen: adding a provision (a refusal shown beside its
field, what was typed kept) and ending one a sanction cites."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.events import EventInput
from app.domain.labels import PartyKind, SanctionForm
from app.services import cases, events, legal_basis
from app.services.actor import Actor
from app.ui.admin.legal_dialogs import EndDialog, ProvisionDialog
from app.ui.admin.legal_view import LegalBasisView
from app.ui.data_change import DataChange
from app.ui.tasks import TaskRunner
from tests.conftest import TODAY, make_case

ND174_1A = "Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP"


def _view(qtbot: QtBot, db: Database, admin: Actor) -> LegalBasisView:
    def notify(change: DataChange) -> None:
        view.refresh_for(change)

    view = LegalBasisView(db, admin, TaskRunner(), notify)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    return view


def _select(view: LegalBasisView, citation: str) -> None:
    view.table.selectRow(next(r for r in range(view.table.rowCount())
                              if view.table.item(r, 0).text() == citation))


def _saving(qtbot: QtBot, dialog: QDialog) -> int:
    """Press the dialog's accept button and wait for the save to end, either way."""
    dialog.accept_button.click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.accept_button.isEnabled())  # type: ignore[attr-defined]
    return dialog.result()


def test_an_administrator_adds_a_provision_a_refusal_keeps_what_was_typed(
        qtbot: QtBot, db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    view = _view(qtbot, db, admin)
    view.instrument_filter.setCurrentIndex(view.instrument_filter.findText("NĐ 174/2026/NĐ-CP"))
    shown = view.table.rowCount()
    seen: dict[str, str] = {}

    def type_and_save(dialog: ProvisionDialog) -> int:
        qtbot.addWidget(dialog)
        assert dialog.instrument.currentText() == "NĐ 174/2026/NĐ-CP"  # the filter's
        dialog.article.setText("199")
        dialog.clause.setText("1")
        dialog.point.setText("a")
        dialog.description.setPlainText("Hành vi thêm bởi văn phòng")
        dialog.groups["KH"].setChecked(True)
        dialog.fine_min.setValue(20_000_000)
        dialog.fine_max.setValue(10_000_000)
        dialog.stated_for.setCurrentIndex(dialog.stated_for.findData(PartyKind.ORGANISATION))
        dialog.remedies.setPlainText("Buộc gỡ bỏ thông tin vi phạm\n\nBuộc khóa tài khoản")
        dialog.valid_from.set_value(date(2026, 7, 1))
        assert _saving(qtbot, dialog) == 0  # refused: the dialog stays open
        seen["error"] = dialog.errors["fine_max"].text()
        assert dialog.errors["fine_max"].isVisibleTo(dialog)
        assert dialog.description.toPlainText() == "Hành vi thêm bởi văn phòng"
        dialog.fine_max.setValue(30_000_000)
        result = _saving(qtbot, dialog)
        assert not dialog.errors["fine_max"].isVisibleTo(dialog)
        return result

    monkeypatch.setattr(ProvisionDialog, "exec", type_and_save)
    view.add_provision_button.click()
    assert "nhỏ hơn mức thấp nhất" in seen["error"]
    assert view.feedback.text() == "Đã thêm điều khoản."
    assert view.table.rowCount() == shown + 1  # reloaded, the filter kept
    added = next(p for p in legal_basis.all_provisions(db)
                 if p.citation == "Điểm a Khoản 1 Điều 199 NĐ 174/2026/NĐ-CP")
    assert added.remedies == ("Buộc gỡ bỏ thông tin vi phạm", "Buộc khóa tài khoản")
    assert (added.fine_min, added.fine_max, added.group_codes) == (20_000_000, 30_000_000,
                                                                    ("KH",))


def test_a_provision_a_sanction_cites_is_ended_not_deleted(
        qtbot: QtBot, db: Database, admin: Actor, officer: Actor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    cited = next(p for p in legal_basis.all_provisions(db) if p.citation == ND174_1A)
    case = cases.create_case(db, officer, make_case(offender_name="Trần Văn Bình"), today=TODAY)
    events.add_event(db, officer, case.id, EventInput(
        "XP", date(2026, 10, 10), sanction_form=SanctionForm.WARNING,
        legal_basis_ids=(cited.id,)), today=TODAY)
    view = _view(qtbot, db, admin)
    _select(view, ND174_1A)
    assert not view.delete_provision_button.isEnabled()
    assert "chỉ kết thúc hiệu lực" in view.delete_provision_button.toolTip()
    assert view.end_provision_button.isEnabled()

    def end(dialog: EndDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.valid_to.set_value(date(2026, 6, 1))  # before it starts: refused
        assert _saving(qtbot, dialog) == 0
        assert "trước ngày có hiệu lực" in dialog.errors["valid_to"].text()
        dialog.valid_to.set_value(date(2026, 12, 31))
        return _saving(qtbot, dialog)

    monkeypatch.setattr(EndDialog, "exec", end)
    view.end_provision_button.click()
    assert view.feedback.text() == f"Đã kết thúc hiệu lực {ND174_1A}."
    row = next(r for r in range(view.table.rowCount())
               if view.table.item(r, 0).text() == ND174_1A)
    assert view.table.item(row, 3).text() == "01/07/2026 – 31/12/2026"
    assert view.table.item(row, 5).text() == "Có"
    assert cited.id in {p.id for p in legal_basis.all_provisions(db)}
