"""Each office's key pairs and the other offices' public keys (shared/spec/exchange.md):
`unit-key` and `trust-unit`, fingerprints to compare by phone, a changed key replaced only
on purpose."""

from __future__ import annotations

import base64
import dataclasses
import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import inspect, select, text

from app.db import Database
from app.models import AuditEntry, RegisteredUnit
from app.paths import DataPaths
from app.security import keys, unit_keys
from app.security.sealing import SealedFileKey
from app.services import accounts, rotation, settings
from app.services import unit_keys as unit_key_service
from app.services.actor import Actor
from tests.conftest import ADMIN_PASSWORD, open_unlocked
from tests.conftest import PASSWORD as OFFICER_SIGN_IN
from tests.test_cli import PASSWORD, run

OFFICER_PASSWORD = "canbo-2026-x"


def _office(root: Path, code: str, name: str) -> Path:
    data = root / f"don-vi-{code}-{len(list(root.iterdir()))}"
    assert run(["--data-dir", str(data), "init", "--admin", "admin", "--password-stdin",
                "--unit-code", code, "--unit-name", name], PASSWORD + "\n")[0] == 0
    return data


def _as(folder: Path, user: str, *args: str) -> list[str]:
    return ["--data-dir", str(folder), "--user", user, "--password-stdin", *args]


def _registered(folder: Path) -> list[tuple[str, str, str, bool]]:
    db = open_unlocked(DataPaths(folder))
    with db.read() as session:
        rows = [(r.unit_code, r.unit_name, r.fingerprint, r.replaced_at is not None)
                for r in session.execute(select(RegisteredUnit).order_by(RegisteredUnit.id))
                .scalars()]
    db.dispose()
    return rows


def _fingerprint(out: str) -> str:
    [line] = [line for line in out.splitlines() if line.startswith("Dấu vân tay: ")]
    return line.removeprefix("Dấu vân tay: ")


@pytest.fixture
def offices(tmp_path: Path) -> tuple[Path, Path]:
    """A province and one of its communes."""
    return (_office(tmp_path, "01", "Thành phố Hà Nội"),
            _office(tmp_path, "00004", "Phường Ba Đình"))


def test_a_communes_key_is_registered_at_the_province_with_its_fingerprint(
        offices: tuple[Path, Path], tmp_path: Path) -> None:
    province, commune = offices
    key_file = tmp_path / "khoa-ba-dinh.json"
    code, out, err = run(_as(commune, "admin", "unit-key", str(key_file)), PASSWORD + "\n")
    assert (code, err) == (0, "")
    fingerprint = _fingerprint(out)
    assert len(fingerprint) == 39 and fingerprint.count(" ") == 7  # 8 groups of 4 hex
    content = json.loads(key_file.read_text(encoding="utf-8"))
    assert (content["unit_code"], content["unit_name"], content["fingerprint"]) == (
        "00004", "Phường Ba Đình", fingerprint)
    code, out, err = run(_as(province, "admin", "trust-unit", str(key_file)), PASSWORD + "\n")
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == ["Đơn vị: 00004 — Phường Ba Đình",
                                    f"Dấu vân tay: {fingerprint}"]
    assert _registered(province) == [("00004", "Phường Ba Đình", fingerprint, False)]
    # The same file again changes nothing.
    code, out, _ = run(_as(province, "admin", "trust-unit", str(key_file)), PASSWORD + "\n")
    assert code == 0 and "không thay đổi gì" in out
    assert len(_registered(province)) == 1
    # The province's own key is not another unit's.
    own = tmp_path / "khoa-tinh.json"
    assert run(_as(province, "admin", "unit-key", str(own)), PASSWORD + "\n")[0] == 0
    code, _, err = run(_as(province, "admin", "trust-unit", str(own)), PASSWORD + "\n")
    assert code == 1 and "là khóa của chính đơn vị mình" in err


