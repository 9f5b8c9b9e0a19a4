"""The legal-basis catalog: seeded from the program's resources, kept current by an
administrator (instruments, provisions, the authorities' fining limits).

The program proposes the provisions valid on the date the act ended; the officer chooses.
A provision a recorded sanction cites (voided ones included) is never deleted, only ended:
the history of a case must keep naming it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain import legal
from app.domain.fields import Field
from app.domain.labels import PartyKind
from app.domain.legal import AuthorityLimit, InstrumentInput, ProvisionInput, Validity
from app.errors import FieldProblem, UserError, ValidationError
from app.models import AuthorityLimit as LimitRow
from app.models import LegalInstrument, LegalProvision, event_legal_bases
from app.resources import resource_path
from app.services import audit
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.text import format_date

_Row = TypeVar("_Row", LegalInstrument, LegalProvision, LimitRow)


@dataclass(frozen=True)
class Provision:
    id: int
    instrument_id: int
    instrument: str  # the instrument's citation
    article: str | None
    clause: str | None
    point: str | None
    description: str
    fine_min: int | None
    fine_max: int | None
    stated_for: PartyKind | None
    other_party_factor: float | None
    remedies: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None
    group_codes: tuple[str, ...]
    to_confirm: bool

    @property
    def citation(self) -> str:
        """`Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP`."""
        return legal.cite(self.point, self.clause, self.article, self.instrument)

    @property
    def validity(self) -> Validity:
        return Validity(self.valid_from, self.valid_to)

    def valid_on(self, day: date) -> bool:
        return self.validity.covers(day)

    def fine_range(self, party: PartyKind) -> tuple[int, int] | None:
        """The range for `party`: as stated, or scaled by the factor for the other party."""
        if self.fine_min is None or self.fine_max is None:
            return None
        if self.stated_for is None or party == self.stated_for:
            return self.fine_min, self.fine_max
        factor = self.other_party_factor or 1.0
        return round(self.fine_min * factor), round(self.fine_max * factor)

    def as_input(self) -> ProvisionInput:
        return ProvisionInput(
            instrument_id=self.instrument_id, article=self.article or "",
            clause=self.clause or "", point=self.point or "", description=self.description,
            group_codes=self.group_codes, fine_min=self.fine_min, fine_max=self.fine_max,
            stated_for=self.stated_for, other_party_factor=self.other_party_factor,
            remedies=self.remedies, valid_from=self.valid_from, valid_to=self.valid_to,
            to_confirm=self.to_confirm)


@dataclass(frozen=True)
class Instrument:
    id: int
    citation: str
    title: str
    valid_from: date | None
    valid_to: date | None
    note: str

    def as_input(self) -> InstrumentInput:
        return InstrumentInput(self.citation, self.title, self.valid_from, self.valid_to,
                               self.note)


@dataclass(frozen=True)
class Limit:
    id: int
    limit: AuthorityLimit


@dataclass(frozen=True)
class LegalCatalog:
    """Everything the administrator's screen shows, read in one session."""

    instruments: tuple[Instrument, ...]
    provisions: tuple[Provision, ...]
    limits: tuple[Limit, ...]
    used: frozenset[int]  # provisions a recorded sanction cites, voided ones included

    def in_use(self, instrument: Instrument) -> bool:
        return any(p.id in self.used for p in self.provisions if p.instrument_id == instrument.id)


def _provision(row: LegalProvision) -> Provision:
    return Provision(
        id=row.id,
        instrument_id=row.instrument_id,
        instrument=row.instrument.citation,
        article=row.article,
        clause=row.clause,
        point=row.point,
        description=row.description,
        fine_min=row.fine_min,
        fine_max=row.fine_max,
        stated_for=PartyKind(row.stated_for) if row.stated_for else None,
        other_party_factor=row.other_party_factor,
        remedies=tuple(r for r in (row.remedies or "").split("\n") if r),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        group_codes=tuple(row.group_codes.split()),
        to_confirm=row.to_confirm,
    )


def _instrument(row: LegalInstrument) -> Instrument:
    return Instrument(row.id, row.citation, row.title, row.valid_from, row.valid_to,
                      row.note or "")


