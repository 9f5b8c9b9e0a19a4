"""Writing an export next to its target and renaming it at the end.

A cancelled or failed export leaves nothing behind, and a reader never sees a
half-written file.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from app.errors import UserError

# What stands beside a target until it is complete: `.{stem}-….tmp`, hidden.
_SUFFIX = ".tmp"


def _prefix(target: Path) -> str:
    return f".{target.stem}-"


@contextmanager
def written_atomically(target: Path) -> Iterator[Path]:
    """A temporary path in `target`'s folder, renamed to `target` when the block succeeds."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=_prefix(target), suffix=_SUFFIX,
                                        dir=target.parent)
    except OSError as exc:
        raise UserError(f"Không ghi được vào thư mục {target.parent}: {exc.strerror}.") from exc
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        try:
            os.replace(temporary, target)
        except PermissionError as exc:
            raise UserError(f"Không ghi đè được tệp {target}: tệp đang mở trong chương trình "
                            "khác hoặc không có quyền ghi. Hãy đóng tệp rồi xuất lại.") from exc
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def written_together(targets: Sequence[Path]) -> Iterator[list[Path]]:
    """A temporary path beside each of `targets`, all renamed to them only once the block
    succeeds: a failure or a cancel in any file leaves none of them."""
    with ExitStack() as stack:
        yield [stack.enter_context(written_atomically(target)) for target in targets]


def scratch_folder(target: Path) -> Path:
    """A hidden folder beside `target` for a writer's own scratch files: on the same disk,
    never the system's temporary folder; the writer removes it."""
    return Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=_SUFFIX, dir=target.parent))


def remove_left_behind(target: Path, since: float) -> None:
    """What a writer ended mid-way (a process killed) left beside `target`, made at `since`
    (`time.time()`) or later: its temporary file and scratch folders, as its own end would
    have removed them."""
    for path in target.parent.glob(glob.escape(_prefix(target)) + "*" + _SUFFIX):
        try:
            if path.stat().st_mtime < since - 1:  # another's, from before (coarse clocks)
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # gone meanwhile, or not ours to remove
