"""byte-order sort keys: on PostgreSQL the collation keys compare by code point

The list sorts names and places by their Vietnamese collation keys (`app.domain.collation`,
migration 0014), which are built to compare by code point. A PostgreSQL database compares
text by its own locale: created in a Vietnamese or English one (the installer's default
on Windows, the system's on Linux), it ignores the keys' separators, so "Zan" came first
and "Anh" before "An Khánh". The three columns take the "C" collation (byte order, the
code points' order in UTF-8); their indexes are rebuilt with them. SQLite compares by
bytes already.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SORT_KEYS = ("area_sort", "account_sort", "offender_sort")


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate(None)


def _collate(collation: str | None) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in SORT_KEYS:
        op.alter_column("cases", column, type_=sa.Text(collation=collation),
                        existing_nullable=True)
