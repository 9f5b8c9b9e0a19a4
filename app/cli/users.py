"""`user add`, `user disable`, `user enable`, `user list`: the accounts, as under Quản trị
in the window, for an administrator's scripts."""

from __future__ import annotations

import argparse

from app.cli.base import Command, Invocation, Session
from app.cli.options import EXIT_OK, common_options
from app.domain.labels import ROLE_LABELS, Role
from app.services import accounts
from app.services.actor import Permission
from app.text import fold

_ROLE_CHOICES = (", ".join(str(role) for role in Role) + " hoặc "
                 + ", ".join(ROLE_LABELS.values()))
LIST_FORMAT = ("một dòng mỗi người dùng, các cột cách nhau bằng Tab: tên đăng nhập, họ tên, "
               "vai trò, «Đang dùng» hoặc «Đã khóa», rồi «Tạm khóa đến GIỜ:PHÚT NGÀY/THÁNG/NĂM» "
               "khi người dùng đang tạm khóa vì nhập sai mật khẩu (cột trống nếu không)")


def _folded(text: str) -> str:
    return "".join(fold(text).split())


def role_named(text: str) -> Role:
    """`officer`, `Cán bộ`, `CAN BO`, `canbo`: a role by its code or its Vietnamese label,
    whatever the case, the diacritics and the spaces."""
    wanted = _folded(text)
    for role, label in ROLE_LABELS.items():
        if wanted in (str(role), _folded(label)):
            return role
    raise argparse.ArgumentTypeError(f"không có vai trò «{text}»: chọn {_ROLE_CHOICES}")


def _configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="VIỆC", title="các việc",
                                    required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, help=help_text, description=help_text,
                                  allow_abbrev=False, parents=[common_options()])

    add = action("add", "tạo người dùng; mật khẩu của người dùng mới là dòng thứ hai của đầu "
                        "vào chuẩn, sau mật khẩu của quản trị viên")
    add.add_argument("name", metavar="TÊN", help="tên đăng nhập của người dùng mới")
    add.add_argument("--role", required=True, type=role_named, metavar="VAI_TRÒ",
                     help=f"vai trò: {_ROLE_CHOICES} (không phân biệt hoa thường, dấu)")
    add.add_argument("--full-name", default="", metavar="HỌ_TÊN", help="họ tên người dùng")
    disable = action("disable", "khóa người dùng (người nghỉ việc, chuyển công tác): không "
                                "đăng nhập được, không mở được dữ liệu mã hóa")
    disable.add_argument("name", metavar="TÊN", help="tên đăng nhập")
    enable = action("enable", "mở lại người dùng đã khóa với mật khẩu mới: dòng thứ hai của "
                              "đầu vào chuẩn, sau mật khẩu của quản trị viên")
    enable.add_argument("name", metavar="TÊN", help="tên đăng nhập")
    action("list", f"liệt kê người dùng: {LIST_FORMAT}")


def _run(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    # Before a new password is asked for: an account that may not manage the others is
    # refused at once.
    session.actor.require(Permission.MANAGE_USERS)
    return _ACTIONS[invocation.args.action](invocation, session)


def _add(invocation: Invocation, session: Session) -> int:
    args = invocation.args
    password = invocation.stdin.new_secret("mật khẩu của người dùng mới")
    made = accounts.create_user(session.db, session.actor, username=args.name,
                                full_name=args.full_name, role=args.role, password=password)
    invocation.say(f"Đã tạo người dùng «{made.username}» (vai trò {ROLE_LABELS[made.role]}).")
    return EXIT_OK


def _disable(invocation: Invocation, session: Session) -> int:
    user = accounts.find_user(session.db, session.actor, invocation.args.name)
    if not user.active:
        invocation.say(f"Người dùng «{user.username}» đã khóa từ trước.")
        return EXIT_OK
    accounts.update_user(session.db, session.actor, user.id, active=False)
    invocation.say(f"Đã khóa người dùng «{user.username}»: người dùng không đăng nhập được nữa.")
    return EXIT_OK


def _enable(invocation: Invocation, session: Session) -> int:
    user = accounts.find_user(session.db, session.actor, invocation.args.name)
    if user.active:
        invocation.say(f"Người dùng «{user.username}» đang dùng, không cần mở lại.")
        return EXIT_OK
    password = invocation.stdin.new_secret(f"mật khẩu mới của «{user.username}»")
    accounts.update_user(session.db, session.actor, user.id, active=True, new_password=password)
    invocation.say(f"Đã mở lại người dùng «{user.username}» với mật khẩu mới.")
    return EXIT_OK


def _list(invocation: Invocation, session: Session) -> int:
    for user in accounts.list_users(session.db, session.actor):
        state, locked = accounts.state_labels(user)
        invocation.say("\t".join((user.username, user.full_name, ROLE_LABELS[user.role], state,
                                  locked)))
    return EXIT_OK


_ACTIONS = {"add": _add, "disable": _disable, "enable": _enable, "list": _list}

COMMANDS = (
    Command("user", "người dùng: tạo (add), khóa (disable), mở lại (enable), liệt kê (list)",
            _configure, _run),
)
