"""Dependencies point one way, down the table below. Only app/ui may import Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# What each package may import besides itself and the cross-cutting modules.
ALLOWED: dict[str, frozenset[str]] = {
    "app.ui": frozenset({"app.services", "app.domain"}),
    "app.cli": frozenset({"app.services", "app.domain"}),
    "app.services": frozenset({"app.reports", "app.importing", "app.domain", "app.security",
                               "app.models", "app.db"}),
    "app.importing": frozenset({"app.domain"}),
    "app.reports": frozenset({"app.domain"}),
    "app.security": frozenset({"app.domain"}),
    "app.db": frozenset({"app.models", "app.domain"}),
    "app.models": frozenset({"app.domain"}),
    "app.domain": frozenset(),
}
# Single modules a package may import beyond its row.
ALSO_ALLOWED: dict[str, frozenset[str]] = {
    # The one workbook writer every file of the program shares.
    "app.importing": frozenset({"app.reports.spreadsheet"}),
}
# Allowed from anywhere (`app` itself holds only the version); they import only each other.
CROSS_CUTTING = frozenset({"app", "app.errors", "app.text", "app.paths", "app.folder_rights",
                           "app.resources", "app.errorlog", "app.progress"})
# Pure rules and constants use no more than these.
DOMAIN_CROSS_CUTTING = frozenset({"app.errors", "app.text"})
# Top-level modules that belong to a package's layer. The licence notices are read by the
# window's About box (and the build) from the installed packages and bundled texts.
COUNTS_AS = {"app.selftest": "app.cli", "app.__main__": "app.cli",
             "app.notices": "app.services"}
# The entry point opens the window when no command is given, importing it lazily.
ENTRY = Path("cli/__init__.py")


@dataclass(frozen=True)
class Import:
    module: str  # the module imported, or the package a name is imported from
    line: int
    in_function: bool


def _module_of(path: Path) -> str:
    return ".".join(("app", *path.relative_to(APP).with_suffix("").parts)).removesuffix(
        ".__init__")


def _imports(path: Path) -> Iterator[Import]:
    """Every import of the file: at the top, under TYPE_CHECKING, inside functions."""
    package = _module_of(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]

    def visit(node: ast.AST, in_function: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                yield from (Import(a.name, child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative: from the file's package upwards
                    anchor = package.split(".")[:len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in child.names:
                    # `from app import errorlog` imports the module app.errorlog.
                    submodule = f"{base}.{alias.name}"
                    relative = Path(*submodule.split(".")[1:])
                    is_module = (APP / relative).is_dir() or (APP / relative).with_suffix(
                        ".py").exists()
                    yield Import(submodule if is_module else base, child.lineno, in_function)
            yield from visit(child, inner)

    yield from visit(ast.parse(path.read_text(encoding="utf-8")), False)


def _layer(module: str) -> str:
    top = ".".join(module.split(".")[:2])
    return COUNTS_AS.get(top, top)


def _allowed(source: Path, imported: Import) -> bool:
    module = imported.module
    if module != "app" and not module.startswith("app."):
        return True
    layer, target = _layer(_module_of(source)), _layer(module)
    if target == layer:
        return True
    if layer in CROSS_CUTTING:
        return target in CROSS_CUTTING
    if target in CROSS_CUTTING:
        return layer != "app.domain" or target in DOMAIN_CROSS_CUTTING
    if source.relative_to(APP) == ENTRY and target == "app.ui":
        return imported.in_function
    return target in ALLOWED[layer] or any(
        module == m or module.startswith(m + ".") for m in ALSO_ALLOWED.get(layer, ()))


def _sources() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def test_every_import_follows_the_allowed_direction() -> None:
    unplaced = [f"app/{path.relative_to(APP)}: in no row of the table" for path in _sources()
                if _layer(_module_of(path)) not in ALLOWED.keys() | CROSS_CUTTING]
    assert unplaced == [], "\n".join(unplaced)
    offenders = [f"app/{path.relative_to(APP)}:{imported.line}: {_layer(_module_of(path))} "
                 f"imports {imported.module}"
                 for path in _sources() for imported in _imports(path)
                 if not _allowed(path, imported)]
    print("\n".join(offenders))
    assert offenders == [], "\n".join(offenders)


def test_no_import_holds_a_cycle_of_modules_together() -> None:
    """Lazy imports count: one inside a function may save start-up time, never close a loop
    (type-only imports never run and do not count)."""
    modules = {_module_of(path): path for path in _sources()}

    def runs(path: Path) -> set[str]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        type_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                     and "TYPE_CHECKING" in ast.unparse(block.test)
                     for node in ast.walk(block)}
        found = set()
        for node in ast.walk(tree):
            if id(node) in type_only or not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [f"{node.module}.{a.name}" for a in node.names])
            for name in names:
                while name and name not in modules:
                    name = name.rpartition(".")[0]
                if name:
                    found.add(name)
        return found - {_module_of(path)}

    graph = {name: runs(path) for name, path in modules.items()}
    cycles = []
    done: set[str] = set()

    def walk(name: str, trail: list[str]) -> None:
        if name in trail:
            cycles.append(" → ".join([*trail[trail.index(name):], name]))
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            walk(target, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        walk(name, [])
    assert cycles == [], "\n".join(cycles)


def test_only_the_window_imports_qt() -> None:
    offenders = []
    for path in APP.rglob("*.py"):
        relative = path.relative_to(APP)
        if "ui" in relative.parts:
            continue
        bad = {i.module for i in _imports(path) if i.module.startswith("PySide6")}
        if bad:
            offenders.append(f"{relative}: {sorted(bad)}")
    assert offenders == []


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
    # XlsxWriter, reportlab and the workbook decrypter cost start-up time; they load at the
    # first export or import. The program's entry (app/__main__.py) imports app.cli first.
    code = (
        "import sys\n"
        "import app.cli\n"
        "import app.ui.main, app.ui.main_window\n"
        "heavy = [m for m in ('xlsxwriter', 'reportlab', 'msoffcrypto') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_only_app_db_knows_the_database_engine() -> None:
    """SQLite's driver, pragmas and catalogue stay in app/db, so that a second engine is
    a matter of that package (`app/db/storage.py`)."""
    offenders = []
    for path in APP.rglob("*.py"):
        relative = path.relative_to(APP)
        if relative.parts[0] == "db":
            continue
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module}
        found = [word for word in ("PRAGMA", "sqlite_master") if word in text]
        if any(name == "sqlite3" or name.startswith("sqlite3.") for name in imported):
            found.append("import sqlite3")
        if found:
            offenders.append(f"{relative}: {found}")
    assert offenders == []