def _limit(row: LimitRow) -> Limit:
    return Limit(row.id, AuthorityLimit(row.authority, PartyKind(row.party), row.max_fine,
                                        row.basis, row.valid_from, row.valid_to,
                                        row.to_confirm))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def seed(session: Session) -> None:
    """Load the shipped catalog into an empty one (offices' edits are never overwritten)."""
    if session.execute(select(LegalInstrument.id).limit(1)).first() is not None:
        return
    shipped = json.loads(resource_path("seed", "legal_bases.json").read_text(encoding="utf-8"))
    instruments: dict[str, LegalInstrument] = {}
    for row in shipped["instruments"]:
        instruments[row["citation"]] = LegalInstrument(
            citation=row["citation"], title=row["title"], valid_from=_day(row["valid_from"]),
            valid_to=_day(row["valid_to"]), note=row["note"] or None)
    session.add_all(instruments.values())
    for row in shipped["provisions"]:
        session.add(LegalProvision(
            instrument=instruments[row["instrument"]],
            article=row["article"],
            clause=row["clause"],
            point=row["point"],
            description=row["description"],
            fine_min=row["fine_min"],
            fine_max=row["fine_max"],
            stated_for=row["stated_for"],
            other_party_factor=row["other_party_factor"],
            remedies="\n".join(row["remedies"]),
            valid_from=_day(row["valid_from"]),
            valid_to=_day(row["valid_to"]),
            group_codes=" ".join(row["groups"]),
            to_confirm=row["to_confirm"],
        ))
    for row in shipped["authority_limits"]:
        session.add(LimitRow(
            authority=row["authority"], party=row["party"], max_fine=row["max_fine"],
            basis=row["basis"], valid_from=_day(row["valid_from"]),
            valid_to=_day(row["valid_to"]), to_confirm=row["to_confirm"]))


def all_provisions(db: Database) -> list[Provision]:
    with db.read() as session:
        return [_provision(r) for r in
                session.execute(select(LegalProvision).order_by(LegalProvision.id)).scalars()]


def proposals(db: Database, act_ended_on: date, group_code: str | None) -> list[Provision]:
    """Provisions in force on the day the act ended, those of the case's group first."""
    valid = [p for p in all_provisions(db) if p.valid_on(act_ended_on)]
    return sorted(valid, key=lambda p: (group_code not in p.group_codes, p.id))


def _used(session: Session) -> frozenset[int]:
    return frozenset(session.execute(
        select(event_legal_bases.c.provision_id).distinct()).scalars())


def catalog(db: Database) -> LegalCatalog:
    with db.read() as session:
        return LegalCatalog(
            instruments=tuple(_instrument(r) for r in session.execute(
                select(LegalInstrument).order_by(LegalInstrument.id)).scalars()),
            provisions=tuple(_provision(r) for r in session.execute(
                select(LegalProvision).order_by(LegalProvision.id)).scalars()),
            limits=tuple(_limit(r) for r in session.execute(
                select(LimitRow).order_by(LimitRow.authority, LimitRow.valid_from,
                                          LimitRow.party)).scalars()),
            used=_used(session))


def authority_limits(db: Database) -> list[Limit]:
    with db.read() as session:
        return [_limit(r) for r in session.execute(select(LimitRow).order_by(LimitRow.id))
                .scalars()]


def chairman_limit(db: Database, party: PartyKind, day: date) -> AuthorityLimit | None:
    """The commune chairman's fining limit for `party` in force on `day`."""
    return legal.limit_on([lim.limit for lim in authority_limits(db)], legal.COMMUNE_CHAIRMAN,
                          party, day)


# The administrator's changes --------------------------------------------------------------


def _audit(session: Session, actor: Actor, entity: str, uuid: str, op: str,
           before: Mapping[str, Any], after: Mapping[str, Any],
           fields: Mapping[str, Field], **extra: int) -> None:
    """One row per change: which fields changed, with the values of the plain ones (the log
    keeps no free text: a description or a title is named, not copied)."""
    audit.record(session, actor.username, AuditAction.LEGAL_BASIS_CHANGE, entity=entity,
                 entity_uuid=uuid,
                 detail={"op": op, **audit.changes(before, after, fields), **extra})


