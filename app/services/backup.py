"""Backups: one encrypted file (`backup_archive.py`) with a consistent, checked copy of
the database, the evidence files, the reports sent and the window preferences; restoring
one, all or nothing; the automatic backups and their rotation.

Who: making and restoring a backup by hand is for administrators (`Permission.BACKUP`,
`RESTORE`); the automatic backups run in every session, the program making them. Any
session can seal a backup (to P, public), only the administrators' key A opens one.

What a restore accepts (the rule against a forged backup; everyone holds the data key
and can write any file, so only what A signs is trusted):
- a backup made in an administrator's session carries a MAC with A over its header
  (which holds its file key): checked with A, refused when it does not match;
- a backup made in another session (automatic, an officer's) carries no MAC: its
  database must hold an accounts seal (`accounts_seal.py`) that A made over exactly the
  accounts inside and the wraps in its header, else it is refused. Such a backup can
  hold nothing an officer could not already write into the live database with the data
  key (cases, settings; the log's own MACs he cannot forge); it cannot change who is
  administrator, nor add a wrap;
- a backup of format 1 (made before this rule) cannot be checked: it opens only with an
  administrator's password of that time or the recovery key, typed (never silently with
  the open folder's keys), and the restored folder keeps only the wrap that opened it,
  so every other account of that backup needs a password reset by an administrator.

In server mode the database in a backup is the same kind of file (`storage.copy_database`
reads the server's rows at one moment), and what a server keeps in its database that a
folder keeps as files (the evidence, the key file) goes in as the folder's would
(`_set_apart`), so the archive's format does not change, and a backup restores into a
data folder or a server whichever it was made from: a restore on a
server replaces the server's rows in one transaction after the safety backup (refused when
the data it would replace cannot be backed up: a server keeps no parts in clear), then
swaps the folder's own parts in as for a data folder.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from app.db import Database, chunks, copies, encryption, key_store, open_database, storage
from app.db.migrate import current_revision, known_revision
from app.db.swap import new_staging, swap_in
from app.domain.accounts import username_key
from app.domain.backup_rotation import backups_to_keep
from app.domain.labels import Role
from app.errors import DataFolderError, NotAllowed, UserError
from app.models import AuditEntry, Case, Evidence, EvidenceChunk, KeyFileRecord, User
from app.paths import DataPaths
from app.progress import CancelToken, Progress
from app.security import keys, sealing
from app.security.keyfile import KeyFile, SealedCopy, account_tag
from app.security.keys import Wrap
from app.services import accounts_seal, audit, backup_archive, documents, settings, vault
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
    # Accounts in use in the restored data that cannot sign in until an administrator
    # resets their password (the backup holds only administrators' wraps).
    accounts_to_reset: tuple[str, ...] = ()

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


NOT_READY = ("Chưa sao lưu được trong phiên này: quản trị viên cần đăng nhập một lần (sau khi "
             "cập nhật chương trình hoặc thay khóa mã hóa) để chương trình có khóa sao lưu và "
             "niêm phong danh sách người dùng.")


def make_backup(db: Database, actor: Actor, target: Path | None = None, *,
                progress: Progress | None = None,
                token: CancelToken | None = None) -> BackupResult:
    """Write a backup by hand (administrators) to `target` (default: the data folder's
    backups/).

    The copy of the database is checked (`storage.snapshot`) while the file is
    written, and the file appears under its name only when complete and the check
    passed: a damaged database never produces a backup that would push out good ones.
    """
    actor.require(Permission.BACKUP)
    return _write(db, actor, target, automatic=False, progress=progress, token=token)[0]


def _write(db: Database, actor: Actor, target: Path | None, *, automatic: bool,
           progress: Progress | None = None,
           token: CancelToken | None = None) -> tuple[BackupResult, bytes]:
    """The backup and its file key (to read it back)."""
    paths = db.paths
    if target is None:
        target = paths.backups / (f"{AUTO_PREFIX}{default_name()[9:]}" if automatic
                                  else default_name())
    target = target.expanduser()  # written under exactly this name (cli.md)
    _writable_folder(target.parent)
    data_key, admin_key = db.data_key, db.admin_key
    with _snapshot(db) as snapshot, _set_apart(db, snapshot.path) as stored_in:
        with snapshot.opened(data_key) as engine:
            cases, evidence, revision = _contents(engine)
            with engine.connect() as connection:
                sealed_copies, public_key, admin_key_id = _sealed_for(db, connection)
                anchor = audit.anchor(connection)
        members = backup_archive.members(paths, snapshot.path, evidence, stored_in)
        file_key = keys.new_data_key()
        header = backup_archive.encode_header(
            revision, keys.key_id(data_key), admin_key_id, cases, len(evidence),
            sealed_copies, sealing.seal_file_key(public_key, file_key), automatic=automatic,
            audit_anchor=anchor)
        mac = None if admin_key is None else sealing.mac(
            admin_key, sealing.MacPurpose.BACKUP, backup_archive.signed_part(header))
        backup_archive.write_archive(target, backup_archive.prefix(header, mac), file_key,
                                     members, progress, token,
                                     before_publishing=snapshot.checked)
    size = target.stat().st_size
    with db.write() as session:
        if not _inside(target, paths.backups):
            settings.write_value(session, LAST_OFFSITE_KEY, datetime.now(UTC).isoformat())
        audit.record(session, actor.username, AuditAction.BACKUP,
                     detail={"file": target.name, "automatic": automatic, "size": size,
                             "cases": cases, "evidence_files": len(evidence)})
    return BackupResult(target, size, cases, len(evidence)), file_key


def _sealed_for(db: Database, snapshot: Connection) -> tuple[list[SealedCopy], bytes, str]:
    """The wraps a backup's header carries, the key P its file key is sealed to, and A's
    fingerprint. An administrator's session takes them from A and the key file (the
    active administrators' wraps); another session from the accounts seal in the copied
    database, which its restore checks against them, and P from the key file."""
    if db.admin_key is not None:
        administrators = accounts_seal.administrators(accounts_seal.accounts_of(snapshot))
        return (vault.administrators_copies(vault.load(db.paths), administrators),
                sealing.backup_public_key(db.admin_key), keys.key_id(db.admin_key))
    found, seal = vault.load(db.paths), accounts_seal.read(snapshot)
    if not _can_seal(found, seal, db.data_key):
        raise UserError(NOT_READY)
    assert seal is not None and found.backup_key is not None and found.admin_key_id
    return list(seal.copies), found.backup_key, found.admin_key_id


def _can_seal(found: KeyFile, seal: accounts_seal.AccountsSeal | None,
              data_key: bytes) -> bool:
    """Whether a session without A can seal a backup: it needs P and the accounts seal of
    this data key, which an administrator's sign-in writes."""
    return (seal is not None and seal.data_key_id == keys.key_id(data_key)
            and found.backup_key is not None and found.admin_key_id is not None)


