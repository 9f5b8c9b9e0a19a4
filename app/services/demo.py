"""Realistic synthetic cases for trying the program, screenshots, tests and benchmarks.

Deterministic: the same seed and day give the same register.
"""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import date, timedelta
from typing import Any

from app.db import Database
from app.domain.case import CaseInput, ChildInput, DefamedInput, PreparedCase
from app.domain.events import EventInput
from app.domain.labels import ClosingResult, PartyKind, SanctionForm, Sex
from app.domain.office import OfficeSettings
from app.domain.sanctions import DecisionFollowUp, Offender, compliance_deadline
from app.domain.vocabulary import EventKind, Group
from app.progress import Progress
from app.resources import resource_path
from app.services import audit, bulk, legal_basis, settings
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.text import fold

GROUP_WEIGHTS = {"TE": 15, "DD": 25, "TG": 25, "PC": 15, "QC": 12, "KH": 8}
PLATFORM_WEIGHTS = {"FB": 55, "TT": 20, "YT": 8, "ZL": 7, "IG": 3, "X": 1, "TLG": 2, "WEB": 3,
                    "KHAC": 1}
URL_PATTERNS = {
    "FB": "https://www.facebook.com/{slug}/posts/{n}",
    "TT": "https://www.tiktok.com/@{slug}/video/{n}",
    "YT": "https://www.youtube.com/watch?v={slug}{n}",
    "ZL": "https://zalo.me/g/{slug}{n}",
    "IG": "https://www.instagram.com/p/{slug}{n}/",
    "X": "https://x.com/{slug}/status/{n}",
    "TLG": "https://t.me/{slug}/{n}",
    "WEB": "https://{slug}.blogspot.com/{n}.html",
}
FORMS_BY_PLATFORM = {"TT": ["VD", "LS"], "YT": ["VD"], "ZL": ["NC", "BV"]}
HISTORY_DAYS = 730


def _load_words() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resource_path("demo", "demo_data.json").read_text(encoding="utf-8")
    )
    return data


