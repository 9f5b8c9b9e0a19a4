"""Erasing deleted rows from the database file and its write-ahead log (SQLite).

Deleting a row only unlinks it: its bytes stay in free space until reused, in the
file and in the WAL's copies of the pages. Purging personal data therefore deletes
with `secure_delete` (freed bytes are zeroed), then rewrites the file without free
space (which may still hold older text of rows edited before) and empties the WAL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.errors import UserError


@contextmanager
def secure_delete(session: Session) -> Iterator[None]:
    """Deletes made in the block overwrite what they free with zeros."""
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA secure_delete").scalar_one()
    connection.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA secure_delete = {int(before)}")


def rewrite_without_free_space(engine: Engine) -> None:
    """VACUUM, then copy the WAL into the file and truncate it to nothing."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM")  # the connection is in autocommit mode (database.py)
        busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    finally:
        raw.close()
    if busy:
        raise UserError(
            "Chưa làm sạch được tệp nhật ký ghi (sovipham.sqlite3-wal) vì một thao tác khác "
            "đang đọc dữ liệu. Hãy chạy lại «Xóa hẳn» sau ít phút: các vụ việc đã xóa hẳn "
            "vẫn được làm sạch tiếp."
        )
