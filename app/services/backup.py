"""Backups: one encrypted file (`backup_archive.py`) with a consistent, checked copy of
the database, the evidence files, the reports sent and the window preferences; restoring
one, all or nothing; the automatic backups and their rotation.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from app.db import Database, copies, encryption, open_database, storage
from app.db.migrate import current_revision, known_revision
from app.db.swap import new_staging, swap_in
from app.domain.accounts import username_key
from app.domain.backup_rotation import backups_to_keep
from app.domain.labels import Role
from app.errors import DataFolderError, NotAllowed, UserError
from app.models import AuditEntry, Case, Evidence, User
from app.paths import DataPaths
from app.progress import CancelToken, Progress
from app.security import keys
from app.services import accounts, audit, backup_archive, settings, vault
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.backup_archive import SUFFIX, BackupHeader

AUTO_PREFIX = "tu-dong-"
LAST_OFFSITE_KEY = "last_offsite_backup"


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

    The copy of the database is checked (`storage.storage_problems`) before the file is
    written: a damaged database never produces a backup that would push out good ones.
    The file appears under its name only when complete.
    """
    actor.require(Permission.BACKUP)
    paths = db.paths
    if target is None:
        target = paths.backups / (f"{AUTO_PREFIX}{default_name()[9:]}" if automatic
                                  else default_name())
    target = target.expanduser()  # written under exactly this name (cli.md)
    _writable_folder(target.parent)
    data_key = db.data_key
    with _snapshot(db) as snapshot:
        with storage.opened_copy(snapshot, data_key) as engine:
            cases, evidence, revision = _contents(engine)
            with engine.connect() as connection:
                anchor = audit.anchor(connection)
        members = backup_archive.members(paths, snapshot, evidence)
        wraps = vault.sealed_copies(paths)
        header = backup_archive.encode_header(revision, keys.key_id(data_key), cases,
                                              len(evidence), wraps, audit_anchor=anchor)
        backup_archive.write_archive(target, header, data_key, members, progress, token)
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
def _snapshot(db: Database) -> Iterator[Path]:
    """A consistent copy of the database, checked, removed when the block ends."""
    with storage.snapshot(db.engine, db.paths.backups, db.data_key) as copy:
        with storage.opened_copy(copy, db.data_key) as engine:
            problems = storage.storage_problems(engine)
        if problems:
            raise DataFolderError(
                "Cơ sở dữ liệu đang bị lỗi. Không sao lưu để bản lỗi không thay chỗ các bản "
                "sao lưu tốt. Hãy chạy «Kiểm tra dữ liệu» và báo quản trị; có thể khôi phục "
                "từ bản sao lưu gần nhất.\n" + "\n".join(problems[:3]))
        yield copy


def _contents(snapshot: Engine) -> tuple[int, list[str], str]:
    """The snapshot's live cases, its evidence hashes and its schema revision."""
    with snapshot.connect() as conn:
        cases = conn.execute(select(func.count(Case.id))
                             .where(Case.deleted_at.is_(None))).scalar_one()
        evidence = list(conn.execute(select(Evidence.sha256).distinct()
                                     .order_by(Evidence.sha256)).scalars())
    revision = current_revision(snapshot)
    assert revision is not None, "a snapshot of an open register has a schema"
    return cases, evidence, revision


# ----------------------------------------------------------------------- automatic


def automatic_backup(db: Database, actor: Actor, now: datetime | None = None) -> BackupResult:
    """A backup into the data folder's backups/, then old automatic ones thinned out and
    the copies made before an upgrade removed (`app/db/copies.py`).

    Both happen only after the new backup was written from a database that passed its
    check, so a damaged database never pushes good backups out.
    """
    result = make_backup(db, actor, automatic=True)
    # Read back whole before older ones go.
    backup_archive.verify_backup(result.path, db.data_key)
    rotate(db.paths.backups, (now or datetime.now()).date())
    copies.remove_upgrade_copies(db.paths)
    return result