class _Generator:
    def __init__(self, seed: int, today: date, areas: tuple[str, ...],
                 provisions: list[legal_basis.Provision]) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.words = _load_words()
        self.areas = areas or tuple(self.words["office"]["areas"])
        self.provisions = provisions
        # A pool of accounts smaller than the register, so that repeat offenders appear.
        self.accounts: list[tuple[str, str, bool]] = []

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def person(self, sex: Sex | None = None) -> tuple[str, Sex]:
        w, rng = self.words, self.rng
        sex = sex or rng.choice([Sex.MALE, Sex.FEMALE])
        male = sex is Sex.MALE
        middle = rng.choice(w["middle_male"] if male else w["middle_female"])
        given = rng.choice(w["given_male"] if male else w["given_female"])
        return f"{rng.choice(w['surnames'])} {middle} {given}", sex

    def account(self) -> tuple[str, str, bool]:
        """Account name, URL slug, and whether it is a person's own name."""
        rng = self.rng
        if self.accounts and rng.random() < 0.35:
            return rng.choice(self.accounts)
        is_person = rng.random() < 0.4
        if is_person:
            name = self.person()[0]
        else:
            pattern = rng.choice(self.words["account_patterns"])
            name = pattern.format(place=rng.choice(self.words["places"]))
        slug = "".join(ch for ch in fold(name) if ch.isascii() and ch.isalnum())
        slug = f"{slug or 'trang'}{rng.randint(1, 999)}"
        entry = (name, slug, is_person)
        self.accounts.append(entry)
        return entry

    def addressee(self, kind: EventKind) -> str:
        """The body a transfer or an escalation of `kind` goes to."""
        return str(self.rng.choice(self.words["addressees"][kind]))

    def detected_on(self) -> date:
        # More cases recently: the register grows.
        back = int(HISTORY_DAYS * (self.rng.random() ** 1.6))
        return self.today - timedelta(days=back)

    def case(self) -> PreparedCase:
        rng = self.rng
        group = self.pick(GROUP_WEIGHTS)
        platform = self.pick(PLATFORM_WEIGHTS)
        detected = self.detected_on()
        account, slug, personal_account = self.account()
        url_pattern = URL_PATTERNS.get(platform)
        url = url_pattern.format(slug=slug, n=rng.randint(10**6, 10**9)) if url_pattern else None
        children: tuple[ChildInput, ...] = ()
        child_name = ""
        if group == Group.CHILDREN:
            children = tuple(self.child(detected) for _ in range(rng.choice([1, 1, 1, 2, 3])))
            child_name = children[0].full_name
        person = self.person()[0]
        org = rng.choice(self.words["organisations"])
        summary = rng.choice(self.words["summaries"][group]).format(
            child=child_name, person=person, org=org, grade=rng.randint(5, 9),
            place=rng.choice(self.words["places"]),
        )
        defamed: tuple[DefamedInput, ...] = ()
        if group == Group.DEFAMATION:
            target_org = "{org}" in summary or org in summary
            defamed = (DefamedInput(
                name=org if target_org else person,
                kind=PartyKind.ORGANISATION if target_org else PartyKind.PERSON,
                complaint_received=rng.random() < 0.6,
                complaint_date=detected if rng.random() < 0.5 else None,
            ),)
        identified = rng.random() < 0.65
        offender_kind = None
        offender_name = None
        birth_year = None
        if identified:
            if rng.random() < 0.1:
                offender_kind, offender_name = PartyKind.ORGANISATION, org
            else:
                offender_kind = PartyKind.PERSON
                offender_name = account if personal_account else self.person()[0]
                birth_year = rng.randint(1965, self.today.year - 17)
        # Most posts are found within days; for some the office never learns when.
        posted = (detected - timedelta(days=int(rng.random() ** 3 * 20))
                  if rng.random() < 0.8 else None)
        data = CaseInput(
            detected_on=detected,
            posted_on=posted,
            source_code=rng.choices(["RQ", "PA", "CT", "CQ", "BC"], [50, 30, 10, 7, 3])[0],
            platform_code=platform,
            content_form_code=rng.choice(FORMS_BY_PLATFORM.get(platform, ["BV", "BL", "HA", "VD"])),
            account=account,
            url=url,
            group_code=group,
            child_subkind_code=(rng.choice(["TE-TT", "TE-BL", "TE-XP", "TE-LD"])
                                if group == Group.CHILDREN else None),
            secondary_groups=("TG",) if group == Group.DEFAMATION and rng.random() < 0.2 else (),
            summary=summary,
            reach_views=rng.randint(100, 200_000),
            reach_shares=rng.randint(0, 5_000),
            offender_kind=offender_kind,
            offender_name=offender_name,
            offender_birth_year=birth_year,
            area=rng.choice(self.areas),
            children=children,
            defamed=defamed,
        )
        return PreparedCase(data, self.events(data, identified))

    def child(self, detected: date) -> ChildInput:
        name, sex = self.person()
        return ChildInput(
            full_name=name,
            birth_year=detected.year - self.rng.randint(4, 15),
            sex=sex,
            school_class=self.rng.choice(self.words["schools"]),
            guardian_informed=self.rng.random() < 0.7,
        )

    def events(self, data: CaseInput, identified: bool) -> tuple[EventInput, ...]:
        rng = self.rng
        assert data.detected_on is not None
        day = data.detected_on
        events: list[EventInput] = [EventInput(EventKind.VERIFY, day)]

        def later(max_days: int) -> date | None:
            nonlocal day
            candidate = day + timedelta(days=rng.randint(0, max_days))
            if candidate > self.today:
                return None
            day = candidate
            return day

        steps: list[tuple[float, EventKind]] = [(0.6, EventKind.REMOVAL_REQUEST)]
        if identified:
            steps += [(0.5, EventKind.INVITE), (0.4, EventKind.WARN)]
        for chance, kind in steps:
            when = later(5)
            if when and rng.random() < chance:
                events.append(EventInput(kind, when))
        if any(e.kind == EventKind.REMOVAL_REQUEST for e in events) and rng.random() < 0.75:
            when = later(4)
            if when:
                events.append(EventInput(EventKind.REMOVED, when))
        decided = True
        if identified and rng.random() < 0.22:
            when = later(10)
            if when:
                path = self.sanction(data, when)
                events += path
                day = max([day, *(e.occurred_on for e in path if e.occurred_on)])
                # Now and then a biên bản waits for its decision: a "needs action" entry.
                decided = any(e.kind == EventKind.SANCTION for e in path)
        if rng.random() < 0.03:
            when = later(10)
            if when:
                events.append(EventInput(EventKind.POLICE, when, document_number="CV chuyển",
                                         addressee=self.addressee(EventKind.POLICE)))
        if not identified and rng.random() < 0.5:
            when = later(7)
            if when:
                events.append(EventInput(EventKind.ESCALATE, when,
                                         addressee=self.addressee(EventKind.ESCALATE)))
        if data.group_code == Group.CHILDREN and rng.random() < 0.4:
            when = later(5)
            if when:
                events.append(EventInput(EventKind.CHILD_PROTECTION, when,
                                         addressee=self.addressee(EventKind.CHILD_PROTECTION)))
        age = (self.today - data.detected_on).days
        if decided and age > 20 and rng.random() < min(0.95, age / 120):
            when = later(20)
            if when:
                fined = any(e.kind == EventKind.SANCTION for e in events)
                escalated = any(e.kind == EventKind.ESCALATE for e in events)
                result = ClosingResult.HANDLED if fined or rng.random() < 0.8 else rng.choice(
                    [ClosingResult.NO_VIOLATION, ClosingResult.TRANSFERRED])
                if escalated and rng.random() < 0.5:  # reported upward, never identified
                    result = ClosingResult.UNIDENTIFIED
                events.append(EventInput(EventKind.CLOSE, when, closing_result=result))
        return tuple(events)

    def sanction(self, data: CaseInput, record_on: date) -> list[EventInput]:
        """The sanction path as the law has it (app.domain.sanctions): a decision only for an
        identified offender old enough, on a provision in force on the act's date, a fine
        within its range for the kind of offender (at most half for 16–18) after a biên bản,
        the decision within the biên bản's time."""
        rng = self.rng
        act = data.act_date
        assert act is not None
        act_on = act.day
        party = data.offender_kind or PartyKind.PERSON
        aged = Offender.of(data).band(act_on)
        band = aged[1] if aged else None
        if band is not None and not band.sanctionable:
            return []
        ranged = [(p, bounds) for p in self.provisions
                  if p.valid_on(act_on) and data.group_code in p.group_codes
                  and (bounds := p.fine_range(party)) is not None]
        if not ranged:
            return []
        provision, (low, high) = rng.choice(ranged)
        share = band.fine_share if band is not None else 1.0
        warning = share == 0 or rng.random() < 0.15
        record = EventInput(EventKind.RECORD, record_on,
                            document_number=f"{rng.randint(1, 400)}/BB-VPHC")
        decide_on = record_on + timedelta(days=rng.randint(0, 6))
        if rng.random() < 0.1 or decide_on > self.today:
            return [record]
        number = f"{rng.randint(1, 400)}/QĐ-XPHC"
        if warning:
            decision = EventInput(EventKind.SANCTION, decide_on, document_number=number,
                                  sanction_form=SanctionForm.WARNING,
                                  legal_basis_ids=(provision.id,))
            # A warning may be decided without a biên bản (Luật XLVPHC Điều 56).
            return [record, decision] if rng.random() < 0.5 else [decision]
        step = 500_000
        amounts = range(-(-round(low * share) // step) * step, round(high * share) + 1, step)
        return [record, EventInput(
            EventKind.SANCTION, decide_on, document_number=number,
            sanction_form=SanctionForm.FINE, fine_amount=rng.choice(amounts),
            legal_basis_ids=(provision.id,), remedies=provision.remedies[0]
            if provision.remedies else None)]


def follow_up(decision: EventInput, *, seed: int, today: date) -> DecisionFollowUp:
    """What followed a demo decision, as offices see it: most fines paid within the time to
    comply, some enforced, a few late (a "needs action" entry). Drawn from the decision
    itself, so that `generate` stays as it is."""
    assert decision.occurred_on is not None
    rng = random.Random(f"{seed}:{decision.document_number}:{decision.occurred_on}")
    delivered = decision.occurred_on + timedelta(days=rng.randint(0, 2))
    if delivered > today:
        return DecisionFollowUp()
    if decision.sanction_form is not SanctionForm.FINE:
        return DecisionFollowUp(delivered_on=delivered)
    draw = rng.random()
    paid_on = delivered + timedelta(days=rng.randint(0, 9))
    if draw < 0.7 and paid_on <= today:
        return DecisionFollowUp(delivered, paid_on, decision.fine_amount,
                                f"{rng.randint(1, 9999):04d}/BLTP")
    enforced_on = compliance_deadline(delivered) + timedelta(days=rng.randint(5, 30))
    if draw < 0.8 and enforced_on <= today:
        return DecisionFollowUp(delivered, enforced_on=enforced_on,
                                enforcement_note="Khấu trừ một phần tiền lương, thu nhập")
    return DecisionFollowUp(delivered_on=delivered)


def generate(count: int, *, seed: int, today: date, areas: tuple[str, ...] = (),
             provisions: list[legal_basis.Provision] | None = None) -> list[PreparedCase]:
    """`count` cases in order of detection, as an office would have numbered them, with
    what followed their decisions."""
    generator = _Generator(seed, today, areas, provisions or [])
    cases = [generator.case() for _ in range(count)]
    cases.sort(key=lambda c: c.data.detected_on or today)
    return [dataclasses.replace(case, follow_ups={
        index: follow_up(event, seed=seed, today=today)
        for index, event in enumerate(case.events) if event.kind == EventKind.SANCTION})
        for case in cases]


def demo_office() -> OfficeSettings:
    return OfficeSettings.from_json(_load_words()["office"])


def add_demo_cases(db: Database, actor: Actor, count: int, *, seed: int = 2026,
                   today: date | None = None, progress: Progress | None = None) -> int:
    """Add `count` synthetic cases; a data folder without office details gets demo ones."""
    actor.require(Permission.MANAGE_SETTINGS)
    provisions = legal_basis.all_provisions(db)
    with db.write() as session:
        office = settings.read_office(session)
        if not office.unit_name:
            office = demo_office()
            settings.write_office(session, office)
        cases = generate(count, seed=seed, today=today or date.today(), areas=office.areas,
                         provisions=provisions)
        bulk.insert_cases(session, cases, username=actor.username,
                          code_pattern=office.case_code_pattern,
                          recorded_unit=office.unit_name, progress=progress)
        audit.record(session, actor.username, AuditAction.DEMO, detail={"cases": count,
                                                                          "seed": seed})
    bulk.settle(db)
    return count
