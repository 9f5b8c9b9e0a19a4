"""Form 03's pages are drawn by the program itself, not by reportlab's Table: each must come
out as the Table of the same cells and row heights draws it — every word at the same place,
the same pages, the same pixels."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab import rl_config
from reportlab.platypus import Flowable, SimpleDocTemplate, Table

from app.domain.report_forms import FORM03_COLUMNS, Cell, Form
from app.reports import fonts, pdf
from app.reports.official import LANDSCAPE, LANDSCAPE_MARGINS

# The comparison with reportlab's Table reads words' boxes and renders pages with poppler
# (`.ci/run` installs it); the tall row's test reads the text with PDFium, a dependency.
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None
                                   or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils is not installed")

SUMMARY = ("Đăng tải video quay cảnh cháu bé bị bạo hành tại nhà riêng, kèm lời bình xúc phạm "
           "danh dự, nhân phẩm của gia đình; đã yêu cầu gỡ bỏ và mời làm việc tại trụ sở.")
URL = "https://www.facebook.com/groups/123456789012345/posts/987654321098765?comment_id=1"


def _row(index: int) -> tuple[Cell, ...]:
    """A case row of form 03, varied by `index`: short and long texts, lines that run over
    (their spaces narrowed), a word cut, line breaks, a text reportlab must parse itself
    (`&`, `<`), empty and missing cells, fines large and none."""
    kind = index % 6
    return (
        index,
        f"VV-2026-{index:05d}",
        None if kind == 3 else date(2026, 10, 1 + index % 28),
        "Facebook" if kind % 2 else "TikTok",
        "" if kind == 2 else f"Nguyễn Văn {'Anh ' * kind}tài khoản số {index}",
        URL if kind != 4 else "a < b && c > d",
        "Xúc phạm danh dự, nhân phẩm" if kind else "Tin giả",
        SUMMARY[: 40 + 25 * kind] + ("\ndòng sau" if kind == 5 else ""),
        None if kind == 1 else "Trần Thị Bình, sinh năm 1990",
        "iiiiiiiiiiii WWWWWWWWWWWW iiiiiiii WWWWWWW " * kind + "Đã xử phạt & nhắc nhở"
        if kind == 4 else "Đã lập biên bản, ra quyết định xử phạt " * kind,
        [None, 0, 7_500_000, 1_234_567_890][index % 4],
        "Đang xử lý" if kind else "",
    )


ROWS = [_row(i) for i in range(1, 40)]
# A row taller than a page, which its table splits inside (a Table still), amid the others.
TALL = 20
ROWS[TALL] = (*ROWS[TALL][:9], " ".join(f"{SUMMARY[:-1]} lần {i}." for i in range(40)),
              *ROWS[TALL][10:])


def _reference_page(form: Form, tables: pdf._Tables, head: list[Flowable],
                    rows: list[list[Flowable | str]], heights: list[float],
                    widths: list[float], head_form: str) -> Table:
    """The page as reportlab's Table draws the same cells at the same heights."""
    return tables.table(form, [[*head], *rows], widths, heights=heights)


def _write(path: Path, form: Form) -> None:
    fonts.register()
    width = LANDSCAPE[0] - LANDSCAPE_MARGINS[1] - LANDSCAPE_MARGINS[3]
    top, right, bottom, left = LANDSCAPE_MARGINS
    SimpleDocTemplate(str(path), pagesize=LANDSCAPE, topMargin=top, rightMargin=right,
                      bottomMargin=bottom, leftMargin=left).build(
        [pdf._PagedRows(form, pdf._Tables(8, 2), width, None)])


def _words(path: Path) -> list[tuple[int, str, float, float, float, float]]:
    """Every word with its page and box, as pdftotext finds them, in the order of the pages
    and, on a page, of the words' texts and boxes (pdftotext's reading order follows the
    order they are drawn in)."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    words, page = [], 0
    for line in html.splitlines():
        page += "<page " in line
        if "<word " in line:
            attributes = dict(part.split("=", 1) for part in
                              line.split("<word ", 1)[1].split(">", 1)[0].split())
            x_min, y_min, x_max, y_max = (float(attributes[k].strip('"'))
                                          for k in ("xMin", "yMin", "xMax", "yMax"))
            words.append((page, line.split(">", 1)[1].rsplit("<", 1)[0],
                          x_min, y_min, x_max, y_max))
    return sorted(words)


def _pages(path: Path, folder: Path) -> list[bytes]:
    subprocess.run(["pdftoppm", "-r", "100", str(path), str(folder / "page")], check=True)
    return [page.read_bytes() for page in sorted(folder.glob("page*.ppm"))]


def _boxes(words: Sequence[tuple[int, str, float, float, float, float]],
           ) -> list[list[float]]:
    return [list(word[2:]) for word in words]


@needs_poppler
def test_form_03_pages_are_drawn_as_reportlabs_table_draws_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    form = Form("03", "Danh sách vụ việc", "Danh sách vụ việc", FORM03_COLUMNS, ROWS, None)
    ours, reference = tmp_path / "ours.pdf", tmp_path / "table.pdf"
    _write(ours, form)
    with monkeypatch.context() as patch:
        patch.setattr(pdf, "_FormPage", _reference_page)
        _write(reference, form)

    layout = [subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                             capture_output=True, text=True).stdout
              for path in (ours, reference)]
    assert layout[0] == layout[1]
    assert "a < b && c > d" in layout[0] and "1.234.567.890" in layout[0]
    words, expected = _words(ours), _words(reference)
    assert [word[:2] for word in words] == [word[:2] for word in expected]
    assert _boxes(words) == [pytest.approx(box, abs=0.01) for box in _boxes(expected)]
    (tmp_path / "ours").mkdir()
    (tmp_path / "table").mkdir()
    pages = _pages(ours, tmp_path / "ours")
    assert len(pages) > 3  # the tall row's among them
    assert pages == _pages(reference, tmp_path / "table")


def test_a_row_taller_than_a_page_goes_on_over_the_pages(tmp_path: Path) -> None:
    form = Form("03", "Danh sách vụ việc", "Danh sách vụ việc", FORM03_COLUMNS, ROWS, None)
    _write(tmp_path / "tall.pdf", form)

    # The pages' texts in the order they are drawn.
    text = " ".join(page.get_textpage().get_text_range()
                    for page in pdfium.PdfDocument(tmp_path / "tall.pdf"))
    drawn = iter(text.split())
    assert all(word in drawn for word in str(ROWS[TALL][9]).split())  # each, in order
    assert all(f"VV-2026-{index:05d}" in text for index in range(1, len(ROWS) + 1))


def test_the_header_is_drawn_once_and_shown_on_every_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The header's paragraphs are drawn once, as a PDF form each page shows: every page has
    its words, the file one form; the same form again makes the same file however many
    were written before it (its name is made of the header, not counted)."""
    form = Form("03", "Danh sách vụ việc", "Danh sách vụ việc", FORM03_COLUMNS, ROWS, None)
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    monkeypatch.setattr(rl_config, "invariant", 1)  # no date or random id in the files
    _write(first, form)
    _write(second, form)

    pages = [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(first)]
    assert len(pages) > 3
    assert all("Tóm tắt nội dung" in " ".join(page.split()) for page in pages)
    assert first.read_bytes().count(b"/Subtype /Form") == 1
    assert first.read_bytes() == second.read_bytes()
