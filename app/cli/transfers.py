"""`transfer-out`, `transfer-in`: cases moved between offices with their evidence
(shared/spec/exchange.md "Case transfer package")."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.base import Command, Invocation, Session
from app.cli.options import EXIT_OK
from app.services import transfers


def _configure_out(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Ghi các vụ việc (kèm biện pháp, trẻ em, người bị xúc phạm, tệp "
                          "chứng cứ) vào một gói ký số, mã hóa để chỉ đơn vị nhận mở được. "
                          "Thông tin trẻ em được che, trừ khi ghi căn cứ pháp lý.")
    parser.add_argument("codes", nargs="+", metavar="MÃ_VỤ_VIỆC",
                        help="mã vụ việc (hoặc MÃ_ĐƠN_VỊ/MÃ_VỤ_VIỆC)")
    parser.add_argument("--to", required=True, metavar="MÃ_ĐƠN_VỊ",
                        help="mã đơn vị nhận (đã đăng ký khóa công khai)")
    parser.add_argument("file", type=Path, metavar="TỆP", help="tệp gói cần ghi (.svpcase)")
    parser.add_argument("--children-basis", metavar="CĂN_CỨ", default=None,
                        help="căn cứ pháp lý để chuyển cả thông tin trẻ em (Công an, cơ quan "
                             "bảo vệ trẻ em, tỉnh thụ lý vụ việc)")


def _run_out(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    args = invocation.args
    sent = transfers.transfer_out(session.db, session.actor, args.codes, args.to, args.file,
                                  children_basis=args.children_basis)
    invocation.say(f"Đã ghi {len(sent.codes)} vụ việc ({', '.join(sent.codes)}) và "
                   f"{sent.evidence_files} tệp chứng cứ vào {sent.target} cho đơn vị "
                   f"{sent.to_unit}.")
    invocation.say(f"SHA-256 của gói: {sent.sha256}")
    if sent.masked:
        invocation.warn(f"Thông tin trẻ em của vụ việc {', '.join(sent.masked)} đã được che "
                        "và tệp chứng cứ của các vụ việc đó không kèm theo (không ghi căn cứ "
                        "pháp lý để chuyển).")
    return EXIT_OK


def _configure_in(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Nhận gói chuyển vụ việc của đơn vị khác: kiểm tra chữ ký và mã băm "
                          "từng tệp chứng cứ trước, rồi thêm vụ việc mới, cập nhật vụ việc đã "
                          "có (cùng UUID) nếu bản nhận mới hơn; không tạo bản trùng.")
    parser.add_argument("file", type=Path, metavar="TỆP", help="tệp gói nhận được (.svpcase)")


def _run_in(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    received = transfers.transfer_in(session.db, session.actor, invocation.args.file)
    if received.again:
        invocation.say(f"Gói {received.source.name} đã được nhận trước đây: không thay đổi gì.")
        return EXIT_OK
    invocation.say(f"Đã nhận gói {received.source.name} của đơn vị {received.from_unit}: "
                   f"{len(received.cases)} vụ việc, {received.evidence_files} tệp chứng cứ.")
    for case in received.cases:
        invocation.say(case.words)
    return EXIT_OK


COMMANDS = (
    Command("transfer-out", "chuyển vụ việc (kèm chứng cứ) sang đơn vị khác trong gói ký số, "
                            "mã hóa", _configure_out, _run_out),
    Command("transfer-in", "nhận gói chuyển vụ việc của đơn vị khác", _configure_in, _run_in),
)
