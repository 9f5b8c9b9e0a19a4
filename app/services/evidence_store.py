"""Evidence files stored once by the SHA-256 of their content, encrypted with the data
key (`app/security/cipher.py`): under the data folder, or in server mode in the server's
database (`app/db/chunks.py`, the same encrypted bytes in parts), so that every PC sees
them. Staging and the viewer's copies stay in this PC's data folder either way.

Every read or write of stored bytes goes through this module. Files stored before
encryption existed are still read as they are.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from sqlalchemy import Connection, exists, select
from sqlalchemy.orm import Session

from app.db import chunks
from app.db.engine import server_connection
from app.errors import UserError
from app.models import Evidence, SentDocument
from app.paths import DataPaths
from app.progress import CancelToken, Progress, no_progress
from app.security import keys
from app.security.cipher import (
    MAGIC,
    DecryptionError,
    Encryptor,
    decrypted_chunks,
    is_encrypted,
)
from app.services import vault

CHUNK = 1 << 20
HEAD_SIZE = 4096  # the first bytes, kept to check that the content matches the file type


def stored_path(paths: DataPaths, sha256: str) -> Path:
    return paths.evidence / sha256[:2] / sha256


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class StagedFile:
    """A copy of a source file waiting in the evidence folder under a temporary name."""

    temp: Path
    sha256: str
    size: int
    head: bytes
    key_id: str  # the fingerprint of the data key it is sealed under


def _unreadable(name: str) -> UserError:
    return UserError(f"Không đọc được tệp «{name}»: tệp không còn hoặc không có quyền đọc "
                     "(đường dẫn tắt có thể trỏ tới tệp đã xóa).")


def _empty(name: str) -> UserError:
    return UserError(f"Tệp «{name}» rỗng (0 byte): không có gì để lưu làm chứng cứ.")


def _regular_size(path: Path, name: str) -> int:
    """The size of `path`; refused unless it is (a link to) a regular file."""
    try:
        info = path.stat()
    except OSError as exc:
        raise _unreadable(name) from exc
    # A directory, device or pipe is not evidence; opening a pipe would also hang.
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"«{name}» không phải là một tệp (có thể là thư mục hoặc thiết bị).")
    return info.st_size


def _open(path: Path, name: str) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise _unreadable(name) from exc


def _too_large(name: str, max_bytes: int) -> UserError:
    return UserError(f"Tệp «{name}» lớn hơn giới hạn {max_bytes // (1 << 20)} MB của một tệp "
                     "chứng cứ. Hãy cắt ngắn hoặc nén tệp, hoặc nhờ quản trị nâng giới hạn "
                     "trong Cài đặt.")


@contextmanager
def staged(paths: DataPaths, source: Path, name: str, *, data_key: bytes, max_bytes: int,
           progress: Progress | None = None,
           token: CancelToken | None = None) -> Iterator[StagedFile]:
    """Copy `source` into the evidence folder, hashing and encrypting it on the way.

    The copy is removed when the block ends unless `StoreChanges.place` moved it
    into the store: a refusal, an error or a cancellation leaves nothing behind.
    `name` is how the file is named in messages.
    """
    report = progress or no_progress
    total = _regular_size(source, name)
    if total == 0:
        raise _empty(name)
    if total > max_bytes:
        raise _too_large(name, max_bytes)

    def read() -> Iterator[bytes]:
        done = 0
        with _open(source, name) as reader:
            while chunk := reader.read(CHUNK):
                if token is not None:
                    token.raise_if_cancelled()
                done += len(chunk)
                if done > max_bytes:  # the file grew while being copied
                    raise _too_large(name, max_bytes)
                yield chunk
                report(done, total)

    with staged_content(paths, read(), data_key=data_key) as copy:
        if copy.size == 0:
            raise _empty(name)
        yield copy


@contextmanager
def staged_content(paths: DataPaths, content: Iterable[bytes], *,
                   data_key: bytes) -> Iterator[StagedFile]:
    """`content` written into the evidence folder as `staged` writes a file: encrypted,
    hashed on the way, removed when the block ends unless placed in the store."""
    paths.evidence.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=paths.evidence, prefix=".incoming-", suffix=".part")
    temp = Path(temp_name)
    try:
        digest = hashlib.sha256()
        done = 0
        head = b""
        with os.fdopen(handle, "wb") as writer:
            sealed = Encryptor(data_key, writer)
            for chunk in content:
                done += len(chunk)
                if len(head) < HEAD_SIZE:
                    head += chunk[:HEAD_SIZE - len(head)]
                digest.update(chunk)
                sealed.write(chunk)
            sealed.close()
            writer.flush()
            # The database commit that follows is durable; the file must be too.
            os.fsync(writer.fileno())
        yield StagedFile(temp, digest.hexdigest(), done, head, keys.key_id(data_key))
    finally:
        temp.unlink(missing_ok=True)


def in_use(session: Session, sha256: str) -> bool:
    """Whether evidence or a document's signed copy still refers to this content."""
    return bool(session.execute(select(
        exists().where(Evidence.sha256 == sha256)
        | exists().where(SentDocument.signed_sha256 == sha256))).scalar_one())


