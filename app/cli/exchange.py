"""`receive`, `submissions`: the report packages other units send (shared/spec/exchange.md).

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
        package = received.package
        what = (f"báo cáo {package.period.label} của đơn vị {package.unit.code} "
                f"({package.unit.name}), số {package.number}, lần phát hành {package.version}")
        if received.outcome == "same":
            invocation.say(f"«{path.name}»: {what} đã nhận trước đây, không thay đổi gì.")
        elif received.replaced is not None:
            invocation.say(f"Đã nhận «{path.name}»: {what}; thay cho lần phát hành "
                           f"{received.replaced} (giữ lại làm lịch sử).")
        else:
            invocation.say(f"Đã nhận «{path.name}»: {what}.")
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


COMMANDS = (
    Command("receive", "nhận gói báo cáo của các đơn vị (kiểm tra chữ ký, số liệu)",
            _configure_receive, _run_receive),
    Command("submissions", "đơn vị nào đã gửi, chưa gửi báo cáo của một kỳ",
            _configure_submissions, _run_submissions),
)
