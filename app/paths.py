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
        for folder in (self.root, self.evidence, self.backups, self.logs, self.exports,
                       self.reports):
            folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None) -> DataPaths:
        """`--data-dir`, else `SOVIPHAM_DATA_DIR`, else the per-user data folder."""
        chosen = data_dir or os.environ.get(ENV_DATA_DIR)
        if chosen:
            return cls(Path(chosen).expanduser().resolve())
        return cls(Path(platformdirs.user_data_dir("SoViPhamMXH", appauthor=False)))
