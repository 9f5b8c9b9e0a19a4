"""One program per data folder; data folders on a network share are refused. In server
mode neither: the server arbitrates."""

from __future__ import annotations

import io
import os
import platform
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path, PureWindowsPath

import pytest

from app.cli import main
from app.db import Database, lock
from app.db.network import DRIVE_REMOTE, linux_network_mount, windows_network_place
from app.errors import DataFolderError
from app.paths import DataPaths
from tests.conftest import ADMIN_PASSWORD

# Another program holding a data folder: a separate process, as a second window would be.
HOLDER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from app.db import lock\n"
    "from app.paths import DataPaths\n"
    "lock.acquire(DataPaths(Path(sys.argv[1])))\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
)

# Another program on this PC in server mode, holding the folder as the window does.
SERVER_HOLDER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from app.db import lock\n"
    "from app.paths import DataPaths\n"
    "with lock.hold(DataPaths(Path(sys.argv[1]), sys.argv[2])):\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.read()\n"
)


def _start_holder(root: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


@pytest.fixture
def holder(db: Database, paths: DataPaths) -> Iterator[subprocess.Popen[str]]:
    process = _start_holder(paths.root)
    yield process
    process.kill()
    process.wait()


def _holder_named(message: str, pid: int) -> bool:
    # The computer's name as Windows gives it in `COMPUTERNAME`, elsewhere `platform.node()`.
    computer = os.environ["COMPUTERNAME"] if sys.platform == "win32" else platform.node()
    return (f"tiến trình {pid}" in message and computer in message
            and re.search(r"từ \d\d/\d\d/\d{4} \d\d:\d\d", message) is not None)


def test_a_second_program_is_told_who_holds_the_folder_and_since_when(
        paths: DataPaths, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(DataFolderError) as refused:
        lock.acquire(paths)
    assert "đang được mở bởi" in refused.value.message
    assert _holder_named(refused.value.message, holder.pid)


@pytest.mark.sqlite_only("the folder lock: none in server mode")
def test_the_command_line_exits_4_while_another_program_holds_the_folder(
        paths: DataPaths, holder: subprocess.Popen[str]) -> None:
    err = io.StringIO()
    code = main(["--data-dir", str(paths.root), "--user", "admin", "--password-stdin", "check"],
                stdin=io.StringIO(ADMIN_PASSWORD + "\n"), stdout=io.StringIO(), stderr=err)
    assert code == 4 and _holder_named(err.getvalue(), holder.pid)


def test_on_a_server_a_second_program_on_the_same_pc_is_not_refused(
        paths: DataPaths, db: Database) -> None:
    """cli.md, server mode: several programs work at once, nothing is refused with exit 4;
    the server arbitrates between them, with no lock on this PC's folder."""
    if paths.server is None:
        pytest.skip("server mode only")
    other = subprocess.Popen([sys.executable, "-c", SERVER_HOLDER, str(paths.root),
                              paths.server], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert other.stdout is not None and other.stdout.readline() == "held\n"
        err = io.StringIO()
        code = main(["--data-dir", str(paths.root), "--user", "admin", "--password-stdin",
                     "check"], stdin=io.StringIO(ADMIN_PASSWORD + "\n"), stdout=io.StringIO(),
                    stderr=err)
        assert (code, err.getvalue()) == (0, "")
    finally:
        other.kill()
        other.wait()


def test_the_window_says_who_holds_the_folder_and_exits(
        paths: DataPaths, holder: subprocess.Popen[str], qapp: object,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.ui import main as window_main

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda _parent, _title, text: shown.append(text))
    monkeypatch.setattr(window_main, "sign_in_loop", lambda *_: pytest.fail("signed in"))
    assert main(["--data-dir", str(paths.root)]) == 4
    assert len(shown) == 1 and _holder_named(shown[0], holder.pid)


def test_a_lock_left_by_a_killed_program_is_taken_over(db: Database, paths: DataPaths) -> None:
    killed = _start_holder(paths.root)
    killed.kill()  # SIGKILL: no chance to clean up
    killed.wait()
    assert str(killed.pid) in lock.lock_file(paths).read_text(encoding="utf-8")
    taken = lock.acquire(paths)
    try:
        assert taken.holder.pid == os.getpid()
        assert lock.Holder.from_json(lock.lock_file(paths).read_text("utf-8")) == taken.holder
    finally:
        taken.release()


def test_holding_is_reentrant_and_released_at_the_end(db: Database, paths: DataPaths) -> None:
    with lock.hold(paths) as first, lock.hold(DataPaths(paths.root / ".." / paths.root.name)):
        assert lock.held_here(paths) and first.pid == os.getpid()
    assert not lock.held_here(paths)
    after = _start_holder(paths.root)  # another program may now take it
    after.kill()
    after.wait()


@pytest.mark.sqlite_only("the folder lock: none in server mode")
def test_commands_hold_the_folder_while_they_run(db: Database, paths: DataPaths) -> None:
    from app.cli import base

    seen: list[bool] = []

    def run(_invocation: base.Invocation, _session: base.Session | None) -> int:
        seen.append(lock.held_here(paths))
        return 0

    command = base.Command("thu", "", lambda _parser: None, run, needs_account=False)
    invocation = base.Invocation(args=None, paths=paths,  # type: ignore[arg-type]
                                 stdin=base.StdinLines(io.StringIO()), out=io.StringIO(),
                                 err=io.StringIO())
    assert base.run_command(command, invocation) == 0
    assert seen == [True] and not lock.held_here(paths)


def test_a_folder_on_a_network_share_is_refused_and_left_alone(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "so")
    with pytest.raises(DataFolderError) as refused:
        lock.acquire(paths, network=lambda _path: "\\\\may-chu\\so-vi-pham")
    message = refused.value.message
    assert "\\\\may-chu\\so-vi-pham" in message and "SQLite" in message
    assert "ổ đĩa của chính máy này" in message
    assert not paths.root.exists()


MOUNTINFO = "\n".join([
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
    "40 22 0:50 / /mnt/so rw,relatime shared:20 - nfs4 nas:/export/so rw,vers=4.2",
    "41 40 8:2 / /mnt/so/local rw,relatime - ext4 /dev/sdb1 rw",
    r"42 22 0:51 / /mnt/chia\040se rw,relatime - cifs //pc-ketoan/chung rw",
    "43 22 0:52 / /home/canbo/may-khac rw - fuse.sshfs canbo@pc:/du-lieu rw",
    "44 22 0:53 / /tmp rw - tmpfs tmpfs rw",
])


@pytest.mark.parametrize(("path", "expected"), [
    ("/home/canbo/SoViPham", None),
    ("/mnt/so/du-lieu", "nfs4 nas:/export/so"),
    ("/mnt/so", "nfs4 nas:/export/so"),
    ("/mnt/so/local/du-lieu", None),  # a local disk mounted inside the share
    ("/mnt/sohai", None),
    ("/mnt/chia se/Sổ vi phạm", "cifs //pc-ketoan/chung"),
    ("/home/canbo/may-khac/so", "fuse.sshfs canbo@pc:/du-lieu"),
    ("/tmp/so", None),
])
def test_network_mounts_on_linux(path: str, expected: str | None) -> None:
    assert linux_network_mount(path, MOUNTINFO) == expected


@pytest.mark.parametrize(("path", "expected"), [
    ("C:\\SoViPham", None),
    ("Z:\\SoViPham", "ổ mạng Z:"),
    ("z:\\SoViPham", "ổ mạng Z:"),
    ("\\\\may-chu\\chung\\SoViPham", "\\\\may-chu\\chung"),
    ("\\\\?\\UNC\\may-chu\\chung\\SoViPham", "\\\\may-chu\\chung"),
    ("\\\\?\\C:\\SoViPham", None),
    ("\\\\?\\Z:\\SoViPham", "ổ mạng Z:"),
])
def test_network_places_on_windows(path: str, expected: str | None) -> None:
    def drive_type(root: str) -> int:
        return DRIVE_REMOTE if root.upper() == "Z:\\" else 3  # 3: a fixed disk

    assert windows_network_place(PureWindowsPath(path), drive_type) == expected
