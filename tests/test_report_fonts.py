"""The reports' fonts split a text into their subsets' codes faster than reportlab's own
loop once the document has coded its letters: the codes must be the very ones reportlab
gives, or the PDF's text would change."""

from __future__ import annotations

import gc

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfbase.ttfonts import TTFont

from app.reports import fonts
from app.resources import resource_path

VIETNAMESE = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstu"
              "ùúủũụưừứửữựvxyỳýỷỹỵ")
TEXTS = [
    "Đăng tải video quay cảnh cháu bé bị bạo hành tại nhà riêng",
    "",
    "15.000.000\xa0đồng",  # a no-break space is drawn as a space
    VIETNAMESE,
    VIETNAMESE.upper(),
    # With the Vietnamese letters, more than a subset's 256 codes: a second subset.
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
    "αβγδεζηθικλμνξοπρστυφχψω ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ",
    "«Ủy ban nhân dân» — §1 ½ € ™ ©",
    "chữ \U0001f600 không có trong phông",  # a letter the font lacks: its code 0
    b"bytes \xc4\x91",  # reportlab takes UTF-8 bytes too
    "Nguyễn Thị Ánh Dương, học sinh lớp 4A",
]


def _reference() -> TTFont:
    return TTFont("LiberationSerif-reference",
                  str(resource_path("fonts", "LiberationSerif-Regular.ttf")))


def test_a_text_is_split_into_the_codes_reportlab_gives() -> None:
    fonts.register()
    ours, theirs = pdfmetrics.getFont(fonts.REGULAR), _reference()
    ours_doc, theirs_doc = PDFDocument(), PDFDocument()
    # The second time, every letter has its code: the fast path.
    split = [(ours.splitString(text, ours_doc), theirs.splitString(text, theirs_doc))
             for text in TEXTS * 2]
    assert [mine for mine, _ in split] == [reference for _, reference in split]
    assert {subset for codes, _ in split for subset, _text in codes} == {0, 1}


def test_a_text_whose_letters_have_codes_is_split_without_reportlabs_loop(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The faster path is taken: once the document has coded a text's letters, reportlab's
    own loop runs only for a letter the font lacks (never given a code)."""
    fonts.register()
    ours, document = pdfmetrics.getFont(fonts.REGULAR), PDFDocument()
    for text in TEXTS:
        ours.splitString(text, document)
    looped: list[str | bytes] = []
    own = TTFont.splitString

    def counted(font: TTFont, text: str | bytes, doc: object, encoding: str = "utf-8",
                ) -> list[tuple[int, bytes]]:
        looped.append(text)
        return own(font, text, doc, encoding)  # type: ignore[no-any-return]

    monkeypatch.setattr(TTFont, "splitString", counted)
    for text in TEXTS:
        ours.splitString(text, document)
    assert looped == [text for text in TEXTS if isinstance(text, bytes) or "\U0001f600" in text]


def test_a_new_document_in_a_freed_ones_place_starts_its_own_codes() -> None:
    """A document made after another was freed may get its address: its letters are coded
    afresh, in its own texts' order."""
    fonts.register()
    ours, theirs = pdfmetrics.getFont(fonts.REGULAR), _reference()
    for turn in range(20):
        texts = TEXTS[turn % len(TEXTS):] + TEXTS[:turn % len(TEXTS)]
        document, reference = PDFDocument(), PDFDocument()
        for text in texts * 2:
            assert ours.splitString(text, document) == theirs.splitString(text, reference)
        del document, reference
        gc.collect()


def test_documents_written_by_turns_keep_their_own_codes() -> None:
    """Two documents written at once (two exports in two threads): each document's letters
    are coded in the order its own texts brought them."""
    fonts.register()
    ours, theirs = pdfmetrics.getFont(fonts.REGULAR), _reference()
    first, second = PDFDocument(), PDFDocument()
    first_reference, second_reference = PDFDocument(), PDFDocument()
    for text in TEXTS * 2:
        backwards = text[::-1] if isinstance(text, str) else text
        assert ours.splitString(text, first) == theirs.splitString(text, first_reference)
        assert (ours.splitString(backwards, second)
                == theirs.splitString(backwards, second_reference))