@pytest.mark.parametrize("alter, why", [
    (lambda c: c.update(unit_name="Phường Khác"), "đã bị sửa đổi hoặc hỏng"),
    (lambda c: c.update(unit_code="00007"), "đã bị sửa đổi hoặc hỏng"),
    (lambda c: c.update(receiving_key=base64.b64encode(bytes(32)).decode(), fingerprint=(
        unit_keys.PublicKeys(base64.b64decode(c["signing_key"]), bytes(32)).fingerprint)),
     "đã bị sửa đổi hoặc hỏng"),
    (lambda c: c.pop("signature"), "thiếu thông tin"),
    (lambda c: c.update(version=2), "phiên bản mới hơn"),
])
def test_an_altered_key_file_is_refused_and_nothing_registered(
        offices: tuple[Path, Path], tmp_path: Path, alter: object, why: str) -> None:
    province, commune = offices
    key_file = tmp_path / "khoa.json"
    assert run(_as(commune, "admin", "unit-key", str(key_file)), PASSWORD + "\n")[0] == 0
    content = json.loads(key_file.read_text(encoding="utf-8"))
    alter(content)  # type: ignore[operator]
    key_file.write_text(json.dumps(content), encoding="utf-8")
    code, out, err = run(_as(province, "admin", "trust-unit", str(key_file)), PASSWORD + "\n")
    assert (code, out) == (1, "")
    assert err.startswith("Tệp «khoa.json» ") and why in err
    assert _registered(province) == []


def test_a_truncated_or_foreign_file_is_refused(offices: tuple[Path, Path],
                                                tmp_path: Path) -> None:
    province, commune = offices
    key_file = tmp_path / "khoa.json"
    assert run(_as(commune, "admin", "unit-key", str(key_file)), PASSWORD + "\n")[0] == 0
    key_file.write_bytes(key_file.read_bytes()[:100])
    code, _, err = run(_as(province, "admin", "trust-unit", str(key_file)), PASSWORD + "\n")
    assert code == 1 and "không phải tệp khóa công khai của đơn vị" in err
    assert _registered(province) == []


def test_a_changed_key_is_refused_then_replaced_on_purpose_and_audited(
        offices: tuple[Path, Path], tmp_path: Path) -> None:
    province, commune = offices
    first, second = tmp_path / "khoa-1.json", tmp_path / "khoa-2.json"
    old = _fingerprint(run(_as(commune, "admin", "unit-key", str(first)), PASSWORD + "\n")[1])
    assert run(_as(province, "admin", "trust-unit", str(first)), PASSWORD + "\n")[0] == 0
    # The commune set up again (a new PC, its folder lost): the same unit, new keys.
    again = _office(tmp_path, "00004", "Phường Ba Đình")
    new = _fingerprint(run(_as(again, "admin", "unit-key", str(second)), PASSWORD + "\n")[1])
    assert new != old
    code, out, err = run(_as(province, "admin", "trust-unit", str(second)), PASSWORD + "\n")
    assert (code, out) == (1, "")
    assert f"đã đăng ký với khóa khác (dấu vân tay {old})" in err and new in err
    assert "--replace" in err
    assert _registered(province) == [("00004", "Phường Ba Đình", old, False)]
    code, out, err = run(_as(province, "admin", "trust-unit", str(second), "--replace"),
                         PASSWORD + "\n")
    assert (code, err) == (0, "") and f"dấu vân tay cũ: {old}" in out
    assert _registered(province) == [("00004", "Phường Ba Đình", old, True),
                                     ("00004", "Phường Ba Đình", new, False)]
    db = open_unlocked(DataPaths(province))
    with db.read() as session:
        details = [json.loads(row.detail) for row in session.execute(
            select(AuditEntry).where(AuditEntry.entity == "registered_unit")
            .order_by(AuditEntry.id)).scalars()]
    db.dispose()
    assert details == [{"registered_unit": "00004", "unit_key_fingerprint": ["", old]},
                       {"registered_unit": "00004", "unit_key_fingerprint": [old, new]}]


