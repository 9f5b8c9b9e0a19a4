"""The forms' cells are drawn as pre-broken lines: each must break, and space its words,
exactly as reportlab's Paragraph of the same style and width would, or the pages would
change. A text reportlab parses into several fragments keeps its paragraph."""

from __future__ import annotations

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from app.domain.report_forms import Column, Form, Kind
from app.reports import fonts
from app.reports.official import markup
from app.reports.pdf import _Lines, _Tables, wrapped_lines

NBSP = "\xa0"

SENTENCE = ("Đăng tải video quay cảnh cháu bé bị bạo hành tại nhà riêng, kèm lời bình xúc phạm "
            "danh dự, nhân phẩm của gia đình; đã yêu cầu gỡ bỏ và mời làm việc tại trụ sở Ủy ban "
            "nhân dân xã Minh Tân ngày 15/10/2026.")
CORPUS = [
    SENTENCE,
    SENTENCE.upper(),
    "Phát trực tiếp",
    "Nguyễn Thị Ánh Dương, sinh năm 2016, học sinh lớp 4A trường Tiểu học Minh Tân",
    "https://www.facebook.com/groups/123456789012345/posts/987654321098765?comment_id=1",
    "Xem https://tiktok.com/@nguoi.dung.rat.dai.ten/video/7301234567890123456 và báo lại",
    "Trách nhiệm hữu hạn thươngmạidịchvụxuấtnhậpkhẩuquốctếkhôngdấucách kết thúc",
    "a" * 300,
    "0912345678 0987654321 15.000.000 7.500.000 đồng 123456789012345678901234567890",
    "nhiều    khoảng     trắng   giữa   các   chữ   ",
    "   cách đầu dòng và cuối dòng   ",
    "dòng một\ndòng hai dài hơn một chút để phải xuống dòng trong ô hẹp\n\ndòng bốn",
    "\nbắt đầu bằng xuống dòng\n",
    "a\n   \nb\n\n",
    "\n",
    "  \n  ",
    "\x07\n",
    "a < b && c > d, <b>không phải</b> đậm & &amp; &lt;",
    "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&",
    "Tab\tgiữa và\u00a0khoảng\u00a0trắng\u00a0không\u00a0ngắt ở đây",
    "tổ hợp: Nguye\u0302\u0303n (NFD) và ký tự\x07điều khiển",
    "iiiiiiiiiiiiiiiiiiiiiiiiiiiiii WWWWWWWWWWWWWWWWWWWW iiiiiiiiiiiiiiii WWWWWWWWWWWW",
    "x",
    " ",
]
# Every text after a line break too, and before one: the break makes reportlab break the
# lines by its rule for several fragments.
CORPUS += [f"{before}\n{text}" for before, text in zip(CORPUS[-1:] + CORPUS[:-1], CORPUS,
                                                        strict=True)]


def _narrowing(room: float, spaces: int) -> float:
    """The word spacing a line is drawn with: negative to fit a line that runs over."""
    return room / spaces if room < -1e-8 and spaces > 0 else 0.0


def _reference(text: str, style: ParagraphStyle, width: float) -> list[tuple[str, float]]:
    """The lines reportlab's own Paragraph breaks the cell's markup into, each with the word
    spacing it draws it with."""
    paragraph = Paragraph(markup(text), style)
    paragraph.wrap(width, 10_000)
    lines = paragraph.blPara
    if lines.kind == 0:  # one fragment
        return [(" ".join(words), _narrowing(room, len(words) - 1 + " ".join(words).count(NBSP)))
                for room, words in lines.lines]
    # Several (lines broken): a space it leaves at the end of a line, drawn but never seen,
    # left out of the text.
    return [("".join(word.text for word in line.words).rstrip(" "),
             _narrowing(line.extraSpace, line.wordCount - 1
                        + sum(word.text.count(NBSP) for word in line.words)))
            for line in lines.lines]


def _row(text: str, tables: _Tables, width: float) -> object:
    form = Form("03", "Mẫu", "Mẫu", (Column("Nội dung", Kind.TEXT, 20),), ((text,),), None)
    return tables.row(form, form.rows[0], tables.text, [width + 2 * tables.padding])[0][0]


@pytest.mark.parametrize("size", [8, 10])
@pytest.mark.parametrize("width", [18.0, 41.5, 64.0, 97.3, 150.0, 233.0])
def test_a_cell_breaks_and_spaces_its_lines_as_a_paragraph_does(size: float,
                                                                  width: float) -> None:
    fonts.register()
    tables = _Tables(size, 2)
    for text in CORPUS:
        cell = _row(text, tables, width)
        if any(c in text for c in "&<>"):
            assert isinstance(cell, Paragraph), text  # reportlab breaks it itself
            continue
        assert isinstance(cell, _Lines), text
        for style in (tables.text, tables.total):
            lines, expected = wrapped_lines(text, style, width), _reference(text, style, width)
            assert [line.text for line in lines] == [line for line, _ in expected], text
            assert [_narrowing(line.room, line.spaces) for line in lines] == pytest.approx(
                [spacing for _, spacing in expected], abs=1e-9), text
