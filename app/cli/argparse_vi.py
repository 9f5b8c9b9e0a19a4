"""Vietnamese messages for argparse's own texts (usage errors, help headings)."""

from __future__ import annotations

import argparse

_MESSAGES = {
    "usage: ": "cách dùng: ",
    "options": "tùy chọn",
    "positional arguments": "tham số",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không hiểu được: %s",
    "expected one argument": "cần một giá trị",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "not allowed with argument %s": "không dùng cùng tham số %s",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
}


# Given as the `--version` option's help: argparse (3.11) does not translate its default.
VERSION_HELP = "hiện phiên bản chương trình rồi thoát"


def _translate(message: str) -> str:
    return _MESSAGES.get(message, message)


def install() -> None:
    argparse._ = _translate  # type: ignore[attr-defined]
