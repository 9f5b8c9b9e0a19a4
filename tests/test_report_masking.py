"""Children are never named in a report, whatever the case, diacritics or Unicode form."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date

import pytest

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import Sex
from app.reports.figures import compute_figures
from app.reports.masking import Masker, Person, describe
from app.reports.periods import Period
from app.services import cases, events
from app.services.actor import Actor
from app.text import fold
from tests.conftest import TODAY, make_case

AN = Person("Nguyễn Văn An", birth_year=2013, sex="nam")
DUNG = Person("Đặng Thị Dung", birth_date=date(2016, 12, 1), sex="nữ")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Đăng clip em Nguyễn Văn An bị đánh.", "Đăng clip em N.V.A. bị đánh."),
        (unicodedata.normalize("NFD", "Ảnh của Nguyễn Văn An."), unicodedata.normalize(
            "NFD", "Ảnh của ") + "N.V.A."),
        ("Ảnh của NGUYỄN VĂN AN, lớp 7", "Ảnh của N.V.A., lớp 7"),
        ("anh cua nguyen van an lop 7", "anh cua N.V.A. lop 7"),
        ("Tên: Nguyen  Van\tAn!", "Tên: N.V.A.!"),
        ("dang thi dung và DẶNG THỊ DUNG", "Đ.T.D. và Đ.T.D."),
        ("Nguyễn Văn Anh không phải trẻ em", "Nguyễn Văn Anh không phải trẻ em"),
        ("Cháu An, bé Văn An, em Dung và Công an xã", "Cháu A., bé V.A., em D. và Công an xã"),
        ("Không nêu tên ai", "Không nêu tên ai"),
        # A given name alone needs its marks: "tại" is a word, "Tài" the child.
        ("Bắt cóc trẻ em tại chợ; em Tài, cháu TÀI", "Bắt cóc trẻ em tại chợ; em T., cháu T."),
        ("Tặng bông hoa cho bé Bống", "Tặng bông hoa cho bé B."),  # a name of one word
    ],
)
def test_names_are_replaced_by_initials_in_free_text(text: str, masked: str) -> None:
    assert Masker([AN, DUNG, Person("Lê Văn Tài"), Person("Bống")]).mask(text) == masked


def test_decomposed_marks_of_the_last_letter_go_with_the_name() -> None:
    text = unicodedata.normalize("NFD", "Em Đặng Thị Dũng học lớp 3")
    masker = Masker([Person("Đặng Thị Dũng")])
    assert unicodedata.normalize("NFC", masker.mask(text)) == "Em Đ.T.D. học lớp 3"


def test_a_child_is_described_by_initials_age_and_sex() -> None:
    assert describe(AN, date(2026, 10, 5)) == "N.V.A., 13 tuổi, nam"
    assert describe(DUNG, date(2026, 11, 30)) == "Đ.T.D., 9 tuổi, nữ"  # birthday not reached
    assert describe(Person("Lê Bé"), date(2026, 10, 5)) == "L.B."


def test_no_child_name_reaches_the_report_figures(db: Database, officer: Actor) -> None:
    child = "Nguyễn Văn An"
    detail = cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 5), group_code="TE",
        account=f"Hội phụ huynh của {child.upper()}",
        summary=f"Đăng ảnh {unicodedata.normalize('NFD', child)} kèm địa chỉ; "
                f"{fold(child)} bị lộ tên trường.",
        offender_name="Lê Thị Hoa",
        children=(ChildInput(child, birth_year=2013, sex=Sex.MALE),
                  ChildInput("Trần Thị Bé", birth_year=2016, sex=Sex.FEMALE)),
    ), today=TODAY)
    events.add_event(db, officer, detail.id, EventInput(
        "CTE", date(2026, 10, 6), document_number=f"Hồ sơ em {child}"), today=TODAY)
    # An offender under 16 is a child too.
    cases.create_case(db, officer, make_case(detected_on=date(2026, 10, 7),
                                             offender_name="Phạm Minh Khôi",
                                             offender_birth_year=2012), today=TODAY)
    figures = compute_figures(db, Period.month(2026, 10))
    text = " ".join(str(v) for line in figures.cases for v in dataclasses.astuple(line))
    for name in (child, "Trần Thị Bé", "Phạm Minh Khôi"):
        assert fold(name) not in fold(text)
    first, second = figures.cases
    assert first.account == "Hội phụ huynh của N.V.A."
    assert first.summary.endswith("Trẻ em bị ảnh hưởng: N.V.A., 13 tuổi, nam; "
                                  "T.T.B., 10 tuổi, nữ.")
    assert "Hồ sơ em N.V.A." in first.results
    assert first.offender == "Lê Thị Hoa"
    assert second.offender == "P.M.K., 14 tuổi"
    assert figures.masker.mask("Đã làm việc với gia đình cháu Nguyễn Văn An.") == (
        "Đã làm việc với gia đình cháu N.V.A.")
