"""What the register stores, as it lies, on either engine: a data folder's key file and
evidence files, or in server mode their rows read raw with SQL. For tests that look
for traces in stored bytes or damage them on purpose."""

from __future__ import annotations

from sqlalchemy import text

from app.db import Database
from app.services.evidence_store import stored_path


def key_file_text(db: Database) -> str:
    if db.paths.server is None:
        return db.paths.keys.read_text(encoding="utf-8")
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT content FROM key_file")).scalar_one())


def stored_bytes(db: Database, sha256: str) -> bytes | None:
    """The encrypted bytes kept for a content; None when there are none."""
    if db.paths.server is None:
        path = stored_path(db.paths, sha256)
        return path.read_bytes() if path.exists() else None
    with db.engine.connect() as conn:
        parts = conn.execute(text("SELECT data FROM evidence_chunks WHERE sha256 = :sha256 "
                                  "ORDER BY part"), {"sha256": sha256}).scalars().all()
    return b"".join(parts) if parts else None


def replace_stored(db: Database, sha256: str, content: bytes) -> None:
    """Stored bytes changed behind the program's back."""
    if db.paths.server is None:
        stored_path(db.paths, sha256).write_bytes(content)
        return
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM evidence_chunks WHERE sha256 = :sha256"),
                     {"sha256": sha256})
        conn.execute(text("INSERT INTO evidence_chunks (sha256, part, data) "
                          "VALUES (:sha256, 0, :data)"), {"sha256": sha256, "data": content})


def stored_contents(db: Database) -> list[str]:
    """Every file in the evidence folder (temporary copies included) and, on a server,
    every content with rows."""
    names = [p.name for p in db.paths.evidence.rglob("*") if p.is_file()]
    if db.paths.server is not None:
        with db.engine.connect() as conn:
            names += conn.execute(text("SELECT DISTINCT sha256 FROM evidence_chunks")).scalars()
    return sorted(names)
