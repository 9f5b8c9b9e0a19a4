"""The error log of a data folder (`logs/sovipham.log`), kept free of personal data.

An exception's message can carry what the officer typed: a `UserError` names the
case's people, a database error lists the values of the failed statement (a child's
name among them). The log keeps what a developer needs to find the bug (the kind of
each error in the chain and where it was raised) and drops every message.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from types import TracebackType

from app.paths import DataPaths

LOG_FILE_NAME = "sovipham.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class PrivateFormatter(logging.Formatter):
    """Writes exceptions as their types and frames, never their messages."""

    def __init__(self) -> None:
        super().__init__(_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the whole traceback, messages and all, on the record.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 (logging's name)
        error = ei[1]
        if error is None:
            return ""
        return "\n".join(_describe_chain(error))


def _describe_chain(error: BaseException) -> list[str]:
    """The raised error first, then what caused it or was being handled, as Python chains them."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines.append(_kind(current))
        lines.extend(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}'
                     for frame in traceback.extract_tb(current.__traceback__))
        cause = current.__cause__
        following = cause or (None if current.__suppress_context__ else current.__context__)
        if following is not None:
            lines.append("Caused by:" if cause is not None else "While handling:")
        current = following
    return lines


def _kind(error: BaseException) -> str:
    """The error's class, with the codes that say what went wrong but not on what."""
    kind = type(error)
    text = f"{kind.__module__}.{kind.__qualname__}"
    sqlite_code = getattr(error, "sqlite_errorname", None)  # sqlite3.Error's
    if sqlite_code:
        text += f" [{sqlite_code}]"
    elif isinstance(error, OSError) and error.errno is not None:
        text += f" [errno {error.errno}]"
    return text


def log_file(paths: DataPaths) -> Path:
    return paths.logs / LOG_FILE_NAME


def _handler(paths: DataPaths) -> logging.Handler:
    paths.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_file(paths), encoding="utf-8", delay=True)
    handler.setFormatter(PrivateFormatter())
    return handler


def install(paths: DataPaths) -> logging.Handler:
    """Send this process's log records of level INFO and above to the data folder's log
    (the window, for as long as it runs)."""
    handler = _handler(paths)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def write_error(paths: DataPaths, message: str, error: BaseException) -> None:
    """One entry for `error` (a command, which leaves the logging set-up alone)."""
    handler = _handler(paths)
    try:
        handler.handle(logging.LogRecord("sovipham", logging.ERROR, __file__, 0, message, None,
                                         (type(error), error, error.__traceback__)))
    finally:
        handler.close()
