"""What the backup tests share: the administrators' key of a folder, reading a backup back
with it, and backups written as an older version, or a forger, would write them."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import tarfile
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.db import storage
from app.db.engine import keyed_connection
from app.db.migrate import current_revision
from app.paths import DataPaths
from app.security import keyfile, keys
from app.security.cipher import Encryptor
from app.services import vault
from app.services.evidence_store import stored_path
from tests.conftest import ADMIN_PASSWORD

LEGACY_MAGIC = b"SVPBAK\x00\x01"


def admin_key(paths: DataPaths, username: str = "admin", password: str = ADMIN_PASSWORD) -> bytes:
    """The administrators' key, unsealed from the folder's key file with an administrator's
    password."""
    found = vault.load(paths)  # the folder's file, or in server mode the server's row
    opened = keys.unwrap(found.accounts[keyfile.account_tag(username)], password)
    assert opened is not None and len(opened) == 2 * keys.KEY_SIZE, "not an administrator's"
    return opened[keys.KEY_SIZE:]


def read_back(path: Path, administrators_key: bytes) -> Any:
    """Read a whole backup of this version with the administrators' key."""
    from app.security import sealing
    from app.services import backup_archive

    header = backup_archive.read_header(path)
    assert header.file_key is not None
    file_key = sealing.open_file_key(administrators_key, header.file_key)
    assert file_key is not None, "the administrators' key does not open it"
    return backup_archive.verify_backup(path, file_key)


def header_json(path: Path) -> dict[str, Any]:
    """A backup's header as stored, whatever its format (magic, length, JSON)."""
    data = path.read_bytes()
    (length,) = struct.unpack(">I", data[8:12])
    return dict(json.loads(data[12:12 + length]))


def copy_database(paths: DataPaths, data_key: bytes, target: Path,
                  change: Callable[[Any], None] | None = None) -> None:
    """A copy of the live database, as anyone holding the data key can take it, changed by
    `change` (given a DB-API connection on the copy)."""
    with closing(keyed_connection(paths.database, data_key)) as source, \
            closing(keyed_connection(target, data_key)) as copy:
        source.backup(copy)
        if change is not None:
            change(copy)
            copy.commit()


def evidence_hashes(paths: DataPaths, data_key: bytes) -> list[str]:
    with closing(keyed_connection(paths.database, data_key)) as connection:
        return [row[0] for row in connection.execute(
            "SELECT DISTINCT sha256 FROM evidence ORDER BY sha256")]


def _tar(sink: Any, members: list[tuple[str, bytes]]) -> None:
    manifest: dict[str, dict[str, object]] = {}
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for name, content in [*members, ("manifest.json", b"")]:
            if name == "manifest.json":
                content = json.dumps(manifest).encode()
            else:
                manifest[name] = {"sha256": hashlib.sha256(content).hexdigest(),
                                  "size": len(content)}
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))


def legacy_archive(paths: DataPaths, data_key: bytes, database: Path, target: Path,
                   wraps: list[dict[str, object]]) -> Path:
    """A backup in format 1, as versions before backups were sealed for administrators
    wrote it (and as anyone holding the data key still can): `database` and the folder's
    evidence in a tar sealed with the data key itself, `wraps` in the header."""
    with storage.opened_copy(paths.database, data_key) as engine:
        revision = current_revision(engine)
    hashes = evidence_hashes(paths, data_key)
    header = json.dumps({
        "format": 1, "created_at": datetime.now(UTC).isoformat(), "app_version": "0.1.0",
        "revision": revision, "key_id": keys.key_id(data_key), "cases": 0,
        "evidence_files": len(hashes), "wraps": wraps}).encode()
    start = LEGACY_MAGIC + struct.pack(">I", len(header)) + header
    members = [("database/sovipham.sqlite3", database.read_bytes())]
    members += [(f"evidence/{h[:2]}/{h}", stored_path(paths, h).read_bytes()) for h in hashes]
    with target.open("wb") as sink:
        sink.write(start)
        sealed = Encryptor(data_key, sink, aad=start)
        _tar(sealed, members)
        sealed.close()
    return target
