"""Errors the user can act on, each carrying a Vietnamese message.

Anything else that escapes is a bug and goes to the crash handler.
"""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """Bad input or a refused action; `message` is shown to the user as is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class ValidationError(UserError):
    """Several problems found at once, one per field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.message for p in problems), problems[0].field)


class NotAllowed(UserError):
    """Unknown account, wrong password, locked account or a role that may not act."""


class DataFolderError(UserError):
    """The data folder is missing, broken, too new or held by another program."""


class ConcurrentEditError(UserError):
    """Someone else saved the record since it was opened."""
