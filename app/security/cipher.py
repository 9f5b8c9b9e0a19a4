"""Authenticated encryption of files and streams (AES-256-GCM in 1 MiB chunks).

Layout: `MAGIC`, a 16-byte random salt, then chunks of at most `CHUNK` plaintext
bytes, each sealed with its own tag. Every file gets its own key, derived from the
data key and the salt (HKDF), so nonces are simply chunk counters. The last chunk is
always shorter than `CHUNK` (possibly empty) and sealed as "final": a truncated,
reordered or spliced file fails to decrypt instead of yielding part of the content.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"SVPENC\x00\x01"
SALT_SIZE = 16
HEADER_SIZE = len(MAGIC) + SALT_SIZE
CHUNK = 1 << 20
TAG_SIZE = 16


class DecryptionError(Exception):
    """The content is not ours, damaged, truncated or sealed with another key."""


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


def _file_key(data_key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                   info=b"sovipham file v1").derive(data_key)
    return AESGCM(derived)


def _nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class Encryptor:
    """Seals what is written to it into `sink`; `close()` writes the final chunk."""

    def __init__(self, data_key: bytes, sink: BinaryIO, *, aad: bytes = b"") -> None:
        salt = os.urandom(SALT_SIZE)
        self._aead = _file_key(data_key, salt)
        self._sink = sink
        self._aad = MAGIC + salt + aad
        self._pending = bytearray()
        self._counter = 0
        self._closed = False
        sink.write(MAGIC + salt)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._pending += data
        # Keep at least one byte back: a full chunk is never the final one.
        while len(self._pending) > CHUNK:
            self._seal(bytes(self._pending[:CHUNK]), final=False)
            del self._pending[:CHUNK]
        return len(data)

    def close(self) -> None:
        if self._closed:
            return
        if len(self._pending) == CHUNK:
            self._seal(bytes(self._pending), final=False)
            self._pending.clear()
        self._seal(bytes(self._pending), final=True)
        self._pending.clear()
        self._closed = True

    def _seal(self, plain: bytes, *, final: bool) -> None:
        self._sink.write(self._aead.encrypt(_nonce(self._counter, final), plain, self._aad))
        self._counter += 1

    # File-like enough for tarfile and shutil.copyfileobj.
    def flush(self) -> None:
        self._sink.flush()

    def writable(self) -> bool:
        return True


def decrypted_chunks(data_key: bytes, source: BinaryIO, *, aad: bytes = b"") -> Iterator[bytes]:
    """The plaintext of `source`, chunk by chunk, each authenticated before it is given.

    A damaged chunk raises `DecryptionError` when it is reached: callers that must not
    act on part of a file write the chunks somewhere temporary first.
    """
    header = source.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not is_encrypted(header):
        raise DecryptionError("not an encrypted file")
    aead = _file_key(data_key, header[len(MAGIC):])
    full = CHUNK + TAG_SIZE
    counter = 0
    sealed = source.read(full)
    while True:
        final = len(sealed) < full
        try:
            plain = aead.decrypt(_nonce(counter, final), sealed, header + aad)
        except InvalidTag as exc:
            raise DecryptionError("damaged chunk") from exc
        yield plain
        if final:
            if source.read(1):
                raise DecryptionError("data after the final chunk")
            return
        counter += 1
        sealed = source.read(full)


class DecryptingReader:
    """A read-only stream over the plaintext of `source` (for tarfile's stream mode)."""

    def __init__(self, data_key: bytes, source: BinaryIO, *, aad: bytes = b"",
                 on_read: Callable[[int], None] | None = None) -> None:
        self._chunks = decrypted_chunks(data_key, source, aad=aad)
        self._buffer = b""
        self._position = 0
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        available = len(self._buffer) - self._position
        if size < 0 or available < size:
            # Refill once per chunk, not once per read: tarfile reads 10 KB at a time.
            parts = [self._buffer[self._position:]]
            while size < 0 or available < size:
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                if self._on_read is not None:
                    self._on_read(len(chunk))
                parts.append(chunk)
                available += len(chunk)
            self._buffer, self._position = b"".join(parts), 0
        end = len(self._buffer) if size < 0 else self._position + size
        data = self._buffer[self._position:end]
        self._position = min(end, len(self._buffer))
        return data

    def readable(self) -> bool:
        return True


def encrypt_file(data_key: bytes, source: BinaryIO, sink: BinaryIO) -> None:
    encryptor = Encryptor(data_key, sink)
    while chunk := source.read(CHUNK):
        encryptor.write(chunk)
    encryptor.close()


def seal(key: bytes, plain: bytes, aad: bytes) -> tuple[bytes, bytes]:
    """A small secret (a data key) sealed under `key`: (nonce, sealed)."""
    nonce = os.urandom(12)
    return nonce, AESGCM(key).encrypt(nonce, plain, aad)


def unseal(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, sealed, aad)
    except InvalidTag as exc:
        raise DecryptionError("wrong key or damaged") from exc
