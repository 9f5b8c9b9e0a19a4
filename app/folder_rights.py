"""Whether accounts other than the user's can read a data folder, and the warning if so.

The program makes the folder and its files private where it can (`paths.make_private`:
0700/0600 on POSIX). On Windows a folder keeps the rights it inherits from where it is:
under `C:\\` every account of the PC reads it, under the account's own `AppData\\Local` none
does. The window and the command line warn about such a folder once they have opened it
(`exposure_warning`); it is not refused, since the database and evidence are encrypted.

Which groups and rights count is a pure function of an access list (`grants_broad_read`);
the Windows list is read with ctypes, and a SID is never looked up by its name, which
depends on the language of Windows.
"""

from __future__ import annotations

import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app import errorlog
from app.paths import DataPaths, default_root

# Well-known SIDs whose members are accounts other than the folder's user.
EVERYONE = "S-1-1-0"
BROAD_SIDS = (
    EVERYONE,
    "S-1-5-32-545",  # Users: every account of the PC
    "S-1-5-11",  # Authenticated Users
    "S-1-5-4",  # Interactive: whoever is signed in at the PC
    "S-1-5-32-546",  # Guests
    "S-1-5-7",  # Anonymous Logon
)
# Rights that include reading a file's data (for a folder, listing it). FILE_GENERIC_READ
# and FILE_ALL_ACCESS hold FILE_READ_DATA; the generic rights of an inheritable entry are
# mapped to it when a file inherits them.
FILE_READ_DATA = 0x0000_0001
GENERIC_ALL = 0x1000_0000
GENERIC_READ = 0x8000_0000
READ_RIGHTS = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL


@dataclass(frozen=True)
class Ace:
    """One entry of a Windows access list, as far as reading goes."""

    allows: bool  # ACCESS_ALLOWED_ACE; False: ACCESS_DENIED_ACE
    mask: int  # its ACCESS_MASK
    # The trustee's SID as a string; the Windows reader names only BROAD_SIDS, others None.
    sid: str | None


def grants_broad_read(dacl: Sequence[Ace] | None) -> bool:
    """Whether the access list lets one of `BROAD_SIDS` read: an entry allowing a read right
    to such a group, not preceded by one denying it to that group or to Everyone (Windows
    reads the list in order; a group denied elsewhere, e.g. Guests while Users may read,
    leaves the others exposed, so the answer errs towards a warning). Inheritance flags are
    not looked at: an entry that reaches only what is created in the folder exposes the
    files all the same. None is a NULL DACL, which lets everyone in."""
    if dacl is None:
        return True
    denied: set[str] = set()
    for ace in dacl:
        if ace.sid not in BROAD_SIDS or not ace.mask & READ_RIGHTS:
            continue
        if not ace.allows:
            denied.add(ace.sid)
        elif ace.sid not in denied and EVERYONE not in denied:
            return True
    return False


def mode_broadly_readable(mode: int) -> bool:
    """POSIX: the group or the others may read (`st_mode`)."""
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))


def broadly_readable(folder: Path) -> bool:
    """Whether accounts other than the user's can read `folder` (False when it is missing
    or its rights cannot be read: nothing to warn about that the user could act on)."""
    try:
        if sys.platform == "win32":
            return grants_broad_read(_windows_dacl(folder))
        return mode_broadly_readable(folder.stat().st_mode)
    except OSError:
        return False


