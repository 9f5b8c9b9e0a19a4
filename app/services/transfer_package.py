"""The case transfer package (`.svpcase`, shared/spec/exchange.md "Case transfer package"):
its layout, written and read beneath the services (no session; `services/transfers.py`
gathers and stores the cases).

Layout, in this order:

- `MAGIC` (8 bytes), then the header's length (4 bytes, big-endian) and the header: JSON in
  UTF-8, keys sorted, without spaces. It holds `format` ("sovipham-case-transfer"),
  `version` (1), `from_unit` and `to_unit` (each `{"code", "name"}`), `from_fingerprint`
  and `to_fingerprint` (the units' key fingerprints, `security/unit_keys.py`),
  `ephemeral_key` (base64, X25519), `created_at` (ISO 8601, UTC), `program_version`,
  `cases` and `files` (how many). Nothing in it names a person.
- The body: the payload encrypted as `security/cipher.py` lays a file out (AES-256-GCM in
  1 MiB chunks, the last marked final, so a cut or reordered body fails), with the header
  as associated data, under a key only the receiving unit derives again: X25519 between
  `ephemeral_key` and the unit's registered receiving key, then HKDF-SHA256
  (`unit_keys.key_for_unit`).
- The trailer: `SIGNATURE_MARK` (8 bytes) and the sending unit's Ed25519 signature
  (64 bytes) over `SIGNED_CONTEXT` + SHA-256(header) + SHA-256(body).

Encrypt-then-sign: the receiver checks who sent the file and that not a byte of it was
changed or cut before it decrypts anything (one pass hashing the file), and a third office
learns nothing by trying. The signed header names the receiving unit and its key's
fingerprint, so the signature says for whom the package was made; the payload repeats the
sending unit, checked against the header, so a package re-signed by another unit is refused.

The payload: 4 bytes (big-endian) of the manifest's length and the manifest (JSON, UTF-8),
then each evidence file's content in the order of the manifest's `files` (`sha256`,
`size`), byte for byte: files are streamed in and out in chunks, never held whole.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from app.errors import UserError
from app.security import unit_keys
from app.security.cipher import DecryptingReader, DecryptionError, Encryptor

MAGIC = b"SVPCASE\x00"
SIGNATURE_MARK = b"SVPSIG\x00\x01"
SIGNED_CONTEXT = b"sovipham case transfer v1"
FORMAT = "sovipham-case-transfer"
VERSION = 1
SUFFIX = ".svpcase"
_KEY_CONTEXT = b"case transfer"
_LENGTH = struct.Struct(">I")
_MAX_HEADER = 64 * 1024
_MAX_MANIFEST = 512 * 1024 * 1024
_TRAILER = len(SIGNATURE_MARK) + unit_keys.SIGNATURE_SIZE
_READ = 1 << 20
_HEADER_FIELDS = {"format", "version", "from_unit", "to_unit", "from_fingerprint",
                  "to_fingerprint", "ephemeral_key", "created_at", "program_version", "cases",
                  "files"}


@dataclass(frozen=True)
class FileContent:
    """An evidence file to put in the package: its hash, size and a way to read it."""

    sha256: str
    size: int
    chunks: Callable[[], AbstractContextManager[Iterable[bytes]]]


@dataclass(frozen=True)
class Header:
    """A package's header as read, and its bytes as signed."""

    fields: dict[str, Any]
    raw: bytes
    body_start: int
    body_end: int

    @property
    def from_code(self) -> str:
        return str(self.fields["from_unit"]["code"])

    @property
    def to_code(self) -> str:
        return str(self.fields["to_unit"]["code"])


def refused(path: Path, why: str) -> UserError:
    return UserError(f"Tệp «{path.name}» {why}")


