"""case units: every case records the unit that numbered it; codes unique within a unit

`cases.unit_code` is the administrative code of the unit that numbered the case
(shared/spec/exchange.md). The cases a register holds were all numbered by this office:
they get the office's code, or "" ("this office") while none is set, which setting it
later fills in. The unique constraint on `code` becomes a unique index on
(`unit_code`, `code`), so that another unit's register keeps its codes beside this one's.
`registered_units` holds the public keys of the other offices an administrator registered.

SQLite cannot drop a table's constraint: `cases` is rebuilt by SQLite's own procedure
(a new table, the rows copied with their ids, the old one dropped, the new one renamed,
its indexes and the full-text triggers made again), with foreign keys off, which
`app.db.schema.changing_schema` sees to. A folder taken down to 0019 and up again has a
unique index on `code` instead, dropped in place.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 12:00:00
"""

import json
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UtcDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_UNIQUE = "uq_cases_code"
NEW_UNIQUE = "uq_cases_unit_code"
CURRENT = sa.text("replaced_at IS NULL")
_CONSTRAINT = re.compile(rf",\s*CONSTRAINT {OLD_UNIQUE} UNIQUE \(code\)")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_without_unique_code(bind)
    else:
        op.drop_constraint(OLD_UNIQUE, "cases", type_="unique")
    op.add_column("cases", sa.Column("unit_code", sa.String(length=5), server_default="",
                                     nullable=False))
    office = bind.execute(sa.text("SELECT value FROM settings WHERE key = 'office'")).scalar()
    unit = json.loads(office).get("unit_code", "") if office else ""
    if unit:
        bind.execute(sa.text("UPDATE cases SET unit_code = :unit"), {"unit": unit})
    op.create_index(NEW_UNIQUE, "cases", ["unit_code", "code"], unique=True)
    op.create_table(
        "registered_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=5), nullable=False),
        sa.Column("unit_name", sa.String(length=300), nullable=False),
        sa.Column("signing_key", sa.String(length=44), nullable=False),
        sa.Column("receiving_key", sa.String(length=44), nullable=False),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("registered_at", UtcDateTime(), nullable=False),
        sa.Column("registered_by", sa.String(length=60), nullable=False),
        sa.Column("replaced_at", UtcDateTime(), nullable=True),
        sa.Column("replaced_by", sa.String(length=60), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registered_units")),
        sa.UniqueConstraint("uuid", name=op.f("uq_registered_units_uuid")),
    )
    op.create_index("uq_registered_units_current", "registered_units", ["unit_code"],
                    unique=True, sqlite_where=CURRENT, postgresql_where=CURRENT)


def downgrade() -> None:
    op.drop_index("uq_registered_units_current", "registered_units")
    op.drop_table("registered_units")
    # Refused by the database when two units' cases share a code: nothing is lost.
    op.drop_index(NEW_UNIQUE, "cases")
    if op.get_bind().dialect.name == "sqlite":
        # An index, not the constraint: a rebuild would need foreign keys off.
        op.create_index(OLD_UNIQUE, "cases", ["code"], unique=True)
    else:
        op.create_unique_constraint(OLD_UNIQUE, "cases", ["code"])
    op.drop_column("cases", "unit_code")


def _sqlite_without_unique_code(bind: sa.Connection) -> None:
    def schema(kind: str) -> list[tuple[str, str]]:
        return [(name, sql) for name, sql in bind.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'cases' AND type = ? "
            "AND sql IS NOT NULL", (kind,))]

    if any(name == OLD_UNIQUE for name, _ in schema("index")):  # taken down and up again
        op.drop_index(OLD_UNIQUE, "cases")
        return
    has_rows = bind.exec_driver_sql("SELECT 1 FROM cases LIMIT 1").first() is not None
    if has_rows and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("0020 rebuilds `cases`: run it through schema.changing_schema")
    [(_, table)] = schema("table")
    rebuilt, found = _CONSTRAINT.subn("", table)
    assert found == 1, table
    assert rebuilt.startswith("CREATE TABLE cases ("), rebuilt
    rebuilt = rebuilt.replace("CREATE TABLE cases (", "CREATE TABLE cases_rebuilt (", 1)
    indexes, triggers = schema("index"), schema("trigger")
    bind.exec_driver_sql(rebuilt)
    bind.exec_driver_sql("INSERT INTO cases_rebuilt SELECT * FROM cases")
    bind.exec_driver_sql("DROP TABLE cases")  # its indexes and triggers with it
    bind.exec_driver_sql("ALTER TABLE cases_rebuilt RENAME TO cases")
    for _, sql in [*indexes, *triggers]:
        bind.exec_driver_sql(sql)
