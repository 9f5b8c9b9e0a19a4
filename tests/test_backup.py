"""Backups and restore: everything comes back, nothing leaks, a bad file changes nothing,
and a crash at any moment leaves the old data or the new, never a mix."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command as alembic_command
from sqlalchemy import MetaData, create_engine, make_url, select
from sqlalchemy.pool import NullPool

from app.cli import main as cli_main
from app.db import Database, encryption, open_database, register_lock, storage
from app.db.engine import keyed_connection, make_engine, make_server_engine, server_url
from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from app.db.swap import JOURNAL
from app.db.text_index import is_text_index
from app.domain.case import ChildInput
from app.domain.labels import Role
from app.errors import DataFolderError, NotAllowed, UserError
from app.models import Case
from app.paths import DataPaths
from app.security import keyfile, keys
from app.services import accounts, backup, backup_archive, cases, evidence, settings, setup
from app.services.actor import Actor
from app.services.integrity import check_data_folder
from tests.backup_tools import admin_key, legacy_archive, read_back
from tests.conftest import (
    ADMIN_PASSWORD,
    PASSWORD,
    SERVER,
    TODAY,
    _server_admin,
    folder_key,
    make_case,
    open_unlocked,
)

# What a test does to the data folder's SQLite file itself.
ON_THE_FILE = "the data folder's SQLite file"
server_only = pytest.mark.skipif(SERVER is None, reason="a server database (server mode)")

CHILD = "Trần Thị Dấu Vết"
SUMMARY = "Bài đăng có dấu vết XYZ-4711"
ROOT = Path(__file__).resolve().parents[1]


def _png(tag: str, size: int = 2000) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + (CHILD + tag).encode() * (size // 20)


def _fill(db: Database, actor: Actor, tmp_path: Path, count: int = 3,
          png_size: int = 2000) -> None:
    for number in range(count):
        case = cases.create_case(db, actor, make_case(
            summary=f"{SUMMARY} số {number}", group_code="TE",
            children=(ChildInput(full_name=CHILD, birth_year=2014),)), today=TODAY)
        source = tmp_path / f"anh-{number}.png"
        source.write_bytes(_png(str(number), png_size))
        evidence.add_evidence(db, actor, case.id, source)


def _dump(paths: DataPaths, database: Path | None = None) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the register by table, in key order: the server's in server mode, else
    the folder's file (or `database`, a copy of it beside its key file)."""
    if paths.server is not None and database is None:
        engine = make_server_engine(server_url(paths.server), pool=NullPool)
    else:
        database = database or paths.database
        engine = make_engine(database, folder_key(database.parent), pool=NullPool)
    try:
        with engine.connect() as connection:
            found = MetaData()
            found.reflect(connection, only=lambda name, _: not (
                name == "alembic_version" or is_text_index("table", name)))
            return {name: list(connection.execute(
                        select(table).order_by(*table.primary_key.columns)))
                    for name, table in found.tables.items()}
    finally:
        engine.dispose()


def _wipe(paths: DataPaths) -> None:
    """The data folder emptied, and in server mode the database made anew without a schema:
    a reinstalled PC, a new server."""
    for name in os.listdir(paths.root):
        target = paths.root / name
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    if paths.server is not None:
        name = make_url(paths.server).database
        _server_admin(f"DROP DATABASE {name} WITH (FORCE)")
        _server_admin(f"CREATE DATABASE {name}")


def _evidence_files(paths: DataPaths) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in paths.evidence.rglob("*") if p.is_file()}


@pytest.fixture
def filled(db: Database, admin: Actor, tmp_path: Path) -> Database:
    _fill(db, admin, tmp_path)
    return db


def test_backup_wipe_restore_gives_back_every_row_and_file(
    filled: Database, admin: Actor, tmp_path: Path
) -> None:
    paths = filled.paths
    before, files = _dump(paths), _evidence_files(paths)
    result = backup.make_backup(filled, admin, tmp_path / "usb" / "ban-sao")
    assert result.path == tmp_path / "usb" / "ban-sao"  # the name as given (cli.md)
    assert (result.cases, result.evidence_files) == (3, 3)
    filled.dispose()
    _wipe(paths)

    restored = backup.restore_backup(paths, result.path, current=None, actor=None,
                                     username="admin", secret=ADMIN_PASSWORD)
    assert (restored.cases, restored.evidence_files, restored.safety_copy) == (3, 3, None)
    after = _dump(paths)
    # Every row as it was; the log has one more row: the restore itself (and its chain's
    # state has moved on by that row). A server's key file is rebuilt from the backup's
    # wraps, as a folder's is (its row written anew).
    log = ("audit_log", "audit_chain", "key_file")
    assert {k: v for k, v in after.items() if k not in log} == {
        k: v for k, v in before.items() if k not in log}
    assert after["audit_log"][:-1] == before["audit_log"]
    assert after["audit_log"][-1][3] == "restore"
    assert _evidence_files(paths) == files
    db = open_database(paths)
    again = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    report = check_data_folder(db, again)
    assert report.ok and report.evidence_checked == 3
    db.dispose()


