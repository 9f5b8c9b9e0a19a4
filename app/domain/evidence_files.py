"""Which files are accepted as evidence, and the name a file is shown under.

A file is accepted by its extension and by its first bytes, so a renamed file is caught.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

NAME_LIMIT = 255  # the column's length
URL_LIMIT = 2000  # the source link column's length
UNNAMED = "tệp không tên"
# Control and format characters (a right-to-left override can disguise `gnp.exe` as
# `exe.png`), undecodable bytes of a file system name, and line breaks.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str
    content_matches: Callable[[bytes], bool]


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(signatures)


def _riff(form: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"RIFF" and head[8:12] == form


def _boxes(*names: bytes) -> Callable[[bytes], bool]:
    """ISO media (MP4, QuickTime): the first box's type follows its 4-byte size."""
    return lambda head: head[4:8] in names


def _plain_text(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head


_JPEG = FileType("image/jpeg", "ảnh JPEG", _starts(b"\xff\xd8\xff"))
_EBML = _starts(b"\x1a\x45\xdf\xa3")  # Matroska and WebM
_ZIP = _starts(b"PK\x03\x04")  # Office Open XML documents are zip archives

ALLOWED_TYPES: dict[str, FileType] = {
    "png": FileType("image/png", "ảnh PNG", _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "gif": FileType("image/gif", "ảnh GIF", _starts(b"GIF87a", b"GIF89a")),
    "webp": FileType("image/webp", "ảnh WebP", _riff(b"WEBP")),
    "bmp": FileType("image/bmp", "ảnh BMP", _starts(b"BM")),
    "mp4": FileType("video/mp4", "video MP4", _boxes(b"ftyp")),
    "mov": FileType("video/quicktime", "video MOV",
                    _boxes(b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")),
    "avi": FileType("video/x-msvideo", "video AVI", _riff(b"AVI ")),
    "mkv": FileType("video/x-matroska", "video MKV", _EBML),
    "webm": FileType("video/webm", "video WebM", _EBML),
    "pdf": FileType("application/pdf", "tài liệu PDF", _starts(b"%PDF-")),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "văn bản Word", _ZIP),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "bảng tính Excel", _ZIP),
    "txt": FileType("text/plain", "văn bản thuần", _plain_text),
}


def display_name(raw: str) -> str:
    """The name a file is shown under: never a path, never used as one."""
    text = "".join(c for c in raw if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    text = unicodedata.normalize("NFC", text)
    text = re.split(r"[\\/]", text)[-1].strip()
    if len(text) > NAME_LIMIT:
        _, dot, extension = text.rpartition(".")
        keep = f"{dot}{extension}" if dot and len(extension) <= 10 else ""
        text = text[:NAME_LIMIT - len(keep)].rstrip() + keep
    return text or UNNAMED


def file_type(name: str) -> FileType | None:
    """The accepted type a file of this (display) name claims to be, by its extension."""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return ALLOWED_TYPES.get(extension)