def exposure_warning(paths: DataPaths) -> str | None:
    """What the user is told about a folder other accounts can read; None when private."""
    try:
        readable = broadly_readable(paths.root)
    except Exception as exc:  # advice only: a bug here is logged, never stops the program
        errorlog.write_error(paths, "reading the data folder's rights failed", exc)
        return None
    if not readable:
        return None
    default = default_root()
    remedy = ("" if paths.root == default else
              f"chuyển thư mục vào thư mục riêng của tài khoản này (mặc định: {default}) hoặc ")
    return (f"Cảnh báo: thư mục dữ liệu {paths.root} để mọi tài khoản trên máy này đọc được. "
            "Cơ sở dữ liệu và chứng cứ đã được mã hóa, nhưng báo cáo đã gửi và phiếu in "
            "trong đó thì không, và tệp khóa có thể bị chép đi để dò mật khẩu. Hãy "
            f"{remedy}nhờ người quản trị máy bỏ quyền đọc thư mục này của các tài khoản khác.")


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    _SE_FILE_OBJECT = 1
    _DACL_SECURITY_INFORMATION = 0x0000_0004
    _ACCESS_ALLOWED_ACE_TYPE = 0
    _ACCESS_DENIED_ACE_TYPE = 1
    _PVOID = ctypes.c_void_p

    class _Acl(ctypes.Structure):
        _fields_ = [("revision", ctypes.c_ubyte), ("sbz1", ctypes.c_ubyte),
                    ("size", ctypes.c_ushort), ("count", ctypes.c_ushort),
                    ("sbz2", ctypes.c_ushort)]

    class _AceStart(ctypes.Structure):
        """ACE_HEADER and the mask: the start of ACCESS_ALLOWED_ACE and ACCESS_DENIED_ACE,
        whose SID follows."""

        _fields_ = [("type", ctypes.c_ubyte), ("flags", ctypes.c_ubyte),
                    ("size", ctypes.c_ushort), ("mask", wintypes.DWORD)]

    # Own library objects: the prototypes set here touch no one else's `ctypes.windll`.
    _advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _get_named_security_info = _advapi32.GetNamedSecurityInfoW
    _get_named_security_info.argtypes = (
        wintypes.LPCWSTR, ctypes.c_int, wintypes.DWORD, ctypes.POINTER(_PVOID),
        ctypes.POINTER(_PVOID), ctypes.POINTER(_PVOID), ctypes.POINTER(_PVOID),
        ctypes.POINTER(_PVOID))
    _get_named_security_info.restype = wintypes.DWORD
    _get_ace = _advapi32.GetAce
    _get_ace.argtypes = (_PVOID, wintypes.DWORD, ctypes.POINTER(_PVOID))
    _get_ace.restype = wintypes.BOOL
    _equal_sid = _advapi32.EqualSid
    _equal_sid.argtypes = (_PVOID, _PVOID)
    _equal_sid.restype = wintypes.BOOL
    _string_to_sid = _advapi32.ConvertStringSidToSidW
    _string_to_sid.argtypes = (wintypes.LPCWSTR, ctypes.POINTER(_PVOID))
    _string_to_sid.restype = wintypes.BOOL
    _local_free = _kernel32.LocalFree
    _local_free.argtypes = (_PVOID,)
    _local_free.restype = _PVOID

    def _windows_dacl(folder: Path) -> list[Ace] | None:
        """The folder's DACL, inherited entries included; None for a NULL DACL."""
        dacl, descriptor = _PVOID(), _PVOID()
        status = _get_named_security_info(str(folder), _SE_FILE_OBJECT,
                                          _DACL_SECURITY_INFORMATION, None, None,
                                          ctypes.byref(dacl), None, ctypes.byref(descriptor))
        if status != 0:  # returned, not set as the last error
            raise ctypes.WinError(status)
        broad: dict[str, _PVOID] = {}
        try:
            if not dacl.value:  # points into `descriptor`, freed with it
                return None
            for name in BROAD_SIDS:
                sid = _PVOID()
                if not _string_to_sid(name, ctypes.byref(sid)):
                    raise ctypes.WinError(ctypes.get_last_error())
                broad[name] = sid
            aces = []
            for index in range(_Acl.from_address(dacl.value).count):
                ace = _PVOID()
                if not _get_ace(dacl, index, ctypes.byref(ace)) or not ace.value:
                    raise ctypes.WinError(ctypes.get_last_error())
                start = _AceStart.from_address(ace.value)
                if start.type not in (_ACCESS_ALLOWED_ACE_TYPE, _ACCESS_DENIED_ACE_TYPE):
                    continue  # object, callback and audit entries: not a file's plain rights
                trustee = _PVOID(ace.value + ctypes.sizeof(_AceStart))
                sid_name = next((name for name, sid in broad.items()
                                 if _equal_sid(trustee, sid)), None)
                aces.append(Ace(start.type == _ACCESS_ALLOWED_ACE_TYPE, start.mask, sid_name))
            return aces
        finally:
            for sid in broad.values():
                _local_free(sid)
            _local_free(descriptor)
