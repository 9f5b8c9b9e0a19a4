"""`--selftest`: does this installed program work end to end, without a display?

On a temporary data folder it generates a register, exports it as a password-protected
Excel file in the import template layout, imports that file into a second, fresh data
folder, writes the report of the last full month (Excel, PDF and Word) and checks them
against the figures computed again from the database, and drafts an escalation letter
(a letter template, the PDF drawn from it, the dossier annex). Everything a packaged build could
leave out (a lazily imported library, the migrations, the fonts, the demo and seed data)
is exercised.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import traceback
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from app import __version__
from app.domain.documents import DocumentKind
from app.domain.import_problems import ImportRefused
from app.domain.periods import Period
from app.domain.report_forms import (
    FORM03_COLUMNS,
    Cell,
    Column,
    Form,
    display,
    form_01,
    form_02,
)
from app.domain.workdays import public_holidays
from app.errors import UserError
from app.paths import DataPaths
from app.services import accounts, demo, drafting, exporting, importing, setup
from app.services.actor import Actor
from app.services.data_folder import Database
from app.services.report_export import Targets, export_report
from app.services.report_figures import compute_figures, compute_summary
from app.text import format_number

CASES = 300
SEED = 2026
ADMIN = "tu-kiem-tra"
_SUBSET_FONT = re.compile(rb"^[A-Z]{6}\+")


class SelftestFailed(Exception):
    """A produced file is not what it should be; the message says what differs."""


def run_selftest(out: TextIO) -> int:
    print(f"Sổ vi phạm MXH {__version__}: tự kiểm tra.", file=out)
    try:
        # A scan by an antivirus may keep Windows from deleting a file just written: a
        # temporary folder left behind is no failure of the program.
        with tempfile.TemporaryDirectory(prefix="sovipham-tu-kiem-tra-",
                                         ignore_cleanup_errors=True) as folder:
            _run(Path(folder), out)
    except SelftestFailed as exc:
        print(f"Tự kiểm tra KHÔNG đạt: {exc}", file=out)
        return 1
    except ImportRefused as exc:
        lines = [p.line() for p in exc.problems if not p.is_warning][:5]
        print(f"Tự kiểm tra KHÔNG đạt: {exc.message}", *lines, sep="\n", file=out)
        return 1
    except UserError as exc:
        print(f"Tự kiểm tra KHÔNG đạt: {exc.message}", file=out)
        return 1
    except Exception:
        # What a broken build raises (a module or a data file left out) is exactly what
        # the self-test is for: report it with its trace instead of crashing.
        print("Tự kiểm tra KHÔNG đạt: lỗi không mong đợi (chi tiết dưới đây).", file=out)
        traceback.print_exc(file=out)
        return 1
    print("Tự kiểm tra đạt: chương trình hoạt động đầy đủ.", file=out)
    return 0


def _run(folder: Path, out: TextIO) -> None:
    def step(text: str) -> None:
        print(f"- {text}", file=out)

    today = date.today()
    this_month = Period.month(today.year, today.month)
    period = this_month.previous()
    register = folder / "so-vu-viec.xlsx"
    xlsx, pdf = folder / f"bao-cao-{period.slug}.xlsx", folder / f"bao-cao-{period.slug}.pdf"
    docx = folder / f"bao-cao-{period.slug}.docx"
    beside = folder / f"bao-cao-{period.slug}-tien-trinh-rieng.xlsx"

    # Random, and always of two kinds of characters: the demo cases hold children.
    file_password = f"Tự kiểm tra {secrets.token_urlsafe(12)}"
    source, actor = _new_data_folder(folder / "nguon")
    try:
        demo.add_demo_cases(source, actor, CASES, seed=SEED, today=today)
        step(f"Đã tạo thư mục dữ liệu tạm và {format_number(CASES)} vụ việc mẫu.")
        exported = exporting.export_cases(source, actor, register, file_password=file_password,
                                          purpose="Tự kiểm tra chương trình",
                                          recipient="Thư mục tạm của lần tự kiểm tra").count
        step(f"Đã xuất sổ {format_number(exported)} vụ việc ra tệp Excel theo mẫu nhập, "
             "có mật khẩu mở tệp.")
    finally:
        source.dispose()
    if exported != CASES:
        raise SelftestFailed(f"tệp xuất có {exported} vụ việc, cần {CASES}.")

    db, actor = _new_data_folder(folder / "dich")
    try:
        imported = importing.import_workbook(db, actor, register, file_password=file_password,
                                             today=today).count
        if imported != CASES:
            raise SelftestFailed(f"đã nhập {imported} vụ việc, cần {CASES}.")
        step(f"Đã nhập {format_number(imported)} vụ việc vào một thư mục dữ liệu mới.")
        export_report(db, actor, period, Targets(xlsx, pdf, docx))
        step(f"Đã ghi báo cáo {period.phrase} (Excel, PDF và Word).")
        export_report(db, actor, period, Targets(xlsx=beside), workbook_beside=True)
        summary = compute_summary(db, period)
        listed = len(compute_figures(db, period).cases)
        codes = draft_escalation(db, actor, folder)
        step(f"Đã soạn báo cáo, kiến nghị hỗ trợ xử lý cho {len(codes)} vụ việc chưa xác định "
             "được đối tượng (Word và PDF, kèm phụ lục hồ sơ).")
    finally:
        db.dispose()
    if not summary.total.detected:
        raise SelftestFailed(f"không có vụ việc nào phát hiện trong {period.phrase}: "
                             "báo cáo không kiểm tra được số liệu nào.")
    check_workbook(xlsx, (form_01(summary), form_02(summary)), listed)
    step(f"Bảng tính đúng số liệu tính lại từ cơ sở dữ liệu "
         f"({format_number(summary.total.detected)} vụ phát hiện trong {period.phrase}).")
    check_same_workbook(beside, xlsx)
    step("Bảng tính của một báo cáo dài, ghi bởi một tiến trình riêng của chương trình, giống "
         "hệt bảng tính ghi trực tiếp.")
    pages, fonts = check_pdf(pdf)
    step(f"Tệp PDF hợp lệ: {pages} trang, {fonts} phông chữ đều được nhúng.")
    check_pdf_accelerated()
    step("Thư viện PDF dùng bản biên dịch các hàm tính toán của nó (rl_accel).")
    check_printable(pdf)
    step("Trang đầu của báo cáo dựng được thành ảnh để in (PDFium).")
    check_docx(docx, form_01(summary))
    step("Tệp Word đọc lại được, đúng mẫu và đúng số liệu tổng hợp.")
    check_holidays(today.year)
    step(f"Lịch ngày nghỉ lễ năm {today.year} có Tết Nguyên đán (tính hạn theo ngày làm việc).")
    check_server_driver()
    step("Trình kết nối PostgreSQL (chế độ máy chủ) nạp được, kèm thư viện libpq của nó.")


def _new_data_folder(root: Path) -> tuple[Database, Actor]:
    password = secrets.token_urlsafe(16)
    db = setup.init_data_folder(DataPaths(root), ADMIN, password, "Tự kiểm tra")
    try:
        return db, accounts.authenticate(db, ADMIN, password)
    except Exception:
        db.dispose()
        raise


def check_same_workbook(path: Path, expected: Path) -> None:
    """Every part of the two files alike but the time each was made (docProps/core.xml)."""
    with zipfile.ZipFile(path) as made, zipfile.ZipFile(expected) as model:
        names = model.namelist()
        if made.namelist() != names or any(
                made.read(name) != model.read(name) for name in names
                if name != "docProps/core.xml"):
            raise SelftestFailed(f"bảng tính «{path.name}» khác bảng tính «{expected.name}».")


def check_workbook(path: Path, forms: Sequence[Form], listed: int) -> None:
    """Forms 01 and 02 of the workbook hold exactly `forms`' rows and total; the case list
    has `listed` rows."""
    # Imported here, like the writers: the window starts without python-calamine.
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        for form in forms:
            if form.sheet not in book.sheet_names:
                raise SelftestFailed(f"bảng tính thiếu trang «{form.sheet}».")
            numbers_row, rows = _below_headers(book, form.sheet, form.columns)
            expected: list[Sequence[Cell]] = [*form.rows, *([form.total] if form.total else [])]
            if len(rows) != len(expected):
                raise SelftestFailed(f"trang «{form.sheet}» có {len(rows)} dòng số liệu, "
                                     f"cần {len(expected)}.")
            for number, (row, wanted) in enumerate(zip(rows, expected, strict=True),
                                                   start=numbers_row + 1):
                for column, value, want in zip(form.columns, row, wanted, strict=True):
                    if value != ("" if want is None else want):
                        raise SelftestFailed(
                            f"trang «{form.sheet}», dòng {number}, cột «{column.header}»: "
                            f"bảng tính ghi {value!r}, tính lại từ cơ sở dữ liệu được {want!r}.")
        case_sheet = book.sheet_names[-1]
        case_rows = sum(1 for row in _below_headers(book, case_sheet, FORM03_COLUMNS)[1]
                        if any(value != "" for value in row))
        if case_rows != listed:
            raise SelftestFailed(f"trang «{case_sheet}» có {case_rows} vụ việc, "
                                 f"cần {listed}.")
    finally:
        book.close()


def _below_headers(book: Any, sheet: str,
                   columns: Sequence[Column]) -> tuple[int, list[list[Cell]]]:
    """The number of the row of a form's column numbers, under its column headers (found by
    their text as a reader finds them), and the table's rows below it down to the first
    empty row (an empty cell as "", every number as a float)."""
    headers = [column.header for column in columns]
    rows = [row[:len(columns)] for row in
            book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]
    for number, row in enumerate(rows, start=1):
        if row == headers:
            if rows[number:number + 1] != [list(range(1, len(columns) + 1))]:
                raise SelftestFailed(f"trang «{sheet}» không có dòng số thứ tự các cột "
                                     "dưới dòng tiêu đề.")
            table = rows[number + 1:]
            end = next((i for i, cells in enumerate(table) if all(v == "" for v in cells)),
                       len(table))
            return number + 1, table[:end]
    raise SelftestFailed(f"trang «{sheet}» không có dòng tiêu đề các cột của biểu.")


def check_server_driver() -> None:
    """psycopg and its compiled implementation (libpq inside): an office PC has no libpq of
    its own, so the pure-Python fallback would not connect."""
    try:
        import psycopg
    except ImportError as error:
        raise SelftestFailed(f"thiếu trình kết nối PostgreSQL (psycopg): {error}.") from None
    if psycopg.pq.__impl__ != "binary":
        raise SelftestFailed("trình kết nối PostgreSQL không có bản biên dịch kèm libpq "
                             f"(đang dùng bản «{psycopg.pq.__impl__}»).")


def check_pdf_accelerated() -> None:
    """reportlab's C functions (rl_accel), which it imports by a name in a string: without
    them it falls back to Python ones and a long report's PDF takes a third longer."""
    from reportlab.lib import rl_accel

    fallen_back = sorted(rl_accel._py_funcs)
    if fallen_back:
        raise SelftestFailed("thư viện PDF thiếu bản biên dịch rl_accel (đang dùng bản Python "
                             f"của {', '.join(fallen_back)}).")


