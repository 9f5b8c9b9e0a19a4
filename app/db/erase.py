"""Erasing deleted rows from the database file and its write-ahead log (SQLite).

Every connection deletes with `secure_delete` (freed bytes are zeroed: database.py), but
the WAL keeps copies of pages and SQLite may be built without that pragma. Purging
personal data therefore also rewrites the file without free space and empties the WAL.

On PostgreSQL a deleted row stays in its table's pages until they are rewritten:
`VACUUM FULL` writes each table anew without them. The server's own write-ahead log and
archives are the server's business (the README).
"""

from __future__ import annotations

from sqlalchemy import Engine

from app.db.engine import POSTGRESQL
from app.db.storage import SQLITE, UnsupportedEngine, empty_wal
from app.errors import UserError


def rewrite_without_free_space(engine: Engine) -> None:
    """VACUUM, then copy the WAL into the file and truncate it to nothing."""
    if engine.dialect.name == POSTGRESQL:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM FULL")
        return
    if engine.dialect.name != SQLITE:
        raise UnsupportedEngine("rewrite_without_free_space", engine.dialect.name)
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("VACUUM")  # the connection is in autocommit mode (engine.py)
    finally:
        raw.close()
    if not empty_wal(engine):
        raise UserError(
            "Chưa làm sạch được tệp nhật ký ghi (sovipham.sqlite3-wal) vì một thao tác khác "
            "đang đọc dữ liệu. Hãy chạy lại «Xóa hẳn» sau ít phút: các vụ việc đã xóa hẳn "
            "vẫn được làm sạch tiếp."
        )