def _auto_backups(folder: Path) -> dict[datetime, Path]:
    """The automatic backups in `folder` by the moment their name says they were made."""
    found = {}
    for path in folder.glob(f"{AUTO_PREFIX}*{SUFFIX}"):
        with suppress(ValueError):
            found[datetime.strptime(path.name[len(AUTO_PREFIX):-len(SUFFIX)],
                                    "%Y%m%d-%H%M%S")] = path
    return found


def rotate(folder: Path, day: date) -> list[Path]:
    """Remove the automatic backups that `backups_to_keep` does not keep on `day`.
    Returns the removed files."""
    made = _auto_backups(folder)
    kept = backups_to_keep(made, day)
    removed = [path for when, path in sorted(made.items(), reverse=True) if when not in kept]
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
    header = backup_archive.read_header(path)
    _refuse_newer(header)
    data_key = _backup_key(header, current, username, secret)
    staging = new_staging(paths)
    safety = _unused(paths.backups / f"{copies.RESTORE_PREFIX}{datetime.now():%Y%m%d-%H%M%S}")
    sealed: Path | None = None
    try:
        backup_archive.unpack(path, data_key, staging, progress=progress, token=token)
        if encryption.is_plain(staging / backup_archive.DATABASE_MEMBER):
            # Made before the database was encrypted: it is, before it goes anywhere.
            encryption.encrypt_file(staging / backup_archive.DATABASE_MEMBER, data_key)
        with storage.opened_copy(staging / backup_archive.DATABASE_MEMBER, data_key) as engine:
            if storage.storage_problems(engine):
                raise backup_archive.damaged(path)
            if current is None:
                _check_account(engine, username, secret)
        backup_archive.arrange(staging)
        vault.keyfile_for_restore(staging / paths.keys.name, header.key_id, header.wraps)
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


def _backup_key(header: BackupHeader, db: Database | None, username: str | None,
                secret: str | None) -> bytes:
    """The key of a backup: the open folder's own when they share one, else unsealed with
    an account's password at the time of the backup, or the recovery key."""
    if db is not None and vault.unlocked_with(db, header.key_id):
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


def _seal(current: Database, actor: Actor, target: Path, progress: Progress | None,
          token: CancelToken | None) -> Path | None:
    """The data about to be replaced, as an encrypted backup read back whole; None when it
    cannot be backed up (a damaged database: its parts are then kept as they are)."""
    try:
        written = make_backup(current, actor, target, progress=progress, token=token).path
    except UserError:
        return None
    try:
        backup_archive.verify_backup(written, current.data_key)
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
    if not known_revision(header.revision):
        raise DataFolderError(
            f"Bản sao lưu được tạo bởi phiên bản mới hơn ({header.app_version}) của chương "
            "trình. Hãy cài phiên bản mới nhất rồi khôi phục.")


def _check_account(staged: Engine, username: str | None, secret: str | None) -> None:
    """On an empty folder the backup's own accounts decide: an administrator's password
    (the recovery key was already checked by opening the backup). The name is matched as
    at sign-in (`username_key`)."""
    if username is None:
        return
    key = username_key(username)
    with staged.connect() as conn:
        # Only these columns: a backup made by an older version restores too.
        users = conn.execute(select(User.username, User.password_hash, User.role,
                                    User.active)).all()
    found = next((user for user in users if username_key(user.username) == key), None)
    if found is None or not accounts.password_matches(found.password_hash, secret or ""):
        raise NotAllowed(f"Tài khoản «{username}» hoặc mật khẩu không đúng với bản sao lưu.")
    if found.role != Role.ADMIN or not found.active:
        raise NotAllowed(f"Tài khoản «{username}» không phải quản trị viên trong bản sao lưu: "
                         "chỉ quản trị viên được khôi phục dữ liệu.")