def _canonical(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def _signed(header: bytes, body_digest: bytes) -> bytes:
    return SIGNED_CONTEXT + hashlib.sha256(header).digest() + body_digest


class _Hashing:
    """Writes through to `sink`, hashing what passes."""

    def __init__(self, sink: BinaryIO | _Hashing) -> None:
        self.sink = sink
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.sink.write(data)


def write(target: Path, header: dict[str, Any], manifest: dict[str, Any],
          files: Sequence[FileContent], *, receiving_key: bytes,
          sign: Callable[[bytes], bytes]) -> str:
    """Write the package to `target` (beside it first, renamed when whole: nothing is left
    on an error); its SHA-256. `header` gets the ephemeral key here."""
    ephemeral, content_key = unit_keys.key_for_unit(receiving_key, _KEY_CONTEXT)
    raw = _canonical({**header, "ephemeral_key": base64.b64encode(ephemeral).decode()})
    manifest_bytes = _canonical(manifest)
    partial = target.with_name(f".{target.name}.tmp")
    try:
        with partial.open("wb") as handle:
            whole = _Hashing(handle)  # the file's SHA-256, which the sides record
            whole.write(MAGIC + _LENGTH.pack(len(raw)) + raw)
            body = _Hashing(whole)
            sealed = Encryptor(content_key, body, aad=raw)  # type: ignore[arg-type]
            sealed.write(_LENGTH.pack(len(manifest_bytes)) + manifest_bytes)
            for item in files:
                written, digest = 0, hashlib.sha256()
                with item.chunks() as chunks:
                    for chunk in chunks:
                        written += len(chunk)
                        digest.update(chunk)
                        sealed.write(chunk)
                if (written, digest.hexdigest()) != (item.size, item.sha256):
                    raise UserError("Tệp chứng cứ trong dữ liệu không khớp với mã băm đã ghi. "
                                    "Hãy chạy «Kiểm tra dữ liệu» và báo quản trị.")
            sealed.close()
            whole.write(SIGNATURE_MARK + sign(_signed(raw, body.digest.digest())))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return whole.digest.hexdigest()


def read_header(path: Path) -> Header:
    """The header, checked for form: refused when the file is not a package, is of a newer
    format, or is too short to hold its signature."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            start = handle.read(len(MAGIC) + _LENGTH.size)
            if len(start) < len(MAGIC) + _LENGTH.size or not start.startswith(MAGIC):
                raise refused(path, "không phải gói chuyển vụ việc (.svpcase) của chương "
                                    "trình.")
            (length,) = _LENGTH.unpack(start[len(MAGIC):])
            raw = handle.read(length) if length <= _MAX_HEADER else b""
    except OSError as exc:
        raise refused(path, "không đọc được.") from exc
    if len(raw) != length:
        raise refused(path, "bị cắt cụt hoặc hỏng: hãy xin đơn vị gửi lại gói.")
    try:
        fields = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refused(path, "bị hỏng (phần đầu không đọc được): hãy xin đơn vị gửi lại "
                            "gói.") from exc
    if not isinstance(fields, dict) or fields.get("format") != FORMAT:
        raise refused(path, "không phải gói chuyển vụ việc (.svpcase) của chương trình.")
    version = fields.get("version")
    if not isinstance(version, int) or version > VERSION or set(fields) - _HEADER_FIELDS:
        raise refused(path, "do một phiên bản mới hơn của chương trình lập: hãy cập nhật "
                            "chương trình rồi nhận lại gói.")
    units_ok = all(isinstance(fields.get(k), dict) and isinstance(fields[k].get("code"), str)
                   for k in ("from_unit", "to_unit"))
    if set(fields) != _HEADER_FIELDS or not units_ok:
        raise refused(path, "thiếu thông tin ở phần đầu: gói bị sửa hoặc hỏng. Hãy xin đơn "
                            "vị gửi lại gói.")
    body_start = len(MAGIC) + _LENGTH.size + length
    if size - _TRAILER <= body_start:
        raise refused(path, "bị cắt cụt: không còn chữ ký của đơn vị gửi. Hãy xin đơn vị "
                            "gửi lại gói.")
    return Header(fields, raw, body_start, size - _TRAILER)


def check_signature(path: Path, header: Header, signing_key: bytes) -> str:
    """The file's SHA-256, once the trailer is found to be the sending unit's signature over
    this header and body; refused otherwise (a changed byte, a cut file, a missing or
    another unit's signature)."""
    digest, whole = hashlib.sha256(), hashlib.sha256()
    try:
        with path.open("rb") as handle:
            whole.update(handle.read(header.body_start))
            left = header.body_end - header.body_start
            while left > 0 and (chunk := handle.read(min(_READ, left))):
                digest.update(chunk)
                whole.update(chunk)
                left -= len(chunk)
            trailer = handle.read()
    except OSError as exc:
        raise refused(path, "không đọc được.") from exc
    whole.update(trailer)
    if not trailer.startswith(SIGNATURE_MARK):
        raise refused(path, "không có chữ ký của đơn vị gửi (bị cắt cụt hoặc chưa được ký): "
                            "không nhận. Hãy xin đơn vị gửi lại gói.")
    signature = trailer[len(SIGNATURE_MARK):]
    if not unit_keys.signature_matches(signing_key, _signed(header.raw, digest.digest()),
                                       signature):
        raise refused(path, "đã bị sửa đổi hoặc hỏng: chữ ký của đơn vị "
                            f"{header.from_code} không khớp với nội dung. Không nhận; hãy "
                            "xin đơn vị gửi lại gói.")
    return whole.hexdigest()


class _Slice:
    """The body of the file as a stream: from its start to the trailer."""

    def __init__(self, handle: BinaryIO, start: int, end: int) -> None:
        handle.seek(start)
        self._handle = handle
        self._left = end - start

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        data = self._handle.read(size)
        self._left -= len(data)
        return data


@dataclass(frozen=True)
class Payload:
    """The decrypted manifest, and the files' contents to stream in the manifest's order."""

    manifest: dict[str, Any]
    contents: Iterator[tuple[str, int, Iterator[bytes]]]


@contextmanager
def opened(path: Path, header: Header, seed: bytes) -> Iterator[Payload]:
    """The payload, decrypted with this unit's receiving key (from `seed`) as it is read;
    a damaged part (which a verified signature rules out) is refused when reached."""
    try:
        content_key = unit_keys.key_as_unit(
            seed, base64.b64decode(str(header.fields["ephemeral_key"]), validate=True),
            _KEY_CONTEXT)
    except (ValueError, binascii.Error) as exc:
        raise refused(path, "có khóa không đọc được: gói bị sửa hoặc hỏng.") from exc
    damaged = refused(path, "không giải mã được: gói không lập cho khóa hiện tại của đơn vị "
                            "này, hoặc bị hỏng.")
    try:
        with path.open("rb") as handle:
            reader = DecryptingReader(content_key, _Slice(handle, header.body_start,
                                                          header.body_end),  # type: ignore[arg-type]
                                      aad=header.raw)
            (length,) = _LENGTH.unpack(_exactly(reader, _LENGTH.size, damaged))
            if length > _MAX_MANIFEST:
                raise damaged
            manifest = json.loads(_exactly(reader, length, damaged).decode("utf-8"))
            if not isinstance(manifest, dict):
                raise damaged

            def contents() -> Iterator[tuple[str, int, Iterator[bytes]]]:
                for item in manifest.get("files", []):
                    size = int(item["size"])
                    yield str(item["sha256"]), size, _stream(reader, size, damaged)
                if reader.read(1):
                    raise damaged

            yield Payload(manifest, contents())
    except DecryptionError as exc:
        raise damaged from exc
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
            ValueError) as exc:
        raise damaged from exc
    except OSError as exc:
        raise refused(path, "không đọc được.") from exc


def _exactly(reader: DecryptingReader, size: int, damaged: UserError) -> bytes:
    data = reader.read(size)
    if len(data) != size:
        raise damaged
    return data


def _stream(reader: DecryptingReader, size: int, damaged: UserError) -> Iterator[bytes]:
    left = size
    while left > 0:
        chunk = reader.read(min(_READ, left))
        if not chunk:
            raise damaged
        left -= len(chunk)
        yield chunk
