"""The units whose cases a register holds (`app.domain.units`): naming a case by its code
where two units' codes meet, and this office's cases following its own code."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.db import Database
from app.domain.units import REF_SEPARATOR, split_ref
from app.errors import UserError
from app.models import Case

_IN_CHUNK = 500
_NAMED = 5


def holds_other_units(db: Database, own_unit: str) -> bool:
    """Whether the register holds cases numbered by another unit than this office's
    (`own_unit`): the case list then shows each case's unit."""
    with db.read() as session:
        # Two ranges of the (unit, code) index, not a scan of it for `!=`.
        return session.execute(select(Case.id).where(
            or_(Case.unit_code < own_unit, Case.unit_code > own_unit)).limit(1)
        ).first() is not None


def case_ids_of_refs(session: Session, refs: Sequence[str], own_unit: str) -> dict[str, int]:
    """The case each typed reference names, by the rule of `app.domain.units`: a bare code
    is this office's case of that code, else the one other unit's; `UNIT/CODE` is that
    unit's (a whole text that is also a code of this office's comes first). A code several
    other units hold, and this office does not, is refused, naming the forms to type; a
    reference naming no case is left out (the caller names it)."""
    wanted = list(dict.fromkeys(ref.strip() for ref in refs if ref.strip()))
    split = {ref: parts for ref in wanted if (parts := split_ref(ref)) is not None}
    holders: dict[tuple[str, str], int] = {}
    codes = [*wanted, *(code for _, code in split.values())]
    for start in range(0, len(codes), _IN_CHUNK):
        chunk = codes[start:start + _IN_CHUNK]
        for unit, code, case_id in session.execute(
                select(Case.unit_code, Case.code, Case.id).where(Case.code.in_(chunk))):
            holders[(unit, code)] = case_id
    by_code: dict[str, list[str]] = defaultdict(list)
    for unit, code in sorted(holders):
        by_code[code].append(unit)
    found: dict[str, int] = {}
    ambiguous: list[str] = []
    for ref in wanted:
        if (own_unit, ref) in holders:
            found[ref] = holders[(own_unit, ref)]
        elif ref in split and split[ref] in holders:
            found[ref] = holders[split[ref]]
        elif len(by_code[ref]) == 1:
            found[ref] = holders[(by_code[ref][0], ref)]
        elif by_code[ref]:
            forms = ", ".join(f"{unit}{REF_SEPARATOR}{ref}" for unit in by_code[ref][:_NAMED])
            ambiguous.append(f"mã {ref} có ở {len(by_code[ref])} đơn vị, hãy ghi kèm mã đơn vị "
                             f"({forms})")
    if ambiguous:
        raise UserError("Không rõ vụ việc nào: " + "; ".join(ambiguous) + ".", field="code")
    return found


def follow_own_code(session: Session, old: str, new: str) -> int:
    """This office's cases (under `old`, its code until now, "" for none) recorded under
    `new`, its code from now: they were numbered by the office, whatever its code. Refused
    when the register holds another unit's cases of the same codes under `new` (a register
    imported under the office's new code); returns the number of cases moved."""
    if old == new:
        return 0
    mine = select(Case.code).where(Case.unit_code == old).scalar_subquery()
    clashes = list(session.execute(
        select(Case.code).where(Case.unit_code == new, Case.code.in_(mine))
        .order_by(Case.code).limit(_NAMED)).scalars())
    if clashes:
        raise UserError(
            f"Sổ đã có vụ việc của đơn vị mã {new or '(chưa có mã)'} trùng mã với vụ việc của "
            f"đơn vị mình ({', '.join(clashes)}): không đổi mã đơn vị được. Hãy kiểm tra lại "
            "mã đơn vị hành chính.", field="unit_code")
    moved = session.execute(update(Case).where(Case.unit_code == old)
                            .values(unit_code=new).execution_options(synchronize_session=False))
    return int(getattr(moved, "rowcount", 0) or 0)


def codes_in_unit(session: Session, unit: str, codes: Sequence[str]) -> set[str]:
    """Those of `codes` a case of `unit` already has."""
    used: set[str] = set()
    for start in range(0, len(codes), _IN_CHUNK):
        chunk = codes[start:start + _IN_CHUNK]
        used.update(session.execute(select(Case.code).where(
            Case.unit_code == unit, Case.code.in_(chunk))).scalars())
    return used
