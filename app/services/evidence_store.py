"""Evidence files stored once by SHA-256 under the data folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.paths import DataPaths

CHUNK = 1 << 20


def stored_path(paths: DataPaths, sha256: str) -> Path:
    return paths.evidence / sha256[:2] / sha256


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
