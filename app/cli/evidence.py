"""`attach`, `files`: a case's evidence files (shared/spec/cli.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.base import Command, Invocation, Session
from app.cli.options import EXIT_OK
from app.errors import NotAllowed, UserError
from app.services import cases, evidence


def _configure_attach(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Thêm tệp chứng cứ vào một vụ việc: mỗi tệp được lưu mã hóa trong "
                          "thư mục dữ liệu, nhận biết bằng mã băm SHA-256.")
    parser.add_argument("code", metavar="MÃ_VỤ_VIỆC", help="mã vụ việc, ví dụ VV2026-00012")
    parser.add_argument("files", nargs="+", type=Path, metavar="TỆP", help="các tệp chứng cứ")


def _run_attach(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    args = invocation.args
    [case_id] = cases.ids_of_codes(session.db, session.actor, [args.code])
    for source in args.files:
        if not source.is_file():
            raise UserError(f"Không tìm thấy tệp {source}.")
    # All the files or none: one refused (by name, content or size) stores none.
    with invocation.job(f"Đang thêm {len(args.files)} tệp") as job:
        batch = evidence.add_evidence_files(session.db, session.actor, case_id, args.files,
                                            progress=job.progress, token=job.token)
    for added in batch:
        record = added.record
        invocation.say(f"Đã thêm «{record.original_name}» ({record.size} byte, SHA-256 "
                       f"{record.sha256}) vào vụ việc {args.code}.")
        if added.also_in:
            invocation.warn(f"Tệp «{record.original_name}» cũng là chứng cứ của vụ việc "
                            f"{', '.join(added.also_in)}.")
    return EXIT_OK


def _configure_files(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Các tệp chứng cứ của một vụ việc, mỗi tệp một dòng: tên, dung lượng "
                          "(byte), mã băm SHA-256, cách nhau bằng dấu TAB.")
    parser.add_argument("code", metavar="MÃ_VỤ_VIỆC", help="mã vụ việc")


def _run_files(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    [case_id] = cases.ids_of_codes(session.db, session.actor, [invocation.args.code])
    if evidence.withheld(session.db, session.actor, case_id):
        raise NotAllowed(f"Vụ việc {invocation.args.code} có thông tin trẻ em: vai trò của "
                         f"«{session.actor.username}» không được xem chứng cứ của vụ việc này.")
    for item in evidence.list_evidence(session.db, session.actor, case_id):
        invocation.say(f"{item.original_name}\t{item.size}\t{item.sha256}")
    return EXIT_OK


COMMANDS = (
    Command("attach", "thêm tệp chứng cứ vào vụ việc (lưu mã hóa, theo SHA-256)",
            _configure_attach, _run_attach),
    Command("files", "liệt kê tệp chứng cứ của vụ việc: tên, dung lượng, SHA-256",
            _configure_files, _run_files),
)
