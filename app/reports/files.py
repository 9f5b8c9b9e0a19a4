"""Writing an export next to its target and renaming it at the end.

A cancelled or failed export leaves nothing behind, and a reader never sees a
half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from app.errors import UserError

# What stands beside a target until it is complete: `.{stem}-….tmp`, hidden.
_SUFFIX = ".tmp"


def _prefix(target: Path) -> str:
    return f".{target.stem}-"


def _not_writable(target: Path, exc: OSError) -> UserError:
    return UserError(f"Không ghi được vào thư mục {target.parent}: {exc.strerror}.")


@contextmanager
def written_atomically(target: Path) -> Iterator[Path]:
    """A temporary path in `target`'s folder, renamed to `target` when the block succeeds."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=_prefix(target), suffix=_SUFFIX,
                                        dir=target.parent)
    except OSError as exc:
        raise _not_writable(target, exc) from exc
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        moved_into_place(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def moved_into_place(written: Path, target: Path) -> None:
    """The complete file `written`, on `target`'s disk, renamed onto `target`."""
    try:
        os.replace(written, target)
    except PermissionError as exc:
        raise UserError(f"Không ghi đè được tệp {target}: tệp đang mở trong chương trình "
                        "khác hoặc không có quyền ghi. Hãy đóng tệp rồi xuất lại.") from exc


@contextmanager
def written_together(targets: Sequence[Path]) -> Iterator[list[Path]]:
    """A temporary path beside each of `targets`, all renamed to them only once the block
    succeeds: a failure or a cancel in any file leaves none of them."""
    with ExitStack() as stack:
        yield [stack.enter_context(written_atomically(target)) for target in targets]


def scratch_folder(target: Path) -> Path:
    """A hidden folder beside `target` (made with its folder if missing) for a writer's own
    scratch files: on the same disk, never the system's temporary folder; the writer
    removes it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=_SUFFIX,
                                     dir=target.parent))
    except OSError as exc:
        raise _not_writable(target, exc) from exc