class StoreChanges:
    """Changes of the store made during one database transaction, undone if it fails.

    Use as `with StoreChanges(paths) as files, db.write() as session:` and make the
    changes last, after the rows are flushed: the database lock is then held, so no
    other writer sees the store half changed, and a failed commit reaches `__exit__`.
    On a server the parts are rows of that transaction: it commits or undoes them.
    """

    def __init__(self, paths: DataPaths) -> None:
        self._paths = paths
        self._undo: list[Callable[[], None]] = []
        self._set_aside: list[Path] = []

    def place(self, session: Session, copy: StagedFile) -> None:
        """Move `copy` to its content address; content already stored is kept as it is."""
        if self._paths.server is not None:
            # The keys replaced on another PC since this one signed in: the content would
            # be sealed under a key no one holds any more. (A replacement holds the
            # register alone, so it cannot happen before this transaction ends.)
            if vault.load(self._paths).key_id != copy.key_id:
                raise UserError(vault.KEYS_REPLACED)
            conn = session.connection()
            chunks.hold(conn, copy.sha256)
            if not chunks.stored(conn, copy.sha256):
                with copy.temp.open("rb") as sealed:
                    chunks.write(conn, copy.sha256, sealed)
            return
        target = stored_path(self._paths, copy.sha256)
        if target.exists():
            return  # identical content (by hash); the window may have it open
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(copy.temp, target)
        self._undo.append(lambda: target.unlink(missing_ok=True))

    def remove(self, session: Session, sha256: str) -> None:
        """Delete stored content once the transaction commits, unless a row of the
        session's still refers to it (`in_use`). On a server the decision waits for any PC
        adding the same content (`chunks.hold`), and sees what it committed."""
        if self._paths.server is not None:
            conn = session.connection()
            chunks.hold(conn, sha256)
            if not in_use(session, sha256):
                chunks.remove(conn, sha256)
            return
        target = stored_path(self._paths, sha256)
        if not target.exists() or in_use(session, sha256):
            return
        aside = self._paths.evidence / f".removed-{os.urandom(8).hex()}"
        try:
            os.replace(target, aside)
        except OSError as exc:
            raise UserError("Không xóa được tệp chứng cứ: tệp đang được mở bằng chương trình "
                            "khác. Hãy đóng chương trình xem tệp rồi thử lại.") from exc
        self._set_aside.append(aside)
        self._undo.append(lambda: os.replace(aside, target))

    def __enter__(self) -> StoreChanges:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is not None:
            for undo in reversed(self._undo):
                undo()
            return
        for aside in self._set_aside:
            aside.unlink(missing_ok=True)


def is_stored(paths: DataPaths, sha256: str) -> bool:
    if paths.server is None:
        return stored_path(paths, sha256).is_file()
    with server_connection(paths.server) as conn:
        return chunks.stored(conn, sha256)