def not_ready(db: Database) -> str | None:
    """Why this session cannot make a backup, or None."""
    if db.admin_key is not None:
        return None
    with db.read() as session:
        seal = accounts_seal.read(session)
    return None if _can_seal(vault.load(db.paths), seal, db.data_key) else NOT_READY


def _writable_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Không tạo được thư mục «{folder}» để ghi bản sao lưu: "
                        f"{exc.strerror}. Hãy chọn thư mục khác (USB đã cắm chưa?).") from exc


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


@contextmanager
def _snapshot(db: Database) -> Iterator[storage.Snapshot]:
    """A consistent copy of the database, removed when the block ends; its check's
    problems (`Snapshot.checked`) refuse the backup."""
    try:
        with storage.snapshot(db.engine, db.paths.backups, db.data_key) as copy:
            if db.on_server:
                copy.checked()  # before `_set_apart` rewrites it
            yield copy
    except storage.DamagedCopy as damaged:
        raise DataFolderError(
            "Cơ sở dữ liệu đang bị lỗi. Không sao lưu để bản lỗi không thay chỗ các bản "
            "sao lưu tốt. Hãy chạy «Kiểm tra dữ liệu» và báo quản trị; có thể khôi phục "
            "từ bản sao lưu gần nhất.\n" + "\n".join(damaged.problems[:3])) from None


