"""Save a PNG of each screen, offscreen, on a demo data folder.

    python scripts/screenshots.py [--data-dir DIR] [--out docs/screenshots]

Creates the demo folder (3,000 cases) if it does not exist yet.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from app.paths import DataPaths
from app.services import accounts, demo, setup
from app.ui.main import use_vietnamese_conventions
from app.ui.main_window import MainWindow

USER, PASSWORD = "admin", "demo-2026"
SIZES = ((1366, 768), (1920, 1080))


def _settle(app: QApplication, window: MainWindow) -> None:
    for _ in range(30):
        app.processEvents()
    window.runner.wait()
    for _ in range(30):
        app.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="demo-data")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    paths = DataPaths(Path(args.data_dir).resolve())
    if not paths.database.exists():
        db = setup.init_data_folder(paths, USER, PASSWORD, "Quản trị viên (mẫu)")
        demo.add_demo_cases(db, accounts.authenticate(db, USER, PASSWORD), 3000)
        db.dispose()
    from app.db import open_database

    db = open_database(paths)
    actor = accounts.authenticate(db, USER, PASSWORD)
    use_vietnamese_conventions()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(db, actor)
    screens: list[tuple[str, Callable[[], QWidget]]] = [
        (name, (lambda i=index: window.tabs.widget(i)))
        for index, name in enumerate(_tab_names(window))
    ]
    for width, height in SIZES:
        window.resize(width, height)
        window.show()
        for name, widget in screens:
            window.tabs.setCurrentWidget(widget())
            _settle(app, window)
            window.grab().save(str(out / f"{name}-{width}x{height}.png"))
    _editor_shots(app, window, out)
    window.close()
    db.dispose()


EDITOR_TABS = ("chung", "doi-tuong", "tre-em", "xuc-pham", "xu-ly", "chung-cu")


def _editor_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """Each section of the editor, on a case with children and several events."""
    from sqlalchemy import func, select

    from app.models import Case, Event
    from app.services import cases
    from app.ui.case_editor import CaseEditor

    with window.db.read() as session:
        case_id = session.execute(
            select(Case.id).join(Event).where(Case.has_children.is_(True))
            .group_by(Case.id).order_by(func.count(Event.id).desc()).limit(1)
        ).scalar_one()
    detail = cases.get_case(window.db, window.actor, case_id)
    editor = CaseEditor(window.db, window.actor, window.runner, window.vocabulary,
                        window.office, window.prefs, detail, window)
    editor.resize(1000, 720)
    editor.show()
    for index, name in enumerate(EDITOR_TABS):
        if not editor.tabs.isTabVisible(index):
            continue
        editor.tabs.setCurrentIndex(index)
        _settle(app, window)
        editor.grab().save(str(out / f"vu-viec-{name}.png"))
    editor.close()


def _tab_names(window: MainWindow) -> list[str]:
    names = {"Sổ vụ việc": "so-vu-viec", "Tổng quan": "tong-quan", "Báo cáo": "bao-cao",
             "Quản trị": "quan-tri"}
    return [names.get(window.tabs.tabText(i), f"tab{i}") for i in range(window.tabs.count())]


if __name__ == "__main__":
    main()
