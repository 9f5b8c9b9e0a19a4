"""Opening a data folder's database: engine, sessions and schema migrations."""

from app.db.database import Database, open_database

__all__ = ["Database", "open_database"]
