"""«Số báo cáo đã gửi» shows a version the province returned, with the day and the reason,
and, once re-issued, that the re-issue answered it."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.periods import Period
from app.domain.report import ReportText
from app.paths import DataPaths
from app.services import (
    accounts,
    cases,
    report_packages,
    report_register,
    report_reviews,
    settings,
    setup,
)
from app.services import unit_keys as unit_key_service
from app.services.actor import Actor
from app.services.demo import demo_office
from app.ui.report.screen import ReportScreen
from app.ui.tasks import TaskRunner
from tests.conftest import ADMIN_PASSWORD, TODAY, make_case

OCTOBER = Period.month(2026, 10)
REASON = "Biểu 02 thiếu số liệu nền tảng TikTok"
RETURN_COLUMN = 7


def _returned_by_province(db: Database, tmp_path: Path) -> None:
    """October frozen, packaged, received and returned by the province, the note taken in."""
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    settings.save_office(db, admin, dataclasses.replace(
        demo_office(), unit_code="00004", unit_title="Phường Ba Đình"))
    cases.create_case(db, admin, make_case(detected_on=date(2026, 10, 5)), today=TODAY)
    report_register.send_report(db, admin, OCTOBER, ReportText("12", date(2026, 11, 3), ""))
    package, key_file = tmp_path / "t10.svpbc", tmp_path / "khoa-00004.json"
    report_packages.write_package(db, admin, OCTOBER, package)
    unit_key_service.write_unit_key(db, admin, key_file)
    province = setup.init_data_folder(
        DataPaths(tmp_path / "so" / "data"), "admin", ADMIN_PASSWORD,
        office=dataclasses.replace(demo_office(), unit_code="01", unit_title="Thành phố Hà Nội"))
    try:
        province_admin = accounts.authenticate(province, "admin", ADMIN_PASSWORD)
        unit_key_service.trust_unit(province, province_admin, key_file)
        report_packages.receive_package(province, province_admin, package)
        note, province_key = tmp_path / "tra-lai.svptl", tmp_path / "khoa-01.json"
        report_reviews.return_report(province, province_admin, "00004", OCTOBER, REASON, note,
                                     today=TODAY)
        unit_key_service.write_unit_key(province, province_admin, province_key)
    finally:
        province.dispose()
    unit_key_service.trust_unit(db, admin, province_key)
    report_reviews.receive_return(db, admin, note)


def test_the_register_tab_shows_the_return_and_the_reissue_that_answered_it(
        qtbot: QtBot, db: Database, leader: Actor, tmp_path: Path) -> None:
    _returned_by_province(db, tmp_path)
    screen = ReportScreen(db, leader, TaskRunner())
    qtbot.addWidget(screen)
    screen.show()
    model = screen.action_bar.register_model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    screen.tabs.setCurrentIndex(4)
    assert model.headerData(RETURN_COLUMN, Qt.Orientation.Horizontal) == "Cấp trên trả lại"
    assert model.data(model.index(0, RETURN_COLUMN)) == f"Bị trả lại ngày 20/11/2026: {REASON}"

    report_register.reissue_report(db, leader, OCTOBER, ReportText("", date(2026, 11, 21), ""),
                                   "Bổ sung theo yêu cầu của Sở")
    screen.action_bar.refresh_register()
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    assert [(model.data(model.index(r, 3)), model.data(model.index(r, RETURN_COLUMN)))
            for r in range(2)] == [
        ("2", ""),
        ("1", f"Bị trả lại ngày 20/11/2026: {REASON}; đã phát hành lại (phiên bản 2)")]


def test_an_administrator_packages_from_the_report_screen_and_takes_the_return_in(
        qtbot: QtBot, db: Database, leader: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    settings.save_office(db, admin, dataclasses.replace(
        demo_office(), unit_code="00004", unit_title="Phường Ba Đình"))
    cases.create_case(db, admin, make_case(detected_on=date(2026, 10, 5)), today=TODAY)
    report_register.send_report(db, admin, OCTOBER, ReportText("12", date(2026, 11, 3), ""))
    # A leader sees why the package is not theirs to make.
    leaders = ReportScreen(db, leader, TaskRunner())
    qtbot.addWidget(leaders)
    assert not leaders.action_bar.package_button.isEnabled()
    assert "Chỉ quản trị viên" in leaders.action_bar.package_button.toolTip()

    screen = ReportScreen(db, admin, TaskRunner())
    qtbot.addWidget(screen)
    screen.show()
    screen.picker.set_period(OCTOBER)
    bar = screen.action_bar
    qtbot.waitUntil(lambda: bar.frozen is not None and bar.frozen.record.period == OCTOBER,
                    timeout=20_000)
    assert not bar.package_button.isHidden() and bar.package_button.isEnabled()
    package = tmp_path / "goi" / "bao-cao-2026-10.svpbc"
    package.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(package), ""))
    bar.package_button.click()
    qtbot.waitUntil(lambda: "Đã ghi gói báo cáo số 12/" in screen.summary.text(),
                    timeout=20_000)

    # The province receives it and returns it; the note comes back to the commune.
    key_file, province_key = tmp_path / "khoa-00004.json", tmp_path / "khoa-01.json"
    unit_key_service.write_unit_key(db, admin, key_file)
    province = setup.init_data_folder(
        DataPaths(tmp_path / "so" / "data"), "admin", ADMIN_PASSWORD,
        office=dataclasses.replace(demo_office(), unit_code="01", unit_title="Thành phố Hà Nội"))
    note = tmp_path / "tra-lai.svptl"
    try:
        province_admin = accounts.authenticate(province, "admin", ADMIN_PASSWORD)
        unit_key_service.trust_unit(province, province_admin, key_file)
        report_packages.receive_package(province, province_admin, package)
        report_reviews.return_report(province, province_admin, "00004", OCTOBER, REASON, note,
                                     today=TODAY)
        unit_key_service.write_unit_key(province, province_admin, province_key)
    finally:
        province.dispose()
    unit_key_service.trust_unit(db, admin, province_key)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(note), ""))
    screen.take_return.click()
    qtbot.waitUntil(lambda: REASON in screen.summary.text(), timeout=20_000)
    assert "«Phát hành lại…»" in screen.summary.text()
    model = bar.register_model
    qtbot.waitUntil(lambda: model.data(model.index(0, RETURN_COLUMN)) ==
                    f"Bị trả lại ngày 20/11/2026: {REASON}", timeout=10_000)
