"""Dependencies point one way: ui → services → models. Only app/ui may import Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


# The entry point opens the window when no command is given (imported lazily).
ENTRY = Path("cli/__init__.py")


def test_only_the_window_imports_qt() -> None:
    offenders = []
    for path in APP.rglob("*.py"):
        relative = path.relative_to(APP)
        if "ui" in relative.parts:
            continue
        forbidden = ("PySide6",) if relative == ENTRY else ("PySide6", "app.ui")
        bad = {n for n in _imports(path) if n.startswith(forbidden)}
        if bad:
            offenders.append(f"{relative}: {sorted(bad)}")
    assert offenders == []


def test_models_do_not_import_services() -> None:
    for path in (APP / "models").rglob("*.py"):
        assert not {n for n in _imports(path) if n.startswith(("app.services", "app.cli"))}, path


def test_importing_the_services_loads_no_qt_at_run_time() -> None:
    # Module names from the files: pkgutil.walk_packages would import app.ui's packages.
    names = sorted(
        ".".join(("app", *path.relative_to(APP).with_suffix("").parts)).removesuffix(".__init__")
        for path in APP.rglob("*.py")
        if path.relative_to(APP).parts[0] not in ("ui", "__main__.py")
        and "migrations" not in path.parts  # Alembic scripts, run by Alembic only
    )
    code = (
        "import sys, importlib\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not [n for n in sys.modules if n.startswith('PySide6')], 'Qt loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_window_starts_without_the_export_libraries() -> None:
    # XlsxWriter and reportlab cost start-up time; they load at the first export.
    code = (
        "import sys\n"
        "import app.ui.main, app.ui.main_window\n"
        "heavy = [m for m in ('xlsxwriter', 'reportlab') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