def test_an_officer_may_neither_register_nor_export_keys(offices: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    province, commune = offices
    key_file = tmp_path / "khoa.json"
    assert run(_as(commune, "admin", "unit-key", str(key_file)), PASSWORD + "\n")[0] == 0
    assert run(_as(province, "admin", "user", "add", "canbo", "--role", "officer"),
               f"{PASSWORD}\n{OFFICER_PASSWORD}\n")[0] == 0
    code, _, err = run(_as(province, "canbo", "trust-unit", str(key_file)),
                       OFFICER_PASSWORD + "\n")
    assert code == 3 and err
    code, _, _ = run(_as(province, "canbo", "unit-key", str(tmp_path / "x.json")),
                     OFFICER_PASSWORD + "\n")
    assert code == 3 and not (tmp_path / "x.json").exists()
    assert _registered(province) == []


def _private_forms(seed: bytes) -> list[bytes]:
    """The seed and both private halves, raw and as text."""
    privates = [seed, unit_keys._signing(seed).private_bytes_raw(),
                unit_keys._receiving(seed).private_bytes_raw()]
    return [form for raw in privates for form in (
        raw, raw.hex().encode(), raw.hex().upper().encode(), base64.b64encode(raw))]


def _own_seed(db: Database) -> bytes:
    with db.read() as session:
        stored = settings.read_value(session, "unit_keys")
    assert db.admin_key is not None
    seed = unit_keys.open_seed(db.admin_key, SealedFileKey.from_json(stored["sealed"]))
    assert seed is not None
    return seed


def test_the_private_keys_are_never_stored_in_clear(db: Database, admin: Actor,
                                                    tmp_path: Path) -> None:
    settings.save_office(db, admin, dataclasses.replace(
        settings.load_office(db), unit_code="00004", unit_title="Phường Ba Đình"))
    key_file = tmp_path / "khoa.json"
    unit_key_service.write_unit_key(db, admin, key_file)
    seed = _own_seed(db)
    assert unit_keys.public_keys(seed) == unit_key_service.own_public_keys(db)
    stored = bytearray()
    with db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                for value in row:
                    stored += value if isinstance(value, bytes) else str(value).encode()
    files = [bytes(stored), key_file.read_bytes()]
    if db.paths.keys.exists():
        files.append(db.paths.keys.read_bytes())
    for form in _private_forms(seed):
        assert all(form not in content for content in files)


def test_replacing_the_folders_keys_keeps_the_offices_key_pairs(
        db: Database, admin: Actor) -> None:
    before = unit_key_service.own_public_keys(db)
    seed = _own_seed(db)
    rotation.rotate_keys(db, admin, ADMIN_PASSWORD, keys.new_recovery_key())
    assert unit_key_service.own_public_keys(db) == before
    assert _own_seed(db) == seed


def test_the_window_shows_the_fingerprint_before_registering(
        qtbot: QtBot, db: Database, admin: Actor, tmp_path: Path) -> None:
    from app.ui.admin.units_view import UnitsView
    from app.ui.data_change import DataChange, DataKind
    from app.ui.tasks import TaskRunner

    commune = _office(tmp_path, "00004", "Phường Ba Đình")
    key_file = tmp_path / "khoa-ba-dinh.json"
    fingerprint = _fingerprint(run(_as(commune, "admin", "unit-key", str(key_file)),
                                   PASSWORD + "\n")[1])
    settings.save_office(db, admin, dataclasses.replace(
        settings.load_office(db), unit_code="01", unit_title="Thành phố Hà Nội"))
    runner = TaskRunner()
    changes: list[DataChange] = []
    view = UnitsView(db, admin, runner, changes.append)
    qtbot.addWidget(view)
    view.resize(900, 420)
    view.show()
    own = unit_key_service.own_public_keys(db)
    assert own is not None
    qtbot.waitUntil(lambda: own.fingerprint in view.own.text(), timeout=5000)
    asked: list[str] = []
    view.confirm = lambda question: asked.append(question) is None and False  # type: ignore
    view.register_from(key_file)
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert "00004 — Phường Ba Đình" in asked[0] and fingerprint in asked[0]
    runner.wait()
    assert view.table.rowCount() == 0  # not confirmed: nothing stored
    view.confirm = lambda question: True  # type: ignore[method-assign]
    view.register_from(key_file)
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=5000)
    assert [view.table.item(0, c).text() for c in range(3)] == [
        "00004", "Phường Ba Đình", fingerprint]
    assert "Đã đăng ký đơn vị 00004" in view.feedback.text()
    assert changes == [DataChange.of(DataKind.OFFICE)]  # the window offers the province's tab
    view.export_to(tmp_path / "khoa-tinh.json")
    qtbot.waitUntil(lambda: own.fingerprint in view.feedback.text(), timeout=5000)
    view.grab().save(str(tmp_path / "don-vi-va-khoa.png"))
    runner.wait()


def test_a_folder_without_key_pairs_gets_them_at_an_administrators_sign_in_only(
        db: Database, admin: Actor, officer: Actor) -> None:
    """A folder of a version before the exchange: no officer's session can make them (the
    seed is sealed to the administrators' key, which only their sessions hold)."""
    with db.write() as session:
        session.execute(text("DELETE FROM settings WHERE key = 'unit_keys'"))
    accounts.authenticate(db, officer.username, OFFICER_SIGN_IN)
    assert unit_key_service.own_public_keys(db) is None
    accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    made = unit_key_service.own_public_keys(db)
    assert made is not None and unit_keys.public_keys(_own_seed(db)) == made
    accounts.authenticate(db, "admin", ADMIN_PASSWORD)  # made once, kept
    assert unit_key_service.own_public_keys(db) == made
