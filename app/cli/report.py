"""`report`: write the report of a period (shared/spec/cli.md)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from app.cli.base import Command, Invocation, Session, UsageError
from app.cli.options import EXIT_OK
from app.domain import periods
from app.domain.periods import Period
from app.errors import UserError
from app.services import report_packages, report_register
from app.services.report_export import Targets, export_report, office_period
from app.services.report_register import default_file
from app.text import format_money, format_number

_T = TypeVar("_T")


def _argument(parse: Callable[[str], _T]) -> Callable[[str], _T]:
    """An argparse type: a wrong value is a usage error (exit 2) with the Vietnamese message."""
    def convert(text: str) -> _T:
        try:
            return parse(text)
        except UserError as exc:
            raise argparse.ArgumentTypeError(exc.message) from exc
    return convert


def add_period_options(parser: argparse.ArgumentParser) -> None:
    """`--month`, `--quarter`, `--half`, `--year` or `--from … --to …`: a PERIOD of cli.md."""
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", type=_argument(periods.parse_month), metavar="YYYY-MM",
                       help="một tháng, ví dụ 2026-10")
    which.add_argument("--quarter", type=_argument(periods.parse_quarter), metavar="YYYY-Q",
                       help="một quý, ví dụ 2026-4 hoặc 2026-Q4")
    which.add_argument("--half", type=_argument(periods.parse_half), metavar="YYYY-H",
                       help="sáu tháng, ví dụ 2026-1 (đầu năm) hoặc 2026-2 (cuối năm)")
    which.add_argument("--year", type=_argument(periods.parse_year), metavar="YYYY",
                       help="cả năm, ví dụ 2026")
    which.add_argument("--from", dest="start", type=_argument(periods.parse_day),
                       metavar="YYYY-MM-DD", help="từ ngày (cùng với --to)")
    parser.add_argument("--to", dest="end", type=_argument(periods.parse_day),
                        metavar="YYYY-MM-DD", help="đến ngày (cùng với --from), kể cả ngày này")


def _configure(parser: argparse.ArgumentParser) -> None:
    add_period_options(parser)
    parser.add_argument("--xlsx", type=Path, metavar="TỆP", help="ghi bảng tính Excel")
    parser.add_argument("--pdf", type=Path, metavar="TỆP", help="ghi báo cáo PDF")
    parser.add_argument("--docx", type=Path, metavar="TỆP",
                        help="ghi báo cáo Word (.docx) để sửa lần cuối trước khi ký")
    parser.add_argument("--package", type=Path, metavar="TỆP",
                        help="ghi gói báo cáo có chữ ký số của đơn vị (.svpbc) từ số liệu đã "
                             "chốt, để gửi lên tỉnh (quản trị viên)")


def chosen_period(invocation: Invocation, session: Session) -> Period:
    """The PERIOD given, over the days the office counts."""
    return office_period(session.db, _period(invocation.args))


def _period(args: argparse.Namespace) -> Period:
    if args.start is not None or args.end is not None:
        if args.start is None or args.end is None:
            raise UsageError("Cần cả --from và --to cho một khoảng thời gian.")
        try:
            return Period.between(args.start, args.end)
        except UserError as exc:
            raise UsageError(exc.message) from exc
    chosen: Period = args.month or args.quarter or args.half or args.year
    return chosen


def _run(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    args = invocation.args
    period = chosen_period(invocation, session)
    if args.package:
        # First, so that a refusal (not frozen, not an administrator) writes nothing.
        package = report_packages.write_package(session.db, session.actor, period,
                                                args.package)
        invocation.say(f"Đã ghi gói báo cáo {period.phrase} (số {package.number}, lần phát "
                       f"hành {package.version}) vào {args.package}.")
        if not (args.xlsx or args.pdf or args.docx):
            return EXIT_OK
    # No file named: the workbook and the PDF, with their default names, in the current folder.
    targets = (Targets(args.xlsx, args.pdf, args.docx) if args.xlsx or args.pdf or args.docx else
               Targets(Path(default_file(period, ".xlsx")), Path(default_file(period, ".pdf"))))
    sent = report_register.latest_sent_report(session.db, session.actor, period)
    with invocation.job(f"Đang ghi báo cáo {period.phrase}") as job:
        summary = export_report(session.db, session.actor, period, targets,
                                progress=job.progress, token=job.token, warn=invocation.warn)
    total = summary.total
    frozen = (f" Kỳ này đã chốt số liệu: các tệp là báo cáo số {sent.record.number} "
              f"(phiên bản {sent.record.version}) đúng như đã gửi, không tính lại từ sổ."
              if sent is not None else "")
    invocation.say(
        f"Đã ghi báo cáo {period.phrase}: {', '.join(str(p) for p in targets.paths)}.{frozen} "
        f"Phát hiện {format_number(total.detected)} vụ, kết thúc xử lý "
        f"{format_number(total.closed)} vụ, tồn cuối kỳ {format_number(total.carried_out)} vụ, "
        f"tiền phạt {format_money(total.fines)}."
    )
    return EXIT_OK


COMMANDS = (
    Command("report", "ghi báo cáo của một kỳ (Excel, PDF và/hoặc Word)", _configure, _run),
)
