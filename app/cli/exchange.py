"""`receive`, `submissions`, `consolidate`: the report packages other units send, and the
province's report made of them (shared/spec/exchange.md).

`receive` takes each file on its own: a refused file (its message on standard error)
stores nothing of itself and leaves the others alone, and the command ends with exit 1
when any file was refused, so that a script sees it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.base import EXIT_OK, EXIT_REFUSED, Command, Invocation, Session
from app.cli.report import add_period_options, chosen_period
from app.errors import UserError
from app.services import report_packages
from app.services.consolidation import consolidate_received, consolidated_file
from app.services.report_export import Targets
from app.services.submission_tracker import receipt_words
from app.text import format_money, format_number

SENT, NOT_SENT = "đã gửi", "chưa gửi"


def _configure_receive(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Nhận gói báo cáo (.svpbc) của các đơn vị: kiểm tra chữ ký và số "
                          "liệu, giữ lần phát hành mới nhất của mỗi đơn vị và kỳ, các lần trước "
                          "giữ làm lịch sử. Tệp bị từ chối không được lưu.")
    parser.add_argument("files", metavar="TỆP", type=Path, nargs="+", help="gói báo cáo")


def _run_receive(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    status = EXIT_OK
    for path in invocation.args.files:
        try:
            received = report_packages.receive_package(session.db, session.actor, path)
        except UserError as exc:
            invocation.warn(exc.message)
            status = EXIT_REFUSED
            continue
        invocation.say(receipt_words(path.name, received))
    return status


def _configure_submissions(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Danh sách đơn vị đã đăng ký và tình trạng gửi báo cáo của một kỳ: "
                          "mã<TAB>tên<TAB>đã gửi|chưa gửi<TAB>lần phát hành.")
    add_period_options(parser)


def _run_submissions(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    period = chosen_period(invocation, session)
    for found in report_packages.submissions(session.db, session.actor, period):
        invocation.say("\t".join((found.unit.code, found.unit.name,
                                  SENT if found.sent else NOT_SENT,
                                  "" if found.version is None else str(found.version))))
    return EXIT_OK


def _configure_consolidate(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Lập báo cáo tổng hợp của một kỳ từ báo cáo các đơn vị đã gửi "
                          "(lần phát hành mới nhất của mỗi đơn vị): Excel, PDF và/hoặc Word. "
                          "Không ghi tên tệp: Excel và PDF với tên mặc định, ở thư mục hiện "
                          "tại.")
    add_period_options(parser)
    parser.add_argument("--xlsx", type=Path, metavar="TỆP", help="ghi bảng tính Excel")
    parser.add_argument("--pdf", type=Path, metavar="TỆP", help="ghi báo cáo PDF")
    parser.add_argument("--docx", type=Path, metavar="TỆP",
                        help="ghi báo cáo Word (.docx) để sửa lần cuối trước khi ký")


def _run_consolidate(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    args = invocation.args
    period = chosen_period(invocation, session)
    targets = (Targets(args.xlsx, args.pdf, args.docx) if args.xlsx or args.pdf or args.docx
               else Targets(Path(consolidated_file(period, ".xlsx")),
                            Path(consolidated_file(period, ".pdf"))))
    with invocation.job(f"Đang lập báo cáo tổng hợp {period.phrase}") as job:
        done = consolidate_received(session.db, session.actor, period, targets,
                                    progress=job.progress, token=job.token,
                                    warn=invocation.warn)
    total = done.figures.summary.total
    invocation.say(
        f"Đã ghi báo cáo tổng hợp {period.phrase}: "
        f"{', '.join(str(p) for p in targets.paths)}. Đã nhận báo cáo của "
        f"{len(done.packages)}/{len(done.units)} đơn vị. Phát hiện "
        f"{format_number(total.detected)} vụ, kết thúc xử lý {format_number(total.closed)} vụ, "
        f"tồn cuối kỳ {format_number(total.carried_out)} vụ, tiền phạt "
        f"{format_money(total.fines)}.")
    return EXIT_OK


COMMANDS = (
    Command("receive", "nhận gói báo cáo của các đơn vị (kiểm tra chữ ký, số liệu)",
            _configure_receive, _run_receive),
    Command("submissions", "đơn vị nào đã gửi, chưa gửi báo cáo của một kỳ",
            _configure_submissions, _run_submissions),
    Command("consolidate", "lập báo cáo tổng hợp của một kỳ từ báo cáo các đơn vị đã gửi",
            _configure_consolidate, _run_consolidate),
)
