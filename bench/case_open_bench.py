"""Benchmark of opening a busy case in the editor (issue 6 target: under 300 ms).

    python bench/case_open_bench.py [--runs 7] [--keep DIR] [--json]

Builds a data folder (in a temporary folder unless `--keep`) with one case about a
child: 20 handling events and 30 evidence files (20 screenshots, PNG and JPEG, and
10 PDF documents, all real files). Then, offscreen, several times:

- open: from reading the case (`get_case`, as the main window does) to the first paint
  of the filled editor, on its first tab;
- thumbnails: from the same start until every thumbnail is drawn; pictures are read and
  shrunk off the UI thread, so the editor is painted and usable before;
- evidence tab: from choosing the `Chứng cứ` tab, thumbnails drawn, to its paint.

Each figure is the median of the runs with its spread.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPdfWriter
from PySide6.QtWidgets import QApplication
from run_all import figure, print_json  # bench/ is the script's folder
from ui_bench import stats

from app.db import Database
from app.domain.case import CaseInput, ChildInput
from app.domain.events import EventInput
from app.domain.labels import Sex
from app.paths import DataPaths
from app.services import accounts, cases, events, evidence, settings, setup, vocabulary
from app.services.actor import Actor

USER, PASSWORD = "admin", "bench-tre-2026"
OPEN_LIMIT = 0.3  # seconds
EVENTS = 20
PICTURES, DOCUMENTS = 20, 10
# Kinds that need no other field and may follow each other in any order.
KINDS = ("XM", "MLV", "NN", "DC", "YCG", "GB", "KTK", "BB", "CTE", "KN")


def _screenshot(path: Path, index: int) -> None:
    """A phone screenshot: 720×1280, a few coloured blocks and lines of text."""
    image = QImage(720, 1280, QImage.Format.Format_RGB32)
    image.fill(QColor.fromHsv(index * 17 % 360, 40, 250))
    painter = QPainter(image)
    for row in range(12):
        painter.fillRect(40, 60 + row * 100, 640, 70, QColor.fromHsv(row * 30 % 360, 120, 200))
        painter.drawText(QRectF(60, 70 + row * 100, 600, 50), Qt.AlignmentFlag.AlignLeft,
                         f"Bài đăng {index} — bình luận {row}: nội dung vi phạm")
    painter.end()
    image.save(str(path), quality=85)


def _document(path: Path, index: int) -> None:
    writer = QPdfWriter(str(path))
    painter = QPainter(writer)
    for line in range(30):
        painter.drawText(200, 300 + line * 250, f"Biên bản làm việc số {index}, dòng {line}")
    painter.end()


def build(root: Path) -> tuple[Database, Actor, int]:
    """The data folder with the case; returns the database, the account and the case id."""
    print(f"building the case in {root} …", flush=True)
    db = setup.init_data_folder(DataPaths(root), USER, PASSWORD, "Quản trị viên")
    actor = accounts.authenticate(db, USER, PASSWORD)
    start = date.today() - timedelta(days=EVENTS + 5)
    detail = cases.create_case(db, actor, CaseInput(
        detected_on=start, platform_code="FB", account="Hóng biến Minh Tân",
        group_code="TE", child_subkind_code="TE-TT",
        summary="Đăng ảnh, tên và trường của một học sinh kèm lời lẽ xúc phạm.",
        url="https://www.facebook.com/hongbien/posts/123", offender_name="Trần Văn Hùng",
        offender_birth_year=1990, children=(ChildInput("Lê Thị Bống", 2014, sex=Sex.FEMALE),)))
    for day in range(EVENTS):
        events.add_event(db, actor, detail.id, EventInput(
            KINDS[day % len(KINDS)], start + timedelta(days=day + 1),
            document_number=f"{day + 1}/BB-VHXH", note=f"Lần làm việc thứ {day + 1}"))
    files = root.parent / f"{root.name}-files"
    files.mkdir(exist_ok=True)
    for index in range(PICTURES + DOCUMENTS):
        if index < PICTURES:
            path = files / f"chup-man-hinh-{index:02d}.{'png' if index % 2 else 'jpg'}"
            _screenshot(path, index)
        else:
            path = files / f"bien-ban-{index:02d}.pdf"
            _document(path, index)
        evidence.add_evidence(db, actor, detail.id, path)
    return db, actor, detail.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", help="build the folder here and leave it")
    parser.add_argument("--json", action="store_true", help="also print one JSON line last")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(args.keep or temporary).resolve() / "case-open"
        db, actor, case_id = build(root)
        figures = measure(app, db, actor, case_id, args.runs)
        db.dispose()
    if args.json:
        print_json("case_open_bench", figures)


def measure(app: QApplication, db: Database, actor: Actor, case_id: int,
            runs: int) -> list[dict[str, Any]]:
    # Imported after the data: the figures are the editor's, not the start of the program.
    from app.ui.case_editor import CaseEditor
    from app.ui.prefs import UiPrefs
    from app.ui.tasks import TaskRunner

    runner = TaskRunner()
    vocab, office = vocabulary.load(db), settings.load_office(db)
    prefs = UiPrefs(db.paths, actor.username)
    opened: list[float] = []
    pictures_ready: list[float] = []
    tab_painted: list[float] = []
    for _ in range(runs + 1):  # the first run warms the caches and is dropped
        started = time.perf_counter()
        detail = cases.get_case(db, actor, case_id)
        editor = CaseEditor(db, actor, runner, vocab, office, prefs, detail)
        editor.resize(1000, 720)
        editor.show()
        editor.repaint()
        opened.append(time.perf_counter() - started)
        section = editor.evidence
        while not section.thumbnails_done():  # the editor is in use meanwhile
            app.processEvents()
            time.sleep(0.001)
        pictures_ready.append(time.perf_counter() - started)
        runner.wait()
        app.processEvents()
        started = time.perf_counter()
        editor.tabs.setCurrentWidget(section)
        editor.repaint()
        tab_painted.append(time.perf_counter() - started)
        assert len(section.records) == PICTURES + DOCUMENTS and len(detail.events) == EVENTS
        assert all(not section.files.item(row).icon().isNull() for row in range(PICTURES))
        editor.close()
        editor.deleteLater()
        app.processEvents()
    runner.wait()
    print(f"case with {EVENTS} events and {PICTURES + DOCUMENTS} files "
          f"({PICTURES} pictures, {DOCUMENTS} PDF), {runs} runs:")
    print(f"open to first paint of the filled editor: {stats(opened[1:])}  "
          f"[< {OPEN_LIMIT * 1000:.0f} ms]")
    print(f"open to every thumbnail drawn:            {stats(pictures_ready[1:])}"
          "  (off the UI thread)")
    print(f"evidence tab shown, thumbnails drawn:     {stats(tab_painted[1:])}")
    what = f"case with {EVENTS} events and {PICTURES + DOCUMENTS} evidence files"
    return [figure(f"{what}: open to the first paint of the editor", opened[1:],
                   at_most=OPEN_LIMIT),
            figure(f"{what}: open to every thumbnail drawn (off the UI thread)",
                   pictures_ready[1:]),
            figure(f"{what}: evidence tab shown", tab_painted[1:])]


if __name__ == "__main__":
    main()
