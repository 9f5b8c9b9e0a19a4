"""`letters`: the register of documents sent and received (shared/spec/cli.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.base import EXIT_OK, Command, Invocation, Session, UsageError
from app.cli.report import _argument
from app.domain import periods
from app.services import documents
from app.services.documents import REGISTER_COLUMNS, RegisterQuery, register_cells


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
    Command("letters", "sổ văn bản đi, đến (lọc theo ngày, văn bản quá hạn trả lời)",
            _configure, _run),
)
