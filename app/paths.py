"""Where a data folder keeps its parts. Built once at start and passed in."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "SOVIPHAM_DATA_DIR"


@dataclass(frozen=True)
class DataPaths:
    root: Path

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
    def resolve(cls, data_dir: str | os.PathLike[str] | None) -> DataPaths:
        """`--data-dir`, else `SOVIPHAM_DATA_DIR`, else the per-user data folder."""
        chosen = data_dir or os.environ.get(ENV_DATA_DIR)
        if chosen:
            return cls(Path(chosen).expanduser().resolve())
        return cls(default_root())


def default_root() -> Path:
    """The per-user data folder (`%LOCALAPPDATA%\\SoViPhamMXH` on Windows), private to the
    account."""
    return Path(platformdirs.user_data_dir("SoViPhamMXH", appauthor=False))


def make_private(path: Path) -> None:
    """Readable and writable by its owner only (POSIX; Windows keeps the folder's rights)."""
    if os.name == "posix":
        path.chmod(0o700 if path.is_dir() else 0o600)
