"""Copies of the database in backups/, and when each goes.

They are encrypted with the data key like the database itself: before an upgrade
(`truoc-nang-cap-*.sqlite3`), while a backup is written (`.ban-chup-*`, sealed into the
backup file once done, with a server's evidence set apart beside it), before an old
unencrypted folder was encrypted (`truoc-ma-hoa-*.sqlite3`, `encryption.py`) and, during
a restore, the folder's parts as they were (`truoc-khoi-phuc-*/`). A purge cannot reach
into them, so none outlives its use:

- a snapshot or a half-written copy is left only by a crash, and goes at the next open;
- a pre-restore folder goes as soon as the restore has sealed the same data into the
  encrypted backup beside it (`truoc-khoi-phuc-*.svpbak`); one without that twin (the
  database it replaced failed its check and could not be backed up) is the only copy of
  that data and is kept, for an administrator to look at and remove;
- a pre-upgrade copy goes once an automatic backup written after it has been read back
  whole (`services/backup.py`): the upgraded database passed the check, and the data
  before the upgrade is in the encrypted backups made before it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from app.paths import DataPaths

UPGRADE_PREFIX = "truoc-nang-cap-"
RESTORE_PREFIX = "truoc-khoi-phuc-"
SNAPSHOT_PREFIX = ".ban-chup-"
PARTIAL = ".dang-chep"  # the suffix of a pre-upgrade copy being written
ENCRYPTING_SUFFIX = ".dang-ma-hoa"  # an encrypted copy being written (encryption.py)
SEALED_SUFFIX = ".svpbak"  # `backup_archive.SUFFIX`: this layer does not import services


def sealed_twin(folder: Path) -> Path:
    """The encrypted backup holding the same data as the pre-restore `folder`."""
    return folder.with_name(folder.name + SEALED_SUFFIX)


def remove_leftovers(paths: DataPaths) -> None:
    """At open, under the folder's lock (no backup is being written): what a crash left."""
    for leftover in (*paths.root.glob(f"*{ENCRYPTING_SUFFIX}"),
                     *paths.root.glob(f".{paths.keys.name}-*.part")):
        leftover.unlink(missing_ok=True)
    folder = paths.backups
    if not folder.is_dir():
        return
    for leftover in (*folder.glob(f"{SNAPSHOT_PREFIX}*"), *folder.glob(f"*{PARTIAL}*"),
                     *folder.glob(f"**/*{ENCRYPTING_SUFFIX}"),
                     *folder.glob(".*.part")):  # a backup file cut short (encrypted)
        if leftover.is_dir():  # a server's evidence set apart for a backup (encrypted)
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    remove_sealed_restore_copies(paths)


def remove_sealed_restore_copies(paths: DataPaths) -> None:
    for folder in restore_copies(paths):
        if sealed_twin(folder).is_file():
            shutil.rmtree(folder, ignore_errors=True)


def restore_copies(paths: DataPaths) -> list[Path]:
    if not paths.backups.is_dir():
        return []
    return sorted(p for p in paths.backups.glob(f"{RESTORE_PREFIX}*") if p.is_dir())


def upgrade_copies(paths: DataPaths) -> list[Path]:
    if not paths.backups.is_dir():
        return []
    return sorted(paths.backups.glob(f"{UPGRADE_PREFIX}*.sqlite3"))


def remove_upgrade_copies(paths: DataPaths) -> None:
    for copy in upgrade_copies(paths):
        copy.unlink(missing_ok=True)
