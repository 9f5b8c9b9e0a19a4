"""Everything engine-specific, at the bottom with `app.models`: opening a data folder's
database, its engine, sessions and schema migrations.

The engine module loads on first use (PEP 562): the window takes the data folder's
lock (`app.db.lock`) before painting the sign-in dialog, without loading SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.db.database import Database, open_database

__all__ = ["Database", "open_database"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from app.db import database

        return getattr(database, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
