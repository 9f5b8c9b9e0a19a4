"""Whether other accounts can read the data folder (app/folder_rights.py).

The Windows access list is read with ctypes on Windows only; here the decision is given
access lists as Windows returns them for typical places, and POSIX folders are real."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app import errorlog, folder_rights
from app.folder_rights import (
    EVERYONE,
    FILE_READ_DATA,
    GENERIC_ALL,
    GENERIC_READ,
    Ace,
    broadly_readable,
    exposure_warning,
    grants_broad_read,
)
from app.paths import DataPaths, default_root

USERS, AUTHENTICATED, GUESTS = "S-1-5-32-545", "S-1-5-11", "S-1-5-32-546"
FILE_ALL_ACCESS = 0x001F_01FF
FILE_GENERIC_READ_EXECUTE = 0x0012_00A9
MODIFY = 0x0013_01BF
# Create folders / append data on the drive's root, which reads nothing.
APPEND_DATA = 0x0000_0004
SYSTEM, ADMINISTRATORS, OWNER = "S-1-5-18", "S-1-5-32-544", "S-1-5-21-1-2-3-1001"


def _others(*aces: Ace) -> list[Ace]:
    """The entries of the folder's own account, SYSTEM and Administrators, then `aces`
    (the Windows reader gives a trustee that is no broad group as None)."""
    return [Ace(True, FILE_ALL_ACCESS, OWNER), Ace(True, FILE_ALL_ACCESS, SYSTEM),
            Ace(True, GENERIC_ALL, ADMINISTRATORS), Ace(True, GENERIC_ALL, None), *aces]


# A folder under the account's own AppData\Local: SYSTEM, Administrators, the account.
PRIVATE = _others()
# A folder made in C:\ inherits Users: read & execute, Authenticated Users: modify.
UNDER_DRIVE_ROOT = _others(Ace(True, FILE_GENERIC_READ_EXECUTE, USERS),
                           Ace(True, MODIFY, AUTHENTICATED))


@pytest.mark.parametrize(("dacl", "readable"), [
    (PRIVATE, False),
    (UNDER_DRIVE_ROOT, True),
    (_others(Ace(True, FILE_GENERIC_READ_EXECUTE, EVERYONE)), True),
    # Generic rights, as an inheritable entry holds them until a file inherits it.
    (_others(Ace(True, GENERIC_READ, "S-1-5-4")), True),
    (_others(Ace(True, GENERIC_ALL, GUESTS)), True),
    (_others(Ace(True, FILE_READ_DATA, "S-1-5-7")), True),
    # Rights that read nothing: appending on the drive's root, traversing.
    (_others(Ace(True, APPEND_DATA, AUTHENTICATED), Ace(True, 0x0000_0020, EVERYONE)), False),
    (None, True),  # a NULL DACL lets everyone in
    ([], False),  # an empty one lets no one in
], ids=["private", "under-drive-root", "everyone", "interactive-generic-read", "guests-all",
        "anonymous", "no-read-right", "null-dacl", "empty-dacl"])
def test_which_access_lists_let_other_accounts_read(dacl: list[Ace] | None,
                                                    readable: bool) -> None:
    assert grants_broad_read(dacl) is readable


def test_a_read_denied_first_is_not_granted_by_a_later_entry() -> None:
    # Windows reads the list in order: a deny before an allow wins for that group.
    assert not grants_broad_read(_others(Ace(False, FILE_READ_DATA, USERS),
                                         Ace(True, FILE_GENERIC_READ_EXECUTE, USERS)))
    assert not grants_broad_read(_others(Ace(False, GENERIC_ALL, EVERYONE),
                                         Ace(True, MODIFY, AUTHENTICATED)))
    # Denied to Guests, Users still read; denied after being granted, it is granted.
    assert grants_broad_read(_others(Ace(False, GENERIC_ALL, GUESTS),
                                     Ace(True, FILE_GENERIC_READ_EXECUTE, USERS)))
    assert grants_broad_read(_others(Ace(True, FILE_GENERIC_READ_EXECUTE, USERS),
                                     Ace(False, FILE_READ_DATA, USERS)))
    # A deny of other rights leaves reading.
    assert grants_broad_read(_others(Ace(False, 0x0000_0002, USERS),
                                     Ace(True, FILE_GENERIC_READ_EXECUTE, USERS)))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX mode bits")
@pytest.mark.parametrize(("mode", "readable"), [(0o755, True), (0o750, True), (0o704, True),
                                                (0o700, False), (0o711, False)])
def test_a_posix_folder_is_readable_by_others_through_its_group_or_other_bits(
    tmp_path: Path, mode: int, readable: bool
) -> None:
    folder = tmp_path / "du lieu"
    folder.mkdir()
    folder.chmod(mode)
    assert broadly_readable(folder) is readable
    assert not broadly_readable(tmp_path / "khong-co")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX mode bits")
def test_the_warning_names_the_folder_and_the_private_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = DataPaths(tmp_path / "du lieu")
    paths.create()
    assert exposure_warning(paths) is None
    paths.root.chmod(0o755)
    warning = exposure_warning(paths)
    assert warning is not None
    assert f"thư mục dữ liệu {paths.root} để mọi tài khoản trên máy này đọc được" in warning
    assert f"(mặc định: {default_root()})" in warning
    assert "bỏ quyền đọc thư mục này của các tài khoản khác" in warning
    # The default folder itself: moving it there is no remedy.
    monkeypatch.setattr(folder_rights, "default_root", lambda: paths.root)
    warning = exposure_warning(paths)
    assert warning is not None and "mặc định" not in warning
    assert "Hãy nhờ người quản trị máy bỏ quyền đọc" in warning


def test_a_failure_to_read_the_rights_is_logged_and_warns_of_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warning is advice: whatever goes wrong reading the rights never stops a command
    or the window."""
    paths = DataPaths(tmp_path / "du lieu")
    paths.create()

    def broken(_folder: Path) -> bool:
        raise TypeError("bad ctypes argument")

    monkeypatch.setattr(folder_rights, "broadly_readable", broken)
    assert folder_rights.exposure_warning(paths) is None
    logged = errorlog.log_file(paths).read_text(encoding="utf-8")
    assert "reading the data folder's rights failed" in logged and "builtins.TypeError" in logged
