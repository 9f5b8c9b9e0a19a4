"""The plain text of an SQLCipher database file and of its WAL, page by page, free pages
included: what SQLite would leave on disk without encryption. The tests that a purge leaves
no trace look there, since the encrypted bytes themselves hide everything.

SQLCipher 4's default page layout, keyed with a raw key: each 4096-byte page is AES-256-CBC
under the key itself, with its IV in the 80 reserved bytes at the page's end (IV, then the
HMAC); the first page starts after the 16-byte salt.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVED = 80
SALT = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def _page(data: bytes, key: bytes, first: bool) -> bytes:
    start = SALT if first else 0
    body, iv = data[start:PAGE - RESERVED], data[PAGE - RESERVED:PAGE - RESERVED + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def plain_database(path: Path, key: bytes) -> bytes:
    data = path.read_bytes()
    return b"".join(_page(data[at:at + PAGE], key, at == 0)
                    for at in range(0, len(data) - PAGE + 1, PAGE))


def plain_wal(path: Path, key: bytes) -> bytes:
    if not path.exists():
        return b""
    data = path.read_bytes()
    frames = []
    for at in range(WAL_HEADER, len(data) - FRAME_HEADER - PAGE + 1, FRAME_HEADER + PAGE):
        number = int.from_bytes(data[at:at + 4], "big")
        frames.append(_page(data[at + FRAME_HEADER:at + FRAME_HEADER + PAGE], key, number == 1))
    return b"".join(frames)
