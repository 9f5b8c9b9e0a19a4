"""Storage-level checks of the database file (SQLite pragmas live here, not in services)."""

from __future__ import annotations

from sqlalchemy import Engine


def storage_problems(engine: Engine) -> list[str]:
    problems: list[str] = []
    with engine.connect() as conn:
        result = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
        if result != ["ok"]:
            problems.extend(f"Cơ sở dữ liệu hỏng: {line}" for line in result[:20])
        for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(
                f"Bảng {table}, dòng {rowid}: tham chiếu tới {parent} không tồn tại."
            )
    return problems
