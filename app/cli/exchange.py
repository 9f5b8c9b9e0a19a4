"""`receive`, `submissions`, `review`, `consolidate`: the report packages other units send,
the province's review of them and its report made of them (shared/spec/exchange.md).

`receive` takes each file on its own: a refused file (its message on standard error)
stores nothing of itself and leaves the others alone, and the command ends with exit 1
when any file was refused, so that a script sees it. At a unit, `receive` also takes in
the province's return note (recognised by its `format`). `review` is not in cli.md: the
province accepts a unit's report (`--accept`) or returns it with a reason (`--return`),
the signed note written to `--note` (by default `tra-lai-UNIT-PERIOD.svptl` in the
current folder) for the unit.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.base import Command, Invocation, Session, UsageError
from app.cli.options import EXIT_OK, EXIT_REFUSED
from app.cli.report import add_period_options, chosen_period
from app.domain.labels import NOT_SENT, SENT
from app.errors import UserError
from app.services import report_packages, report_reviews
from app.services.consolidation import consolidate_received, consolidated_file
from app.services.report_export import Targets
from app.services.submission_tracker import receipt_words
from app.text import format_date, format_money, format_number


def _configure_receive(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Nhận gói báo cáo (.svpbc) của các đơn vị: kiểm tra chữ ký và số "
                          "liệu, giữ lần phát hành mới nhất của mỗi đơn vị và kỳ, các lần trước "
                          "giữ làm lịch sử. Ở đơn vị gửi báo cáo: nhận thông báo trả lại báo "
                          "cáo (.svptl) của cấp trên. Tệp bị từ chối không được lưu.")
    parser.add_argument("files", metavar="TỆP", type=Path, nargs="+",
                        help="gói báo cáo hoặc thông báo trả lại báo cáo")


def _run_receive(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    status = EXIT_OK
    for path in invocation.args.files:
        try:
            if report_reviews.is_return_note(path):
                _say_return(invocation, path,
                            report_reviews.receive_return(session.db, session.actor, path))
                continue
            received = report_packages.receive_package(session.db, session.actor, path)
        except UserError as exc:
            invocation.warn(exc.message)
            status = EXIT_REFUSED
            continue
        invocation.say(receipt_words(path.name, received))
    return status


def _say_return(invocation: Invocation, path: Path, taken: report_reviews.ReturnTaken) -> None:
    note = taken.note
    what = (f"{note.province.name} trả lại báo cáo {note.period.label} số {note.number} (lần "
            f"phát hành {note.version}) ngày {format_date(note.returned_on)}: {note.reason}")
    if taken.outcome == "same":
        invocation.say(f"«{path.name}»: {what}. Đã nhận trước đây, không thay đổi gì.")
    else:
        invocation.say(f"Đã nhận «{path.name}»: {what}. Hãy sửa rồi phát hành lại báo cáo "
                       "và gửi gói báo cáo mới.")


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


def _configure_review(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Xem xét báo cáo một đơn vị đã gửi (lần phát hành mới nhất của kỳ): "
                          "chấp nhận, hoặc trả lại kèm lý do. Trả lại cần quản trị viên (ký "
                          "thông báo trả lại bằng khóa của đơn vị); gửi tệp thông báo cho đơn "
                          "vị để đơn vị nhận (lệnh receive) và phát hành lại.")
    add_period_options(parser)
    parser.add_argument("--unit", required=True, metavar="MÃ", help="mã đơn vị đã gửi báo cáo")
    decision = parser.add_mutually_exclusive_group(required=True)
    decision.add_argument("--accept", action="store_true", help="chấp nhận báo cáo")
    decision.add_argument("--return", dest="reason", metavar="LÝ_DO",
                          help="trả lại báo cáo, với lý do")
    parser.add_argument("--note", type=Path, metavar="TỆP",
                        help="tệp thông báo trả lại (mặc định tra-lai-MÃ-KỲ.svptl ở thư mục "
                             "hiện tại)")


def _run_review(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    args = invocation.args
    if args.note is not None and args.accept:
        raise UsageError("--note chỉ dùng cùng --return.")
    period = chosen_period(invocation, session)
    note = None
    if args.accept:
        reviewed = report_reviews.accept_report(session.db, session.actor, args.unit, period)
    else:
        note = args.note or Path.cwd() / report_reviews.note_file(args.unit, period)
        reviewed = report_reviews.return_report(session.db, session.actor, args.unit, period,
                                                args.reason, note)
    invocation.say(report_reviews.review_words(reviewed, note))
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
    Command("review", "chấp nhận hoặc trả lại (kèm lý do) báo cáo một đơn vị đã gửi",
            _configure_review, _run_review),
    Command("consolidate", "lập báo cáo tổng hợp của một kỳ từ báo cáo các đơn vị đã gửi",
            _configure_consolidate, _run_consolidate),
)
