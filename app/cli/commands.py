"""The list of commands; each lives in its own module."""

from __future__ import annotations

from app.cli import (
    backup,
    cases_io,
    core,
    evidence,
    exchange,
    letters,
    report,
    transfers,
    units,
    users,
)
from app.cli.base import Command

COMMANDS: tuple[Command, ...] = (
    *core.COMMANDS,
    *cases_io.COMMANDS,
    *report.COMMANDS,
    *letters.COMMANDS,
    *evidence.COMMANDS,
    *backup.COMMANDS,
    *users.COMMANDS,
    *units.COMMANDS,
    *exchange.COMMANDS,
    *transfers.COMMANDS,
)
