"""`letter`: draft the document of a handling step; `letters`: the register of documents
sent and received (shared/spec/cli.md)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from app.cli.base import Command, Invocation, Session, UsageError
from app.cli.options import EXIT_OK
from app.cli.report import _argument
from app.domain import periods
from app.domain.documents import DOCUMENT_KIND_LABELS, DocumentKind, document_kind
from app.services import cases, documents, drafting
from app.services.documents import REGISTER_COLUMNS, RegisterQuery, register_cells

_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\s]+')  # not in a file name
_KINDS = "; ".join(f"{kind} {label.lower()}" for kind, label in DOCUMENT_KIND_LABELS.items())


def _kind(text: str) -> DocumentKind:
    found = document_kind(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"không có loại văn bản «{text}»: chọn {_KINDS}")
    return found


def _configure_letter(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Soạn văn bản của một bước xử lý từ vụ việc đã ghi (tệp Word sửa được và tệp PDF), rồi "
        "vào sổ văn bản đi với số tiếp theo của ký hiệu trong năm. Tên trẻ em được viết tắt.")
    parser.add_argument("kind", type=_kind, metavar="LOẠI", help=f"loại văn bản: {_KINDS}")
    parser.add_argument("--case", required=True, metavar="MÃ[,MÃ...]",
                        help="mã vụ việc; báo cáo, kiến nghị (KN) có thể gồm nhiều vụ việc")
    parser.add_argument("--to", action="append", default=[], metavar="NƠI_NHẬN",
                        help="cơ quan, người nhận (Kính gửi); ghi nhiều lần cho nhiều nơi; "
                             "mặc định theo loại văn bản")
    parser.add_argument("--docx", type=Path, metavar="TỆP", help="tệp Word (.docx)")
    parser.add_argument("--pdf", type=Path, metavar="TỆP", help="tệp PDF")
    parser.add_argument("--children-basis", metavar="CĂN_CỨ",
                        help="lãnh đạo nêu tên trẻ em cho cơ quan nhận, với căn cứ pháp lý này "
                             "(ghi vào nhật ký)")


def _targets(invocation: Invocation, kind: DocumentKind, codes: list[str]) -> tuple[Path, Path]:
    """The files named, one beside the other when only one is; else in the data folder's
    exports."""
    args = invocation.args
    if args.docx is None and args.pdf is None:
        stem = invocation.paths.exports / _UNSAFE_IN_FILE_NAME.sub("-", f"{kind}-{codes[0]}")
        return stem.with_suffix(".docx"), stem.with_suffix(".pdf")
    return (args.docx or args.pdf.with_suffix(".docx"),
            args.pdf or args.docx.with_suffix(".pdf"))


def _run_letter(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    args = invocation.args
    codes = [code.strip() for code in args.case.split(",") if code.strip()]
    if not codes:
        raise UsageError("Hãy ghi mã vụ việc sau --case.")
    case_ids = cases.ids_of_codes(session.db, session.actor, codes)
    docx, pdf = _targets(invocation, args.kind, codes)
    request = drafting.DraftRequest(args.kind, case_ids, addressees=tuple(args.to),
                                    include_children_basis=args.children_basis)
    with invocation.job("Đang soạn văn bản"):
        drafted = drafting.draft_document(session.db, session.actor, request, docx=docx,
                                          pdf=pdf, warn=invocation.warn)
    invocation.say(f"Đã soạn {DOCUMENT_KIND_LABELS[args.kind].lower()} số "
                   f"{drafted.entry.number} ngày {drafted.entry.on:%d/%m/%Y}: {drafted.docx}, "
                   f"{drafted.pdf}.")
    return EXIT_OK


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Sổ văn bản đi, đến: mỗi văn bản một dòng, các cột cách nhau bằng dấu TAB: "
        + ", ".join(header for header, _ in REGISTER_COLUMNS) + ". Mới nhất trước.")
    parser.add_argument("--from", dest="start", type=_argument(periods.parse_day),
                        metavar="YYYY-MM-DD", help="từ ngày (ngày văn bản đi, ngày nhận văn "
                        "bản đến)")
    parser.add_argument("--to", dest="end", type=_argument(periods.parse_day),
                        metavar="YYYY-MM-DD", help="đến ngày, kể cả ngày này")
    parser.add_argument("--overdue", action="store_true",
                        help="chỉ các văn bản đi đã quá hạn trả lời mà chưa có văn bản trả lời")
    parser.add_argument("--xlsx", type=Path, metavar="TỆP",
                        help="ghi bảng tính Excel thay vì in ra")


def _run(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    args = invocation.args
    if args.start is not None and args.end is not None and args.start > args.end:
        raise UsageError("Ngày --from phải trước hoặc bằng ngày --to.")
    query = RegisterQuery(date_from=args.start, date_to=args.end, overdue=args.overdue)
    if args.xlsx is not None:
        with invocation.job("Đang ghi sổ văn bản") as job:
            count = documents.export_register(session.db, session.actor, query, args.xlsx,
                                              progress=job.progress, token=job.token)
        invocation.say(f"Đã ghi {count} văn bản vào {args.xlsx}.")
        return EXIT_OK
    for entry in documents.register(session.db, session.actor, query):
        invocation.say("\t".join(register_cells(entry)))
    return EXIT_OK


COMMANDS = (
    Command("letter", "soạn văn bản của bước xử lý từ vụ việc (Word và PDF), vào sổ văn bản đi",
            _configure_letter, _run_letter),
    Command("letters", "sổ văn bản đi, đến (lọc theo ngày, văn bản quá hạn trả lời)",
            _configure, _run),
)
