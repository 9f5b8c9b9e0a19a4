"""The desktop window. It only calls the services; no rule or SQL lives here."""

from __future__ import annotations

import sys
from contextlib import suppress
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (installs the import hook looked at below)


def _ask_without_keeping_sources() -> None:
    """PySide6's import hook asks of every module imported after it whether its source
    names PySide6 (to apply `from __feature__ import …`), through `inspect.getsource`,
    which keeps each module's lines in `linecache` for the life of the program (tens of
    MB once the services are loaded; the packaged program's modules have no source to
    keep). The same question is asked here of the file's bytes, read and let go; a module
    without a readable file is asked the hook's own way, as is every module if a PySide6
    release names the question differently."""
    feature = sys.modules.get("shibokensupport.feature")
    asked = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or asked is None:
        return

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            with suppress(OSError), open(path, "rb") as source:
                return b"PySide6" in source.read()
        return bool(asked(module))

    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]


_ask_without_keeping_sources()