def _nothing(fields: Mapping[str, Field]) -> dict[str, Any]:
    return dict.fromkeys(fields)


def _instrument_values(data: InstrumentInput) -> dict[str, Any]:
    return {"citation": data.citation, "title": data.title, "valid_from": data.valid_from,
            "valid_to": data.valid_to, "note": data.note}


def _provision_values(data: ProvisionInput) -> dict[str, Any]:
    return {key: getattr(data, key) for key in legal.PROVISION_BY_KEY}


def _limit_values(data: AuthorityLimit) -> dict[str, Any]:
    return {key: getattr(data, key) for key in legal.LIMIT_BY_KEY}


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError([FieldProblem(field, message)])


def _get(session: Session, model: type[_Row], row_id: int, what: str) -> _Row:
    row = session.get(model, row_id)
    if row is None:
        raise UserError(f"Không tìm thấy {what}: có thể người khác vừa xóa. Hãy tải lại danh mục.")
    return row


def _check_instrument_unique(session: Session, data: InstrumentInput,
                             row_id: int | None) -> None:
    for other in session.execute(select(LegalInstrument)).scalars():
        if other.id != row_id and legal.same_citation(other.citation, data.citation) \
                and data.validity.overlaps(Validity(other.valid_from, other.valid_to)):
            raise _refuse("citation", legal.overlap_message(
                f"Văn bản {other.citation}", Validity(other.valid_from, other.valid_to)))


def _write_instrument(row: LegalInstrument, data: InstrumentInput) -> None:
    row.citation, row.title, row.note = data.citation, data.title, data.note or None
    row.valid_from, row.valid_to = data.valid_from, data.valid_to


def add_instrument(db: Database, actor: Actor, data: InstrumentInput) -> Instrument:
    """A new law or decree (a decree that replaces one, an amending decree)."""
    actor.require(Permission.MANAGE_SETTINGS)
    checked = legal.check_instrument(data)
    with db.write() as session:
        _check_instrument_unique(session, checked, None)
        row = LegalInstrument()
        _write_instrument(row, checked)
        session.add(row)
        session.flush()
        _audit(session, actor, "legal_instrument", row.uuid, "add",
               _nothing(legal.INSTRUMENT_BY_KEY), _instrument_values(checked),
               legal.INSTRUMENT_BY_KEY)
        return _instrument(row)


def update_instrument(db: Database, actor: Actor, instrument_id: int,
                      data: InstrumentInput) -> Instrument:
    actor.require(Permission.MANAGE_SETTINGS)
    checked = legal.check_instrument(data)
    with db.write() as session:
        row = _get(session, LegalInstrument, instrument_id, "văn bản")
        _check_instrument_unique(session, checked, row.id)
        before = _instrument_values(_instrument(row).as_input())
        _write_instrument(row, checked)
        _audit(session, actor, "legal_instrument", row.uuid, "edit", before,
               _instrument_values(checked), legal.INSTRUMENT_BY_KEY)
        return _instrument(row)


