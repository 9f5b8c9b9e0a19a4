"""`check`: the database, the audit chain, the accounts seal and every evidence file."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.db import Database
from app.db.storage import storage_problems
from app.models import AuditEntry, Evidence
from app.services import accounts_seal, audit
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.evidence_store import content_sha256, stored_path


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[str, ...]
    evidence_checked: int
    audit_rows: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check_data_folder(db: Database, actor: Actor) -> CheckReport:
    actor.require(Permission.CHECK)
    problems = storage_problems(db.engine)
    problems += accounts_seal.problems(db)  # in an administrator's session
    with db.read() as session:
        problems += audit.verify_chain(session)
        audit_rows = session.execute(select(func.count(AuditEntry.id))).scalar_one()
        stored = list(session.execute(
            select(Evidence.sha256, Evidence.original_name).distinct()
        ))
    for sha256, name in stored:
        path = stored_path(db.paths, sha256)
        if not path.exists():
            problems.append(f"Thiếu tệp chứng cứ «{name}» ({sha256[:12]}…).")
        elif content_sha256(db.paths, sha256, db.data_key) != sha256:
            problems.append(f"Tệp chứng cứ «{name}» đã bị thay đổi hoặc hỏng (không giải mã "
                            "được hoặc mã băm không khớp).")
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.CHECK,
                     detail={"problems": len(problems)})
    return CheckReport(tuple(problems), len(stored), audit_rows)
