"""The automatic case code in plain parts (text in front, the year, the number, text at the
end) and the pattern the office setting stores: each says the other exactly."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from app.db import Database
from app.domain.case_code import CaseCodeParts, YearPlace
from app.domain.office import OfficeSettings
from app.errors import UserError
from app.services import cases, settings
from app.services.actor import Actor
from tests.conftest import TODAY, make_case

PATTERNS = [
    ("VV{year}-{seq:05d}", CaseCodeParts("VV", YearPlace.BEFORE, "-", 5, ""), "VV2026-00001"),
    ("{seq:03d}/{year}/MXH", CaseCodeParts("", YearPlace.AFTER, "/", 3, "/MXH"),
     "001/2026/MXH"),
    ("MXH-{seq:04d}", CaseCodeParts("MXH-", YearPlace.NONE, "", 4, ""), "MXH-0001"),
    ("{year}{seq}", CaseCodeParts("", YearPlace.BEFORE, "", 1, ""), "20261"),
    ("{{VV}} {year} - {seq:02d} ", CaseCodeParts("{VV} ", YearPlace.BEFORE, " - ", 2, " "),
     "{VV} 2026 - 01 "),
]


@pytest.mark.parametrize(("pattern", "parts", "first"), PATTERNS)
def test_a_pattern_and_its_parts_say_the_same_code(pattern: str, parts: CaseCodeParts,
                                                   first: str) -> None:
    assert CaseCodeParts.parse(pattern) == parts
    assert parts.pattern == pattern
    assert parts.example(2026) == first == pattern.format(year=2026, seq=1)


def test_the_default_pattern_is_the_default_parts() -> None:
    assert OfficeSettings().case_code_pattern == CaseCodeParts().pattern == "VV{year}-{seq:05d}"


@pytest.mark.parametrize(("pattern", "words"), [
    ("VV-{nam}", "chỉ gồm chữ ở đầu, năm, số thứ tự và chữ ở cuối"),
    ("{seq}-{seq}", "chỉ gồm"),
    ("{seq:5d}", "chỉ gồm"),  # padded with spaces
    ("{seq!r}", "chỉ gồm"),
    ("VV{year}-{seq", "chỉ gồm"),
    ("VV{year}", "phải có số thứ tự"),
    ("{year}-{seq:09d}", "từ 1 đến 8 chữ số"),
])
def test_a_pattern_the_parts_cannot_say_is_refused_in_plain_words(pattern: str,
                                                                   words: str) -> None:
    with pytest.raises(UserError) as refused:
        OfficeSettings(case_code_pattern=pattern).validate()
    assert words in refused.value.message and refused.value.field == "case_code_pattern"
    assert "{" not in refused.value.message  # no programmer's syntax


def test_the_editor_shows_a_stored_pattern_and_gives_it_back_whole(qtbot: QtBot) -> None:
    from app.ui.admin.case_code_editor import CaseCodeEditor

    editor = CaseCodeEditor()
    qtbot.addWidget(editor)
    year = date.today().year
    for pattern, parts, _first in PATTERNS:
        editor.set_pattern(pattern)
        assert editor.parts() == parts
        assert editor.pattern() == pattern
        assert parts.example(year) in editor.example.text()
    editor.set_pattern("VV{year}-{seq:05d}")
    assert f"VV{year}-00001" in editor.example.text()
    assert f"VV{year}-00002" in editor.example.text()


def test_choosing_the_parts_changes_the_example_as_they_are_typed(qtbot: QtBot) -> None:
    from app.ui.admin.case_code_editor import CaseCodeEditor

    editor = CaseCodeEditor()
    qtbot.addWidget(editor)
    year = date.today().year
    editor.prefix.clear()
    qtbot.keyClicks(editor.prefix, "MXH")
    editor.year.setCurrentIndex(editor.year.findData(str(YearPlace.AFTER)))
    editor.between.setText("/")
    editor.digits.setValue(3)
    assert editor.pattern() == "MXH{seq:03d}/{year}"
    assert f"MXH001/{year}" in editor.example.text()
    assert "bắt đầu lại từ 1 mỗi năm" in editor.example.text()
    editor.year.setCurrentIndex(editor.year.findData(str(YearPlace.NONE)))
    assert not editor.between.isEnabled()
    assert editor.pattern() == "MXH{seq:03d}"
    assert "MXH001" in editor.example.text() and "nối tiếp qua các năm" in editor.example.text()


def test_an_old_pattern_the_parts_cannot_say_is_pointed_out(qtbot: QtBot) -> None:
    from app.ui.admin.case_code_editor import CaseCodeEditor

    editor = CaseCodeEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.set_pattern("{year}-{seq:5d}")
    assert editor.notice.isVisible()
    assert f"kiểu cũ (như «{date.today().year}-    1»)" in editor.notice.text()
    assert editor.pattern() == CaseCodeParts().pattern
    editor.set_pattern("VV{year}-{seq:05d}")
    assert not editor.notice.isVisible()


def test_the_office_form_saves_the_parts_as_the_pattern_new_cases_are_numbered_by(
        qtbot: QtBot, db: Database, admin: Actor, officer: Actor) -> None:
    from app.ui.admin import AdminScreen
    from app.ui.tasks import TaskRunner

    screen = AdminScreen(db, admin, TaskRunner(), lambda _change: None)
    qtbot.addWidget(screen)
    form = screen.office
    assert form.case_code.pattern() == "VV{year}-{seq:05d}"
    form.case_code.prefix.setText("")
    form.case_code.year.setCurrentIndex(form.case_code.year.findData(str(YearPlace.AFTER)))
    form.case_code.between.setText("/")
    form.case_code.digits.setValue(3)
    form.case_code.suffix.setText("/MXH")
    form.save()
    qtbot.waitUntil(lambda: "Đã lưu" in form.feedback.text())
    assert settings.load_office(db).case_code_pattern == "{seq:03d}/{year}/MXH"
    assert cases.create_case(db, officer, make_case(), today=TODAY).code == "001/2026/MXH"
