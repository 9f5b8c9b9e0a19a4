"""One program per data folder: an operating-system lock on a file in the folder.

The lock is the operating system's (`flock` on POSIX, `LockFileEx` through
`msvcrt.locking` on Windows), taken by whichever process opens the folder, so it
holds across Windows users and sessions on the same PC. The system drops it when
the holder ends, however it ends: a file left behind by a crash is simply taken
over. The file's text only says who holds the folder, for the message a second
program shows.

The lock file is not data: backups skip `LOCK_FILE_NAME`, and a restore replaces
the other files of the folder while this process keeps holding it (`hold`).
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from app import __version__
from app.db.network import NetworkCheck, network_location
from app.errors import DataFolderError
from app.paths import DataPaths

LOCK_FILE_NAME = "sovipham.lock"
# Windows refuses to read a locked byte range, so the lock covers one byte far past the
# holder's description, which a second program can then still read.
_LOCKED_BYTE = 1 << 30


@dataclass(frozen=True)
class Holder:
    """Who holds a data folder: account on the computer, computer, process, version, since."""

    user: str
    host: str
    pid: int
    version: str
    since: datetime

    def describe(self) -> str:
        return (f"người dùng «{self.user}» trên máy «{self.host}» (chương trình phiên bản "
                f"{self.version}, tiến trình {self.pid}), từ {self.since:%d/%m/%Y %H:%M}")

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "since": self.since.isoformat()}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Holder:
        data = json.loads(text)
        return cls(str(data["user"]), str(data["host"]), int(data["pid"]),
                   str(data["version"]), datetime.fromisoformat(data["since"]).astimezone())

    @classmethod
    def this_process(cls) -> Holder:
        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no login name in the environment nor the system
            user = "?"
        return cls(user, _computer_name() or "?", os.getpid(), __version__,
                   datetime.now().astimezone())


def _computer_name() -> str:
    """This computer's name: `platform.node()`'s, but on Windows the one `COMPUTERNAME`
    holds (the same name in capitals, cut at 15 letters) — without loading `platform`
    (2 ms) or `socket` (6 ms): the lock is taken before the sign-in dialog is painted."""
    if sys.platform == "win32":
        return os.environ.get("COMPUTERNAME", "")
    return os.uname().nodename


def lock_file(paths: DataPaths) -> Path:
    return paths.root / LOCK_FILE_NAME


class FolderLock:
    """A held lock on one data folder; `release` gives it back."""

    def __init__(self, path: Path, descriptor: int, holder: Holder) -> None:
        self.path = path
        self.holder = holder
        self._descriptor: int | None = descriptor

    def release(self) -> None:
        if self._descriptor is None:
            return
        descriptor, self._descriptor = self._descriptor, None
        # The description goes first: once unlocked, another program may already write its own.
        os.ftruncate(descriptor, 0)
        _unlock(descriptor)
        os.close(descriptor)


def acquire(paths: DataPaths, *, network: NetworkCheck = network_location) -> FolderLock:
    """Lock the data folder (made if missing) for this process, or say who holds it."""
    refuse_network_folder(paths, network)
    paths.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = lock_file(paths)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    if not _try_lock(descriptor):
        os.close(descriptor)
        raise DataFolderError(_held_message(paths, _read_holder(path)))
    holder = Holder.this_process()
    os.ftruncate(descriptor, 0)
    os.lseek(descriptor, 0, os.SEEK_SET)
    os.write(descriptor, holder.to_json().encode("utf-8"))
    return FolderLock(path, descriptor, holder)


def refuse_network_folder(paths: DataPaths, network: NetworkCheck = network_location) -> None:
    where = network(paths.root)
    if where is not None:
        raise DataFolderError(
            f"Thư mục dữ liệu {paths.root} nằm trên mạng ({where}). Chương trình không mở dữ "
            "liệu qua mạng vì cơ sở dữ liệu SQLite không bảo đảm được toàn vẹn khi tệp nằm "
            "trên ổ mạng hoặc thư mục chia sẻ: dữ liệu có thể bị hỏng. Hãy chọn một thư mục "
            "trên ổ đĩa của chính máy này (ví dụ C:\\SoViPham). Nếu nhiều máy cần dùng chung "
            "một sổ, hãy chờ phiên bản có máy chủ."
        )


_held: dict[Path, FolderLock] = {}


@contextmanager
def hold(paths: DataPaths, *, network: NetworkCheck = network_location) -> Iterator[Holder]:
    """Hold the folder's lock for the block. Re-entrant within a process: a restore run by
    the command line or the window, which already hold the folder, keeps holding it."""
    if paths.server is not None:
        # Server mode: the server arbitrates between programs, on this PC or others.
        yield Holder.this_process()
        return
    key = paths.root.resolve()
    if key in _held:
        yield _held[key].holder
        return
    lock = acquire(paths, network=network)
    _held[key] = lock
    try:
        yield lock.holder
    finally:
        del _held[key]
        lock.release()


def held_here(paths: DataPaths) -> bool:
    """Whether this process holds the folder (a restore checks it before replacing files)."""
    return paths.root.resolve() in _held


def _read_holder(path: Path) -> Holder | None:
    try:
        return Holder.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # being written at this moment, or not ours


def _held_message(paths: DataPaths, holder: Holder | None) -> str:
    who = holder.describe() if holder else "một chương trình khác (chưa rõ người dùng)"
    return (f"Thư mục dữ liệu {paths.root} đang được mở bởi {who}. Mỗi thư mục dữ liệu chỉ "
            "được mở bởi một chương trình tại một thời điểm: hãy đóng chương trình đó (hoặc "
            "đợi lệnh đang chạy xong) rồi thử lại.")


if sys.platform == "win32":
    import msvcrt

    def _try_lock(descriptor: int) -> bool:
        os.lseek(descriptor, _LOCKED_BYTE, os.SEEK_SET)
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, _LOCKED_BYTE, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
