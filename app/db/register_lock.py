"""Server mode: one lock on the whole register, which every write transaction shares and
a restore (or a replacement of the keys) holds alone, so that nothing another PC writes
between the restore's safety backup and the replacement falls between the two (it waits,
then lands on the restored register, or is refused after `WAIT`). SQLite needs none: a
restore or a replacement of the keys holds the folder.

Both sides wait at most `WAIT` (PostgreSQL's `lock_timeout`), then say why in Vietnamese
rather than hang.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from app.db.engine import POSTGRESQL
from app.errors import UserError

KEY = 0x536F5669  # "SoVi": the one advisory lock of the register
INIT_KEY = KEY + 1  # held by the `init` making the register
WAIT = "30s"
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout reached

RESTORING = ("Một máy khác đang khôi phục dữ liệu hoặc thay khóa mã hóa trên máy chủ: chưa "
             "lưu được thay đổi này. Hãy đợi việc đó xong rồi làm lại.")
WRITING = ("Máy khác đang ghi dữ liệu lên máy chủ (một thao tác lâu chưa xong): chưa làm "
           "được việc này, dữ liệu vẫn như cũ. Hãy đợi một lát rồi thử lại.")
IN_USE = ("Máy khác đang đọc hoặc ghi dữ liệu trên máy chủ nên chưa thay được dữ liệu: chưa "
          "khôi phục, dữ liệu vẫn như cũ. Hãy nhờ các máy khác đóng cửa sổ đang mở rồi thử "
          "lại.")
INITIALISING = ("Một máy khác đang khởi tạo cơ sở dữ liệu này trên máy chủ: không khởi tạo "
                "thêm lần nữa. Hãy đợi việc đó xong rồi đăng nhập bằng người quản trị đã tạo.")


def share(connection: Connection) -> None:
    """At the start of a write transaction on a server: wait while a restore holds the
    register (until the transaction ends), refused with `RESTORING` after `WAIT`."""
    if connection.dialect.name != POSTGRESQL:
        return
    with _waiting(RESTORING):  # one round trip: every write transaction pays it
        connection.exec_driver_sql(
            f"SET LOCAL lock_timeout = '{WAIT}'; SELECT pg_advisory_xact_lock_shared({KEY}); "
            "SET LOCAL lock_timeout TO DEFAULT")


@contextmanager
def alone(engine: Engine) -> Iterator[None]:
    """The register to this block alone: other programs' write transactions wait until it
    ends (this program's own writes must not take `share`, `Database.alone`). Refused with
    `WRITING` when writers do not finish within `WAIT`."""
    if engine.dialect.name != POSTGRESQL:
        yield
        return
    with engine.connect() as connection:
        with _waiting(WRITING):
            # A session's lock, held past this transaction; the timeout ends with it.
            connection.execute(text(f"SET LOCAL lock_timeout = '{WAIT}'"))
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": KEY})
            connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": KEY})
            connection.commit()


@contextmanager
def initialising(engine: Engine) -> Iterator[None]:
    """One `init` at a time on a server, refused at once with `INITIALISING`. The lock is
    its connection's session's: the server drops it with the connection when the program
    ends, killed or not (the engine's pool must close connections, `NullPool`)."""
    with engine.connect() as connection:
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                   {"key": INIT_KEY}).scalar_one()
        connection.commit()
        if not taken:
            raise UserError(INITIALISING)
        yield


@contextmanager
def limited_waits(connection: Connection) -> Iterator[None]:
    """In a transaction replacing the register's rows: its table locks (TRUNCATE waits for
    every reader) waited for at most `WAIT`, then refused with `IN_USE`."""
    if connection.dialect.name == POSTGRESQL:
        connection.execute(text(f"SET LOCAL lock_timeout = '{WAIT}'"))
    with _waiting(IN_USE):
        yield


@contextmanager
def _waiting(message: str) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise UserError(message) from exc
        raise
