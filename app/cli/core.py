"""`init`, `check` and `demo`."""

from __future__ import annotations

import argparse
import time

from app.cli.base import Command, Invocation, Session, UsageError
from app.cli.options import EXIT_OK, EXIT_REFUSED
from app.domain.labels import RECOVERY_KEY_ADVICE
from app.domain.office import OfficeSettings
from app.services import demo, integrity, setup


def _configure_init(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--admin", required=True, metavar="TÊN",
                        help="tên đăng nhập của quản trị viên đầu tiên")
    parser.add_argument("--full-name", default="", metavar="HỌ_TÊN",
                        help="họ tên của quản trị viên")
    parser.add_argument("--unit-code", default="", metavar="MÃ",
                        help="mã đơn vị hành chính: 5 chữ số với xã, phường; 2 chữ số với tỉnh")
    parser.add_argument("--unit-name", default="", metavar="TÊN",
                        help="tên đơn vị hành chính, VD: Xã Minh Tân")


def _run_init(invocation: Invocation, _session: Session | None) -> int:
    if not invocation.args.password_stdin:
        raise UsageError("Cần --password-stdin: mật khẩu quản trị viên đọc từ đầu vào chuẩn.")
    # Checked before the password is asked for and anything is made.
    unit = OfficeSettings(unit_code=invocation.args.unit_code.strip(),
                          unit_title=invocation.args.unit_name.strip())
    unit.validate()
    password = invocation.stdin.new_secret("mật khẩu quản trị viên")
    db, recovery_key = setup.init_with_recovery_key(invocation.paths, invocation.args.admin,
                                                    password, invocation.args.full_name,
                                                    office=unit)
    db.dispose()
    invocation.say(f"Đã khởi tạo thư mục dữ liệu {invocation.paths.root} "
                   f"với quản trị viên «{invocation.args.admin}».")
    invocation.say(f"KHÓA KHÔI PHỤC: {recovery_key}")
    invocation.say(RECOVERY_KEY_ADVICE)
    return EXIT_OK


def _run_check(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    report = integrity.check_data_folder(session.db, session.actor)
    for problem in report.problems:
        invocation.warn(problem)
    if not report.ok:
        invocation.warn(f"Phát hiện {len(report.problems)} vấn đề.")
        return EXIT_REFUSED
    invocation.say(
        f"Dữ liệu toàn vẹn: cơ sở dữ liệu tốt, {report.audit_rows} bản ghi nhật ký liền mạch, "
        f"{report.evidence_checked} tệp chứng cứ đúng mã băm."
    )
    return EXIT_OK


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, required=True, metavar="N",
                        help="số vụ việc mẫu cần thêm")
    parser.add_argument("--seed", type=int, default=2026, help="hạt giống ngẫu nhiên")


def _run_demo(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    count = invocation.args.cases
    if count <= 0:
        raise UsageError("--cases cần một số dương.")
    started = time.perf_counter()
    with invocation.job(f"Đang thêm {count} vụ việc mẫu") as job:
        demo.add_demo_cases(session.db, session.actor, count, seed=invocation.args.seed,
                            progress=job.progress)
    invocation.say(f"Đã thêm {count} vụ việc mẫu trong {time.perf_counter() - started:.1f} giây.")
    return EXIT_OK


COMMANDS = (
    Command("init", "tạo thư mục dữ liệu, cơ sở dữ liệu và quản trị viên đầu tiên",
            _configure_init, _run_init, needs_account=False, creates_data_folder=True),
    Command("check", "kiểm tra toàn vẹn cơ sở dữ liệu, tệp chứng cứ và nhật ký",
            lambda parser: None, _run_check),
    Command("demo", "thêm N vụ việc mẫu (dùng thử, đo hiệu năng)", _configure_demo, _run_demo),
)
