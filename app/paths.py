"""Where a data folder keeps its parts. Built once at start and passed in."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "SOVIPHAM_DATA_DIR"
ENV_DATABASE_URL = "SOVIPHAM_DATABASE_URL"


@dataclass(frozen=True)
class DataPaths:
    root: Path
    # Server mode: the register is this PostgreSQL database (`postgresql://…`, cli.md) and
    # the folder holds this PC's own files (the key file and the evidence are in the
    # database). Out of repr: it may hold a password.
    server: str | None = field(default=None, repr=False)

    @property
    def database(self) -> Path:
        return self.root / "sovipham.sqlite3"

    @property
    def keys(self) -> Path:
        """The data key's wraps: needed before the encrypted database can be opened."""
        return self.root / "sovipham.khoa"

    @property
    def evidence(self) -> Path:
        return self.root / "evidence"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def reports(self) -> Path:
        """Copies of the reports sent (the register keeps the files themselves)."""
        return self.root / "reports"

    def create(self) -> None:
        """The folder and its parts, readable by this user only (on Windows the folder
        inherits the rights of where it is: `folder_rights.exposure_warning` tells)."""
        for folder in (self.root, self.evidence, self.backups, self.logs, self.exports,
                       self.reports):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            make_private(folder)

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None,
                database: str | None = None) -> DataPaths:
        """`--data-dir`, else `SOVIPHAM_DATA_DIR`, else the per-user data folder; in server
        mode with `--database`, else `SOVIPHAM_DATABASE_URL`."""
        chosen = data_dir or os.environ.get(ENV_DATA_DIR)
        server = database or os.environ.get(ENV_DATABASE_URL) or None
        root = Path(chosen).expanduser().resolve() if chosen else default_root()
        return cls(root, server)


def default_root() -> Path:
    """The per-user data folder (`%LOCALAPPDATA%\\SoViPhamMXH` on Windows), private to the
    account."""
    return Path(platformdirs.user_data_dir("SoViPhamMXH", appauthor=False))


def make_private(path: Path) -> None:
    """Readable and writable by its owner only (POSIX; Windows keeps the folder's rights)."""
    if os.name == "posix":
        path.chmod(0o700 if path.is_dir() else 0o600)
