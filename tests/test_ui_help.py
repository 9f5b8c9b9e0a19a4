"""Trợ giúp → Hướng dẫn sử dụng (F1): the guide opens, says what the program does (roles and
rights, this data folder, the settings' names), finds words typed without diacritics, and
is found where the frozen build puts it."""

from __future__ import annotations

import ast
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextTable
from pytestqt.qtbot import QtBot

from app.domain.labels import ROLE_LABELS
from app.paths import DataPaths
from app.resources import resource_path
from app.services.actor import PERMISSION_LABELS, ROLE_PERMISSIONS, Actor
from app.ui.admin.office_form import NUMBER_FIELDS
from app.ui.help import GUIDE_FILE, GuideWindow, guide_text
from app.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("1. Công việc hằng ngày", "2. Cuối tháng: báo cáo và chốt số liệu",
            "3. Trao đổi với tỉnh và đơn vị khác",
            "4. Tệp được lưu ở đâu", "5. Sao lưu, khôi phục và khóa khôi phục",
            "6. Vai trò và quyền", "7. Bảo vệ trẻ em", "8. Khi gặp sự cố")


def _guide(qtbot: QtBot, paths: DataPaths) -> GuideWindow:
    guide = GuideWindow(paths)
    qtbot.addWidget(guide)
    guide.show()
    return guide


def test_f1_opens_the_guide_and_again_brings_the_same_one_forward(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], officer: Actor) -> None:
    window = open_window(officer)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.case_list.table, Qt.Key.Key_F1)
    guide = window.guide
    assert guide is not None
    qtbot.waitUntil(guide.isVisible)
    assert guide.windowTitle() == "Hướng dẫn sử dụng"
    assert not guide.isModal()  # read beside the window while working
    assert window.guide_action in window.menuBar().actions()[-1].menu().actions()
    contents = [guide.contents.item(row).text() for row in range(guide.contents.count())]
    assert [entry for entry in contents if not entry.startswith(" ")] == list(SECTIONS)
    guide.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.case_list.table, Qt.Key.Key_F1)
    assert window.guide is guide and guide.isVisible()


def test_the_roles_table_is_every_role_and_right_of_the_program(qtbot: QtBot,
                                                                 paths: DataPaths) -> None:
    guide = _guide(qtbot, paths)
    tables = [frame for frame in guide.text.document().rootFrame().childFrames()
              if isinstance(frame, QTextTable)]
    assert len(tables) == 1
    table = tables[0]

    def cell(row: int, column: int) -> str:
        return table.cellAt(row, column).firstCursorPosition().block().text()

    roles = list(ROLE_LABELS)
    assert [cell(0, column + 1) for column in range(len(roles))] == list(ROLE_LABELS.values())
    assert table.rows() == 1 + len(PERMISSION_LABELS)
    for row, (permission, label) in enumerate(PERMISSION_LABELS.items(), start=1):
        assert cell(row, 0).casefold() == label.casefold()
        for column, role in enumerate(roles, start=1):
            assert (cell(row, column) == "✓") == (permission in ROLE_PERMISSIONS[role])


def test_the_guide_names_this_data_folder_its_parts_and_the_settings(paths: DataPaths) -> None:
    text = guide_text(paths)
    assert str(paths.root) in text
    for part in (paths.database, paths.keys, paths.evidence, paths.backups, paths.reports,
                 paths.exports):
        assert f"`{part.name}`" in text
    assert f'sovipham --data-dir "{paths.root}" --user TÊN --password-stdin check' in text
    labels = {key: label for key, label, _low, _high in NUMBER_FIELDS}
    for key in ("backup_every_minutes", "offsite_backup_days", "idle_lock_minutes"):
        assert f"ô «{labels[key]}»" in text
    assert "$" not in text  # every blank filled


def test_in_server_mode_the_guide_says_the_keys_and_evidence_are_on_the_server(
        tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data",
                      "postgresql://sovipham:bi-mat@may-chu/sovipham?connect_timeout=10")
    text = guide_text(paths)
    assert "khóa mã hóa (niêm phong bằng mật khẩu của từng người dùng) nằm trong cơ sở dữ " \
           "liệu trên máy chủ" in text
    for part in (paths.database, paths.keys, paths.evidence):
        assert part.name not in text
    assert f"`{paths.backups.name}`" in text  # this PC's own parts are still named
    # The commands name the server (they do not read the window's connection), never
    # with the password the window holds.
    assert (f'sovipham --data-dir "{paths.root}" --database '
            '"postgresql://sovipham@may-chu/sovipham" --user TÊN --password-stdin check') in text
    assert "PGPASSWORD" in text
    assert "bi-mat" not in text
    assert "$" not in text


def test_search_finds_words_typed_without_diacritics_and_says_when_nothing_is_found(
        qtbot: QtBot, paths: DataPaths) -> None:
    guide = _guide(qtbot, paths)
    qtbot.keyClicks(guide.search, "KHOA KHOI phuc")
    assert len(guide.matches) > 1
    assert all(m.selectedText().casefold() == "khóa khôi phục" for m in guide.matches)
    assert len(guide.text.extraSelections()) == len(guide.matches)
    qtbot.keyClick(guide.search, Qt.Key.Key_Return)
    assert guide.text.textCursor().selectionStart() == guide.matches[0].selectionStart()
    guide.find_next()
    assert guide.text.textCursor().selectionStart() == guide.matches[1].selectionStart()
    guide.search.setText("không có chữ này")
    assert guide.matches == [] and guide.text.extraSelections() == []
    assert "Không thấy «không có chữ này»" in guide.message.text()


def test_a_section_of_the_contents_scrolls_to_its_heading(qtbot: QtBot,
                                                          paths: DataPaths) -> None:
    guide = _guide(qtbot, paths)
    month_end = guide.contents.findItems(SECTIONS[1], Qt.MatchFlag.MatchExactly)[0]
    guide.contents.itemClicked.emit(month_end)
    top = guide.text.cursorForPosition(guide.text.viewport().rect().topLeft())
    assert top.block().text() == SECTIONS[1]


def test_the_guide_is_found_where_the_frozen_build_puts_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: DataPaths) -> None:
    """The files build.spec bundles (its `datas`, worked out as PyInstaller does), laid out
    in a folder that stands for the bundle, and the program reading from there."""
    spec = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))
    shipped = next(node for node in spec.body
                   if isinstance(node, ast.FunctionDef) and node.name == "shipped")
    # A library's data PyInstaller collects (the holidays' names) does not concern the
    # guide, and PyInstaller is installed only to build.
    namespace: dict[str, object] = {"ROOT": ROOT, "NOTICES": tmp_path / "notices.txt",
                                    "collect_data_files": lambda *_a, **_k: []}
    exec(compile(ast.Module([shipped], []), "build.spec", "exec"), namespace)
    analysis = next(node for node in ast.walk(spec) if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name) and node.func.id == "Analysis")
    datas = next(k.value for k in analysis.keywords if k.arg == "datas")
    entries = eval(compile(ast.Expression(datas), "build.spec", "eval"), namespace)
    bundle = tmp_path / "bundle"
    for source, folder in entries:
        if Path(source).is_file():
            (bundle / folder).mkdir(parents=True, exist_ok=True)
            shutil.copy(source, bundle / folder)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    found = resource_path(*GUIDE_FILE)
    assert found.is_relative_to(bundle) and found.is_file()
    assert "## 6. Vai trò và quyền" in guide_text(paths)