def end_instrument(db: Database, actor: Actor, instrument_id: int, valid_to: date) -> Instrument:
    """The instrument and its provisions still in force stop on `valid_to` (a decree
    replaced): the program no longer proposes them for acts after that day."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.write() as session:
        row = _get(session, LegalInstrument, instrument_id, "văn bản")
        if row.valid_from is not None and valid_to < row.valid_from:
            raise _refuse("valid_to", legal.validity_problem(row.valid_from, valid_to))
        provisions = session.execute(select(LegalProvision).where(
            LegalProvision.instrument_id == row.id)).scalars().all()
        ending = [p for p in provisions if p.valid_to is None or p.valid_to > valid_to]
        late = [p for p in ending if p.valid_from is not None and p.valid_from > valid_to]
        if late:
            raise _refuse("valid_to", f"{_provision(late[0]).citation} chỉ có hiệu lực từ "
                          f"ngày {format_date(late[0].valid_from)}, sau ngày kết thúc vừa "
                          "nhập: hãy chọn ngày kết thúc muộn hơn, hoặc sửa hay xóa điều khoản "
                          "đó trước.")
        before = _instrument_values(_instrument(row).as_input())
        row.valid_to = valid_to
        for provision in ending:
            provision.valid_to = valid_to
        _audit(session, actor, "legal_instrument", row.uuid, "end", before,
               _instrument_values(_instrument(row).as_input()), legal.INSTRUMENT_BY_KEY)
        return _instrument(row)


def delete_instrument(db: Database, actor: Actor, instrument_id: int) -> None:
    """An instrument added by mistake, with its provisions; refused once a sanction cites
    one of them."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.write() as session:
        row = _get(session, LegalInstrument, instrument_id, "văn bản")
        provisions = session.execute(select(LegalProvision).where(
            LegalProvision.instrument_id == row.id)).scalars().all()
        used = _used(session)
        if any(p.id in used for p in provisions):
            raise UserError(f"Văn bản {row.citation} có điều khoản đã được dùng trong quyết "
                            "định xử phạt (kể cả quyết định đã hủy) nên không xóa được: hãy "
                            "«Kết thúc hiệu lực» để chương trình không đề xuất nữa.")
        before = _instrument_values(_instrument(row).as_input())
        for provision in provisions:
            session.delete(provision)
        session.delete(row)
        _audit(session, actor, "legal_instrument", row.uuid, "delete", before,
               _nothing(legal.INSTRUMENT_BY_KEY), legal.INSTRUMENT_BY_KEY,
               provisions=len(provisions))


def _check_provision_unique(session: Session, data: ProvisionInput, row_id: int | None) -> None:
    key = data.citation_key()
    rows = session.execute(select(LegalProvision).where(
        LegalProvision.instrument_id == data.instrument_id)).scalars()
    for other in rows:
        found = _provision(other)
        if other.id != row_id and found.as_input().citation_key() == key \
                and data.validity.overlaps(found.validity):
            raise _refuse("point" if data.point else "clause" if data.clause else "article",
                          legal.overlap_message(found.citation, found.validity))


def _write_provision(row: LegalProvision, data: ProvisionInput) -> None:
    assert data.instrument_id is not None  # checked by legal.check_provision
    row.instrument_id = data.instrument_id
    row.article, row.clause, row.point = data.article or None, data.clause or None, \
        data.point or None
    row.description = data.description
    row.group_codes = " ".join(data.group_codes)
    row.fine_min, row.fine_max = data.fine_min, data.fine_max
    row.stated_for = str(data.stated_for) if data.stated_for else None
    row.other_party_factor = data.other_party_factor
    row.remedies = "\n".join(data.remedies) or None
    row.valid_from, row.valid_to = data.valid_from, data.valid_to
    row.to_confirm = data.to_confirm


def _checked_provision(session: Session, data: ProvisionInput,
                       row_id: int | None) -> ProvisionInput:
    checked = legal.check_provision(data)
    assert checked.instrument_id is not None
    instrument = _get(session, LegalInstrument, checked.instrument_id, "văn bản")
    problem = legal.outside_instrument(checked.validity, Validity(
        instrument.valid_from, instrument.valid_to), f"Văn bản {instrument.citation}")
    if problem is not None:
        raise ValidationError([problem])
    _check_provision_unique(session, checked, row_id)
    return checked


def add_provision(db: Database, actor: Actor, data: ProvisionInput) -> Provision:
    """A provision the shipped catalog lacks, or the one of a new decree."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.write() as session:
        checked = _checked_provision(session, data, None)
        row = LegalProvision()
        _write_provision(row, checked)
        session.add(row)
        session.flush()
        session.refresh(row)
        _audit(session, actor, "legal_provision", row.uuid, "add",
               _nothing(legal.PROVISION_BY_KEY), _provision_values(checked),
               legal.PROVISION_BY_KEY)
        return _provision(row)


def update_provision(db: Database, actor: Actor, provision_id: int,
                     data: ProvisionInput) -> Provision:
    """An administrator corrects a provision (a decree amended, a range to confirm)."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.write() as session:
        row = _get(session, LegalProvision, provision_id, "căn cứ pháp lý")
        checked = _checked_provision(session, data, row.id)
        before = _provision_values(_provision(row).as_input())
        _write_provision(row, checked)
        session.flush()
        session.refresh(row)
        _audit(session, actor, "legal_provision", row.uuid, "edit", before,
               _provision_values(checked), legal.PROVISION_BY_KEY)
        return _provision(row)