# What a server keeps in its database that a data folder keeps as files: a backup holds
# them as a data folder's (its evidence files; the key file rebuilt from its header), so
# that it restores into either.
_KEPT_AS_FILES = (EvidenceChunk.__tablename__, KeyFileRecord.__tablename__)


@contextmanager
def _set_apart(db: Database, snapshot: Path) -> Iterator[Path | None]:
    """A server's snapshot: its evidence written out beside it as the files a data folder
    holds (the same encrypted bytes), then its rows of `_KEPT_AS_FILES` removed. The
    folder of those files (removed when the block ends); None for a data folder."""
    if not db.on_server:
        yield None
        return
    folder = Path(tempfile.mkdtemp(dir=snapshot.parent, prefix=f"{snapshot.name}-"))
    try:
        with storage.opened_copy(snapshot, db.data_key) as engine, engine.connect() as conn:
            for sha256 in chunks.hashes(conn):
                with (folder / sha256).open("xb") as target:
                    shutil.copyfileobj(chunks.PartsReader(conn, sha256), target)
        storage.leave_out(snapshot, db.data_key, _KEPT_AS_FILES)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _contents(snapshot: Engine) -> tuple[int, list[str], str]:
    """The snapshot's live cases, its stored files' hashes and its schema revision."""
    with snapshot.connect() as conn:
        cases = conn.execute(select(func.count(Case.id))
                             .where(Case.deleted_at.is_(None))).scalar_one()
        # The register's signed copies are stored beside the evidence (documents.py).
        evidence = sorted({*conn.execute(select(Evidence.sha256)).scalars(),
                           *conn.execute(documents.signed_copy_hashes()).scalars()})
    revision = current_revision(snapshot)
    assert revision is not None, "a snapshot of an open register has a schema"
    return cases, evidence, revision


# ----------------------------------------------------------------------- automatic


def automatic_backup(db: Database, actor: Actor, now: datetime | None = None) -> BackupResult:
    """A backup into the data folder's backups/, made by the program whoever `actor` is
    (logged as automatic, under the account signed in), then old automatic ones thinned
    out and the copies made before an upgrade removed (`app/db/copies.py`).

    Both happen only after the new backup was written from a database that passed its
    check, so a damaged database never pushes good backups out.
    """
    result, file_key = _write(db, actor, None, automatic=True)
    # Read back whole before older ones go.
    backup_archive.verify_backup(result.path, file_key)
    rotate(db.paths.backups, (now or datetime.now()).date())
    copies.remove_upgrade_copies(db.paths)
    storage.empty_wal(db.engine)  # the audit chain's spent keys go with the log's old frames
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
    return (f"Nhắc sao lưu: {since}. Quản trị viên hãy chọn Tệp → Sao lưu… và ghi bản sao "
            "lưu ra USB hoặc ổ đĩa khác, phòng khi máy hỏng.")


def key_reminder(db: Database, actor: Actor) -> str | None:
    """What keeps backups from being made or opened as they should: a session that cannot
    seal them yet; for an administrator, a wrap without the administrators' key (made
    before there was one) or a recovery key of that time, which cannot open them."""
    if (reason := not_ready(db)) is not None:
        return reason
    if actor.role != Role.ADMIN:
        return None
    if db.admin_key is None:
        return ("Người dùng quản trị của bạn được niêm phong trước khi có khóa quản trị nên "
                "chưa mở được bản sao lưu: hãy nhờ một quản trị viên khác đặt lại mật khẩu "
                "cho bạn.")
    recovery = vault.load(db.paths).recovery
    if recovery is not None and not recovery.holds_admin_key:
        return ("Khóa khôi phục của thư mục dữ liệu được làm trước khi có khóa quản trị nên "
                "không mở được các bản sao lưu mới: hãy tạo khóa khôi phục mới ở Quản trị → "
                "Người dùng → Khóa khôi phục mới….")
    return None


# ----------------------------------------------------------------------- restoring


