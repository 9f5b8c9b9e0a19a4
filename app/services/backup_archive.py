"""The backup file: its layout, writing one and reading one back (no session; the
operations that need one are `backup.py`).

Layout (format 2): `MAGIC`, the header's length (4 bytes), the header (JSON: when, which
version, counts, the keys' fingerprints, the wraps that open it and its file key sealed to
P), the MAC's length (1 byte: 0 or 32) and the MAC, then a tar stream encrypted with the
file key (`app/security/cipher.py`), authenticated together with all that precedes it.
The tar ends with a manifest of every member's SHA-256. The database and the evidence
files inside stay encrypted with the data key as in the data folder.

Only the administrators' key A opens the file key (`sealing.py`), and the header carries
only the wraps that hold A (the active administrators' and the recovery wrap), so a
backup opens with an administrator's password of the time it was made, or the recovery
key. The MAC, with a key derived from A, says an administrator's session made it; a
backup made in another session (automatic) has none, and its restore checks the accounts
seal inside instead (`services/accounts_seal.py`).

Format 1 (`LEGACY_MAGIC`, before this layout): no MAC, the tar encrypted with the data
key itself, every account's wrap; still read (`backup.restore_backup` says how).
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
from app.security.keyfile import SealedCopy
from app.security.keys import WrapRefused
from app.security.sealing import MAC_SIZE, SealedFileKey
from app.services.evidence_store import stored_path

MAGIC = b"SVPBAK\x00\x02"
LEGACY_MAGIC = b"SVPBAK\x00\x01"
FORMAT = 2
SUFFIX = ".svpbak"
DATABASE_MEMBER = "database/sovipham.sqlite3"
MANIFEST_MEMBER = "manifest.json"
PREFERENCES_MEMBER = "giao-dien.ini"
COPY_CHUNK = 1 << 20
MAX_HEADER = 1 << 22
# An office has a handful of administrators; each wrap tried can cost a key derivation
# (bounded by `keys.KDF_BOUNDS`), so a crafted header cannot ask for thousands.
MAX_COPIES = 32
_EVIDENCE_MEMBER = re.compile(r"evidence/[0-9a-f]{2}/[0-9a-f]{64}")
_REPORT_MEMBER = re.compile(r"reports/[^/\\:\x00-\x1f]{1,200}")


def damaged(path: Path) -> UserError:
    return UserError(f"Tệp «{path.name}» không phải bản sao lưu của chương trình, bị hỏng hoặc "
                     "đã bị sửa (không giải mã, kiểm tra được). Không có gì bị thay đổi; hãy "
                     "dùng một bản sao lưu khác.")


@dataclass(frozen=True)
class BackupHeader:
    format: int
    created_at: datetime
    app_version: str
    revision: str
    key_id: str  # the data key's fingerprint
    admin_key_id: str | None  # the administrators' key's (None in format 1)
    cases: int
    evidence_files: int
    automatic: bool
    copies: tuple[SealedCopy, ...]
    file_key: SealedFileKey | None  # None in format 1: the content is sealed with the data key
    audit_anchor: object  # the audit log's anchor when it was made (`audit.anchor`), or None
    mac: bytes | None  # an administrator's MAC over `signed`; None when made without A
    signed: bytes  # magic, length and header as stored: what the MAC covers
    raw: bytes  # everything before the content: authenticated with it

    @property
    def legacy(self) -> bool:
        return self.format == 1


# ---------------------------------------------------------------------------- writing


def encode_header(revision: str, key_id: str, admin_key_id: str, cases: int,
                  evidence_files: int, copies: list[SealedCopy], file_key: SealedFileKey, *,
                  automatic: bool, audit_anchor: object = None) -> bytes:
    """The header of a backup made now, as stored."""
    return json.dumps({
        "format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
        "app_version": __version__, "revision": revision,
        "key_id": key_id, "backup_key_id": admin_key_id,
        "cases": cases, "evidence_files": evidence_files, "automatic": automatic,
        "wraps": [copy.to_json() for copy in copies], "file_key": file_key.to_json(),
        "audit_anchor": audit_anchor,
    }, ensure_ascii=False).encode()


def signed_part(header: bytes) -> bytes:
    """What an administrator's MAC covers: the magic, the header's length and the header."""
    return MAGIC + struct.pack(">I", len(header)) + header


def prefix(header: bytes, mac: bytes | None) -> bytes:
    """Everything the file holds before its content."""
    mac = mac or b""
    assert len(mac) in (0, MAC_SIZE)
    return signed_part(header) + bytes([len(mac)]) + mac


def members(paths: DataPaths, database: Path, evidence: list[str],
            stored_in: Path | None = None) -> list[tuple[str, Path, int]]:
    """(name in the archive, file, size) of everything a backup of `paths` holds:
    `database` (a checked snapshot), the `evidence` files by hash (the data folder's, or
    a server's set apart in the folder `stored_in`), the reports sent and the window
    preferences."""
    found = [(DATABASE_MEMBER, database)]
    for sha256 in evidence:
        stored = stored_path(paths, sha256) if stored_in is None else stored_in / sha256
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


def write_archive(target: Path, start: bytes, content_key: bytes,
                  members: list[tuple[str, Path, int]], progress: Progress | None,
                  token: CancelToken | None, *,
                  before_publishing: Callable[[], None] = lambda: None) -> None:
    """Write the backup file `target`: `start` (its `prefix`), then `members` sealed with
    `content_key`. It appears under its name only when complete, and after
    `before_publishing` returned (what raises there leaves no file)."""
    advanced = _counter(sum(size for _, _, size in members), progress, token)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-",
                                         suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(start)
            sealed = Encryptor(content_key, sink, aad=start)
            manifest: dict[str, dict[str, object]] = {}
            # Read, hashed and sealed a chunk at a time: tarfile's own 10 KB records
            # would cost a call (and a copy of what it buffers) each.
            with tarfile.open(fileobj=sealed, mode="w|", format=tarfile.PAX_FORMAT,  # type: ignore[call-overload]
                              bufsize=COPY_CHUNK, copybufsize=COPY_CHUNK) as tar:
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
        advanced(0)  # a cancel while the last chunk was being written still counts
        before_publishing()
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
    magic = start[:len(MAGIC)]
    if len(start) < len(MAGIC) + 4 or magic not in (MAGIC, LEGACY_MAGIC):
        raise damaged(path)
    (length,) = struct.unpack(">I", start[len(MAGIC):])
    raw = handle.read(length) if length <= MAX_HEADER else b""
    if len(raw) != length:
        raise damaged(path)
    signed, mac = start + raw, None
    rest = b""
    if magic == MAGIC:
        rest = handle.read(1)
        mac = handle.read(rest[0]) if rest and rest[0] == MAC_SIZE else b""
        if not rest or len(mac) != rest[0]:
            raise damaged(path)
        rest += mac
    try:
        data = json.loads(raw)
        wraps = data["wraps"]
        if not isinstance(wraps, list) or len(wraps) > MAX_COPIES:
            raise ValueError("wraps")
        copies = tuple(SealedCopy.from_json(copy) for copy in wraps)
        if len({copy.account for copy in copies}) != len(copies):
            raise ValueError("two wraps for one account")
        legacy = magic == LEGACY_MAGIC
        if data["format"] != (1 if legacy else FORMAT):
            raise ValueError("format")
        return BackupHeader(
            1 if legacy else FORMAT, datetime.fromisoformat(data["created_at"]),
            str(data["app_version"]), str(data["revision"]), str(data["key_id"]),
            None if legacy else str(data["backup_key_id"]), int(data["cases"]),
            int(data["evidence_files"]), False if legacy else data["automatic"] is True,
            copies, None if legacy else SealedFileKey.from_json(data["file_key"]),
            None if legacy else data.get("audit_anchor"), mac or None, signed,
            signed + rest)
    except WrapRefused:
        raise  # its own message: a wrap asking for an absurd key derivation
    except (ValueError, KeyError, TypeError) as exc:
        raise damaged(path) from exc


def verify_backup(path: Path, content_key: bytes) -> BackupHeader:
    """Read a whole backup: every chunk decrypts with `content_key` (its file key; the data
    key in format 1) and every member matches the manifest."""
    with tempfile.TemporaryDirectory() as scratch:
        return _extract(path, content_key, Path(scratch), keep=False)


def unpack(path: Path, content_key: bytes, into: Path, *, progress: Progress | None = None,
           token: CancelToken | None = None) -> BackupHeader:
    """Decrypt and unpack the whole of `path` into the folder `into`, every member checked;
    the database is then `into / DATABASE_MEMBER` until `arrange` lays it out."""
    return _extract(path, content_key, into, keep=True, progress=progress, token=token)


def _extract(path: Path, content_key: bytes, into: Path, *, keep: bool,
             progress: Progress | None = None,
             token: CancelToken | None = None) -> BackupHeader:
    """Decrypt and unpack `path` into `into` (only checking, unless `keep`)."""
    advanced = _counter(path.stat().st_size, progress, token)
    hashes: dict[str, dict[str, object]] = {}
    manifest: dict[str, dict[str, object]] | None = None
    with path.open("rb") as handle:
        header = _read_header(handle, path)
        plain = DecryptingReader(content_key, handle, aad=header.raw, on_read=advanced)
        try:
            with tarfile.open(fileobj=plain, mode="r|",  # type: ignore[call-overload]
                              bufsize=COPY_CHUNK) as tar:
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