@contextmanager
def _sealed(paths: DataPaths, sha256: str) -> Iterator[io.BufferedReader[Any]]:
    """The stored bytes of `sha256` as a stream, from the file or the server's parts."""
    if paths.server is None:
        path = stored_path(paths, sha256)
        if not path.is_file():
            raise _missing()
        with path.open("rb") as handle:
            yield handle
        return
    with server_connection(paths.server) as conn:
        if not chunks.stored(conn, sha256):
            raise _missing()
        with io.BufferedReader(chunks.PartsReader(conn, sha256), CHUNK) as stream:
            yield stream


def _missing() -> UserError:
    return UserError("Không tìm thấy tệp chứng cứ trong dữ liệu (có thể đã bị xóa ngoài "
                     "chương trình). Hãy chạy «Kiểm tra dữ liệu» và báo quản trị.")


def _plain_chunks(handle: io.BufferedReader[Any], data_key: bytes) -> Iterator[bytes]:
    if not is_encrypted(handle.peek(len(MAGIC))[:len(MAGIC)]):
        # A data folder's file stored before encryption existed.
        while chunk := handle.read(CHUNK):
            yield chunk
        return
    yield from decrypted_chunks(data_key, handle)


def _damaged() -> UserError:
    return UserError("Tệp chứng cứ trong dữ liệu bị hỏng hoặc đã bị sửa ngoài chương "
                     "trình (không giải mã được). Hãy chạy «Kiểm tra dữ liệu» và báo quản trị.")


def content_sha256(paths: DataPaths, sha256: str, data_key: bytes) -> str | None:
    """The SHA-256 of the stored content as it decrypts; None if it does not decrypt."""
    digest = hashlib.sha256()
    try:
        with _sealed(paths, sha256) as stream:
            for chunk in _plain_chunks(stream, data_key):
                digest.update(chunk)
    except DecryptionError:
        return None
    return digest.hexdigest()


REKEYING_PREFIX = ".doi-khoa-"  # a file being sealed again under new keys


def stored_hashes(paths: DataPaths, session: Session | None = None) -> list[str]:
    """Every content address in the store, whether a case still uses it or not (on a
    server, as `session` sees them when given)."""
    if paths.server is not None and session is not None:
        return chunks.hashes(session.connection())
    if paths.server is not None:
        with server_connection(paths.server) as conn:
            return chunks.hashes(conn)
    return sorted(p.name for p in paths.evidence.glob("??/*")
                  if len(p.name) == 64 and p.parent.name == p.name[:2] and p.is_file())


def _under(key: bytes, stream: io.BufferedReader[Any]) -> bool:
    """Whether `stream` is sealed under `key` (its first chunk is authenticated)."""
    with suppress(DecryptionError):
        next(decrypted_chunks(key, stream))
        return True
    return False


def reencrypt(paths: DataPaths, sha256: str, old_key: bytes, new_key: bytes) -> bool:
    """The stored content sealed again under `new_key` (the keys are being replaced),
    whole or not at all: a file is written beside it and synced, then renamed, so a crash
    leaves it whole under the old key or the new; a server's parts are replaced in one
    transaction. Content already under `new_key` is left as it is. False when it decrypts
    under neither (damaged): it is left as it is."""
    if paths.server is not None:
        with server_connection(paths.server) as conn, conn.begin():
            return _reencrypt_parts(conn, paths, sha256, old_key, new_key)
    path = stored_path(paths, sha256)
    with path.open("rb") as current:
        if _under(new_key, current):
            return True
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=REKEYING_PREFIX,
                                         suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as writer, path.open("rb") as current:
            sealed = Encryptor(new_key, writer)
            for chunk in _plain_chunks(current, old_key):
                sealed.write(chunk)
            sealed.close()
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(temp, path)
    except DecryptionError:
        return False
    finally:
        temp.unlink(missing_ok=True)
    return True


