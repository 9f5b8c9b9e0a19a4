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
from app.services import accounts, cases, demo, evidence, setup
from app.ui.main_window import MainWindow
from app.ui.translations import use_vietnamese

USER, PASSWORD = "admin", "demo-sen-hong-2026"
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
    use_vietnamese()
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
    child_case = _editor_shots(app, window, out)
    _privacy_shots(app, window, child_case, out)
    window.close()
    db.dispose()


EDITOR_TABS = ("chung", "doi-tuong", "tre-em", "xuc-pham", "xu-ly", "chung-cu")
EDITOR_SIZE = (1000, 800)


def _editor_shots(app: QApplication, window: MainWindow, out: Path) -> int:
    """Each section of the editor: a case with children and several events (evidence
    added if it has none), and the defamation section on a defamation case; the child
    case's id."""
    from sqlalchemy import func, select

    from app.models import Case, DefamedParty, Event
    from app.ui.case_editor import CaseEditor

    with window.db.read() as session:
        busiest = (select(Case.id).join(Event).group_by(Case.id)
                   .order_by(func.count(Event.id).desc(), Case.id).limit(1))
        child_case = session.execute(busiest.where(Case.has_children.is_(True))).scalar_one()
        defamation_case = session.execute(busiest.where(
            Case.group_code == "DD", Case.id.in_(select(DefamedParty.case_id).where(
                DefamedParty.complaint_received.is_(True),
                DefamedParty.complaint_date.is_not(None))))).scalar_one()
    _add_demo_evidence(window, child_case, out)
    for case_id, names in ((child_case, [n for n in EDITOR_TABS if n != "xuc-pham"]),
                           (defamation_case, ["xuc-pham"])):
        editor = CaseEditor(window.db, window.actor, window.runner, window.vocabulary,
                            window.office, window.prefs,
                            cases.get_case(window.db, window.actor, case_id), window)
        editor.resize(*EDITOR_SIZE)
        editor.show()
        editor.evidence.files.setCurrentRow(0)  # its name, size and SHA-256 under the list
        for name in names:
            editor.tabs.setCurrentIndex(EDITOR_TABS.index(name))
            _settle(app, window)
            editor.grab().save(str(out / f"vu-viec-{name}.png"))
        editor.close()
    return child_case


VIEWER, VIEWER_PASSWORD = "xem", "xem-demo-2026"


def _privacy_shots(app: QApplication, window: MainWindow, child_case: int, out: Path) -> None:
    """The child case as the Xem role sees it, and the rows read again before freezing."""
    from app.domain.labels import Role
    from app.domain.report_forms import children_rows
    from app.errors import UserError
    from app.ui.case_editor import CaseEditor
    from app.ui.report.children_review import ChildrenRowsReview
    from app.ui.report.screen import ReportScreen

    try:
        viewer = accounts.authenticate(window.db, VIEWER, VIEWER_PASSWORD)
    except UserError:
        accounts.create_user(window.db, window.actor, username=VIEWER, full_name="Người xem",
                             role=Role.VIEWER, password=VIEWER_PASSWORD)
        viewer = accounts.authenticate(window.db, VIEWER, VIEWER_PASSWORD)
    editor = CaseEditor(window.db, viewer, window.runner, window.vocabulary, window.office,
                        window.prefs, cases.get_case(window.db, viewer, child_case), window)
    editor.resize(*EDITOR_SIZE)
    editor.show()
    for name in ("chung", "tre-em", "chung-cu"):
        editor.tabs.setCurrentIndex(EDITOR_TABS.index(name))
        _settle(app, window)
        editor.grab().save(str(out / f"xem-vu-viec-{name}.png"))
    editor.close()
    screen = window.show_screen("reports")
    assert isinstance(screen, ReportScreen)
    _settle(app, window)
    figures = screen.figures()
    assert figures is not None
    review = ChildrenRowsReview(children_rows(figures), None, window)
    review.show()
    _settle(app, window)
    review.grab().save(str(out / "doc-lai-truoc-khi-chot.png"))
    review.close()


def _add_demo_evidence(window: MainWindow, case_id: int, out: Path) -> None:
    """Two screenshots and a scanned record as the case's evidence, once per demo folder."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPdfWriter

    if evidence.list_evidence(window.db, window.actor, case_id):
        return
    folder = out / ".chung-cu-mau"
    folder.mkdir(exist_ok=True)
    files = []
    for index, colour in enumerate(("#3b5998", "#d1453b")):
        image = QImage(720, 1280, QImage.Format.Format_RGB32)
        image.fill(QColor("#f0f2f5"))
        painter = QPainter(image)
        painter.fillRect(0, 0, 720, 120, QColor(colour))
        for row in range(8):
            painter.fillRect(40, 180 + row * 130, 640, 100, QColor("#ffffff"))
            painter.drawText(QRectF(60, 200 + row * 130, 600, 60), Qt.AlignmentFlag.AlignLeft,
                             f"Bình luận {row + 1}")
        painter.end()
        files.append(folder / f"chup-man-hinh-{index + 1}.png")
        image.save(str(files[-1]))
    files.append(folder / "bien-ban-lam-viec.pdf")
    writer = QPdfWriter(str(files[-1]))
    painter = QPainter(writer)
    painter.drawText(400, 400, "BIÊN BẢN LÀM VIỆC")
    painter.end()
    for path in files:
        evidence.add_evidence(window.db, window.actor, case_id, path)
        path.unlink()
    folder.rmdir()


def _tab_names(window: MainWindow) -> list[str]:
    names = {"Sổ vụ việc": "so-vu-viec", "Tổng quan": "tong-quan", "Báo cáo": "bao-cao",
             "Quản trị": "quan-tri"}
    return [names.get(window.tabs.tabText(i), f"tab{i}") for i in range(window.tabs.count())]


if __name__ == "__main__":
    main()
