"""Which automatic backups are kept: the newest of each of the last days, weeks and
months, and the newest of all."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

# Generations kept of automatic backups: the newest of each of the last 7 days,
# 5 weeks and 12 months.
KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 5, 12


def backups_to_keep(made: Iterable[datetime], today: date) -> set[datetime]:
    """Of the moments automatic backups were `made`, those whose backup is kept today."""
    newest_first = sorted(made, reverse=True)
    kept: set[datetime] = set()
    seen: set[tuple[str, object]] = set()
    for when in newest_first:
        age = (today - when.date()).days
        slots: list[tuple[str, object]] = []
        if age < KEEP_DAYS:
            slots.append(("day", when.date()))
        if age < KEEP_WEEKS * 7:
            slots.append(("week", when.isocalendar()[:2]))
        if (today.year - when.year) * 12 + today.month - when.month < KEEP_MONTHS:
            slots.append(("month", (when.year, when.month)))
        for slot in slots:
            if slot not in seen:
                seen.add(slot)
                kept.add(when)
    if newest_first:
        kept.add(newest_first[0])
    return kept
