"""The data folder as the window and the command line hold it: the one-program lock
first, then the open `Database` they hand to every service and otherwise leave alone.

Taking the lock loads no SQLAlchemy: the window takes it before painting the sign-in
dialog and opens the database behind it (`Database` loads on first use, PEP 562).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from app.db import lock
from app.paths import DataPaths

if TYPE_CHECKING:
    from app.db.database import Database

__all__ = ["Database", "hold", "open_data_folder"]


def hold(paths: DataPaths) -> AbstractContextManager[lock.Holder]:
    """The folder held for the block; refused, naming who holds it, while another program
    does. A restore inside the block keeps holding it."""
    return lock.hold(paths)


def open_data_folder(paths: DataPaths) -> Database:
    """The folder's database, migrated to this version (refused when it has none)."""
    from app.db import open_database

    return open_database(paths)


def __getattr__(name: str) -> Any:
    if name == "Database":
        from app.db import database

        return database.Database
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
