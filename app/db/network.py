"""Is a data folder on a network share? SQLite cannot guarantee integrity there.

SQLite relies on the file system's locks, which network file systems implement
badly or not at all (https://www.sqlite.org/useovernet.html): two PCs writing
one register over a share can corrupt it. Such a folder is refused; offices that
need several PCs on one register will get a server option instead.

The detector is a plain function of a path, passed in by the caller, so tests give
their own instead of patching the operating system.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

# Where the data folder is on the network, in words for the message; None when local.
NetworkCheck = Callable[[Path], str | None]

DRIVE_REMOTE = 4  # GetDriveTypeW: a mapped network drive
# Linux file system types that reach another machine (`smb*` is matched as a prefix).
NETWORK_FILE_SYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smbfs", "ncpfs", "afs", "coda", "ceph", "glusterfs", "lustre",
    "davfs", "sshfs", "fuse.sshfs", "fuse.rclone", "fuse.davfs2", "fuse.glusterfs",
    "fuse.s3fs",
})
MOUNTINFO = Path("/proc/self/mountinfo")
_OCTAL = re.compile(r"\\([0-7]{3})")


def network_location(path: Path) -> str | None:
    """The network share `path` is on (`\\\\máy\\thư mục`, `ổ mạng Z:`, `nfs4 máy:/x`), or None."""
    if sys.platform == "win32":
        import ctypes

        return windows_network_place(PureWindowsPath(os.path.abspath(path)),
                                     ctypes.windll.kernel32.GetDriveTypeW)
    try:
        mountinfo = MOUNTINFO.read_text(encoding="utf-8", errors="replace")
    except OSError:  # not Linux: nothing to read, nothing refused
        return None
    return linux_network_mount(os.path.realpath(path), mountinfo)


def windows_network_place(path: PureWindowsPath, drive_type: Callable[[str], int]) -> str | None:
    """A UNC path (`\\\\server\\share`, also written `\\\\?\\UNC\\server\\share`) or a drive
    letter that `drive_type` (GetDriveTypeW) says is remote."""
    drive = path.drive
    for prefix in ("\\\\?\\", "\\\\.\\"):  # long-path forms of an ordinary path
        if drive.startswith(prefix):
            rest = drive[len(prefix):]
            if rest.upper().startswith("UNC\\"):
                return "\\\\" + rest[len("UNC\\"):]
            drive = rest
    if drive.startswith("\\\\"):
        return drive
    if drive and drive_type(drive + "\\") == DRIVE_REMOTE:
        return f"ổ mạng {drive.upper()}"
    return None


def linux_network_mount(path: str, mountinfo: str) -> str | None:
    """The file system type and source of the mount holding `path` (an absolute, resolved
    path), when that type reaches another machine; `mountinfo` is /proc/self/mountinfo."""
    best: tuple[str, str, str] | None = None
    for line in mountinfo.splitlines():
        mount, separator, rest = line.partition(" - ")
        fields, described = mount.split(), rest.split()
        if not separator or len(fields) < 5 or not described:
            continue
        mount_point = _unescape(fields[4])
        # The deepest mount holding the path; a later line for the same point is mounted
        # over the earlier one.
        if _holds(mount_point, path) and (best is None or len(mount_point) >= len(best[0])):
            best = (mount_point, described[0], described[1] if len(described) > 1 else "")
    if best is None:
        return None
    _, kind, source = best
    if kind in NETWORK_FILE_SYSTEMS or kind.startswith("smb"):
        return f"{kind} {source}".strip()
    return None


def _holds(mount_point: str, path: str) -> bool:
    return path == mount_point or path.startswith(mount_point.rstrip("/") + "/")


def _unescape(field: str) -> str:
    """Spaces, tabs, newlines and backslashes are written as octal escapes (`\\040`)."""
    return _OCTAL.sub(lambda match: chr(int(match.group(1), 8)), field)
