"""Write a new Alembic revision by comparing the models with a database at head.

    python scripts/new_migration.py "what changes"
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from alembic import command

from app.db.engine import make_engine
from app.db.migrate import alembic_config, upgrade_to_head
from app.paths import DataPaths


def main() -> None:
    message = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        paths = DataPaths(Path(tmp))
        paths.create()
        data_key = os.urandom(32)
        engine = make_engine(paths.database, data_key)
        upgrade_to_head(engine, paths, data_key)
        config = alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.revision(config, message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    main()