def check_holidays(year: int) -> None:
    """The holidays library and its Vietnamese names, which the build must carry: the
    working-day deadlines skip Tết."""
    names = [holiday.name for holiday in public_holidays(year)]
    if not any("Tết" in name for name in names):
        raise SelftestFailed(f"lịch ngày nghỉ lễ năm {year} không có Tết: hạn tính theo ngày "
                             "làm việc sẽ sai.")


def check_printable(path: Path) -> None:
    """The printer's path (app/ui/printing.py) renders the first page through PDFium, which
    the build must carry: the page comes out with text on it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        bitmap = document[0].render(scale=0.5, grayscale=True)
        dark = sum(1 for value in bytes(bitmap.buffer) if value < 128)
    finally:
        document.close()
    if dark < 1000:
        raise SelftestFailed("trang đầu của báo cáo dựng thành ảnh để in bị trống.")


def draft_escalation(db: Database, actor: Actor, folder: Path) -> list[str]:
    """Draft a `KN` letter (the Word template, docx_pdf's PDF, the dossier annex) for up to
    three cases whose offender is unknown, and check both files name every case: the
    codes drafted."""
    from docx import Document

    ids = [case_id for case_id in range(1, CASES + 1)
           if drafting.kind_refusal(db, actor, DocumentKind.ESCALATION, [case_id]) is None][:3]
    if not ids:
        raise SelftestFailed("không có vụ việc mẫu nào chưa xác định được đối tượng để soạn "
                             "văn bản kiến nghị.")
    docx, pdf = folder / "kien-nghi.docx", folder / "kien-nghi.pdf"
    drafted = drafting.draft_document(db, actor, drafting.DraftRequest(
        DocumentKind.ESCALATION, tuple(ids)), docx=docx, pdf=pdf)
    codes = list(drafted.entry.case_codes)
    document = Document(str(docx))
    words = "\n".join([p.text for p in document.paragraphs]
                      + [c.text for t in document.tables for r in t.rows for c in r.cells])
    if any(code not in words for code in codes):
        raise SelftestFailed("văn bản kiến nghị (Word) thiếu mã vụ việc đã chọn.")
    check_pdf(pdf)
    return codes


def check_docx(path: Path, form: Form) -> None:
    """The Word file, from the shipped template, reads back with form 01's total row."""
    from docx import Document  # the Word libraries, lazily imported by the program too

    tables = Document(str(path)).tables
    heads = [[c.header for c in form.columns]]
    found = [t for t in tables if [cell.text for cell in t.rows[0].cells] in heads]
    total = [display(v, c.kind) for v, c in zip(form.total or (), form.columns, strict=True)]
    if not found or [cell.text for cell in found[0].rows[-1].cells] != total:
        raise SelftestFailed("tệp Word không có biểu 01 hoặc dòng tổng cộng của biểu 01 khác "
                             "số liệu tính lại từ cơ sở dữ liệu.")


def check_pdf(path: Path) -> tuple[int, int]:
    """The file is a complete PDF whose pages are all counted and whose fonts are all
    embedded (subsets of TrueType files): (pages, fonts)."""
    data = path.read_bytes()
    if not data.startswith(b"%PDF-1.") or not data.rstrip().endswith(b"%%EOF"):
        raise SelftestFailed("tệp PDF không đầy đủ (thiếu phần đầu hoặc phần cuối).")
    start = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)
    if start is None or not data.startswith(b"xref", int(start.group(1))):
        raise SelftestFailed("bảng tham chiếu (xref) của tệp PDF không đúng chỗ.")
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)
              + re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data)]
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    if not pages or max(counts, default=0) != pages:
        raise SelftestFailed(f"tệp PDF có {pages} trang nhưng ghi số trang là "
                             f"{max(counts, default=0)}.")
    fonts = set(re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", data))
    embedded = len(re.findall(rb"/FontFile2\s+\d+\s+\d+\s+R", data))
    descriptors = len(re.findall(rb"/Type\s*/FontDescriptor\b", data))
    if not fonts:
        raise SelftestFailed("tệp PDF không có phông chữ nào.")
    not_embedded = sorted(f.decode("latin-1") for f in fonts if not _SUBSET_FONT.match(f))
    if not_embedded:
        raise SelftestFailed(f"tệp PDF dùng phông chữ không được nhúng: {', '.join(not_embedded)}"
                             " (máy khác có thể hiển thị sai chữ tiếng Việt).")
    if embedded < descriptors:
        raise SelftestFailed(f"tệp PDF mô tả {descriptors} phông chữ nhưng chỉ nhúng "
                             f"{embedded} tệp phông.")
    return pages, len(fonts)
