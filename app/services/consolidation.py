"""The province's consolidated report (shared/spec/exchange.md, "Consolidated report"): the
received packages of a period added up (`app.domain.consolidation`) and written as the
workbook, PDF and Word file of a unit's report under this office's header and signer.

The packages come from the receiving side (`report_packages.received_packages`); here they
are only added up, checked and laid out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from app.db import Database
from app.domain.consolidation import Consolidation, consolidate, consolidated_forms
from app.domain.exchange import ReportPackage
from app.domain.periods import Period
from app.domain.report import ReportText
from app.domain.units import Unit
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.reports.export import write_files
from app.reports.files import written_together
from app.reports.narrative import draft_consolidated
from app.services import audit, report_packages, unit_keys, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.report_export import Targets, office_drafting
from app.services.settings import load_office


def current_units(db: Database, actor: Actor) -> list[Unit]:
    """The registered units, each once, in code order."""
    return [Unit(record.code, record.name) for record in unit_keys.registered_units(db, actor)
            if record.replaced_at is None]


def consolidation_of(db: Database, actor: Actor, period: Period,
                     packages: Iterable[ReportPackage]) -> Consolidation:
    """The consolidated figures of `period` from `packages` and the registered units,
    refused (in Vietnamese) where a package is of another period or unit, or breaks the
    sums."""
    actor.require(Permission.REPORT)
    return consolidate(period, current_units(db, actor), packages, vocabulary.load(db))


def write_consolidated(db: Database, actor: Actor, period: Period,
                       packages: Iterable[ReportPackage], targets: Targets, *,
                       text: ReportText | None = None, progress: Progress | None = None,
                       token: CancelToken | None = None,
                       warn: Callable[[str], None] | None = None) -> Consolidation:
    """Write the consolidated report of `period` to the files asked for, and log it.
    Without `text`: no number yet, today's date, the drafted text. The files appear
    together once all are written; on an error or a cancel, none of them."""
    actor.require(Permission.REPORT)
    if not targets.paths:
        raise UserError("Chưa chọn tệp cần xuất (Excel, PDF hoặc Word).")
    consolidation = consolidation_of(db, actor, period, packages)
    office = load_office(db)
    text = text or ReportText("", date.today(), draft_consolidated(consolidation, office))
    with written_together(targets.paths) as temporaries:
        temporary = dict(zip(targets.paths, temporaries, strict=True)).get
        write_files(consolidation.figures, office, text,
                    xlsx=targets.xlsx and temporary(targets.xlsx),
                    pdf=targets.pdf and temporary(targets.pdf),
                    docx=targets.docx and temporary(targets.docx),
                    forms=consolidated_forms(consolidation),
                    drafting=office_drafting(db, warn), progress=progress, token=token)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.REPORT, entity="consolidated_report",
                     detail={"period": period.label, "start": period.start.isoformat(),
                             "end": period.end.isoformat(),
                             "files": [str(p) for p in targets.paths],
                             "number": text.number,
                             "units": [f"{p.unit.code} v{p.version}"
                                       for p in consolidation.packages],
                             "missing": [u.code for u in consolidation.missing]})
    return consolidation


def consolidated_file(period: Period, suffix: str) -> str:
    """`bao-cao-tong-hop-2026-10.xlsx`: the consolidated report's file unless one is named."""
    return f"bao-cao-tong-hop-{period.slug}{suffix}"


def consolidate_received(db: Database, actor: Actor, period: Period, targets: Targets, *,
                         progress: Progress | None = None, token: CancelToken | None = None,
                         warn: Callable[[str], None] | None = None) -> Consolidation:
    """`write_consolidated` of the units' current packages of exactly `period`."""
    return write_consolidated(db, actor, period,
                              report_packages.received_packages(db, actor, period), targets,
                              progress=progress, token=token, warn=warn)
