"""The benchmark folders' encrypted database, for the baselines measured beside the program.

The database is an SQLCipher file keyed with the folder's data key (docs/architecture.md).
A baseline doing the program's work "by hand" goes through `sqlcipher3` keyed with that
key (`sqlcipher`): that is the engine's own cost, which the program cannot go below. The
same work through plain `sqlite3` on an unencrypted copy (`unencrypted_copy`) shows what
the encryption itself costs. The copy holds demo data only and lives in the benchmark's
temporary folder, removed when it ends; the program itself never keeps one.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

from app.db.engine import keyed_connection
from app.paths import DataPaths
from app.security import keyfile
from app.services import vault


def data_key(root: Path, user: str, password: str) -> bytes | None:
    """The data key sealed for `user` in the folder's key file, None when the folder has no
    key file (built by a version before encryption) or `password` does not open the wrap
    (built with another password). Costs one key derivation, and no sign-in: nothing is
    written to the folder."""
    found = keyfile.load(DataPaths(root).keys)
    wrap = None if found is None else found.accounts.get(keyfile.account_tag(user))
    opened = None if wrap is None else vault.unseal(wrap, password)
    return None if opened is None else opened.data


def sqlcipher(database: Path, key: bytes) -> Any:
    """A DB-API connection of SQLCipher's on `database`, keyed as the program keys it."""
    return keyed_connection(database, key)


def unencrypted_copy(database: Path, key: bytes, target: Path) -> Path:
    """`target`, a plain SQLite copy of the encrypted `database` (same page size), for
    `sqlite3`."""
    target.unlink(missing_ok=True)
    with closing(keyed_connection(database, key)) as connection:
        connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        connection.execute("SELECT sqlcipher_export('plain')")
        connection.execute("DETACH DATABASE plain")
    return target
