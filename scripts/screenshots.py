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

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.paths import DataPaths  # noqa: E402
from app.services import accounts, demo, setup  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402

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
    window.close()
    db.dispose()


def _tab_names(window: MainWindow) -> list[str]:
    names = {"Sổ vụ việc": "so-vu-viec", "Tổng quan": "tong-quan", "Báo cáo": "bao-cao",
             "Quản trị": "quan-tri"}
    return [names.get(window.tabs.tabText(i), f"tab{i}") for i in range(window.tabs.count())]


if __name__ == "__main__":
    main()
