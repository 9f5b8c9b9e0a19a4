"""The forms' cells are drawn as pre-broken lines: each must break exactly where reportlab's
Paragraph of the same style and width breaks it, or the pages would change."""

from __future__ import annotations

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from app.reports import fonts
from app.reports.official import markup
from app.reports.pdf import _Tables, wrapped_lines

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


def _reference(text: str, style: ParagraphStyle, width: float) -> list[str]:
    """The lines reportlab's own Paragraph breaks the cell's markup into (a space it leaves
    at the end of a line, drawn but never seen, left out)."""
    paragraph = Paragraph(markup(text), style)
    paragraph.wrap(width, 10_000)
    lines = paragraph.blPara
    if lines.kind == 0:
        return [" ".join(words) for _, words in lines.lines]
    return ["".join(word.text for word in line.words).rstrip(" ") for line in lines.lines]


@pytest.mark.parametrize("size", [8, 10])
@pytest.mark.parametrize("width", [18.0, 41.5, 64.0, 97.3, 150.0, 233.0])
def test_a_cell_breaks_where_a_paragraph_does(size: float, width: float) -> None:
    fonts.register()
    tables = _Tables(size, 2)
    for style in (tables.text, tables.total):
        for text in CORPUS:
            assert wrapped_lines(text, style, width) == _reference(text, style, width), text
