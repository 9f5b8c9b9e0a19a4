"""Account names: one account whatever the case or the Unicode form its name is typed in."""

from __future__ import annotations

from app.text import clean


def username_key(username: str) -> str:
    """What every spelling of one account name shares: NFC form, no surrounding spaces,
    case folded by Python (SQL `lower()` in SQLite folds only A–Z, not `Đ`, `Ạ`, `Ư`).
    Sign-in, a restore on an empty folder and a backup's key wraps match names by it."""
    return (clean(username) or "").casefold()
