"""The report as an editable Word file (shared/spec/report-forms.md, "The editable report"):
the PDF's document in the template `bao-cao.docx`, from the same figures and text.

Portrait pages carry the document: header, number and date, title and subject, the
narrative ending with `./.`, `Nơi nhận` and the signer block. A landscape section after it
carries forms 01 and 02 (and 04 where the office chose it), another form 03 as the Phụ lục,
each numbered on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Length

from app.domain.office import OfficeSettings
from app.domain.periods import Period
from app.domain.report import ReportFigures, ReportText, Summary
from app.domain.report_forms import Form, ReportForms, report_forms
from app.progress import CancelToken, Progress
from app.reports import document
from app.reports.docx_document import (
    HEADER_PLACEHOLDERS,
    SIGNATURE_PLACEHOLDERS,
    Draft,
    Part,
    Style,
    add_addressees,
    add_form,
    filling_problems,
    header_fields,
    signature_fields,
    template_path,
)
from app.reports.narrative import HEADING, blocks
from app.reports.narrative import draft as drafted_text

TEMPLATE = "bao-cao.docx"
_FORMS_SECTION, _ANNEX_SECTION = 1, 2  # the template's landscape sections
# What `write_docx` fills: the name of each placeholder and what it holds.
PLACEHOLDERS: dict[str, str] = {
    **HEADER_PLACEHOLDERS,
    "trich_yeu": "trích yếu (kỳ báo cáo)",
    "kinh_gui": "các dòng «Kính gửi» (cả đoạn, giữ dạng {{p … }})",
    "noi_dung": "nội dung báo cáo (cả đoạn, giữ dạng {{p … }})",
    **SIGNATURE_PLACEHOLDERS,
    "bieu_mau": "các biểu số liệu (cả đoạn, giữ dạng {{p … }})",
    "phu_luc": "phụ lục danh sách vụ việc (cả đoạn, giữ dạng {{p … }})",
}


def _body(figures: ReportFigures, text: ReportText, width: Length) -> Callable[[Part], None]:
    """The narrative's paragraphs (a `I. …` line a heading) and its tables."""
    def build(part: Part) -> None:
        for block in blocks(figures.masker.mask(text.narrative)):
            if isinstance(block, str):
                part.add_paragraph(block, Style.HEADING if HEADING.match(block) else Style.BODY)
            else:
                _narrative_table(part, block, width)
    return build


def _narrative_table(part: Part, rows: list[list[str]], width: Length) -> None:
    """The first row the header, the first column labels, the other cells figures; a row
    typed with fewer cells filled with blanks (as the PDF)."""
    count = max(len(row) for row in rows)
    first = int(width * 0.34) if count > 1 else int(width)
    widths = [Length(first)] + [Length((int(width) - first) // (count - 1))] * (count - 1)
    header = [WD_ALIGN_PARAGRAPH.CENTER] * count
    figures = [WD_ALIGN_PARAGRAPH.LEFT] + [WD_ALIGN_PARAGRAPH.RIGHT] * (count - 1)
    table = part.table(widths)
    for index, row in enumerate(rows):
        part.row(table, [*row, *[""] * (count - len(row))], widths, Style.TABLE,
                 header if index == 0 else figures, header=index == 0)
    part.add_paragraph("", Style.TABLE)  # room under it


def _annex_heading(part: Part, label: str, form: Form, figures: ReportFigures,
                   office: OfficeSettings, text: ReportText) -> None:
    for line, style in ((label, Style.ANNEX), (form.title, Style.ANNEX_TITLE),
                        (figures.period.label, Style.ANNEX_LINE),
                        (document.annex_reference(office.report_issuer, text),
                         Style.ANNEX_REFERENCE)):
        if line:  # a table the forms do not number has no label
            part.add_paragraph(line, style)


def write_docx(figures: ReportFigures, office: OfficeSettings, text: ReportText, target: Path,
               *, forms: ReportForms | None = None, template: Path | bytes | None = None,
               progress: Progress | None = None, token: CancelToken | None = None) -> None:
    """The report of `forms` (a unit's report's by default) in `template` (an office's,
    else the one shipped)."""
    draft = Draft(template_path(TEMPLATE) if template is None else template)
    issuer = office.report_issuer
    laid_out = forms or report_forms(figures)
    wide = draft.text_width(_FORMS_SECTION)

    def tables(part: Part) -> None:
        for form in laid_out.tables:
            _annex_heading(part, form.label, form, figures, office, text)
            add_form(part, form, wide)
            if form.note:
                part.add_paragraph(form.note, Style.TABLE)
            part.add_paragraph("", Style.TABLE)  # room between two forms

    def annex(part: Part) -> None:
        _annex_heading(part, "Phụ lục", laid_out.annex, figures, office, text)
        if laid_out.annex_elsewhere:
            part.add_paragraph(laid_out.annex_elsewhere, Style.TABLE)
            return
        add_form(part, laid_out.annex, draft.text_width(_ANNEX_SECTION), Style.TABLE_SMALL,
                 token=token, progress=progress)

    subject = document.subject(figures.period)
    draft.render({
        **header_fields(office, issuer, text.number, text.issue_date),
        "trich_yeu": subject,
        "kinh_gui": draft.blocks(lambda part: add_addressees(part, office.addressees,
                                                              draft.text_width())),
        "noi_dung": draft.blocks(_body(figures, text, draft.text_width())),
        **signature_fields(office.recipients, issuer),
        "bieu_mau": draft.blocks(tables),
        "phu_luc": draft.blocks(annex),
    }, target, title=f"Báo cáo {subject[0].lower()}{subject[1:]}", author=issuer.in_sentence)


def template_problems(template: bytes) -> list[str]:
    """Why an office's edited report template cannot be used, in Vietnamese ([] when it
    can): its placeholders, then a report drafted with it from the empty figures of a month
    (they name no one)."""
    month = Period.month(2026, 1)
    figures = ReportFigures(Summary(month, (), ()), Summary(month.previous(), (), ()), ())
    office = OfficeSettings()

    def sample(target: Path) -> None:
        write_docx(figures, office, ReportText("01", month.end, drafted_text(figures, office)),
                   target, template=template)

    return filling_problems(template, PLACEHOLDERS, "báo cáo", sample=sample)