def restore_backup(paths: DataPaths, path: Path, *, current: Database | None,
                   actor: Actor | None, username: str | None, secret: str | None,
                   progress: Progress | None = None,
                   token: CancelToken | None = None) -> RestoreResult:
    """Replace the data folder's contents with the backup `path`, all or nothing.

    On a folder with data, `actor` (signed in there) needs the restore permission, and
    `current` is closed before the swap; a backup of its own keys opens with the session's
    administrators' key, another with `secret`. On an empty folder, `username`/`secret`
    must be an administrator's password inside the backup, or (`username` None) the
    recovery key. Whether the backup is accepted: the module's docstring. The current
    contents are kept in backups/ as an encrypted safety copy.
    """
    if current is not None:
        if actor is None:
            raise NotAllowed("Cần đăng nhập để khôi phục dữ liệu.")
        actor.require(Permission.RESTORE)
    elif has_data(paths):
        raise NotAllowed(
            ("Cơ sở dữ liệu trên máy chủ" if paths.server is not None else "Thư mục dữ liệu")
            + " đã có dữ liệu: cần đăng nhập với vai trò Quản trị để khôi phục đè lên.")
    header = backup_archive.read_header(path)
    _refuse_newer(header)
    opened = _open(header, current, username, secret)
    content_key = _content_key(path, header, opened.keys)
    data_key = opened.keys.data
    staging = new_staging(paths)
    safety = _unused(paths.backups / f"{copies.RESTORE_PREFIX}{datetime.now():%Y%m%d-%H%M%S}")
    sealed: Path | None = None
    try:
        backup_archive.unpack(path, content_key, staging, progress=progress, token=token)
        if encryption.is_plain(staging / backup_archive.DATABASE_MEMBER):
            # Made before the database was encrypted: it is, before it goes anywhere.
            encryption.encrypt_file(staging / backup_archive.DATABASE_MEMBER, data_key)
        with storage.opened_copy(staging / backup_archive.DATABASE_MEMBER, data_key) as engine:
            if storage.storage_problems(engine):
                raise backup_archive.damaged(path)
            with engine.begin() as connection:
                if header.legacy:
                    # Nothing an older version wrote can vouch for the accounts: the next
                    # administrator's sign-in seals them under the folder's new key.
                    accounts_seal.discard(connection)
                elif header.mac is None:
                    _check_accounts_seal(connection, header, opened.keys)
                if current is None and opened.username is not None:
                    _check_account(connection, opened.username)
                users = _users(connection)
        backup_archive.arrange(staging)
        restored_copies, carried = _restored_wraps(header, opened, current, users)
        vault.restored_key_file(staging / paths.keys.name, header.key_id,
                                None if header.legacy else opened.keys.admin,
                                restored_copies, carried)
        # On a server, other PCs' writes wait from before the safety backup until the
        # replacement: none falls between the two.
        with current.alone() if current is not None else nullcontext():
            if current is not None and actor is not None:
                sealed = _seal(current, actor, copies.sealed_twin(safety), progress, token)
            if paths.server is not None:
                had_data = current is not None
                _replace_on_server(paths, current, sealed, staging, data_key)
            else:
                had_data = paths.database.exists()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # From here on the staging folder is complete: a crash is finished at the next open
    # (which also removes the parts kept in clear, once sealed).
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
                                 "format": header.format,
                                 "safety": safety.name if had_data else None})
            cases = session.execute(select(func.count(Case.id)).where(
                Case.deleted_at.is_(None))).scalar_one()
            evidence = session.execute(
                select(func.count(func.distinct(Evidence.sha256)))).scalar_one()
    finally:
        db.dispose()
    wrapped = {copy.account for copy in restored_copies} | set(carried)
    return RestoreResult(cases, evidence, header.created_at,
                         (sealed or safety) if had_data else None,
                         tuple(name for name, _, active in users
                               if active and account_tag(name) not in wrapped))


SERVER_NOT_SEALED = (
    "Dữ liệu hiện có trên máy chủ đang bị lỗi nên không sao lưu được trước khi khôi phục: "
    "chương trình không khôi phục đè lên để khỏi mất nó. Hãy nhờ người quản trị máy chủ "
    "khôi phục từ bản sao lưu của máy chủ (pg_restore, xem README) hoặc sửa lỗi trước.")


