"""Server mode's evidence: each stored content's encrypted bytes (as a data folder's
file holds them, `app/security/cipher.py`) in rows of `evidence_chunks`, at most `PART`
bytes each, keyed by the SHA-256 of the plain content. `services/evidence_store.py` is
the one user; it encrypts and decrypts, this module moves bytes.

Writers of one content go one after another (`storage.serialise` on its hash, until the
transaction ends): two PCs adding the same file store it once, and a removal decides
whether the content is still used only once no one can be adding it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from sqlalchemy import Connection, delete, exists, insert, select

from app.db.storage import serialise
from app.models import EvidenceChunk

PART = 1 << 20


def hold(conn: Connection, sha256: str) -> None:
    """Other writers of this content wait until this transaction ends."""
    serialise(conn, f"evidence {sha256}")


def stored(conn: Connection, sha256: str) -> bool:
    return bool(conn.execute(select(exists().where(EvidenceChunk.sha256 == sha256)))
                .scalar_one())


def write(conn: Connection, sha256: str, source: BinaryIO) -> None:
    """The bytes of `source` as the content `sha256` (which has none yet)."""
    part = 0
    while data := source.read(PART):
        conn.execute(insert(EvidenceChunk).values(sha256=sha256, part=part, data=data))
        part += 1


def remove(conn: Connection, sha256: str) -> None:
    conn.execute(delete(EvidenceChunk).where(EvidenceChunk.sha256 == sha256))


def hashes(conn: Connection) -> list[str]:
    return list(conn.execute(select(EvidenceChunk.sha256).distinct()
                             .order_by(EvidenceChunk.sha256)).scalars())


class PartsReader(io.RawIOBase):
    """The stored bytes of `sha256` as a stream, one part in memory at a time."""

    def __init__(self, conn: Connection, sha256: str) -> None:
        super().__init__()
        self._parts = _parts(conn, sha256)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            part = next(self._parts, None)
            if part is None:
                return 0
            self._buffer = part
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def _parts(conn: Connection, sha256: str) -> Iterator[bytes]:
    numbers = conn.execute(select(EvidenceChunk.part).where(EvidenceChunk.sha256 == sha256)
                           .order_by(EvidenceChunk.part)).scalars().all()
    for number in numbers:
        yield conn.execute(select(EvidenceChunk.data).where(
            EvidenceChunk.sha256 == sha256, EvidenceChunk.part == number)).scalar_one()