def test_the_backup_file_holds_no_plaintext(filled: Database, admin: Actor,
                                            tmp_path: Path) -> None:
    data = backup.make_backup(filled, admin, tmp_path / "b.svpbak").path.read_bytes()
    for marker in (CHILD, SUMMARY, "Hóng biến", "canbo", "admin"):
        assert marker.encode() not in data
    # Long markers only: three random bytes match "PNG" somewhere in a megabyte 6% of
    # the time. The pictures' content carries the child's name.
    assert b"SQLite format 3" not in data


def test_restore_on_an_empty_folder_with_the_recovery_key(tmp_path: Path) -> None:
    recovery = keys.new_recovery_key()
    paths = DataPaths(tmp_path / "a")
    db = setup.init_data_folder(paths, "admin", ADMIN_PASSWORD, recovery_key=recovery)
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    _fill(db, admin, tmp_path, count=1)
    archive = backup.make_backup(db, admin, tmp_path / "b.svpbak").path
    db.dispose()
    target = DataPaths(tmp_path / "b")
    with pytest.raises(NotAllowed, match="Khóa khôi phục không mở được"):
        backup.restore_backup(target, archive, current=None, actor=None, username=None,
                              secret=keys.new_recovery_key())
    assert not target.database.exists()
    result = backup.restore_backup(target, archive, current=None, actor=None, username=None,
                                   secret=recovery)
    assert result.cases == 1
    assert _evidence_files(target) == _evidence_files(paths)


def test_empty_folder_needs_an_administrator_of_the_backup(
    filled: Database, admin: Actor, officer: Actor, tmp_path: Path
) -> None:
    archive = backup.make_backup(filled, admin, tmp_path / "b.svpbak").path
    target = DataPaths(tmp_path / "moi")
    with pytest.raises(NotAllowed, match="không mở được bản sao lưu"):
        backup.restore_backup(target, archive, current=None, actor=None, username="admin",
                              secret="sai-mat-khau")
    # The officer's wrap is not in the backup: his password opens nothing.
    with pytest.raises(NotAllowed, match="không mở được bản sao lưu"):
        backup.restore_backup(target, archive, current=None, actor=None, username="canbo",
                              secret=PASSWORD)
    assert not target.database.exists()
    assert not target.root.exists() or [p.name for p in target.root.iterdir()] == []


def _with_key_cost(archive: bytes, **cost: int) -> bytes:
    """The backup with its header's key derivations set to `cost` (the header's length
    rewritten, the rest as it was)."""
    start = len(backup_archive.MAGIC)
    (length,) = struct.unpack(">I", archive[start:start + 4])
    header = json.loads(archive[start + 4:start + 4 + length])
    for wrap in header["wraps"]:
        wrap["params"].update(cost)
    raw = json.dumps(header).encode()
    return (backup_archive.MAGIC + struct.pack(">I", len(raw)) + raw
            + archive[start + 4 + length:])


@pytest.mark.parametrize("cost", [{"time_cost": 2**31 - 1}, {"memory_cost": 2**32 - 1}])
def test_a_header_asking_an_absurd_key_derivation_is_refused(
        db: Database, admin: Actor, tmp_path: Path, cost: dict[str, int]) -> None:
    # Argon2 would run for years, or ask for 4 TiB, before telling the password was right.
    archive = backup.make_backup(db, admin, tmp_path / "b.svpbak").path
    crafted = tmp_path / "gia.svpbak"
    crafted.write_bytes(_with_key_cost(archive.read_bytes(), **cost))
    target = DataPaths(tmp_path / "moi")
    with pytest.raises(UserError, match="Khóa niêm phong dữ liệu bị hỏng hoặc đã bị sửa"):
        backup.restore_backup(target, crafted, current=None, actor=None, username="admin",
                              secret=ADMIN_PASSWORD)
    assert not target.database.exists()


@pytest.mark.parametrize("typed", ["Đạt", "ĐẠT", "đạt"])
def test_a_reinstalled_pc_lets_an_administrator_with_a_vietnamese_name_restore(
    db: Database, admin: Actor, tmp_path: Path, typed: str
) -> None:
    """The name is matched in the backup as at sign-in, whatever the case of its letters
    (SQL `lower()` left `Đ` and `Ạ` as they are and refused the right password)."""
    accounts.create_user(db, admin, username="Đạt", full_name="Nguyễn Văn Đạt",
                         role=Role.ADMIN, password="ca-phe-sua-nong-2026")
    assert accounts.authenticate(db, typed, "ca-phe-sua-nong-2026").username == "Đạt"
    archive = backup.make_backup(db, admin, tmp_path / "b.svpbak").path
    target = DataPaths(tmp_path / "may-cai-lai")
    restored = backup.restore_backup(target, archive, current=None, actor=None,
                                     username=typed, secret="ca-phe-sua-nong-2026")
    assert restored.safety_copy is None
    again = open_database(target)
    try:
        assert accounts.authenticate(again, typed, "ca-phe-sua-nong-2026").username == "Đạt"
    finally:
        again.dispose()


