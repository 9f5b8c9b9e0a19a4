"""The warnings the case editor shows while the officer types or saves.

Each rule is reused from where it lives: repeat offenders from `search`, the account's
lock-request counts from `attention`, fine ranges and validity dates from the legal-basis
catalog, the wording and the rest (the limitation date among them) from
`app.domain.warnings`.
Warnings are returned, never raised: they never block saving.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from app.db import Database
from app.domain.case import ActDate, CaseInput
from app.domain.events import EventInput
from app.domain.labels import PartyKind
from app.domain.office import OfficeSettings
from app.domain.sanctions import decision_overdue_warning
from app.domain.vocabulary import EventKind
from app.domain.warnings import (
    CaseRef,
    CaseWarning,
    FineRange,
    WarningKind,
    chairman_limit_warning,
    fine_range_warning,
    limitation_warning,
    lock_threshold_warning,
    minor_band,
    minor_warning,
    offender_age,
    provision_date_warning,
)
from app.services import attention, legal_basis
from app.services.days_off import read_calendar
from app.services.records import EventRecord
from app.services.search import repeat_offenders
from app.services.settings import read_office
from app.text import format_date

# How each kind of repeat match is named, and the field of the editor it concerns.
_MATCHED_ON: dict[str, tuple[str, str]] = {
    "account": ("tài khoản", "account"),
    "url": ("đường dẫn", "url"),
    "offender": ("họ tên đối tượng", "offender_name"),
}
_CODES_SHOWN = 5

AnyEvent = EventInput | EventRecord


def warnings_for(db: Database, draft: CaseInput, *, case_id: int | None,
                 events: Sequence[AnyEvent], today: date | None = None) -> list[CaseWarning]:
    """Everything that looks wrong about a case as typed so far (`case_id` None for a new one).

    Warnings about an event carry its position in `events`; voided events are ignored.
    """
    day = today or date.today()
    data = draft.normalised()
    live = {i: e for i, e in enumerate(events) if not (isinstance(e, EventRecord) and e.voided)}
    with db.read() as session:
        found = _repeat_offender(session, data, case_id)
        found += _lock_threshold(session, data, case_id, live, day)
        office = read_office(session)
        calendar = read_calendar(session)
    if overdue := decision_overdue_warning(live, office, day, calendar):
        found.append(overdue)
    act = data.act_date
    if act is not None:
        found += _limitation(act, live, office, day)
        found += _sanctions(db, data, act, live)
    return found


def _repeat_offender(session: Session, data: CaseInput,
                     case_id: int | None) -> list[CaseWarning]:
    matches = repeat_offenders(session, account=data.account, url=data.url,
                               offender_name=data.offender_name, exclude_case_id=case_id)
    found = []
    for matched_on, (what, field) in _MATCHED_ON.items():
        refs = tuple(CaseRef(m.case_id, m.code, m.detected_on) for m in matches
                     if m.matched_on == matched_on)
        if refs:
            found.append(CaseWarning(
                WarningKind.REPEAT_OFFENDER,
                f"Cùng {what} với {len(refs)} vụ việc đã ghi: {_listed(refs)}. Hãy mở các vụ "
                "việc này để xem trước khi quyết định biện pháp xử lý.",
                field, related=refs))
    return found


def _listed(refs: Sequence[CaseRef]) -> str:
    shown = ", ".join(f"{r.code} ({format_date(r.detected_on)})" for r in refs[:_CODES_SHOWN])
    hidden = len(refs) - _CODES_SHOWN
    return f"{shown} và {hidden} vụ việc khác" if hidden > 0 else shown


def _lock_threshold(session: Session, data: CaseInput, case_id: int | None,
                    live: dict[int, AnyEvent], today: date) -> list[CaseWarning]:
    # Nothing to say once this case records the request.
    if not data.account or any(e.kind == EventKind.LOCK_REQUEST for e in live.values()):
        return []
    counts = attention.account_lock_counts(session, data.account, today,
                                           draft_detected_on=data.detected_on,
                                           exclude_case_id=case_id)
    return [lock_threshold_warning(counts)] if counts.over_threshold else []


def _limitation(act: ActDate, live: dict[int, AnyEvent], office: OfficeSettings,
                today: date) -> list[CaseWarning]:
    # The limitation bounds the sanction decision: moot once one is made or the case closed.
    if any(e.kind in (EventKind.SANCTION, EventKind.CLOSE) for e in live.values()):
        return []
    found = limitation_warning(act, office.limitation_warning_days, today)
    return [found] if found else []


def _sanctions(db: Database, data: CaseInput, act: ActDate,
               live: dict[int, AnyEvent]) -> list[CaseWarning]:
    """The offender's age, then each sanction against its provisions and the chairman's
    limit, all on the act's date; unknown kind of offender counts as a person."""
    party = data.offender_kind or PartyKind.PERSON
    age = (offender_age(data.offender_birth_date, data.offender_birth_year, act.day)
           if party is PartyKind.PERSON else None)
    band = minor_band(age.years) if age else None
    found: list[CaseWarning] = []
    if age is not None and (warning := minor_warning(age, act, live)):
        found.append(warning)
    sanctions = {i: e for i, e in live.items() if e.kind == EventKind.SANCTION}
    if not sanctions:
        return found
    # A fine the offender's age rules out is reported by the age warning alone.
    fines_allowed = band is None or band.fine_share > 0
    share = band.fine_share if band is not None and fines_allowed else 1.0
    catalog = {p.id: p for p in legal_basis.all_provisions(db)}
    limit = legal_basis.chairman_limit(db, party, act.day)
    for index, event in sanctions.items():
        chosen = [catalog[i] for i in event.legal_basis_ids if i in catalog]
        found += [provision_date_warning(index, p.citation, p.valid_from, p.valid_to, act)
                  for p in chosen if not p.valid_on(act.day)]
        if not fines_allowed:
            continue
        ranges = [FineRange(p.citation, *bounds, p.to_confirm) for p in chosen
                  if (bounds := p.fine_range(party)) is not None]
        found += [w for w in (fine_range_warning(index, event, ranges, party, share),
                              chairman_limit_warning(index, event, limit) if limit else None)
                 if w]
    return found
