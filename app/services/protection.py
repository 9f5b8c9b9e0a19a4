"""The protected people of stored cases, read for the masking rule of
`app.domain.protection`, and the case list's rows masked by it."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.case import ChildInput
from app.domain.fields import CASE_FIELDS, Kind
from app.domain.labels import PartyKind
from app.domain.protection import (
    CaseMask,
    CasePeople,
    Masker,
    Person,
    as_minor,
    child_person,
    describe,
    people_in,
)
from app.models import Case, Child
from app.services.records import CaseDetail
from app.services.search import CaseRow

BATCH = 500


def people_by_case(session: Session, case_ids: Sequence[int]) -> dict[int, CasePeople]:
    """Each case's protected people: its children, and its offender when a child at the
    act; cases with none are left out."""
    children: dict[int, list[Person]] = {}
    minors: dict[int, Person] = {}
    for start in range(0, len(case_ids), BATCH):
        chunk = case_ids[start:start + BATCH]
        for case_id, name, year, born, sex, school, address in session.execute(
                select(Child.case_id, Child.full_name, Child.birth_year, Child.birth_date,
                       Child.sex, Child.school_class, Child.address)
                .where(Child.case_id.in_(chunk)).order_by(Child.case_id, Child.id)):
            children.setdefault(case_id, []).append(
                Person(name, year, born, sex, school, address))
        for case_id, offender, year, born, act_on in session.execute(
                select(Case.id, Case.offender_name, Case.offender_birth_year,
                       Case.offender_birth_date, Case.act_on)
                .where(Case.id.in_(chunk), Case.offender_name != "",
                       Case.offender_birth_year.is_not(None)
                       | Case.offender_birth_date.is_not(None),
                       Case.offender_kind.is_distinct_from(PartyKind.ORGANISATION))):
            if offender and (minor := as_minor(Person(offender, year, born), act_on)):
                minors[case_id] = minor
    found = sorted(children.keys() | minors.keys())
    act_days: dict[int, date] = {}
    for start in range(0, len(found), BATCH):
        act_days.update(session.execute(select(Case.id, Case.act_on)
                                        .where(Case.id.in_(found[start:start + BATCH]))).all())
    return {case: CasePeople(tuple(children.get(case, ())), minors.get(case), act_days[case])
            for case in found}


def people_with_every_child(session: Session, case_ids: Sequence[int]) -> dict[int, CasePeople]:
    """`people_by_case` of `case_ids` and of every other case holding children: a document
    about one case must not name a child of another either (two words of her name are
    enough, as in the report's list of cases)."""
    holding = session.execute(select(Case.id).where(Case.has_children,
                                                     Case.deleted_at.is_(None))).scalars()
    return people_by_case(session, sorted({*case_ids, *holding}))


def people_to_mask(session: Session, case_ids: Sequence[int], *,
                   leaving: bool) -> dict[int, CasePeople]:
    """Whom texts about `case_ids` are masked against: leaving the office, every case's
    children (`people_with_every_child`); on a screen for a role that may not see children,
    the cases shown, which a page can afford."""
    return (people_with_every_child if leaving else people_by_case)(session, case_ids)


class RowMasker:
    """The case list's rows as they may leave the office, or be shown to a role that may not
    see children: every text through the masking rule, a child offender described.

    Masked against `people_to_mask`: every case's children for rows `leaving` the office."""

    def __init__(self, session: Session, case_ids: Sequence[int], *,
                 leaving: bool = False) -> None:
        self._people = people_to_mask(session, case_ids, leaving=leaving)
        self._masker = Masker({case: found.all for case, found in self._people.items()})

    def row(self, row: CaseRow, platform: str) -> CaseRow:
        mask = self._masker.case(row.id)
        minor = self._people[row.id].minor if row.id in self._people else None
        return dataclasses.replace(
            row,
            account=mask.account(row.account, platform),
            url=mask.url(row.url) or None,
            offender_name=(describe(minor, self._people[row.id].act_on or row.detected_on)
                           if minor
                           else mask.text(row.offender_name or "") or None),
            summary=mask.text(row.summary),
            area=mask.text(row.area or "") or None,
        )


def masked_detail(detail: CaseDetail, platform: str) -> CaseDetail:
    """A case as a role that may not see children sees it: protected people by initials,
    age and sex, every text masked, no evidence."""
    data = detail.data
    people = people_in(data)
    if not people.all or people.act_on is None:
        return detail
    day = people.act_on
    mask = Masker({detail.id: people.all}).case(detail.id)
    texts: dict[str, Any] = {
        f.key: mask.text(value) for f in CASE_FIELDS
        if f.kind in (Kind.TEXT, Kind.LONG_TEXT) and isinstance(value := getattr(data, f.key),
                                                                 str)}
    texts.update(code=data.code, url=mask.url(data.url) or None,
                 account=mask.account(data.account, platform))
    if people.minor is not None:
        texts.update(offender_name=describe(people.minor, day), offender_birth_date=None,
                     offender_birth_year=None, offender_address=None, offender_id_number=None)
    children = tuple(ChildInput(describe(child_person(c), day), sex=c.sex,
                                guardian_informed=c.guardian_informed,
                                referred_to_protection=c.referred_to_protection, uuid=c.uuid)
                     for c in data.children)
    defamed = tuple(dataclasses.replace(p, name=mask.text(p.name),
                                        words_complained=_masked(mask, p.words_complained))
                    for p in data.defamed)
    events = tuple(dataclasses.replace(
        e, document_number=_masked(mask, e.document_number), note=_masked(mask, e.note),
        signer=_masked(mask, e.signer), remedies=_masked(mask, e.remedies),
        void_reason=_masked(mask, e.void_reason)) for e in detail.events)
    return dataclasses.replace(
        detail, data=dataclasses.replace(data, children=children, defamed=defamed, **texts),
        events=events, evidence=(), deleted_reason=_masked(mask, detail.deleted_reason))


def _masked(mask: CaseMask, value: str | None) -> str | None:
    return mask.text(value) if value else value
