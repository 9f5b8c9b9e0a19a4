"""A child typed the way officers type is named in nothing that leaves the office.

One register holds a child case whose texts spell the children every way an officer
might (other tone-mark placement, no diacritics, surname and given name only, other
calling words, handles, slugs, file names, decomposed, upper case) and a minor offender
whose birth year makes him 15 or 16; then every output is read back and searched.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import Sex
from app.domain.periods import Period
from app.domain.report import ReportOption, figures_to_json
from app.errors import NotAllowed
from app.services import accounts, audit_log, cases, events, evidence, settings
from app.services.actor import Actor
from app.services.case_list import LIST_COLUMNS
from app.services.case_sheet import case_sheet_printout, print_case_sheet
from app.services.demo import demo_office
from app.services.list_export import export_case_list, list_printout
from app.services.records import CaseDetail
from app.services.report_export import Targets, export_report
from app.services.report_figures import compute_figures
from app.services.search import CaseQuery, search_case_ids
from app.text import fold
from tests.conftest import ADMIN_PASSWORD, TODAY, make_case
from tests.test_evidence import _png

OCTOBER = Period.month(2026, 10)
ZUYEN = "Đặng Thị Thuỳ Zuyến"
HOA = "Lò Văn Hòa"
MINOR = "Phạm Minh Khuê"  # born 2010: may still be 15 in October 2026
SCHOOL = "Lớp 7A, Trường THCS Lê Lợi"
ADDRESS = "Thôn Đông Sơn, xã Hoà Khánh"
NFD = unicodedata.normalize("NFD", "ĐẶNG THỊ THÙY ZUYẾN")

# What must never come out, folded: the made-up given names (alone, in handles, in slugs)
# and the places recorded for the child.
FORBIDDEN = ("zuyen", "khue", "lo van hoa", "thcs le loi", "dong son", "hoa khanh")

SPELLINGS = (
    "bé Zuyen bị đánh",  # no diacritics after a calling word
    "ĐẶNG ZUYẾN và Zuyến Đặng",  # surname and given name, either order
    "học sinh Thùy Zuyến, nữ sinh Zuyến, con gái Zuyến",  # other calling words and marks
    "em Lò Văn Hoà",  # the other tone-mark placement
    "anh-Đặng-Thị-Thuỳ-Zuyến.png, zuyen_dang và dangthithuyzuyen",  # joined
    "facebook.com/zuyen.dang.2013",  # a URL slug
    NFD,  # decomposed, upper case
    "Zuyến học lớp 7A Trường THCS Lê Lợi, nhà ở thôn Đông Sơn, xã Hoà Khánh",
    "Khuê đăng lại clip",  # the minor offender's given name alone
)


@pytest.fixture
def register(db: Database, admin: Actor, officer: Actor, tmp_path: Path) -> CaseDetail:
    settings.save_office(db, admin, demo_office())
    detail = cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 3), group_code="TE", platform_code="FB",
        account="zuyen.dang.2013", url="https://www.facebook.com/zuyen.dang.2013/videos/1",
        summary="; ".join(SPELLINGS[:5]), notes="; ".join(SPELLINGS[5:]),
        area="xã Hoà Khánh",
        offender_name=MINOR, offender_birth_year=2010,
        children=(ChildInput(ZUYEN, birth_year=2013, sex=Sex.FEMALE, school_class=SCHOOL,
                             address=ADDRESS),
                  ChildInput(HOA, birth_year=2015, sex=Sex.MALE)),
    ), today=TODAY)
    events.add_event(db, officer, detail.id, EventInput(
        "XM", date(2026, 10, 4), document_number="05/BB-Zuyến",
        note="Làm việc với mẹ cháu Dang Zuyen"), today=TODAY)
    for name in ("anh-Đặng-Thị-Thuỳ-Zuyến.png", "zuyendang2013.png"):
        picture = tmp_path / name
        picture.write_bytes(_png(name))
        evidence.add_evidence(db, officer, detail.id, picture)
    # Another case speaks of her: two words of her name are enough there.
    cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 6), summary="Chia sẻ lại clip Đặng Zuyến, bé Zuyen"),
        today=TODAY)
    # The officer corrects the summary: the audit log must not keep either version.
    current = cases.get_case(db, officer, detail.id)
    cases.update_case(db, officer, detail.id, dataclasses.replace(
        current.data, summary=current.data.summary + "; " + SPELLINGS[0]),
        expected_version=current.version, today=TODAY)
    return cases.get_case(db, officer, detail.id)


def _leaks(text: str) -> list[str]:
    folded = " ".join(re.sub(r"[-_.]", " ", fold(text)).split())
    return [word for word in FORBIDDEN if word in folded or word.replace(" ", "") in folded]


def _cells(path: Path) -> Iterator[str]:
    with CalamineWorkbook.from_path(str(path)) as book:
        for name in book.sheet_names:
            for row in book.get_sheet_by_name(name).to_python():
                yield from (str(value) for value in row if value != "")


def _pdf_text(pdf: Path | bytes) -> str:
    """The text of a PDF file, or of a PDF's bytes (a printout for the printer)."""
    source, given = (str(pdf), None) if isinstance(pdf, Path) else ("-", pdf)
    return subprocess.run(["pdftotext", source, "-"], input=given, check=True,
                          capture_output=True).stdout.decode()