def test_restore_over_data_keeps_an_encrypted_safety_copy(filled: Database, admin: Actor,
                                                          officer: Actor, tmp_path: Path) -> None:
    archive = backup.make_backup(filled, admin, tmp_path / "b.svpbak").path
    cases.create_case(filled, admin, make_case(summary="Ghi sau khi sao lưu"), today=TODAY)
    with pytest.raises(NotAllowed):
        backup.restore_backup(filled.paths, archive, current=filled, actor=officer,
                              username="canbo", secret=PASSWORD)
    with pytest.raises(NotAllowed, match="cần đăng nhập"):
        backup.restore_backup(filled.paths, archive, current=None, actor=None,
                              username="admin", secret=ADMIN_PASSWORD)
    accounts.authenticate(filled, "admin", ADMIN_PASSWORD)  # the administrator's session
    newer = _dump(filled.paths)
    result = backup.restore_backup(filled.paths, archive, current=filled, actor=admin,
                                   username=None, secret=None)
    assert result.cases == 3
    assert len(_dump(filled.paths)["cases"]) == 3
    # The data replaced is sealed, and nothing of it stays in clear.
    safety = result.safety_copy
    assert safety is not None and safety.name.startswith("truoc-khoi-phuc-")
    assert [p.name for p in filled.paths.backups.iterdir()] == [safety.name]
    assert result.safety_note is not None and "bản sao lưu" in result.safety_note
    undo = DataPaths(tmp_path / "hoan-tac")
    backup.restore_backup(undo, safety, current=None, actor=None, username="admin",
                          secret=ADMIN_PASSWORD)
    assert _dump(undo)["cases"] == newer["cases"]


