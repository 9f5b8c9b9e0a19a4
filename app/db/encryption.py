"""Folders made before the database was encrypted: reading their accounts to sign in once,
then encrypting the database in place, and the plain copies an older version left.

The in-place step is crash-safe: the encrypted file is complete, synced and checked under
a temporary name before one rename puts it in place, so a crash leaves the old plain
database (and the next sign-in starts again) or the new encrypted one, never half.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.db.copies import ENCRYPTING_SUFFIX, PARTIAL, UPGRADE_PREFIX, restore_copies
from app.db.engine import keyed_connection
from app.db.swap import fsync_dir
from app.paths import DataPaths, make_private

PLAIN_HEADER = b"SQLite format 3\x00"
BEFORE_ENCRYPTION_PREFIX = "truoc-ma-hoa-"


def is_plain(database: Path) -> bool:
    """Whether `database` is an unencrypted SQLite file (SQLCipher's has no readable header)."""
    try:
        with database.open("rb") as handle:
            return handle.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except FileNotFoundError:
        return False


@dataclass(frozen=True)
class PlainAccount:
    username: str
    password_hash: str
    active: bool
    wrap: str | None  # the data key's wrap (JSON) kept in the database before encryption


@dataclass(frozen=True)
class PlainKeys:
    accounts: list[PlainAccount]
    recovery: str | None  # the recovery key's wrap (JSON)
    has_key: bool  # some wrap exists: a key was made, accounts without one wait for a reset


def plain_keys(database: Path) -> PlainKeys:
    """The accounts and key wraps of an unencrypted database (read only)."""
    uri = f"{database.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        wraps: dict[int | None, str] = {}
        if "key_wraps" in tables:  # made by migration 0004
            wraps = dict(connection.execute("SELECT user_id, wrap FROM key_wraps").fetchall())
        accounts = [PlainAccount(name, password_hash, bool(active), wraps.get(user_id))
                    for user_id, name, password_hash, active in connection.execute(
                        "SELECT id, username, password_hash, active FROM users")]
    return PlainKeys(accounts, wraps.get(None), bool(wraps))


def encrypt_copy(source: Path, target: Path, data_key: bytes, *,
                 source_key: bytes | None = None) -> None:
    """`target`, a new copy of the database `source` (unencrypted, or encrypted with
    `source_key`) encrypted with `data_key`, synced."""
    with closing(keyed_connection(source, source_key)) as connection:
        connection.execute("ATTACH DATABASE ? AS encrypted KEY ?",
                           (str(target), f"x'{data_key.hex()}'"))
        connection.execute("SELECT sqlcipher_export('encrypted')")
        connection.execute("DETACH DATABASE encrypted")
    make_private(target)
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def encrypt_file(database: Path, data_key: bytes) -> None:
    """Encrypt the unencrypted database file `database` where it is (a restored backup made
    before encryption, still in its staging folder)."""
    encrypted = database.with_name(database.name + ENCRYPTING_SUFFIX)
    encrypt_copy(database, encrypted, data_key)
    os.replace(encrypted, database)


def hold_alone(database: Path, data_key: bytes) -> bool:
    """Before the database is re-encrypted: its WAL folded into it and no longer used (an
    old WAL must never be applied to the new file). False, with nothing changed, when
    another connection has it open."""
    import sqlcipher3

    try:
        with closing(keyed_connection(database, data_key)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlcipher3.OperationalError:
        return False
    return bool(mode == ("delete",))


def rekey_in_place(database: Path, old_key: bytes, new_key: bytes) -> None:
    """Re-encrypt the database (held alone, `hold_alone`) with `new_key`: a copy under the
    new key written beside it, synced and checked, then one rename puts it in place. A
    crash leaves the file under the old key or under the new one, never half
    (`opens_with` tells which); a copy cut short is removed at the next open."""
    rekeyed = database.with_name(database.name + ENCRYPTING_SUFFIX)
    encrypt_copy(database, rekeyed, new_key, source_key=old_key)
    _readable(rekeyed, new_key)
    os.replace(rekeyed, database)
    fsync_dir(database.parent)


def opens_with(database: Path, data_key: bytes) -> bool:
    """Whether `data_key` opens `database` (SQLCipher checks its first page's MAC)."""
    import sqlcipher3

    try:
        with closing(keyed_connection(database, data_key)) as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        return False
    return True


def encrypt_in_place(paths: DataPaths, data_key: bytes) -> None:
    """Encrypt the folder's unencrypted database with `data_key`; first an encrypted copy
    of it is kept in backups/ (`truoc-ma-hoa-*`). The key file must already hold the wraps
    of `data_key`: the moment the encrypted file takes its place it can be opened."""
    database = paths.database
    # Fold the WAL into the file and stop using one, so that no old WAL is left beside the
    # new file (applied to it, it would corrupt it).
    with closing(keyed_connection(database, None)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = paths.backups / f"{BEFORE_ENCRYPTION_PREFIX}{stamp}.sqlite3"
    partial = safety.with_name(safety.name + PARTIAL)
    encrypt_copy(database, partial, data_key)
    os.replace(partial, safety)
    encrypted = database.with_name(database.name + ENCRYPTING_SUFFIX)
    encrypt_copy(database, encrypted, data_key)
    _readable(encrypted, data_key)
    os.replace(encrypted, database)
    fsync_dir(database.parent)
    encrypt_old_copies(paths, data_key)


def encrypt_old_copies(paths: DataPaths, data_key: bytes) -> None:
    """The unencrypted copies an older version kept in backups/ (before an upgrade, before
    a restore), encrypted one by one; a copy too damaged to be read is left for `check`."""
    import sqlcipher3

    candidates = [*paths.backups.glob(f"{UPGRADE_PREFIX}*.sqlite3")]
    candidates += [folder / paths.database.name for folder in restore_copies(paths)]
    for copy in candidates:
        if not is_plain(copy):
            continue
        try:
            encrypt_file(copy, data_key)
        except sqlcipher3.DatabaseError:
            copy.with_name(copy.name + ENCRYPTING_SUFFIX).unlink(missing_ok=True)
            continue
        for journal in ("-wal", "-shm"):
            copy.with_name(copy.name + journal).unlink(missing_ok=True)


def plain_copies(paths: DataPaths) -> list[Path]:
    """Unencrypted databases left in backups/: copies too damaged to be encrypted."""
    return sorted(path for path in paths.backups.glob("**/*.sqlite3") if is_plain(path))


def _readable(database: Path, data_key: bytes) -> None:
    import sqlcipher3

    with closing(keyed_connection(database, data_key)) as connection:
        result = connection.execute("PRAGMA quick_check").fetchone()
    if result != ("ok",):
        raise sqlcipher3.DatabaseError(f"encrypted copy failed its check: {result}")