def _replace_on_server(paths: DataPaths, current: Database | None, sealed: Path | None,
                       staging: Path, data_key: bytes) -> None:
    """A server's register replaced by the restored database with the evidence and the key
    file staged beside it, in one transaction (`storage.replace_server_contents`), once
    the data it replaces is in its encrypted backup: a server keeps no folder of its parts
    in clear. The folder's own parts (reports, preferences) are then swapped in as for a
    data folder."""
    if current is not None and sealed is None:
        raise DataFolderError(SERVER_NOT_SEALED)
    assert paths.server is not None
    restored, key_file = staging / paths.database.name, staging / paths.keys.name
    evidence = sorted(path for path in (staging / paths.evidence.name).glob("*/*")
                      if path.is_file())

    def stored_beside(connection: Connection) -> None:
        for path in evidence:
            with path.open("rb") as source:
                chunks.write(connection, path.name, source)
        key_store.write(connection, key_file.read_text(encoding="utf-8"))

    open_engine = None if current is None else current.engine
    with storage.server_engine(paths.server, open_engine) as engine:
        storage.replace_server_contents(engine, restored, data_key, stored_beside)
    restored.unlink()
    key_file.unlink()
    shutil.rmtree(staging / paths.evidence.name)


def has_data(paths: DataPaths) -> bool:
    """Whether a restore would replace a register: the data folder's database, or in
    server mode a schema in the server's database."""
    if paths.server is not None:
        return storage.server_holds_register(paths.server)
    return paths.database.exists()


def reset_note(names: tuple[str, ...]) -> str:
    """What the window and `restore` say about the accounts left without a wrap."""
    return ("Các người dùng sau cần quản trị viên đặt lại mật khẩu mới đăng nhập được (bản sao "
            "lưu chỉ giữ khóa của quản trị viên): " + ", ".join(f"«{n}»" for n in names) + ".")


@dataclass(frozen=True)
class _Opened:
    keys: vault.FolderKeys
    # Whose password opened the backup: None for the recovery key or the open folder's keys.
    username: str | None
    secret: str | None  # what was typed, if anything


def opens_without_secret(db: Database, header: BackupHeader) -> bool:
    """Whether the open folder's session opens the backup by itself: one of its own keys,
    made by the program of this version, in an administrator's session."""
    return (not header.legacy and db.unlocked and db.admin_key is not None
            and keys.key_id(db.data_key) == header.key_id
            and keys.key_id(db.admin_key) == header.admin_key_id)


def _open(header: BackupHeader, db: Database | None, username: str | None,
          secret: str | None) -> _Opened:
    """The keys of a backup: the open folder's own when they are the backup's, else those
    a password of the time of the backup (an administrator's) or the recovery key unseals
    from its wraps. A backup of format 1 always needs one of them typed."""
    if db is not None and opens_without_secret(db, header):
        assert db.admin_key is not None
        return _Opened(vault.FolderKeys(db.data_key, db.admin_key), None, None)
    if secret is not None:
        # What was typed may be the account's password or the recovery key.
        for who in (username, None) if username else (None,):
            found = vault.open_copies(header.copies, who, secret)
            if found is None or keys.key_id(found.data) != header.key_id:
                continue
            if header.legacy:
                return _Opened(vault.FolderKeys(found.data), who, secret)
            if found.admin is not None and keys.key_id(found.admin) == header.admin_key_id:
                return _Opened(found, who, secret)
    if secret is None:
        raise NotAllowed("Bản sao lưu này cần được mở bằng mật khẩu của quản trị viên lúc sao "
                         "lưu, hoặc khóa khôi phục.")
    who = "Khóa khôi phục" if username is None else f"Mật khẩu của «{username}»"
    raise NotAllowed(f"{who} không mở được bản sao lưu này: bản sao lưu chỉ mở được bằng mật "
                     "khẩu của một quản trị viên lúc sao lưu, hoặc khóa khôi phục.")


