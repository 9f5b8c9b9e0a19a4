"""What the command line knows before it loads any command: its exit statuses and the
options accepted with every command, or with none (the window)."""

from __future__ import annotations

import argparse

# shared/spec/cli.md
EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_NOT_ALLOWED = 3
EXIT_DATA_FOLDER = 4
# cli.md names no status for a command stopped by Ctrl+C: 128 + SIGINT, as a shell reports it.
EXIT_CANCELLED = 130


def common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the command (`init --admin A --password-stdin`),
    given as a parent to every command's parser (and to a command's own subcommands)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="THƯ_MỤC", default=argparse.SUPPRESS,
                        help="thư mục dữ liệu (mặc định: biến SOVIPHAM_DATA_DIR hoặc thư mục "
                             "dữ liệu của người dùng)")
    common.add_argument("--database", metavar="ĐỊA_CHỈ", default=argparse.SUPPRESS,
                        help="chế độ máy chủ: cơ sở dữ liệu PostgreSQL "
                             "(postgresql://người_dùng@máy:5432/tên; mặc định: biến "
                             "SOVIPHAM_DATABASE_URL)")
    common.add_argument("--user", metavar="TÊN", default=argparse.SUPPRESS,
                        help="người dùng thực hiện lệnh")
    common.add_argument("--password-stdin", action="store_true", default=argparse.SUPPRESS,
                        help="đọc mật khẩu từ dòng đầu của đầu vào chuẩn")
    return common
