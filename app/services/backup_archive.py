"""The backup file: its layout, writing one and reading one back (no session; the
operations that need one are `backup.py`).

Layout: `MAGIC`, the header's length (4 bytes) and the header (JSON: when, which
version, the data key's fingerprint and its wraps), then a tar stream encrypted with
the data key (`app/security/cipher.py`), authenticated together with the header. The
tar ends with a manifest of every member's SHA-256. The wraps let a backup be opened
with the password an account had when it was made, or with the recovery key, on a
reinstalled PC.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, BinaryIO

from app import __version__
from app.errors import UserError
from app.paths import DataPaths
from app.progress import CancelToken, Progress, no_progress
from app.security.cipher import DecryptingReader, DecryptionError, Encryptor
from app.services.evidence_store import stored_path

MAGIC = b"SVPBAK\x00\x01"
FORMAT = 1
SUFFIX = ".svpbak"
DATABASE_MEMBER = "database/sovipham.sqlite3"
MANIFEST_MEMBER = "manifest.json"
PREFERENCES_MEMBER = "giao-dien.ini"
COPY_CHUNK = 1 << 20
_EVIDENCE_MEMBER = re.compile(r"evidence/[0-9a-f]{2}/[0-9a-f]{64}")
_REPORT_MEMBER = re.compile(r"reports/[^/\\:\x00-\x1f]{1,200}")


def damaged(path: Path) -> UserError:
    return UserError(f"Tệp «{path.name}» không phải bản sao lưu của chương trình, bị hỏng hoặc "
                     "đã bị sửa (không giải mã, kiểm tra được). Không có gì bị thay đổi; hãy "
                     "dùng một bản sao lưu khác.")


@dataclass(frozen=True)
class BackupHeader:
    created_at: datetime
    app_version: str
    revision: str
    key_id: str
    cases: int
    evidence_files: int
    wraps: list[dict[str, object]]
    audit_anchor: object  # the audit log's anchor when it was made (`audit.anchor`), or None
    raw: bytes  # as stored: authenticated with the content


# ---------------------------------------------------------------------------- writing


def encode_header(revision: str, key_id: str, cases: int, evidence_files: int,
           wraps: list[dict[str, object]], *, audit_anchor: object = None) -> bytes:
    """The header of a backup made now, as stored."""
    return json.dumps({
        "format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
        "app_version": __version__, "revision": revision,
        "key_id": key_id, "cases": cases, "evidence_files": evidence_files,
        "wraps": wraps, "audit_anchor": audit_anchor,
    }, ensure_ascii=False).encode()


def members(paths: DataPaths, database: Path,
            evidence: list[str]) -> list[tuple[str, Path, int]]:
    """(name in the archive, file, size) of everything a backup of `paths` holds:
    `database` (a checked snapshot), the `evidence` files by hash, the reports sent and
    the window preferences."""
    found = [(DATABASE_MEMBER, database)]
    for sha256 in evidence:
        stored = stored_path(paths, sha256)
        if not stored.is_file():
            raise UserError(f"Thiếu tệp chứng cứ {sha256[:12]}… trong thư mục dữ liệu: không "
                            "sao lưu được đầy đủ. Hãy chạy «Kiểm tra dữ liệu».")
        found.append((f"evidence/{sha256[:2]}/{sha256}", stored))
    if paths.reports.is_dir():
        found += [(f"reports/{p.name}", p) for p in sorted(paths.reports.iterdir()) if p.is_file()]
    preferences = paths.root / PREFERENCES_MEMBER
    if preferences.is_file():
        found.append((PREFERENCES_MEMBER, preferences))
    return [(name, path, path.stat().st_size) for name, path in found]


class _Hashing:
    """Reads a file for tarfile while hashing it and reporting progress."""

    def __init__(self, handle: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._handle, self._on_read = handle, on_read
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.digest.update(data)
        self._on_read(len(data))
        return data


def _counter(total: int, progress: Progress | None,
             token: CancelToken | None) -> Callable[[int], None]:
    """Called with each count of bytes handled: reports progress, stops when cancelled."""
    report = progress or no_progress
    done = 0

    def advanced(count: int) -> None:
        nonlocal done
        if token is not None:
            token.raise_if_cancelled()
        done += count
        report(min(done, total), total)

    return advanced


def write_archive(target: Path, header: bytes, data_key: bytes,
                  members: list[tuple[str, Path, int]], progress: Progress | None,
                  token: CancelToken | None) -> None:
    """Write the backup file `target`; it appears under its name only when complete."""
    advanced = _counter(sum(size for _, _, size in members), progress, token)
    prefix = MAGIC + struct.pack(">I", len(header)) + header
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-",
                                         suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(prefix)
            sealed = Encryptor(data_key, sink, aad=prefix)
            manifest: dict[str, dict[str, object]] = {}
            with tarfile.open(fileobj=sealed, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
                for name, path, size in members:
                    info = tarfile.TarInfo(name)
                    info.size = size
                    info.mtime = int(path.stat().st_mtime)
                    with path.open("rb") as source:
                        reader = _Hashing(source, advanced)
                        tar.addfile(info, reader)
                    manifest[name] = {"sha256": reader.digest.hexdigest(), "size": size}
                listing = json.dumps(manifest).encode()
                info = tarfile.TarInfo(MANIFEST_MEMBER)
                info.size = len(listing)
                tar.addfile(info, io.BytesIO(listing))
            sealed.close()
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temp, target)
    except OSError as exc:
        raise UserError(f"Không ghi được bản sao lưu «{target.name}»: {exc.strerror}. "
                        "Hãy kiểm tra chỗ trống trên ổ đĩa hoặc USB rồi thử lại.") from exc
    finally:
        temp.unlink(missing_ok=True)


# ------------------------------------------------------------------------- reading


def read_header(path: Path) -> BackupHeader:
    try:
        with path.open("rb") as handle:
            return _read_header(handle, path)
    except OSError as exc:
        raise UserError(f"Không mở được tệp «{path.name}»: {exc.strerror}.") from exc


def _read_header(handle: BinaryIO, path: Path) -> BackupHeader:
    start = handle.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or not start.startswith(MAGIC):
        raise damaged(path)
    (length,) = struct.unpack(">I", start[len(MAGIC):])
    raw = handle.read(length) if length <= 1 << 22 else b""
    try:
        data = json.loads(raw)
        return BackupHeader(datetime.fromisoformat(data["created_at"]), str(data["app_version"]),
                            str(data["revision"]), str(data["key_id"]), int(data["cases"]),
                            int(data["evidence_files"]), list(data["wraps"]),
                            data.get("audit_anchor"), start + raw)
    except (ValueError, KeyError, TypeError) as exc:
        raise damaged(path) from exc


def verify_backup(path: Path, data_key: bytes) -> BackupHeader:
    """Read a whole backup: every chunk decrypts and every member matches the manifest."""
    with tempfile.TemporaryDirectory() as scratch:
        return _extract(path, data_key, Path(scratch), keep=False)


def unpack(path: Path, data_key: bytes, into: Path, *, progress: Progress | None = None,
           token: CancelToken | None = None) -> BackupHeader:
    """Decrypt and unpack the whole of `path` into the folder `into`, every member checked;
    the database is then `into / DATABASE_MEMBER` until `arrange` lays it out."""
    return _extract(path, data_key, into, keep=True, progress=progress, token=token)


def _extract(path: Path, data_key: bytes, into: Path, *, keep: bool,
             progress: Progress | None = None,
             token: CancelToken | None = None) -> BackupHeader:
    """Decrypt and unpack `path` into `into` (only checking, unless `keep`)."""
    advanced = _counter(path.stat().st_size, progress, token)
    hashes: dict[str, dict[str, object]] = {}
    manifest: dict[str, dict[str, object]] | None = None
    with path.open("rb") as handle:
        header = _read_header(handle, path)
        plain = DecryptingReader(data_key, handle, aad=header.raw, on_read=advanced)
        try:
            with tarfile.open(fileobj=plain, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    name = member.name
                    if manifest is not None or not member.isfile() or name in hashes:
                        raise damaged(path)
                    source = tar.extractfile(member)
                    if source is None:
                        raise damaged(path)
                    if name == MANIFEST_MEMBER:
                        manifest = json.loads(source.read(1 << 24))
                        continue
                    if not _allowed_member(name):
                        raise damaged(path)
                    hashes[name] = {"sha256": _unpack(source, into / name if keep else None),
                                    "size": member.size}
        except (DecryptionError, tarfile.TarError, EOFError, ValueError) as exc:
            raise damaged(path) from exc
    if manifest != hashes or DATABASE_MEMBER not in hashes:
        raise damaged(path)
    return header


def _allowed_member(name: str) -> bool:
    return (name in (DATABASE_MEMBER, PREFERENCES_MEMBER)
            or bool(_EVIDENCE_MEMBER.fullmatch(name))
            or (bool(_REPORT_MEMBER.fullmatch(name)) and name[8:] not in (".", "..")))


def _unpack(source: IO[bytes], target: Path | None) -> str:
    digest = hashlib.sha256()
    writer = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        writer = target.open("xb")
    try:
        while chunk := source.read(COPY_CHUNK):
            digest.update(chunk)
            if writer is not None:
                writer.write(chunk)
        if writer is not None:
            writer.flush()
            os.fsync(writer.fileno())
    finally:
        if writer is not None:
            writer.close()
    return digest.hexdigest()


def arrange(staging: Path) -> None:
    """Lay the members unpacked into `staging` out as the data folder's own parts."""
    os.replace(staging / DATABASE_MEMBER, staging / Path(DATABASE_MEMBER).name)
    (staging / "database").rmdir()
    for folder in ("evidence", "reports"):
        (staging / folder).mkdir(exist_ok=True)
