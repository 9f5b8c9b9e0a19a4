"""The legal-basis catalog: seeded from the program's resources, editable by an administrator.

The program proposes the provisions valid on the date the act ended; the
officer chooses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain.labels import PartyKind
from app.errors import UserError
from app.models import LegalProvision
from app.resources import resource_path
from app.services import audit
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.text import clean


@dataclass(frozen=True)
class Provision:
    id: int
    instrument: str
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
        parts = []
        if self.point:
            parts.append(f"Điểm {self.point}")
        if self.clause:
            parts.append(f"Khoản {self.clause}")
        if self.article:
            parts.append(f"Điều {self.article}")
        parts.append(self.instrument)
        return " ".join(parts)

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def fine_range(self, party: PartyKind) -> tuple[int, int] | None:
        """The range for `party`: as stated, or scaled by the factor for the other party."""
        if self.fine_min is None or self.fine_max is None:
            return None
        if self.stated_for is None or party == self.stated_for:
            return self.fine_min, self.fine_max
        factor = self.other_party_factor or 1.0
        return round(self.fine_min * factor), round(self.fine_max * factor)


def provision_of(row: LegalProvision) -> Provision:
    return Provision(
        id=row.id,
        instrument=row.instrument,
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


def seed(session: Session) -> None:
    """Load the shipped catalog into an empty table (offices' edits are never overwritten)."""
    if session.execute(select(LegalProvision.id).limit(1)).first() is not None:
        return
    rows = json.loads(resource_path("seed", "legal_bases.json").read_text(encoding="utf-8"))
    for row in rows:
        session.add(LegalProvision(
            instrument=row["instrument"],
            article=row["article"],
            clause=row["clause"],
            point=row["point"],
            description=row["description"],
            fine_min=row["fine_min"],
            fine_max=row["fine_max"],
            stated_for=row["stated_for"],
            other_party_factor=row["other_party_factor"],
            remedies="\n".join(row["remedies"]),
            valid_from=date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
            valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            group_codes=" ".join(row["groups"]),
            to_confirm=row["to_confirm"],
        ))


def all_provisions(db: Database) -> list[Provision]:
    with db.read() as session:
        return [provision_of(r) for r in
                session.execute(select(LegalProvision).order_by(LegalProvision.id)).scalars()]


def proposals(db: Database, act_ended_on: date, group_code: str | None) -> list[Provision]:
    """Provisions in force on the day the act ended, those of the case's group first."""
    valid = [p for p in all_provisions(db) if p.valid_on(act_ended_on)]
    return sorted(valid, key=lambda p: (group_code not in p.group_codes, p.id))


def update_provision(db: Database, actor: Actor, provision_id: int, *, description: str,
                     fine_min: int | None, fine_max: int | None, valid_from: date | None,
                     valid_to: date | None) -> Provision:
    """An administrator corrects a provision (a decree amended, a range to confirm)."""
    actor.require(Permission.MANAGE_SETTINGS)
    text = clean(description)
    if not text:
        raise UserError("Cần mô tả của căn cứ pháp lý.", field="description")
    if (fine_min is None) != (fine_max is None):
        raise UserError("Khung tiền phạt cần cả mức thấp nhất và mức cao nhất.", field="fine_min")
    if fine_min is not None and fine_max is not None and not 0 < fine_min <= fine_max:
        raise UserError("Khung tiền phạt không hợp lệ: mức thấp nhất phải dương và không lớn "
                        "hơn mức cao nhất.", field="fine_min")
    if valid_from and valid_to and valid_from > valid_to:
        raise UserError("Ngày hết hiệu lực phải sau ngày có hiệu lực.", field="valid_to")
    with db.write() as session:
        row = session.get(LegalProvision, provision_id)
        if row is None:
            raise UserError("Không tìm thấy căn cứ pháp lý.")
        before = provision_of(row)
        row.description = text
        row.fine_min, row.fine_max = fine_min, fine_max
        row.valid_from, row.valid_to = valid_from, valid_to
        audit.record(session, actor.username, AuditAction.LEGAL_BASIS_CHANGE,
                     entity="legal_provision", entity_uuid=row.uuid,
                     detail={"citation": before.citation,
                             "before": [before.fine_min, before.fine_max,
                                        str(before.valid_from), str(before.valid_to)],
                             "after": [fine_min, fine_max, str(valid_from), str(valid_to)]})
        return provision_of(row)