def _content_key(path: Path, header: BackupHeader, folder: vault.FolderKeys) -> bytes:
    """The key of the backup's content, once its header is an administrator's: the data key
    in format 1; the file key, sealed to A's P, whose MAC (when there is one) A checks."""
    if header.legacy:
        return folder.data
    assert folder.admin is not None and header.file_key is not None
    if header.mac is not None and not sealing.mac_matches(
            folder.admin, sealing.MacPurpose.BACKUP, header.signed, header.mac):
        raise NotAllowed(NOT_OURS)
    file_key = sealing.open_file_key(folder.admin, header.file_key)
    if file_key is None:
        raise backup_archive.damaged(path)
    return file_key


NOT_OURS = ("Bản sao lưu này không do quản trị viên của đơn vị tạo hoặc đã bị sửa (chữ ký, "
            "niêm phong của quản trị không khớp), nên không được khôi phục. Không có gì bị "
            "thay đổi; hãy dùng một bản sao lưu khác.")


def _check_accounts_seal(staged: Connection, header: BackupHeader,
                         folder: vault.FolderKeys) -> None:
    """A backup made without A: its accounts and the wraps of its header must be those an
    administrator sealed."""
    assert folder.admin is not None
    seal = accounts_seal.read(staged)
    if seal is None or not seal.matches(folder.admin, header.key_id,
                                        accounts_seal.accounts_of(staged), header.copies):
        raise NotAllowed(NOT_OURS)


def _users(staged: Connection) -> list[tuple[str, str, bool]]:
    """(name, role, active) of every account of a restored copy."""
    return [(name, str(role), bool(active)) for name, role, active in
            staged.execute(select(User.username, User.role, User.active)).all()]


def _restored_wraps(header: BackupHeader, opened: _Opened, current: Database | None,
                    users: list[tuple[str, str, bool]]) -> tuple[list[SealedCopy],
                                                                  dict[str, Wrap]]:
    """The wraps of the restored folder: the backup's (administrators' and recovery), and
    the current wraps of the restored accounts that are in use and not administrators,
    when the folder keeps its data key (their current password still works; a disabled
    account has none). A backup of format 1 keeps only the wrap that was opened, sealed
    again for the data key alone: nothing in it can be trusted to say who else may."""
    if header.legacy:
        assert opened.secret is not None
        data_key = opened.keys.data
        if opened.username is None:
            return [SealedCopy(None, keys.wrap_for_recovery(data_key, opened.secret))], {}
        return [SealedCopy(account_tag(opened.username),
                           keys.wrap_for_password(data_key, opened.secret))], {}
    carried: dict[str, Wrap] = {}
    if current is not None and keys.key_id(current.data_key) == header.key_id:
        found = vault.load(current.paths)
        for name, role, active in users:
            wrap = found.accounts.get(account_tag(name))
            if active and role != Role.ADMIN and wrap is not None and not wrap.holds_admin_key:
                carried[account_tag(name)] = wrap
    return list(header.copies), carried


def _seal(current: Database, actor: Actor, target: Path, progress: Progress | None,
          token: CancelToken | None) -> Path | None:
    """The data about to be replaced, as an encrypted backup read back whole; None when it
    cannot be backed up (a damaged database: its parts are then kept as they are)."""
    try:
        result, file_key = _write(current, actor, target, automatic=False, progress=progress,
                                  token=token)
    except UserError:
        return None
    written = result.path
    try:
        backup_archive.verify_backup(written, file_key)
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


def _check_account(staged: Connection, username: str) -> None:
    """On an empty folder the backup's own accounts decide: the password that opened the
    backup must be an administrator's in it (its wrap opened with it, so it is that
    account's password of the time). The name is matched as at sign-in (`username_key`)."""
    key = username_key(username)
    # Only these columns: a backup made by an older version restores too.
    users = staged.execute(select(User.username, User.role, User.active)).all()
    found = next((user for user in users if username_key(user.username) == key), None)
    if found is None or found.role != Role.ADMIN or not found.active:
        raise NotAllowed(f"Người dùng «{username}» không phải quản trị viên trong bản sao lưu: "
                         "chỉ quản trị viên được khôi phục dữ liệu.")