def end_provision(db: Database, actor: Actor, provision_id: int, valid_to: date) -> Provision:
    """The provision stops on `valid_to`: sanctions that cite it keep it."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.write() as session:
        row = _get(session, LegalProvision, provision_id, "căn cứ pháp lý")
        if row.valid_from is not None and valid_to < row.valid_from:
            raise _refuse("valid_to", legal.validity_problem(row.valid_from, valid_to))
        before = _provision_values(_provision(row).as_input())
        row.valid_to = valid_to
        after = _provision(row)
        _audit(session, actor, "legal_provision", row.uuid, "end", before,
               _provision_values(after.as_input()), legal.PROVISION_BY_KEY)
        return after


def delete_provision(db: Database, actor: Actor, provision_id: int) -> None:
    """A provision added by mistake; one a sanction cites is refused (end it instead)."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.write() as session:
        row = _get(session, LegalProvision, provision_id, "căn cứ pháp lý")
        found = _provision(row)
        if row.id in _used(session):
            raise UserError(f"{found.citation} đã được dùng trong quyết định xử phạt (kể cả "
                            "quyết định đã hủy) nên không xóa được: hãy «Kết thúc hiệu lực» "
                            "để chương trình không đề xuất nữa.")
        session.delete(row)
        _audit(session, actor, "legal_provision", row.uuid, "delete",
               _provision_values(found.as_input()), _nothing(legal.PROVISION_BY_KEY),
               legal.PROVISION_BY_KEY)


def _check_limit_unique(session: Session, data: AuthorityLimit, row_id: int | None) -> None:
    others = [lim.limit for lim in map(_limit, session.execute(select(LimitRow)).scalars())
              if lim.id != row_id]
    other = legal.overlapping_limit(data, others)
    if other is not None:
        raise _refuse("valid_from", legal.overlap_message(
            f"Mức phạt tối đa của {other.authority} đối với {legal.party_label(other.party)}",
            other.validity))


def _write_limit(row: LimitRow, data: AuthorityLimit) -> None:
    row.authority, row.party, row.max_fine = data.authority, str(data.party), data.max_fine
    row.basis, row.valid_from, row.valid_to = data.basis, data.valid_from, data.valid_to
    row.to_confirm = data.to_confirm


def add_limit(db: Database, actor: Actor, data: AuthorityLimit) -> Limit:
    """An authority's fining limit under a new decree."""
    actor.require(Permission.MANAGE_SETTINGS)
    checked = legal.check_limit(data)
    with db.write() as session:
        _check_limit_unique(session, checked, None)
        row = LimitRow()
        _write_limit(row, checked)
        session.add(row)
        session.flush()
        _audit(session, actor, "authority_limit", row.uuid, "add", _nothing(legal.LIMIT_BY_KEY),
               _limit_values(checked), legal.LIMIT_BY_KEY)
        return _limit(row)


def update_limit(db: Database, actor: Actor, limit_id: int, data: AuthorityLimit) -> Limit:
    actor.require(Permission.MANAGE_SETTINGS)
    checked = legal.check_limit(data)
    with db.write() as session:
        row = _get(session, LimitRow, limit_id, "mức phạt tối đa")
        _check_limit_unique(session, checked, row.id)
        before = _limit_values(_limit(row).limit)
        _write_limit(row, checked)
        _audit(session, actor, "authority_limit", row.uuid, "edit", before,
               _limit_values(checked), legal.LIMIT_BY_KEY)
        return _limit(row)


def delete_limit(db: Database, actor: Actor, limit_id: int) -> None:
    """A limit typed by mistake (no record cites a limit: the warning reads it when shown)."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.write() as session:
        row = _get(session, LimitRow, limit_id, "mức phạt tối đa")
        before = _limit_values(_limit(row).limit)
        session.delete(row)
        _audit(session, actor, "authority_limit", row.uuid, "delete", before,
               _nothing(legal.LIMIT_BY_KEY), legal.LIMIT_BY_KEY)
