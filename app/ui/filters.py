"""Saved filters of the case list: the built-in ones and those a user names."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from app.domain.labels import CaseStatus
from app.services.attention import Attention
from app.services.search import CaseQuery, SortKey

BUILT_IN: dict[str, CaseQuery] = {
    "Tất cả vụ việc": CaseQuery(),
    "Vụ việc có trẻ em": CaseQuery(has_children=True),
    "Quá hạn": CaseQuery(overdue=True),
    "Chưa xác định đối tượng": CaseQuery(identified=False),
    "Đang xử lý": CaseQuery(status=CaseStatus.OPEN),
}


def query_to_json(query: CaseQuery) -> dict[str, Any]:
    data = dataclasses.asdict(query)
    for key, value in data.items():
        if isinstance(value, date):
            data[key] = value.isoformat()
    return data


def query_from_json(data: dict[str, Any]) -> CaseQuery:
    known = {f.name for f in dataclasses.fields(CaseQuery)}
    values = {k: v for k, v in data.items() if k in known}
    for key in ("detected_from", "detected_to"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    if values.get("status"):
        values["status"] = CaseStatus(values["status"])
    if values.get("attention"):
        values["attention"] = Attention(values["attention"])
    if values.get("sort"):
        values["sort"] = SortKey(values["sort"])
    return CaseQuery(**values)
