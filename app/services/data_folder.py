"""The data folder as the window and the command line hold it: the one-program lock
first, then the open `Database` they hand to every service and otherwise leave alone.

Taking the lock loads no SQLAlchemy: the window takes it before painting the sign-in
dialog and opens the database behind it (`Database` loads on first use, PEP 562).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.db import lock
from app.errors import UserError
from app.paths import DataPaths

if TYPE_CHECKING:
    from app.db.database import Database

__all__ = ["Database", "hold", "open_data_folder", "refuse_inside"]


def hold(paths: DataPaths) -> AbstractContextManager[lock.Holder]:
    """The folder held for the block; refused, naming who holds it, while another program
    does. A restore inside the block keeps holding it."""
    return lock.hold(paths)


def open_data_folder(paths: DataPaths) -> Database:
    """The folder's database, migrated to this version (refused when it has none)."""
    from app.db import open_database

    return open_database(paths)


def refuse_inside(paths: DataPaths, target: Path, what: str, *, otherwise: str = "") -> None:
    """Refuse to save `what` (a file naming children in full) as `target` inside the data
    folder: it is kept where the leader chose, outside, since a purge could not find it
    there. `otherwise` adds another way out to the message."""
    if target.expanduser().resolve().is_relative_to(paths.root.resolve()):
        raise UserError(f"{what} không được lưu trong thư mục dữ liệu của chương trình "
                        f"({paths.root}): hãy chọn nơi lưu khác{otherwise}.")


def __getattr__(name: str) -> Any:
    if name == "Database":
        from app.db import database

        return database.Database
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