def _docx_text(path: Path) -> str:
    """Every paragraph of a Word file (its tables' cells and page headers too), a line each,
    and its properties."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(str(path))
    parts = [document.element, *(s.header._element for s in document.sections)]
    lines = ["".join(p.itertext()) for part in parts for p in part.iter(qn("w:p"))]
    properties = document.core_properties
    return "\n".join([*lines, properties.title or "", properties.author or ""])


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="poppler-utils is not installed")


def test_the_spelling_corpus_would_name_the_children_unmasked(register: CaseDetail) -> None:
    # The check itself finds every class of spelling: a masking test cannot pass by
    # searching for the wrong thing.
    for spelling in SPELLINGS:
        assert _leaks(spelling), spelling


@needs_pdftotext
def test_the_report_workbook_pdf_and_word_file_name_no_child(db: Database, officer: Actor,
                                                              register: CaseDetail,
                                                              tmp_path: Path) -> None:
    xlsx, pdf, docx = tmp_path / "bc.xlsx", tmp_path / "bc.pdf", tmp_path / "bc.docx"
    export_report(db, officer, OCTOBER, Targets(xlsx=xlsx, pdf=pdf, docx=docx))
    figures = compute_figures(db, OCTOBER)  # what the files were written from
    cells = list(_cells(xlsx))
    assert _leaks("\n".join(cells)) == []
    assert _leaks(_pdf_text(pdf)) == []
    word = _docx_text(docx)
    assert _leaks(word) == [] and "P.M.K., 15 tuổi" in word
    child_case = next(line for line in figures.cases if line.code == register.code)
    assert child_case.url == "facebook.com/…" and child_case.account == "Facebook/…"
    assert child_case.offender == "P.M.K., 15 tuổi"
    assert "Trẻ em bị ảnh hưởng: Đ.T.T.Z., 12 tuổi, nữ; L.V.H., 10 tuổi, nam." in (
        child_case.summary)
    other = next(line for line in figures.cases if line.code != register.code)
    assert other.summary == "Chia sẻ lại clip Đ.Z., bé Z."


@needs_pdftotext
def test_with_counts_only_the_report_shows_no_childs_initials(
        db: Database, admin: Actor, officer: Actor, register: CaseDetail,
        tmp_path: Path) -> None:
    office = settings.load_office(db)
    settings.save_office(db, admin, dataclasses.replace(
        office, report_options=(ReportOption.CHILDREN_COUNTS_ONLY,)))
    xlsx, pdf, docx = tmp_path / "bc.xlsx", tmp_path / "bc.pdf", tmp_path / "bc.docx"
    export_report(db, officer, OCTOBER, Targets(xlsx=xlsx, pdf=pdf, docx=docx))
    figures = compute_figures(db, OCTOBER)  # what the files were written from
    frozen = json.dumps(figures_to_json(figures), ensure_ascii=False)
    for text in ("\n".join(_cells(xlsx)), _pdf_text(pdf), _docx_text(docx), frozen):
        assert _leaks(text) == []
        # Neither the children's nor the minor offender's initials, alone or in a text.
        assert not re.search(r"\b(?:Đ\.T\.T\.Z|L\.V\.H|P\.M\.K|Đ\.Z|Z)\.", text)
        assert "tuổi, nữ" not in text and "tuổi, nam" not in text
    child_case = next(line for line in figures.cases if line.code == register.code)
    assert child_case.offender == "Người dưới 16 tuổi"
    assert child_case.summary.endswith("Trẻ em bị ảnh hưởng: 2 em.")
    other = next(line for line in figures.cases if line.code != register.code)
    assert other.summary == "Chia sẻ lại clip [trẻ em], bé [trẻ em]"
    assert figures.children is not None and figures.children.total.total == 2
    assert "Biểu số 04" in _pdf_text(pdf) and "Trẻ em" in CalamineWorkbook.from_path(
        str(xlsx)).sheet_names


@needs_pdftotext
def test_the_case_printout_names_no_child(db: Database, officer: Actor, register: CaseDetail,
                                         tmp_path: Path) -> None:
    text = _pdf_text(print_case_sheet(db, officer, register.id, tmp_path / "phieu.pdf"))
    assert _leaks(text) == []
    assert "Đ.T.T.Z..png" not in text and "Đ.T.T.Z.png" in text
    on_paper = _pdf_text(case_sheet_printout(db, officer, register.id))
    assert _leaks(on_paper) == [] and "Đ.T.T.Z.png" in on_paper


@needs_pdftotext
def test_the_list_export_and_its_printout_name_no_child(db: Database, officer: Actor,
                                                       register: CaseDetail,
                                                       tmp_path: Path) -> None:
    ids = search_case_ids(db, CaseQuery())
    assert register.id in ids and len(ids) == 2
    target = tmp_path / "danh-sach.xlsx"
    export_case_list(db, officer, target, ids, LIST_COLUMNS)
    cells = list(_cells(target))
    assert _leaks("\n".join(cells)) == []
    assert "P.M.K., 15 tuổi" in cells  # the minor offender, as the report shows him
    assert "facebook.com/…" in cells and "Facebook/…" in cells
    printed = _pdf_text(list_printout(db, officer, ids, LIST_COLUMNS))
    assert "P.M.K., 15 tuổi" in printed and _leaks(printed) == []


def test_a_list_export_of_another_case_alone_names_no_child(db: Database, officer: Actor,
                                                          register: CaseDetail,
                                                          tmp_path: Path) -> None:
    """The other case speaks of her: exported on its own, its row still masks her name."""
    other = [i for i in search_case_ids(db, CaseQuery()) if i != register.id]
    target = tmp_path / "mot-vu.xlsx"
    export_case_list(db, officer, target, other, LIST_COLUMNS)
    cells = list(_cells(target))
    assert any("Chia sẻ lại clip" in c for c in cells) and _leaks("\n".join(cells)) == []


def test_the_document_register_export_names_no_child_of_any_case(
        db: Database, officer: Actor, register: CaseDetail, tmp_path: Path) -> None:
    from app.services import documents

    other = next(i for i in search_case_ids(db, CaseQuery()) if i != register.id)
    for case_ids in ((other,), ()):  # about another case, and about none
        documents.enter_received(db, officer, documents.ReceivedInput(
            "Công an xã", date(2026, 10, 8), "12/CV",
            subject="Về clip của em Đặng Zuyến, bé Zuyen", case_ids=case_ids))
    target = tmp_path / "so-van-ban.xlsx"
    assert documents.export_register(db, officer, documents.RegisterQuery(), target) == 2
    cells = list(_cells(target))
    assert sum("Về clip của em" in c for c in cells) == 2
    assert _leaks("\n".join(cells)) == []


def test_the_audit_export_names_no_child(db: Database, admin: Actor, register: CaseDetail,
                                        tmp_path: Path) -> None:
    target = tmp_path / "nhat-ky.xlsx"
    audit_log.export(db, admin, target, audit_log.search(db, admin))
    cells = list(_cells(target))
    assert any("case_update" in c or "Sửa vụ việc" in c for c in cells)
    assert _leaks("\n".join(cells)) == []


def test_a_viewer_sees_a_child_case_masked_and_none_of_its_evidence(
        db: Database, viewer: Actor, officer: Actor, register: CaseDetail) -> None:
    seen = cases.get_case(db, viewer, register.id)
    texts = [str(v) for v in dataclasses.astuple(seen.data)] + [
        str(v) for e in seen.events for v in dataclasses.astuple(e)]
    assert _leaks("\n".join(texts)) == []
    assert [c.full_name for c in seen.data.children] == ["Đ.T.T.Z., 12 tuổi, nữ",
                                                        "L.V.H., 10 tuổi, nam"]
    assert seen.data.offender_name == "P.M.K., 15 tuổi"
    assert seen.evidence == () and evidence.list_evidence(db, viewer, register.id) == []
    assert evidence.withheld(db, viewer, register.id)
    assert not evidence.withheld(db, officer, register.id)
    with pytest.raises(NotAllowed):
        evidence.open_evidence(db, viewer, register.evidence[0].id)
    rows = cases.list_rows(db, viewer, [register.id])
    assert _leaks(" ".join(str(v) for v in dataclasses.astuple(rows[0]))) == []
    # An officer still works with the real names.
    assert cases.get_case(db, officer, register.id).data.children[0].full_name == ZUYEN
    assert cases.list_rows(db, officer, [register.id])[0].account == "zuyen.dang.2013"


@needs_pdftotext
def test_every_document_drafted_for_the_cases_names_no_child(
        db: Database, officer: Actor, register: CaseDetail, tmp_path: Path) -> None:
    from app.domain.documents import DocumentKind
    from app.services import drafting

    drafted = 0
    for case_id in search_case_ids(db, CaseQuery()):
        for kind in DocumentKind:
            if drafting.kind_refusal(db, officer, kind, [case_id]) is not None:
                continue
            name = tmp_path / f"{kind.value}-{case_id}"
            docx, pdf = name.with_suffix(".docx"), name.with_suffix(".pdf")
            drafting.draft_document(db, officer, drafting.DraftRequest(kind, (case_id,)),
                                    docx=docx, pdf=pdf)
            assert _leaks(_docx_text(docx)) == [], (kind, case_id)
            assert _leaks(_pdf_text(pdf)) == [], (kind, case_id)
            drafted += 1
    assert drafted >= 10  # the child's case and the other one, in most kinds


def test_the_report_package_sent_to_the_province_names_no_child(
        db: Database, admin: Actor, leader: Actor, register: CaseDetail,
        tmp_path: Path) -> None:
    from app.domain.report import ReportText
    from app.services import report_packages, report_register

    settings.save_office(db, admin, dataclasses.replace(
        settings.load_office(db), unit_code="00004", unit_title="Xã Minh Tân"))
    report_register.send_report(db, leader, OCTOBER, ReportText("12", date(2026, 11, 3),
                                                                "Đã hỗ trợ bé Zuyến."))
    package = tmp_path / "t10.svpbc"
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)  # the leader's held no key
    report_packages.write_package(db, admin, OCTOBER, package)
    text = package.read_bytes().decode("utf-8")
    assert "Xã Minh Tân" in text and "P.M.K., 15 tuổi" in text
    assert _leaks(text) == []
