"""Column values of a case, child, party or event as stored, from what a user recorded.

The ORM services and the bulk writer (import, demo) both use these, so a
derived column (search keys, flags) is computed in one place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from app.domain.case import CaseInput, ChildInput, DefamedInput
from app.domain.collation import sort_key
from app.domain.events import EventInput
from app.domain.sanctions import DecisionFollowUp
from app.domain.search_keys import (
    account_key,
    joined_search_key,
    offender_key,
    offender_sort_key,
    search_parts,
    url_key,
)


def case_columns(data: CaseInput, code: str) -> dict[str, Any]:
    return uncoded_case_columns(data).coded(code)


@dataclass(frozen=True)
class UncodedCase:
    """A case's columns but its code, and the search key's parts after it: the bulk
    insert numbers cases after their columns are made."""

    columns: dict[str, Any]
    search_parts: tuple[str, ...]

    def coded(self, code: str) -> dict[str, Any]:
        return {**self.columns, "code": code,
                "search_key": joined_search_key(*search_parts(code), *self.search_parts)}


def uncoded_case_columns(data: CaseInput) -> UncodedCase:
    offender_kind = data.offender_kind or ("person" if data.offender_name else None)
    return UncodedCase({
        "detected_on": data.detected_on,
        "posted_on": data.posted_on,
        "posted_until": data.posted_until,
        "act_on": act.day if (act := data.act_date) else None,
        "source_code": data.source_code,
        "platform_code": data.platform_code,
        "content_form_code": data.content_form_code,
        "account": data.account,
        "url": data.url,
        "group_code": data.group_code,
        "child_subkind_code": data.child_subkind_code,
        "summary": data.summary,
        "reach_views": data.reach_views,
        "reach_reactions": data.reach_reactions,
        "reach_shares": data.reach_shares,
        "reach_comments": data.reach_comments,
        "offender_kind": str(offender_kind) if offender_kind else None,
        "offender_name": data.offender_name,
        "offender_birth_date": data.offender_birth_date,
        "offender_birth_year": data.offender_birth_year,
        "offender_address": data.offender_address,
        "offender_id_number": data.offender_id_number,
        "area": data.area,
        "notes": data.notes,
        "has_children": bool(data.children),
        "account_key": account_key(data.account),
        "url_key": url_key(data.url),
        "offender_key": offender_key(data.offender_name),
        "area_sort": sort_key(data.area) or None,
        "account_sort": sort_key(data.account),
        "offender_sort": offender_sort_key(data.offender_name, offender_kind),
    }, search_parts(data.account, data.url, data.offender_name, data.summary))


def child_columns(child: ChildInput) -> dict[str, Any]:
    return {
        "full_name": child.full_name,
        "birth_year": child.birth_year,
        "birth_date": child.birth_date,
        "sex": str(child.sex) if child.sex else None,
        "school_class": child.school_class,
        "address": child.address,
        "guardian_informed": child.guardian_informed,
        "referred_to_protection": child.referred_to_protection,
        "notes": child.notes,
    }


def defamed_columns(party: DefamedInput) -> dict[str, Any]:
    return {
        "kind": str(party.kind),
        "name": party.name,
        "complaint_received": party.complaint_received,
        "complaint_date": party.complaint_date,
        "words_complained": party.words_complained,
        "correction_published": party.correction_published,
    }


def event_columns(event: EventInput) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "occurred_on": event.occurred_on,
        "document_number": event.document_number,
        "note": event.note,
        "sanction_form": str(event.sanction_form) if event.sanction_form else None,
        "fine_amount": event.fine_amount,
        "signer": event.signer,
        "remedies": event.remedies,
        "closing_result": str(event.closing_result) if event.closing_result else None,
        "addressee": event.addressee,
        "decision_time": str(event.decision_time) if event.decision_time else None,
    }


def follow_up_columns(follow: DecisionFollowUp) -> dict[str, Any]:
    """What followed a sanction decision, in the decision's row (empty: every column NULL).
    Its fields are plain values: read, not deep-copied as `dataclasses.asdict` would (a
    tenth of the Python time of a bulk insert)."""
    return {field.name: getattr(follow, field.name) for field in dataclasses.fields(follow)}