def reencrypt_in(session: Session, paths: DataPaths, sha256: str, old_key: bytes,
                 new_key: bytes) -> bool:
    """`reencrypt` of a server's parts in `session`'s transaction (the keys replaced in one
    transaction, `services/rotation.py`)."""
    assert paths.server is not None
    return _reencrypt_parts(session.connection(), paths, sha256, old_key, new_key)


def _reencrypt_parts(conn: Connection, paths: DataPaths, sha256: str, old_key: bytes,
                     new_key: bytes) -> bool:
    chunks.hold(conn, sha256)
    with _parts(conn, sha256) as current:
        if _under(new_key, current):
            return True
    # The new parts wait in a scratch file (encrypted) while the old are read.
    paths.evidence.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=paths.evidence, prefix=REKEYING_PREFIX) as spool:
        try:
            with _parts(conn, sha256) as current:
                sealed = Encryptor(new_key, spool)
                for chunk in _plain_chunks(current, old_key):
                    sealed.write(chunk)
                sealed.close()
        except DecryptionError:
            return False
        spool.seek(0)
        chunks.remove(conn, sha256)
        chunks.write(conn, sha256, spool)
    return True


def _parts(conn: Connection, sha256: str) -> io.BufferedReader[Any]:
    return io.BufferedReader(chunks.PartsReader(conn, sha256), CHUNK)


def remove_rekeying_leftovers(paths: DataPaths) -> None:
    for leftover in paths.evidence.glob(f"??/{REKEYING_PREFIX}*"):
        leftover.unlink(missing_ok=True)


@contextmanager
def plain_content(paths: DataPaths, sha256: str, data_key: bytes) -> Iterator[Iterator[bytes]]:
    """The stored content decrypted chunk by chunk (a case transfer's package); damaged
    content fails with a Vietnamese message when its chunk is reached."""
    def chunks_of(stream: io.BufferedReader[Any]) -> Iterator[bytes]:
        try:
            yield from _plain_chunks(stream, data_key)
        except DecryptionError as exc:
            raise _damaged() from exc

    with _sealed(paths, sha256) as stream:
        yield chunks_of(stream)


def read_content(paths: DataPaths, sha256: str, data_key: bytes) -> bytes:
    """The whole content in memory (a thumbnail's picture)."""
    try:
        with _sealed(paths, sha256) as stream:
            return b"".join(_plain_chunks(stream, data_key))
    except DecryptionError as exc:
        raise _damaged() from exc


def view_folder(paths: DataPaths) -> Path:
    """Where decrypted copies wait for the system viewer; emptied at start and close."""
    return paths.root / ".xem"


def viewable_path(paths: DataPaths, sha256: str, data_key: bytes, suffix: str) -> Path:
    """A decrypted copy for the system viewer, named by hash (names can carry a child's
    name) with the original extension so that the right program opens it."""
    folder = view_folder(paths)
    folder.mkdir(exist_ok=True)
    target = folder / f"{sha256[:16]}{suffix.lower()}"
    try:
        write_plain(paths, sha256, data_key, target)
    except OSError as exc:
        if target.is_file():
            return target  # already open in a viewer (Windows keeps it locked)
        raise UserError(
            f"Không tạo được bản xem của tệp chứng cứ: {exc.strerror}.") from exc
    return target


def write_plain(paths: DataPaths, sha256: str, data_key: bytes, target: Path) -> None:
    """The file decrypted as `target`, written beside it under a temporary name first: a
    failure (OSError) leaves nothing half-written there."""
    with _sealed(paths, sha256) as source:
        handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as writer:
                for chunk in _plain_chunks(source, data_key):
                    writer.write(chunk)
            os.replace(temp_name, target)
        except DecryptionError as exc:
            raise _damaged() from exc
        finally:
            Path(temp_name).unlink(missing_ok=True)


def clear_view_copies(paths: DataPaths) -> None:
    """Remove decrypted copies; one still open in a viewer stays until next time."""
    shutil.rmtree(view_folder(paths), ignore_errors=True)