@pytest.mark.sqlite_only("the folder's parts kept in clear; a server's: the test below")
def test_restore_over_a_database_that_cannot_be_backed_up_keeps_it_in_clear(
        filled: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = backup.make_backup(filled, admin, tmp_path / "b.svpbak").path
    before = _dump(filled.paths)

    def damaged(*_args: object, **_kwargs: object) -> None:
        raise DataFolderError("Cơ sở dữ liệu đang bị lỗi")

    monkeypatch.setattr(backup, "_write", damaged)
    result = backup.restore_backup(filled.paths, archive, current=filled, actor=admin,
                                   username=None, secret=None)
    folder = result.safety_copy
    assert folder is not None and folder.is_dir()
    assert _dump(filled.paths, folder / "sovipham.sqlite3") == before  # the only copy: kept
    assert result.safety_note is not None and "chưa mã hóa" in result.safety_note


def _corruptions(archive: bytes) -> dict[str, bytes]:
    size = len(archive)
    rng = random.Random(7)
    found = {
        "empty": b"",
        "magic-only": archive[:8],
        "header-cut": archive[:20],
        "wrong-magic": b"PK\3\4" + archive[4:],
        "zip-file": b"PK\3\4" + bytes(200),
        "random": bytes(rng.randrange(256) for _ in range(5000)),
        "appended": archive + b"\0" * 100,
        "header-edited": archive.replace(b'"cases": 3', b'"cases": 4', 1),
        "key-id-edited": archive.replace(b'"key_id": "', b'"key_id": "0', 1),
        "header-length": archive[:8] + b"\xff\xff\xff\xff" + archive[12:],
    }
    for fraction in (0.1, 0.5, 0.9, 0.999):
        found[f"truncated-{fraction}"] = archive[:int(size * fraction)]
    for fraction in (0.05, 0.3, 0.6, 0.95):
        flipped = bytearray(archive)
        flipped[int(size * fraction)] ^= 0x40
        found[f"flipped-{fraction}"] = bytes(flipped)
    found["last-byte"] = archive[:-1] + bytes([archive[-1] ^ 1])
    found["first-chunk-dropped"] = archive[:200] + archive[200 + (1 << 20):]
    return found


def test_twenty_damaged_backups_are_each_refused_and_change_nothing(
    filled: Database, admin: Actor, tmp_path: Path
) -> None:
    archive = backup.make_backup(filled, admin, tmp_path / "b.svpbak").path.read_bytes()
    before, files = _dump(filled.paths), _evidence_files(filled.paths)
    damaged = _corruptions(archive)
    assert len(damaged) >= 20
    for name, content in damaged.items():
        bad = tmp_path / f"{name}.svpbak"
        bad.write_bytes(content)
        with pytest.raises(UserError) as refused:
            backup.restore_backup(filled.paths, bad, current=filled, actor=admin,
                                  username="admin", secret=ADMIN_PASSWORD)
        assert refused.value.message, name
        assert _dump(filled.paths) == before, name
        assert _evidence_files(filled.paths) == files, name
        assert not list(filled.paths.root.glob(".khoi-phuc-*")), name


@pytest.mark.sqlite_only(ON_THE_FILE)
@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed-page"])
def test_a_damaged_database_is_detected_and_never_pushes_out_good_backups(
    filled: Database, admin: Actor, damage: str
) -> None:
    good = backup.automatic_backup(filled, admin).path
    filled.dispose()
    database = filled.paths.database
    content = bytearray(database.read_bytes())
    if damage == "garbage":
        content[:100] = b"x" * 100
    elif damage == "truncated":
        del content[len(content) // 3:]
    else:
        page = 4096
        content[3 * page:5 * page] = bytes(2 * page)
    database.write_bytes(bytes(content))
    for leftover in (database.with_name(database.name + "-wal"),
                     database.with_name(database.name + "-shm")):
        leftover.unlink(missing_ok=True)
    db = open_database(filled.paths)
    try:
        db.unlock(filled.data_key)
    except DataFolderError as exc:
        assert "bị hỏng" in exc.message
        return
    try:
        with pytest.raises(DataFolderError, match="Không sao lưu"):
            backup.automatic_backup(db, admin)
    finally:
        db.dispose()
    assert [p.name for p in filled.paths.backups.glob("*.svpbak")] == [good.name]


def test_rotation_keeps_days_weeks_and_months(tmp_path: Path) -> None:
    today = date(2026, 11, 22)
    made = []
    for days_ago in range(0, 400, 1):
        for hour in (9, 15):
            moment = datetime(2026, 11, 22, hour) - timedelta(days=days_ago)
            path = tmp_path / f"tu-dong-{moment:%Y%m%d-%H%M%S}.svpbak"
            path.write_bytes(b"x")
            made.append((moment, path))
    manual = tmp_path / "sovipham-20250101-080000.svpbak"
    manual.write_bytes(b"x")
    backup.rotate(tmp_path, today)
    kept = sorted(datetime.strptime(p.name[8:23], "%Y%m%d-%H%M%S")
                  for p in tmp_path.glob("tu-dong-*"))
    assert manual.exists()  # only automatic backups are rotated
    days = {k.date() for k in kept if (today - k.date()).days < 7}
    assert len(days) == 7 and all(k.hour == 15 for k in kept)  # newest of each day
    assert len({k.isocalendar()[:2] for k in kept}) >= 5
    assert len({(k.year, k.month) for k in kept}) == 12
    assert len(kept) <= 7 + 5 + 12
    assert min(kept) > datetime(2025, 10, 1)


def test_reminder_when_no_backup_left_the_pc(filled: Database, admin: Actor,
                                             tmp_path: Path) -> None:
    assert "chưa có bản sao lưu nào" in (backup.offsite_reminder(filled) or "")
    backup.automatic_backup(filled, admin)  # inside the data folder: not off the PC
    assert backup.offsite_reminder(filled) is not None
    backup.make_backup(filled, admin, tmp_path / "usb" / "b.svpbak")
    assert backup.offsite_reminder(filled) is None
    later = datetime.now(UTC) + timedelta(days=8)
    assert "lần cuối sao lưu ra ngoài máy" in (backup.offsite_reminder(filled, later) or "")


def _cli(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli_main(args, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_init_backup_restore_recover(tmp_path: Path) -> None:
    folder, copy = str(tmp_path / "a"), str(tmp_path / "b")
    code, out, _ = _cli(["--data-dir", folder, "init", "--admin", "admin", "--password-stdin"],
                        f"{ADMIN_PASSWORD}\n")
    assert code == 0
    recovery = out.split("KHÓA KHÔI PHỤC: ")[1].split()[0]
    code, out, _ = _cli(["--data-dir", folder, "--user", "admin", "--password-stdin",
                         "backup", str(tmp_path / "ban-sao.svpbak")], f"{ADMIN_PASSWORD}\n")
    assert code == 0 and "Đã sao lưu 0 vụ việc" in out
    code, _, err = _cli(["--data-dir", copy, "restore", str(tmp_path / "khong-co.svpbak"),
                         "--user", "admin", "--password-stdin"], f"{ADMIN_PASSWORD}\n")
    assert code == 2 and "Không tìm thấy tệp sao lưu" in err
    code, _, err = _cli(["--data-dir", copy, "restore", str(tmp_path / "ban-sao.svpbak"),
                         "--user", "admin", "--password-stdin"], "sai-mat-khau\n")
    assert code == 3 and "không mở được bản sao lưu" in err
    code, out, _ = _cli(["--data-dir", copy, "restore", str(tmp_path / "ban-sao.svpbak"),
                         "--recovery-key-stdin"], f"{recovery}\n")
    assert code == 0 and "Đã khôi phục 0 vụ việc" in out
    code, out, _ = _cli(["--data-dir", copy, "--user", "admin", "recover",
                         "--recovery-key-stdin"], f"{recovery}\nbong-sen-moi-2027\n")
    assert code == 0
    code, _, _ = _cli(["--data-dir", copy, "--user", "admin", "--password-stdin", "check"],
                      "bong-sen-moi-2027\n")
    assert code == 0


def test_cli_restores_over_the_register_on_either_engine(db: Database, admin: Actor,
                                                        tmp_path: Path) -> None:
    """`restore` with an administrator's password over a register with data: the folder's
    file, or in server mode the server's database (`--database`, here from the
    environment), the folder then holding no database file."""
    cases.create_case(db, admin, make_case(summary="Trước khi sao lưu"), today=TODAY)
    archive = backup.make_backup(db, admin, tmp_path / "b.svpbak").path
    cases.create_case(db, admin, make_case(summary="Sau khi sao lưu"), today=TODAY)
    db.dispose()
    code, out, err = _cli(["--data-dir", str(db.paths.root), "restore", str(archive),
                           "--user", "admin", "--password-stdin"], f"{ADMIN_PASSWORD}\n")
    assert (code, err) == (0, ""), err
    assert "Đã khôi phục 1 vụ việc" in out
    assert len(_dump(db.paths)["cases"]) == 1


def _crash_on_move(number: int, replace: Callable[[str, str], None]) -> Callable[[str, str], None]:
    """`os.replace` that raises at its `number`-th call, as a power cut would stop it."""
    moves = 0

    def crashing_replace(src: str, dst: str) -> None:
        nonlocal moves
        moves += 1
        if moves == number:
            raise KeyboardInterrupt("mất điện")
        replace(src, dst)

    return crashing_replace


@pytest.mark.sqlite_only("the swap of the data folder's file; a server's contents are "
                         "replaced in one transaction (test_a_restore_failing_midway_…)")
def test_a_crash_at_each_step_of_the_swap_leaves_old_or_new(
    filled: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after each file move of a restore: opening the folder again gives exactly
    the data before, or exactly the restored data."""
    paths = filled.paths
    archive = backup.make_backup(filled, admin, tmp_path / "b.svpbak").path
    restored = _dump(paths)["cases"]
    data_key, admin_key = filled.data_key, filled.admin_key
    filled.dispose()
    real_replace = os.replace
    outcomes = set()
    for crash_at in range(1, 30):
        db = open_database(paths)
        db.unlock(data_key)
        db.hold_admin_key(admin_key)  # the administrator's session
        cases.create_case(db, admin, make_case(summary="Sau sao lưu"), today=TODAY)
        before = _dump(paths)["cases"]
        monkeypatch.setattr(os, "replace", _crash_on_move(crash_at, real_replace))
        try:
            backup.restore_backup(paths, archive, current=db, actor=admin, username=None,
                                  secret=None)
            completed = True
        except KeyboardInterrupt:
            completed = False
        finally:
            monkeypatch.setattr(os, "replace", real_replace)
        db.dispose()
        db = open_database(paths)  # finishes a started swap, drops an unstarted one
        db.unlock(data_key)
        state = _dump(paths)["cases"]
        assert state in (before, restored), crash_at
        outcomes.add("new" if state == restored else "old")
        assert check_data_folder(db, admin).ok
        assert not (paths.root / JOURNAL).exists()
        assert not list(paths.root.glob(".khoi-phuc-*"))
        db.dispose()
        if completed:
            break
    assert outcomes == {"old", "new"}


def _run(command: list[str], stdin: str, env: dict[str, str],
         kill_after: float | None = None) -> float | None:
    """Run `command`; SIGKILL it after `kill_after` seconds. Its duration if it finished."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env)
    assert process.stdin is not None
    process.stdin.write(stdin.encode())
    process.stdin.close()
    try:
        process.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None
    assert process.returncode == 0
    return time.perf_counter() - started


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killing_backup_and_restore_never_leaves_a_mix(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    db = setup.init_data_folder(paths, "admin", ADMIN_PASSWORD)
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    _fill(db, admin, tmp_path, count=6, png_size=3 << 20)  # ~18 MB of evidence
    archive = backup.make_backup(db, admin, tmp_path / "goc.svpbak").path
    restored_cases = _dump(paths)["cases"]
    data_key = db.data_key
    db.dispose()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "app", "--data-dir", str(paths.root), "--user", "admin",
            "--password-stdin"]
    backup_cmd = [*base, "backup", str(tmp_path / "lan-dau.svpbak")]
    restore_cmd = [*base, "restore", str(archive)]
    # Full runs first: the kills then fall anywhere from late start-up to the end.
    durations = {"backup": _run(backup_cmd, f"{ADMIN_PASSWORD}\n", env),
                 "restore": _run(restore_cmd, f"{ADMIN_PASSWORD}\n", env)}
    rng = random.Random(2026)
    killed = 0
    # At least six rounds and six kills: a run that ends before its kill (the machine was
    # busier when its duration was measured) becomes the new measure, and more rounds run.
    for round_ in range(14):
        if round_ >= 6 and killed >= 6:
            break
        db = open_database(paths)
        db.unlock(data_key)
        cases.create_case(db, admin, make_case(summary="Sau sao lưu"), today=TODAY)
        newer_cases = _dump(paths)["cases"]
        db.dispose()
        target = tmp_path / f"kill-{round_}.svpbak"
        for name, command in (("backup", [*base, "backup", str(target)]),
                              ("restore", restore_cmd)):
            total = durations[name] or 1.0
            finished = _run(command, f"{ADMIN_PASSWORD}\n", env, rng.uniform(0.4, 1.1) * total)
            if finished is None:
                killed += 1
            else:
                durations[name] = finished
        # A backup file is there whole or not at all.
        if target.exists():
            read_back(target, admin_key(paths))
        db = open_database(paths)  # finishes or discards an interrupted restore
        db.unlock(data_key)
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert _dump(paths)["cases"] in (restored_cases, newer_cases)
        report = check_data_folder(db, admin)
        assert report.ok, report.problems
        db.dispose()
    assert killed >= 6


@pytest.mark.sqlite_only("leftovers go at the open under the folder's lock; in server mode "
                         "several programs share the folder, and none removes another's")
def test_copies_in_clear_go_once_their_data_is_sealed(filled: Database, admin: Actor) -> None:
    """What a crash left goes at the next open, a pre-restore folder as soon as its twin is
    sealed, a pre-upgrade copy with the next automatic backup read back whole."""
    paths = filled.paths
    folder = paths.backups
    folder.mkdir(exist_ok=True)
    upgrade = folder / "truoc-nang-cap-0004-20260101-080000.sqlite3"
    sealed = folder / "truoc-khoi-phuc-20260102-080000"
    unsealed = folder / "truoc-khoi-phuc-20260103-080000"
    left = [folder / ".ban-chup-k2j4h.sqlite3", folder / ".ban-chup-k2j4h.sqlite3-journal",
            folder / f"{upgrade.name}.dang-chep", folder / ".tu-dong-20260101-080000-x.part"]
    for path in (upgrade, *left, sealed / "sovipham.sqlite3", unsealed / "sovipham.sqlite3",
                 folder / f"{sealed.name}.svpbak"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(CHILD.encode())
    data_key = filled.data_key
    filled.dispose()
    db = open_database(paths)  # the next start
    try:
        assert sorted(p.name for p in folder.iterdir()) == [
            f"{sealed.name}.svpbak", unsealed.name, upgrade.name]
        db.unlock(data_key)
        made = backup.automatic_backup(db, admin)
    finally:
        db.dispose()
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{sealed.name}.svpbak", unsealed.name, made.path.name]


@pytest.mark.sqlite_only("a plain SQLite export of the folder's file")
def test_a_backup_made_before_encryption_restores_encrypted(filled: Database, admin: Actor,
                                                            tmp_path: Path) -> None:
    """Backups of earlier versions (format 1) hold the database in plain SQLite inside the
    file sealed with the data key: restored with the administrator's password, it is
    encrypted before it takes its place."""
    paths, data_key = filled.paths, filled.data_key
    plain = tmp_path / "plain.sqlite3"
    with closing(keyed_connection(paths.database, data_key)) as connection:
        connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        connection.execute("SELECT sqlcipher_export('plain')")
        connection.execute("DETACH DATABASE plain")
    # As they were then: a database before the keyed audit log (0008), and the data key
    # alone sealed for each account.
    engine = create_engine(f"sqlite:///{plain}")
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        alembic_command.downgrade(config, "0007")
    engine.dispose()
    wraps = [{"account": keyfile.account_tag("admin"),
              **keys.wrap_for_password(data_key, ADMIN_PASSWORD).to_json()}]
    old = legacy_archive(paths, data_key, plain, tmp_path / "cu.svpbak", wraps)
    target = DataPaths(tmp_path / "may-moi")
    restored = backup.restore_backup(target, old, current=None, actor=None, username="admin",
                                     secret=ADMIN_PASSWORD)
    assert restored.cases == 3
    assert not encryption.is_plain(target.database)
    assert CHILD.encode() not in target.database.read_bytes()
    db = open_database(target)
    again = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    assert db.admin_key is not None  # the first sign-in gives the folder its own
    assert check_data_folder(db, again).ok
    db.dispose()


# ------------------------------------------------------------------------ server mode


@server_only
def test_a_servers_backup_is_one_moment_while_another_program_writes(
        filled: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A case (with a child, and its audit row) saved by another connection while the
    backup is being read: the backup holds the register as it was before, whole (no child
    without its case, the audit chain's state with its newest row)."""
    real_insert = storage.insert_rows
    saved = []

    def insert_while_another_writes(*args: object, **kwargs: object) -> None:
        if not saved:  # the reading transaction has begun: its first rows are copied
            saved.append(cases.create_case(filled, admin, make_case(
                summary="Ghi trong lúc sao lưu",
                children=(ChildInput(full_name=CHILD, birth_year=2014),)), today=TODAY))
        real_insert(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(storage, "insert_rows", insert_while_another_writes)
    made = backup.make_backup(filled, admin, tmp_path / "b.svpbak")
    monkeypatch.setattr(storage, "insert_rows", real_insert)
    assert saved and made.cases == 3
    assert len(_dump(filled.paths)["cases"]) == 4  # the other program's case is saved
    moved = DataPaths(tmp_path / "thu-muc")
    restored = backup.restore_backup(moved, made.path, current=None, actor=None,
                                     username="admin", secret=ADMIN_PASSWORD)
    assert restored.cases == 3
    db = open_database(moved)
    try:
        report = check_data_folder(db, accounts.authenticate(db, "admin", ADMIN_PASSWORD))
        assert report.ok, report.problems
    finally:
        db.dispose()


@server_only
def test_a_restore_failing_midway_leaves_the_server_as_it_was(
        filled: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = backup.make_backup(filled, admin, tmp_path / "b.svpbak").path
    cases.create_case(filled, admin, make_case(summary="Ghi sau khi sao lưu"), today=TODAY)
    before, files = _dump(filled.paths), _evidence_files(filled.paths)
    real_insert, calls = storage.insert_rows, []

    def failing_insert(*args: object, **kwargs: object) -> None:
        calls.append(args)
        if len(calls) == 6:  # several tables of the register already written
            raise OSError("mất kết nối")
        real_insert(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(storage, "insert_rows", failing_insert)
    with pytest.raises(OSError, match="mất kết nối"):
        backup.restore_backup(filled.paths, archive, current=filled, actor=admin,
                              username=None, secret=None)
    monkeypatch.setattr(storage, "insert_rows", real_insert)
    assert len(calls) == 6
    assert _dump(filled.paths) == before
    assert _evidence_files(filled.paths) == files
    assert not list(filled.paths.root.glob(".khoi-phuc-*"))
    assert check_data_folder(filled, admin).ok


@server_only
def test_a_server_whose_data_cannot_be_backed_up_is_not_restored_over(
        filled: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A data folder keeps such data in clear beside the restored one; a server cannot:
    the restore is refused and the server's own backups named."""
    archive = backup.make_backup(filled, admin, tmp_path / "b.svpbak").path
    before = _dump(filled.paths)

    def damaged(*_args: object, **_kwargs: object) -> None:
        raise DataFolderError("Cơ sở dữ liệu đang bị lỗi")

    monkeypatch.setattr(backup, "_write", damaged)
    with pytest.raises(DataFolderError, match="pg_restore"):
        backup.restore_backup(filled.paths, archive, current=filled, actor=admin,
                              username=None, secret=None)
    assert _dump(filled.paths) == before


def _waiting_for_a_lock(url: str) -> bool:
    """Whether a connection to the server waits for an advisory lock."""
    engine = make_server_engine(server_url(url), pool=NullPool)
    try:
        with engine.connect() as connection:
            return bool(connection.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ).scalar_one())
    finally:
        engine.dispose()


@server_only
def test_a_case_saved_on_another_pc_during_a_restore_is_saved_after_it(
        filled: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved between the safety backup and the replacement, a write would be in neither:
    it waits until the restore has committed, then lands on the restored register."""
    archive = backup.make_backup(filled, admin, tmp_path / "b.svpbak").path
    other = open_database(DataPaths(tmp_path / "may-hai", filled.paths.server))
    other_admin = accounts.authenticate(other, "admin", ADMIN_PASSWORD)
    real_replace, writers, outcome = storage.replace_server_contents, [], []

    def save() -> None:
        try:
            outcome.append(cases.create_case(other, other_admin, make_case(
                summary="Ghi trong lúc khôi phục"), today=TODAY))
        except Exception as exc:  # checked below
            outcome.append(exc)

    def replace_while_another_writes(*args: object, **kwargs: object) -> None:
        writer = threading.Thread(target=save)
        writer.start()
        writers.append(writer)
        # Until its write is done, or waiting for the restore to end.
        while writer.is_alive() and not _waiting_for_a_lock(filled.paths.server or ""):
            writer.join(0.05)
        real_replace(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(storage, "replace_server_contents", replace_while_another_writes)
    try:
        backup.restore_backup(filled.paths, archive, current=filled, actor=admin,
                              username=None, secret=None)
    finally:
        for writer in writers:
            writer.join()
        other.dispose()
    assert len(outcome) == 1 and not isinstance(outcome[0], Exception), outcome
    db = open_unlocked(filled.paths)
    try:
        with db.read() as session:
            summaries = set(session.execute(select(Case.summary)).scalars())
        assert "Ghi trong lúc khôi phục" in summaries
        assert check_data_folder(db, accounts.authenticate(db, "admin", ADMIN_PASSWORD)).ok
    finally:
        db.dispose()


@server_only
def test_a_restore_waits_for_a_write_under_way_then_is_refused_in_vietnamese(
        filled: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another PC's write transaction that does not end: the restore does not hang, it
    says why and leaves the register as it was; the write still lands."""
    archive = backup.make_backup(filled, admin, tmp_path / "b.svpbak").path
    before = _dump(filled.paths)
    monkeypatch.setattr(register_lock, "WAIT", "200ms")
    other = open_unlocked(DataPaths(tmp_path / "may-hai", filled.paths.server))
    try:
        with other.write() as session:
            with pytest.raises(UserError, match="Máy khác đang ghi dữ liệu"):
                backup.restore_backup(filled.paths, archive, current=filled, actor=admin,
                                      username=None, secret=None)
            settings.write_value(session, "ghi_thu", {"may": 2})
        with other.read() as session:
            assert settings.read_value(session, "ghi_thu") == {"may": 2}
    finally:
        other.dispose()
    after = _dump(filled.paths)
    assert {table: rows for table, rows in after.items() if table != "settings"} == {
        table: rows for table, rows in before.items() if table != "settings"}
    assert check_data_folder(filled, admin).ok


def _case_contents(paths: DataPaths) -> list[tuple[object, ...]]:
    """The register's cases as a user reads them, whatever the engine."""
    return [row[1:] for row in _dump(paths)["cases"]]


@server_only
def test_an_office_moves_its_data_folder_to_the_server_and_back(
        db: Database, tmp_path: Path) -> None:
    """A data folder's backup restored into the server (over what `init` put there), then
    the server's backup restored into a new data folder: `check` clean each time, every
    case as it was."""
    folder = DataPaths(tmp_path / "van-phong")
    office = setup.init_data_folder(folder, "admin", ADMIN_PASSWORD)
    _fill(office, accounts.authenticate(office, "admin", ADMIN_PASSWORD), tmp_path)
    kept = _case_contents(folder)
    moving = backup.make_backup(office, accounts.authenticate(office, "admin", ADMIN_PASSWORD),
                                tmp_path / "chuyen.svpbak").path
    office.dispose()

    server_admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    restored = backup.restore_backup(db.paths, moving, current=db, actor=server_admin,
                                     username="admin", secret=ADMIN_PASSWORD)
    assert (restored.cases, restored.evidence_files) == (3, 3)
    assert _case_contents(db.paths) == kept
    server = open_database(db.paths)
    try:
        actor = accounts.authenticate(server, "admin", ADMIN_PASSWORD)
        report = check_data_folder(server, actor)
        assert report.ok and report.evidence_checked == 3, report.problems
        cases.create_case(server, actor, make_case(summary="Ghi trên máy chủ"), today=TODAY)
        back = backup.make_backup(server, actor, tmp_path / "ve.svpbak").path
    finally:
        server.dispose()

    returned = DataPaths(tmp_path / "lai-thu-muc")
    backup.restore_backup(returned, back, current=None, actor=None, username="admin",
                          secret=ADMIN_PASSWORD)
    assert _case_contents(returned) == _case_contents(db.paths)
    assert len(_case_contents(returned)) == 4
    # The folder holds the evidence as files and the key file beside its database.
    assert (_dump(returned)["evidence_chunks"], _dump(returned)["key_file"]) == ([], [])
    assert len(_evidence_files(returned)) == 3 and returned.keys.is_file()
    again = open_database(returned)
    try:
        report = check_data_folder(again, accounts.authenticate(again, "admin", ADMIN_PASSWORD))
        assert report.ok and report.evidence_checked == 3, report.problems
    finally:
        again.dispose()


def test_an_upgrade_is_preceded_by_a_copy_of_the_register_on_either_engine(
        filled: Database, admin: Actor) -> None:
    """A register of an earlier version (here: one migration behind) is copied, encrypted,
    into backups/ before the migrations run: a data folder's file or a server's rows."""
    paths, data_key = filled.paths, filled.data_key
    with filled.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        alembic_command.downgrade(config, "-1")
    earlier = current_revision(filled.engine)
    filled.dispose()
    db = open_database(paths)
    try:
        db.unlock(data_key)
        assert current_revision(db.engine) == HEAD_REVISION
    finally:
        db.dispose()
    [copy] = paths.backups.glob(f"truoc-nang-cap-{earlier}-*.sqlite3")
    assert not encryption.is_plain(copy)
    with storage.opened_copy(copy, data_key) as engine:
        assert current_revision(engine) == earlier
        assert storage.storage_problems(engine) == []
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM cases").scalar() == 3
