"""`unit-key`, `trust-unit`: this office's public keys and the other offices'
(shared/spec/exchange.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.base import Command, Invocation, Session
from app.cli.options import EXIT_OK
from app.services import unit_keys


def _configure_unit_key(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Ghi khóa công khai của đơn vị (kèm mã và tên đơn vị) ra tệp, để "
                          "gửi cho tỉnh hoặc đơn vị khác đăng ký.")
    parser.add_argument("file", metavar="TỆP", type=Path, help="tệp cần ghi (.json)")


def _run_unit_key(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    key = unit_keys.write_unit_key(session.db, session.actor, invocation.args.file)
    invocation.say(f"Đã ghi khóa công khai của đơn vị {key.unit.code} ({key.unit.name}) vào "
                   f"{invocation.args.file}.")
    invocation.say(f"Dấu vân tay: {key.fingerprint}")
    invocation.say("Đơn vị nhận tệp đọc lại dấu vân tay này qua điện thoại với đơn vị mình "
                   "trước khi đăng ký.")
    return EXIT_OK


def _configure_trust_unit(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Đăng ký khóa công khai của một đơn vị khác. Hãy so dấu vân tay in "
                          "ra với đơn vị đó qua điện thoại.")
    parser.add_argument("file", metavar="TỆP", type=Path, help="tệp khóa công khai của đơn vị")
    parser.add_argument("--replace", action="store_true",
                        help="thay khóa đã đăng ký của đơn vị này (khi đơn vị đã đổi khóa và "
                             "đã xác nhận qua điện thoại)")


def _run_trust_unit(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    trusted = unit_keys.trust_unit(session.db, session.actor, invocation.args.file,
                                   replace=invocation.args.replace)
    record = trusted.record
    invocation.say(f"Đơn vị: {record.code} — {record.name}")
    invocation.say(f"Dấu vân tay: {record.fingerprint}")
    if trusted.outcome == "same":
        invocation.say("Đơn vị này đã được đăng ký với đúng khóa này: không thay đổi gì.")
    elif trusted.outcome == "replaced":
        invocation.say(f"Đã thay khóa của đơn vị (dấu vân tay cũ: {trusted.replaced}).")
    else:
        invocation.say("Đã đăng ký đơn vị. Hãy so dấu vân tay trên với đơn vị qua điện thoại.")
    return EXIT_OK


COMMANDS = (
    Command("unit-key", "ghi khóa công khai của đơn vị ra tệp để gửi đơn vị khác",
            _configure_unit_key, _run_unit_key),
    Command("trust-unit", "đăng ký khóa công khai của đơn vị khác (so dấu vân tay)",
            _configure_trust_unit, _run_trust_unit),
)
