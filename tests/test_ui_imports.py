"""What importing the window costs: PySide6's import hook must not keep modules' sources."""

import linecache
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import app.ui  # noqa: F401  (the window's package, as the program imports it)


def _import(name: str) -> None:
    """As an `import` statement does: through `__import__`, where PySide6 hooks in."""
    __import__(name)


@pytest.fixture
def module_folder(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))


def test_modules_imported_after_the_window_leave_no_source_in_memory(
        module_folder: Path) -> None:
    plain = module_folder / "long_module_for_hook.py"
    plain.write_text("ANSWER = 42\n" + "# filler line\n" * 2000, encoding="utf-8")
    _import("long_module_for_hook")
    assert str(plain) not in linecache.cache


def test_the_hook_still_tells_modules_that_use_pyside_from_others(module_folder: Path) -> None:
    (module_folder / "plain_module_for_hook.py").write_text("ANSWER = 42\n", encoding="utf-8")
    (module_folder / "qt_module_for_hook.py").write_text(
        "from PySide6.QtCore import QObject\n", encoding="utf-8")
    _import("plain_module_for_hook")
    _import("qt_module_for_hook")
    chosen = sys.modules["shibokensupport.feature"].pyside_feature_dict
    # 0: a PySide6 module whose features may be switched; -1: a module the hook ignores.
    assert chosen["qt_module_for_hook"] == 0
    assert chosen["plain_module_for_hook"] == -1
