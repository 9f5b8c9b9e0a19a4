"""Backups: one encrypted file with a consistent copy of the database (SQLite's online
backup API), the evidence files, the reports sent and the window preferences; and
restoring one, all or nothing.

File layout: `MAGIC`, the header's length (4 bytes) and the header (JSON: when, which
version, the data key's fingerprint and its wraps), then a tar stream encrypted with
the data key (`app/security/cipher.py`), authenticated together with the header. The
tar ends with a manifest of every member's SHA-256. The wraps let a backup be opened
with the password an account had when it was made, or with the recovery key, on a
reinstalled PC.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import struct
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, BinaryIO

from sqlalchemy import func, select

from app import __version__
from app.db import Database, copies, open_database
from app.db.migrate import alembic_config
from app.db.swap import new_staging, swap_in
from app.domain.labels import Role
from app.errors import DataFolderError, NotAllowed, UserError
from app.models import AuditEntry, Case, Evidence
from app.paths import DataPaths
from app.security import keys
from app.security.cipher import DecryptingReader, DecryptionError, Encryptor
from app.services import accounts, audit, settings, vault
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.evidence_store import stored_path
from app.services.progress import CancelToken, Progress, no_progress

MAGIC = b"SVPBAK\x00\x01"
FORMAT = 1
SUFFIX = ".svpbak"
AUTO_PREFIX = "tu-dong-"
DATABASE_MEMBER = "database/sovipham.sqlite3"
MANIFEST_MEMBER = "manifest.json"
LAST_OFFSITE_KEY = "last_offsite_backup"
COPY_CHUNK = 1 << 20
# Generations kept of automatic backups: the newest of each of the last 7 days,
# 5 weeks and 12 months.
KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 5, 12
_EVIDENCE_MEMBER = re.compile(r"evidence/[0-9a-f]{2}/[0-9a-f]{64}")
_REPORT_MEMBER = re.compile(r"reports/[^/\\:\x00-\x1f]{1,200}")
_PREFERENCES = "giao-dien.ini"


def _damaged(path: Path) -> UserError:
    return UserError(f"Tệp «{path.name}» không phải bản sao lưu của chương trình, bị hỏng hoặc "
                     "đã bị sửa (không giải mã, kiểm tra được). Không có gì bị thay đổi; hãy "
                     "dùng một bản sao lưu khác.")


@dataclass(frozen=True)
class BackupHeader:
    created_at: datetime
    app_version: str
    revision: str
    key_id: str
    cases: int
    evidence_files: int
    wraps: list[dict[str, object]]
    raw: bytes  # as stored: authenticated with the content


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    cases: int
    evidence_files: int


@dataclass(frozen=True)
class RestoreResult:
    cases: int
    evidence_files: int
    created_at: datetime
    # The data replaced: an encrypted backup; its parts in clear when its database failed
    # the check; None when the folder had no data.
    safety_copy: Path | None

    @property
    def safety_note(self) -> str | None:
        if self.safety_copy is None:
            return None
        if self.safety_copy.suffix == SUFFIX:
            return f"Dữ liệu trước khi khôi phục được giữ trong bản sao lưu {self.safety_copy}."
        return (f"Dữ liệu trước khi khôi phục bị lỗi nên không sao lưu mã hóa được; được giữ "
                f"nguyên (chưa mã hóa) ở {self.safety_copy}. Hãy xem lại rồi xóa thư mục này "
                "khi không còn cần.")


# ---------------------------------------------------------------------------- writing


def default_name(now: datetime | None = None) -> str:
    return f"sovipham-{(now or datetime.now()):%Y%m%d-%H%M%S}{SUFFIX}"


def make_backup(db: Database, actor: Actor, target: Path | None = None, *,
                progress: Progress | None = None, token: CancelToken | None = None,
                automatic: bool = False) -> BackupResult:
    """Write a backup to `target` (default: the data folder's backups/).

    The copy of the database is checked (`integrity_check`, foreign keys) before the
    file is written: a damaged database never produces a backup that would push out
    good ones. The file appears under its name only when complete.
    """
    actor.require(Permission.BACKUP)
    paths = db.paths
    if target is None:
        target = paths.backups / (f"{AUTO_PREFIX}{default_name()[9:]}" if automatic
                                  else default_name())
    target = target.expanduser()  # written under exactly this name (cli.md)
    _writable_folder(target.parent)
    data_key = db.data_key
    with _snapshot(paths) as snapshot:
        cases, evidence, revision = _contents(snapshot)
        members = _members(paths, snapshot, evidence)
        total = sum(size for _, _, size in members)
        header = _header(db, revision, data_key, cases, len(evidence))
        _write_archive(target, header, data_key, members, total, progress or no_progress,
                       token)
    size = target.stat().st_size
    with db.write() as session:
        if not _inside(target, paths.backups):
            settings.write_value(session, LAST_OFFSITE_KEY, datetime.now(UTC).isoformat())
        audit.record(session, actor.username, AuditAction.BACKUP,
                     detail={"file": target.name, "automatic": automatic, "size": size,
                             "cases": cases, "evidence_files": len(evidence)})
    return BackupResult(target, size, cases, len(evidence))


def _writable_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Không tạo được thư mục «{folder}» để ghi bản sao lưu: "
                        f"{exc.strerror}. Hãy chọn thư mục khác (USB đã cắm chưa?).") from exc


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


@contextmanager
def _snapshot(paths: DataPaths) -> Iterator[Path]:
    """A consistent copy of the database, checked, removed when the block ends."""
    paths.backups.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=paths.backups, prefix=copies.SNAPSHOT_PREFIX,
                                    suffix=".sqlite3")
    os.close(handle)
    copy = Path(name)
    try:
        source = sqlite3.connect(paths.database)
        try:
            dest = sqlite3.connect(copy)
            try:
                source.backup(dest)
                problems = _storage_problems(dest)
            finally:
                dest.close()
        finally:
            source.close()
        if problems:
            raise DataFolderError(
                "Cơ sở dữ liệu đang bị lỗi (" + "; ".join(problems[:3]) + "). Không sao lưu "
                "để bản lỗi không thay chỗ các bản sao lưu tốt. Hãy chạy «Kiểm tra dữ liệu» "
                "và báo quản trị; có thể khôi phục từ bản sao lưu gần nhất.")
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def _storage_problems(connection: sqlite3.Connection) -> list[str]:
    try:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            return result
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        return [f"{len(broken)} liên kết hỏng"] if broken else []
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def _contents(snapshot: Path) -> tuple[int, list[str], str]:
    """The snapshot's live cases, its evidence hashes and its schema revision."""
    connection = sqlite3.connect(snapshot)
    try:
        cases = connection.execute(
            "SELECT count(*) FROM cases WHERE deleted_at IS NULL").fetchone()[0]
        evidence = [row[0] for row in connection.execute(
            "SELECT DISTINCT sha256 FROM evidence ORDER BY sha256")]
        revision = str(connection.execute("SELECT version_num FROM alembic_version")
                       .fetchone()[0])
    finally:
        connection.close()
    return cases, evidence, revision


def _members(paths: DataPaths, snapshot: Path, evidence: list[str]) -> list[tuple[str, Path, int]]:
    """(name in the archive, file, size) of everything the backup holds."""
    found = [(DATABASE_MEMBER, snapshot)]
    for sha256 in evidence:
        stored = stored_path(paths, sha256)
        if not stored.is_file():
            raise UserError(f"Thiếu tệp chứng cứ {sha256[:12]}… trong thư mục dữ liệu: không "
                            "sao lưu được đầy đủ. Hãy chạy «Kiểm tra dữ liệu».")
        found.append((f"evidence/{sha256[:2]}/{sha256}", stored))
    if paths.reports.is_dir():
        found += [(f"reports/{p.name}", p) for p in sorted(paths.reports.iterdir()) if p.is_file()]
    preferences = paths.root / _PREFERENCES
    if preferences.is_file():
        found.append((_PREFERENCES, preferences))
    return [(name, path, path.stat().st_size) for name, path in found]


def _header(db: Database, revision: str, data_key: bytes, cases: int,
            evidence: int) -> bytes:
    with db.read() as session:
        wraps = vault.sealed_copies(session)
    return json.dumps({
        "format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
        "app_version": __version__, "revision": revision,
        "key_id": keys.key_id(data_key), "cases": cases, "evidence_files": evidence,
        "wraps": wraps,
    }, ensure_ascii=False).encode()


class _Hashing:
    """Reads a file for tarfile while hashing it and reporting progress."""

    def __init__(self, handle: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._handle, self._on_read = handle, on_read
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.digest.update(data)
        self._on_read(len(data))
        return data


def _counter(total: int, progress: Progress | None,
             token: CancelToken | None) -> Callable[[int], None]:
    """Called with each count of bytes handled: reports progress, stops when cancelled."""
    report = progress or no_progress
    done = 0

    def advanced(count: int) -> None:
        nonlocal done
        if token is not None:
            token.raise_if_cancelled()
        done += count
        report(min(done, total), total)

    return advanced


def _write_archive(target: Path, header: bytes, data_key: bytes,
                   members: list[tuple[str, Path, int]], total: int, progress: Progress,
                   token: CancelToken | None) -> None:
    advanced = _counter(total, progress, token)
    prefix = MAGIC + struct.pack(">I", len(header)) + header
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-",
                                         suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(prefix)
            sealed = Encryptor(data_key, sink, aad=prefix)
            manifest: dict[str, dict[str, object]] = {}
            with tarfile.open(fileobj=sealed, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
                for name, path, size in members:
                    info = tarfile.TarInfo(name)
                    info.size = size
                    info.mtime = int(path.stat().st_mtime)
                    with path.open("rb") as source:
                        reader = _Hashing(source, advanced)
                        tar.addfile(info, reader)
                    manifest[name] = {"sha256": reader.digest.hexdigest(), "size": size}
                listing = json.dumps(manifest).encode()
                info = tarfile.TarInfo(MANIFEST_MEMBER)
                info.size = len(listing)
                tar.addfile(info, io.BytesIO(listing))
            sealed.close()
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temp, target)
    except OSError as exc:
        raise UserError(f"Không ghi được bản sao lưu «{target.name}»: {exc.strerror}. "
                        "Hãy kiểm tra chỗ trống trên ổ đĩa hoặc USB rồi thử lại.") from exc
    finally:
        temp.unlink(missing_ok=True)


# ----------------------------------------------------------------------- automatic


def automatic_backup(db: Database, actor: Actor, now: datetime | None = None) -> BackupResult:
    """A backup into the data folder's backups/, then old automatic ones thinned out and
    the copies made before an upgrade removed (`app/db/copies.py`).

    Both happen only after the new backup was written from a database that passed its
    check, so a damaged database never pushes good backups out.
    """
    result = make_backup(db, actor, automatic=True)
    verify_backup(result.path, db.data_key)  # read back whole before older ones go
    rotate(db.paths.backups, (now or datetime.now()).date())
    copies.remove_upgrade_copies(db.paths)
    return result


def _auto_backups(folder: Path) -> list[tuple[datetime, Path]]:
    found = []
    for path in folder.glob(f"{AUTO_PREFIX}*{SUFFIX}"):
        with suppress(ValueError):
            found.append((datetime.strptime(path.name[len(AUTO_PREFIX):-len(SUFFIX)],
                                            "%Y%m%d-%H%M%S"), path))
    return sorted(found, reverse=True)


def rotate(folder: Path, day: date) -> list[Path]:
    """Keep the newest automatic backup of each of the last days, weeks and months (and
    the newest of all); remove the others. Returns the removed files."""
    kept: set[Path] = set()
    seen: set[tuple[str, object]] = set()
    backups = _auto_backups(folder)
    for when, path in backups:
        age = (day - when.date()).days
        slots: list[tuple[str, object]] = []
        if age < KEEP_DAYS:
            slots.append(("day", when.date()))
        if age < KEEP_WEEKS * 7:
            slots.append(("week", when.isocalendar()[:2]))
        if (day.year - when.year) * 12 + day.month - when.month < KEEP_MONTHS:
            slots.append(("month", (when.year, when.month)))
        for slot in slots:
            if slot not in seen:
                seen.add(slot)
                kept.add(path)
    if backups:
        kept.add(backups[0][1])
    removed = [path for _, path in backups if path not in kept]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def needs_backup(db: Database) -> bool:
    """Whether the register changed (the log says so) since the last backup."""
    with db.read() as session:
        change = audit.last_change(session)
        last_backup = session.execute(select(func.max(AuditEntry.id)).where(
            AuditEntry.action == AuditAction.BACKUP)).scalar_one()
    return change is not None and (last_backup is None or change.id > last_backup)


def offsite_reminder(db: Database, now: datetime | None = None) -> str | None:
    """A reminder when no backup has left the PC (a file written outside the data
    folder, e.g. on a USB stick) for longer than the office's setting."""
    with db.read() as session:
        days = settings.read_office(session).offsite_backup_days
        last = settings.read_value(session, LAST_OFFSITE_KEY)
    moment = now or datetime.now(UTC)
    if last is not None and moment - datetime.fromisoformat(str(last)) <= timedelta(days=days):
        return None
    since = ("chưa có bản sao lưu nào được ghi ra ngoài máy" if last is None else
             "lần cuối sao lưu ra ngoài máy là ngày "
             f"{datetime.fromisoformat(str(last)).astimezone():%d/%m/%Y}")
    return (f"Nhắc sao lưu: {since}. Hãy chọn Tệp → Sao lưu… và ghi bản sao lưu ra USB "
            "hoặc ổ đĩa khác, phòng khi máy hỏng.")


# ------------------------------------------------------------------------- reading


def read_header(path: Path) -> BackupHeader:
    try:
        with path.open("rb") as handle:
            return _read_header(handle, path)
    except OSError as exc:
        raise UserError(f"Không mở được tệp «{path.name}»: {exc.strerror}.") from exc


def _read_header(handle: BinaryIO, path: Path) -> BackupHeader:
    start = handle.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or not start.startswith(MAGIC):
        raise _damaged(path)
    (length,) = struct.unpack(">I", start[len(MAGIC):])
    raw = handle.read(length) if length <= 1 << 22 else b""
    try:
        data = json.loads(raw)
        return BackupHeader(datetime.fromisoformat(data["created_at"]), str(data["app_version"]),
                            str(data["revision"]), str(data["key_id"]), int(data["cases"]),
                            int(data["evidence_files"]), list(data["wraps"]), start + raw)
    except (ValueError, KeyError, TypeError) as exc:
        raise _damaged(path) from exc


def _backup_key(header: BackupHeader, db: Database | None, username: str | None,
                secret: str | None) -> bytes:
    """The key of a backup: the open folder's own when they share one, else unsealed with
    an account's password at the time of the backup, or the recovery key."""
    if db is not None and db.unlocked and keys.key_id(db.data_key) == header.key_id:
        return db.data_key
    if secret is not None:
        # What was typed may be the account's password or the recovery key.
        for who in (username, None) if username else (None,):
            found = vault.open_sealed_copy(header.wraps, who, secret)
            if found is not None and keys.key_id(found) == header.key_id:
                return found
    who = "Khóa khôi phục" if username is None else f"Mật khẩu của «{username}»"
    raise NotAllowed(f"{who} không mở được bản sao lưu này (bản sao lưu của một thư mục dữ "
                     "liệu khác). Hãy nhập mật khẩu tài khoản lúc sao lưu, hoặc khóa khôi phục.")


def verify_backup(path: Path, data_key: bytes) -> BackupHeader:
    """Read a whole backup: every chunk decrypts and every member matches the manifest."""
    with tempfile.TemporaryDirectory() as scratch:
        return _extract(path, data_key, Path(scratch), keep=False)


def _extract(path: Path, data_key: bytes, into: Path, *, keep: bool,
             progress: Progress | None = None,
             token: CancelToken | None = None) -> BackupHeader:
    """Decrypt and unpack `path` into `into` (only checking, unless `keep`)."""
    advanced = _counter(path.stat().st_size, progress, token)
    hashes: dict[str, dict[str, object]] = {}
    manifest: dict[str, dict[str, object]] | None = None
    with path.open("rb") as handle:
        header = _read_header(handle, path)
        plain = DecryptingReader(data_key, handle, aad=header.raw, on_read=advanced)
        try:
            with tarfile.open(fileobj=plain, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    name = member.name
                    if manifest is not None or not member.isfile() or name in hashes:
                        raise _damaged(path)
                    source = tar.extractfile(member)
                    if source is None:
                        raise _damaged(path)
                    if name == MANIFEST_MEMBER:
                        manifest = json.loads(source.read(1 << 24))
                        continue
                    if not _allowed_member(name):
                        raise _damaged(path)
                    hashes[name] = {"sha256": _unpack(source, into / name if keep else None),
                                    "size": member.size}
        except (DecryptionError, tarfile.TarError, EOFError, ValueError) as exc:
            raise _damaged(path) from exc
    if manifest != hashes or DATABASE_MEMBER not in hashes:
        raise _damaged(path)
    return header


def _allowed_member(name: str) -> bool:
    return (name in (DATABASE_MEMBER, _PREFERENCES) or bool(_EVIDENCE_MEMBER.fullmatch(name))
            or (bool(_REPORT_MEMBER.fullmatch(name)) and name[8:] not in (".", "..")))


def _unpack(source: IO[bytes], target: Path | None) -> str:
    digest = hashlib.sha256()
    writer = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        writer = target.open("xb")
    try:
        while chunk := source.read(COPY_CHUNK):
            digest.update(chunk)
            if writer is not None:
                writer.write(chunk)
        if writer is not None:
            writer.flush()
            os.fsync(writer.fileno())
    finally:
        if writer is not None:
            writer.close()
    return digest.hexdigest()


# ----------------------------------------------------------------------- restoring


def restore_backup(paths: DataPaths, path: Path, *, current: Database | None,
                   actor: Actor | None, username: str | None, secret: str | None,
                   progress: Progress | None = None,
                   token: CancelToken | None = None) -> RestoreResult:
    """Replace the data folder's contents with the backup `path`, all or nothing.

    On a folder with data, `actor` (signed in there) needs the restore permission, and
    `current` is closed before the swap. On an empty folder, `username`/`secret` must be
    an administrator's password inside the backup, or (`username` None) the recovery key.
    The current contents are kept in backups/ as an encrypted safety copy.
    """
    if current is not None:
        if actor is None:
            raise NotAllowed("Cần đăng nhập để khôi phục dữ liệu.")
        actor.require(Permission.RESTORE)
    elif paths.database.exists():
        raise NotAllowed("Thư mục dữ liệu đã có dữ liệu: cần đăng nhập bằng tài khoản quản trị "
                         "của thư mục này để khôi phục đè lên.")
    header = read_header(path)
    _refuse_newer(header)
    data_key = _backup_key(header, current, username, secret)
    staging = new_staging(paths)
    safety = _unused(paths.backups / f"{copies.RESTORE_PREFIX}{datetime.now():%Y%m%d-%H%M%S}")
    sealed: Path | None = None
    try:
        _extract(path, data_key, staging, keep=True, progress=progress, token=token)
        _check_staged_database(staging / DATABASE_MEMBER, path)
        if current is None:
            _check_account(staging / DATABASE_MEMBER, username, secret)
        _arrange(staging)
        if current is not None and actor is not None:
            sealed = _seal(current, actor, copies.sealed_twin(safety), progress, token)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # From here on the staging folder is complete: a crash is finished at the next open
    # (which also removes the parts kept in clear, once sealed).
    had_data = paths.database.exists()
    if current is not None:
        current.dispose()
    swap_in(paths, staging, safety)
    if sealed is not None:
        shutil.rmtree(safety, ignore_errors=True)
    db = open_database(paths)
    try:
        db.unlock(data_key)
        who = actor.username if actor is not None else (username or "khóa khôi phục")
        with db.write() as session:
            audit.record(session, who, AuditAction.RESTORE,
                         detail={"file": path.name, "created_at": header.created_at.isoformat(),
                                 "safety": safety.name if had_data else None})
            cases = session.execute(select(func.count(Case.id)).where(
                Case.deleted_at.is_(None))).scalar_one()
            evidence = session.execute(
                select(func.count(func.distinct(Evidence.sha256)))).scalar_one()
    finally:
        db.dispose()
    return RestoreResult(cases, evidence, header.created_at,
                         (sealed or safety) if had_data else None)


def _seal(current: Database, actor: Actor, target: Path, progress: Progress | None,
          token: CancelToken | None) -> Path | None:
    """The data about to be replaced, as an encrypted backup read back whole; None when it
    cannot be backed up (a damaged database: its parts are then kept as they are)."""
    try:
        written = make_backup(current, actor, target, progress=progress, token=token).path
    except UserError:
        return None
    try:
        verify_backup(written, current.data_key)
    except BaseException:
        written.unlink(missing_ok=True)  # a folder in clear is then kept instead
        raise
    return written


def _unused(folder: Path) -> Path:
    candidate, number = folder, 1
    while candidate.exists() or copies.sealed_twin(candidate).exists():
        number += 1
        candidate = folder.with_name(f"{folder.name}-{number}")
    return candidate


def _refuse_newer(header: BackupHeader) -> None:
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if header.revision not in known:
        raise DataFolderError(
            f"Bản sao lưu được tạo bởi phiên bản mới hơn ({header.app_version}) của chương "
            "trình. Hãy cài phiên bản mới nhất rồi khôi phục.")


def _check_staged_database(database: Path, path: Path) -> None:
    connection = sqlite3.connect(database)
    try:
        problems = _storage_problems(connection)
    finally:
        connection.close()
    if problems:
        raise _damaged(path)


def _check_account(database: Path, username: str | None, secret: str | None) -> None:
    """On an empty folder the backup's own accounts decide: an administrator's password
    (the recovery key was already checked by opening the backup)."""
    if username is None:
        return
    connection = sqlite3.connect(database)
    try:
        row = connection.execute(
            "SELECT password_hash, role, active FROM users WHERE lower(username) = ?",
            (username.casefold(),)).fetchone()
    finally:
        connection.close()
    if row is None or not accounts.password_matches(row[0], secret or ""):
        raise NotAllowed(f"Tài khoản «{username}» hoặc mật khẩu không đúng với bản sao lưu.")
    if row[1] != Role.ADMIN or not row[2]:
        raise NotAllowed(f"Tài khoản «{username}» không phải quản trị viên trong bản sao lưu: "
                         "chỉ quản trị viên được khôi phục dữ liệu.")


def _arrange(staging: Path) -> None:
    """Lay the unpacked members out as the data folder's own parts."""
    os.replace(staging / DATABASE_MEMBER, staging / Path(DATABASE_MEMBER).name)
    (staging / "database").rmdir()
    for folder in ("evidence", "reports"):
        (staging / folder).mkdir(exist_ok=True)
