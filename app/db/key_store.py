"""The key file's content in server mode: one row of `key_file` in the server's database,
so that every PC signs in with the same wraps and counts the same lockout. Read before
sign-in (PostgreSQL needs no data key to connect), through a connection of its own.

A change is made under a row lock (`SELECT … FOR UPDATE`): two PCs noting a wrong
password at once both count. The content is the key file's JSON as `app/security/keyfile.py`
writes it; this module stores text and knows nothing of its meaning.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from app.db import register_lock
from app.db.engine import server_connection
from app.models import KeyFileRecord
from app.models.base import utcnow

ROW = 1  # the register has one key file


@dataclass
class KeyRow:
    """The content as read under the lock; what is set in `content` is written at the end
    of the block (nothing when the block fails)."""

    content: str | None


def read(url: str) -> str | None:
    """The key file's content, None when the database holds none."""
    with server_connection(url) as conn:
        return _content(conn, lock=False)


@contextmanager
def locked(url: str) -> Iterator[KeyRow]:
    """The content, locked until the block ends, then written as the block left it."""
    with server_connection(url) as conn, conn.begin():
        register_lock.share(conn)  # a restore replaces the row: wait for it
        with locked_in(conn) as row:
            yield row


@contextmanager
def locked_in(conn: Connection) -> Iterator[KeyRow]:
    """`locked` in `conn`'s transaction: written with it, the lock held until it ends
    (the keys replaced with the rest of a change, `services/rotation.py`)."""
    before = _content(conn, lock=True)
    row = KeyRow(before)
    yield row
    if row.content is None or row.content == before:
        return
    values = {"content": row.content, "updated_at": utcnow()}
    if before is None:
        conn.execute(insert(KeyFileRecord).values(id=ROW, **values))
    else:
        conn.execute(update(KeyFileRecord).where(KeyFileRecord.id == ROW).values(values))


def write(conn: Connection, content: str) -> None:
    """`content` as the key file of a database that holds none, in `conn`'s transaction
    (a restore into a server: its rows were all replaced)."""
    conn.execute(insert(KeyFileRecord).values(id=ROW, content=content, updated_at=utcnow()))


def _content(conn: Connection, *, lock: bool) -> str | None:
    query = select(KeyFileRecord.content).where(KeyFileRecord.id == ROW)
    return conn.execute(query.with_for_update() if lock else query).scalar_one_or_none()
