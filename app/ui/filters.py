"""Saved filters of the case list: the built-in ones and those a user names.

A saved filter keeps only structured criteria (dates, codes, flags), never the free search
text: it may hold a child's name, and `giao-dien.ini` is a plain file that purging the
case could not clean. Files of older versions lose that text when they are read.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, get_args, get_type_hints

from app.domain.labels import Attention, CaseStatus
from app.paths import DataPaths
from app.services.search import CaseQuery, SortKey
from app.ui.prefs import UiPrefs

SAVED_KEY = "saved_filters"
_KEPT = frozenset(f.name for f in dataclasses.fields(CaseQuery)) - {"text"}
# Every date criterion (detected, event, closed), stored as ISO text.
_DATES = frozenset(name for name, kind in get_type_hints(CaseQuery).items()
                   if date in get_args(kind))

BUILT_IN: dict[str, CaseQuery] = {
    "Tất cả vụ việc": CaseQuery(),
    "Vụ việc có trẻ em": CaseQuery(has_children=True),
    "Quá hạn": CaseQuery(overdue=True),
    "Chưa xác định đối tượng": CaseQuery(identified=False),
    "Đang xử lý": CaseQuery(status=CaseStatus.OPEN),
}


def query_to_json(query: CaseQuery) -> dict[str, Any]:
    data = structured(dataclasses.asdict(query))
    for key, value in data.items():
        if isinstance(value, date):
            data[key] = value.isoformat()
    return data


def query_from_json(data: dict[str, Any]) -> CaseQuery:
    values = structured(data)
    for key in _DATES:
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    if values.get("status"):
        values["status"] = CaseStatus(values["status"])
    if values.get("attention"):
        values["attention"] = Attention(values["attention"])
    if values.get("sort"):
        values["sort"] = SortKey(values["sort"])
    return CaseQuery(**values)


def structured(data: object) -> dict[str, Any]:
    """A stored filter's criteria without its free text (or anything unknown)."""
    return {k: v for k, v in data.items() if k in _KEPT} if isinstance(data, dict) else {}


def saved_filters(prefs: UiPrefs) -> dict[str, dict[str, Any]]:
    """The saved filters of `prefs`' user; text an older version kept is dropped from the
    file at once."""
    stored = prefs.json(SAVED_KEY, {})
    kept = ({str(name): structured(data) for name, data in stored.items()}
            if isinstance(stored, dict) else {})
    if kept != stored:
        prefs.set_json(SAVED_KEY, kept)
        prefs.sync()
    return kept


def save_filter(prefs: UiPrefs, name: str, query: CaseQuery) -> None:
    stored = saved_filters(prefs)
    stored[name] = query_to_json(query)
    prefs.set_json(SAVED_KEY, stored)


def drop_saved_search_text(paths: DataPaths) -> None:
    """Every user's saved filters read (so cleaned) when the window opens: the users who
    do not sign in on this PC again keep no text either."""
    for prefs in UiPrefs.every_user(paths):
        saved_filters(prefs)
