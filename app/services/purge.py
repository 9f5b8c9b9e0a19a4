"""Purging deleted cases for good once their retention period has passed.

A deleted case stays restorable for `OfficeSettings.deleted_retention_days`. After
that an administrator purges it: the case and everything recorded on it (events,
children, parties, evidence rows and, by the database's triggers, its full-text
entry) leave the database, evidence files no other case uses leave the store, and the
database file and its write-ahead log are rewritten so that no copy of the text
remains. The audit log gets one row naming the case codes, never their contents.

The other files the program writes in the data folder follow: the printouts saved under
their default name in exports/, the viewer copies in .xem/, and the database copies in
clear in backups/ (`app/db/copies.py`: a pre-upgrade copy goes with an automatic backup
written now). Encrypted backups keep the cases: that is what they are for.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, delete, func, select

from app.db import Database, copies, erase, text_index
from app.models import Case, Evidence
from app.models.base import utcnow
from app.services import audit, backup, documents, settings
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.case_sheet import default_path
from app.services.evidence_store import StoreChanges, clear_view_copies


@dataclass(frozen=True)
class Expired:
    """Deleted cases past their retention period: how many, and the cut-off day."""

    count: int
    deleted_before: date
    retention_days: int


@dataclass(frozen=True)
class PurgeResult:
    cases: int
    files: int
    backup: Path | None = None  # written to drop the pre-upgrade copies in clear
    # Files that may still hold the cases' text and could not be removed: a pre-restore
    # folder without its encrypted twin, a printout open in another program.
    left: tuple[Path, ...] = ()


def _expired(cutoff: datetime) -> ColumnElement[bool]:
    return Case.deleted_at.is_not(None) & (Case.deleted_at < cutoff)


def _cutoff(retention_days: int, now: datetime | None) -> datetime:
    return (now or utcnow()) - timedelta(days=retention_days)


def find_expired(db: Database, actor: Actor, *, now: datetime | None = None) -> Expired:
    """What a purge would remove now (shown for confirmation, and by maintenance checks)."""
    actor.require(Permission.PURGE)
    with db.read() as session:
        days = settings.read_office(session).deleted_retention_days
        cutoff = _cutoff(days, now)
        count = session.execute(select(func.count(Case.id)).where(_expired(cutoff))).scalar_one()
    return Expired(count, cutoff.astimezone().date(), days)


def purge_expired(db: Database, actor: Actor, *, now: datetime | None = None) -> PurgeResult:
    """Remove every deleted case past its retention period, and every trace of its text."""
    actor.require(Permission.PURGE)
    with StoreChanges(db.paths) as files, db.write() as session:
        days = settings.read_office(session).deleted_retention_days
        expired = _expired(_cutoff(days, now))
        codes = list(session.execute(select(Case.code).where(expired).order_by(Case.code))
                     .scalars())
        by_case = select(Evidence.sha256).join(Case, Evidence.case_id == Case.id)
        expired_files = by_case.where(expired)
        kept_files = by_case.where(~expired, Evidence.sha256.in_(expired_files))
        unused = sorted(set(session.execute(expired_files).scalars())
                        - set(session.execute(kept_files).scalars())
                        - set(session.execute(documents.signed_copy_hashes()).scalars()))
        # Children, parties, events and evidence rows go by ON DELETE CASCADE.
        session.execute(delete(Case).where(expired),
                        execution_options={"synchronize_session": False})
        text_index.drop_deleted_entries(session.connection())
        audit.record(session, actor.username, AuditAction.PURGE,
                     detail={"cases": len(codes), "codes": codes, "files": len(unused),
                             "retention_days": days})
        for sha256 in unused:
            files.remove(session, sha256)
    # Before the erase, which may fail and be run again: by then the codes are gone.
    left = _remove_files(db, codes)
    erase.rewrite_without_free_space(db.engine)
    made = backup.automatic_backup(db, actor).path if copies.upgrade_copies(db.paths) else None
    unsealed = [f for f in copies.restore_copies(db.paths) if not copies.sealed_twin(f).exists()]
    return PurgeResult(len(codes), len(unused), made, tuple(left + unsealed))


def _remove_files(db: Database, codes: list[str]) -> list[Path]:
    """The purged cases' printouts saved under their default name (with what a crash left
    while writing one), every viewer copy and the pre-restore folders already sealed;
    returns the printouts that stay (open in another program)."""
    left = []
    for code in codes:
        printout = default_path(db.paths, code)
        for path in (printout, *printout.parent.glob(f".{glob.escape(printout.stem)}-*.tmp")):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                left.append(path)
    clear_view_copies(db.paths)
    copies.remove_sealed_restore_copies(db.paths)
    return left
