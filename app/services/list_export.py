"""The case list as the user sees it (filters, order, columns): exported to Excel, or laid
out for the printer (also saved as a PDF)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from app.db import Database
from app.domain.office import one_line
from app.domain.vocabulary import VocabList
from app.progress import CancelToken, Progress
from app.reports.files import written_atomically
from app.services import audit, settings, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.case_list import ListColumn
from app.services.protection import RowMasker
from app.services.search import fetch_rows
from app.services.table_export import write_table

BATCH = 500
PRINT_LIMIT = 2_000


def masked_rows(db: Database, case_ids: Sequence[int],
                columns: Sequence[ListColumn]) -> Iterator[list[str]]:
    """The texts of `columns` for each case, in order, masked by the protection rule."""
    vocab = vocabulary.load(db)
    with db.read() as session:
        masker = RowMasker(session, case_ids, leaving=True)
    for start in range(0, len(case_ids), BATCH):
        for record in fetch_rows(db, list(case_ids[start:start + BATCH])):
            shown = masker.row(record, vocab.label(VocabList.PLATFORM, record.platform_code))
            yield [column.text(shown, vocab) for column in columns]


def export_case_list(db: Database, actor: Actor, path: Path, case_ids: Sequence[int],
                     columns: Sequence[ListColumn], *, progress: Progress | None = None,
                     token: CancelToken | None = None) -> int:
    """Write the list as shown: `case_ids` in their order, with `columns`."""
    actor.require(Permission.REPORT)
    write_table(path, "Danh sách vụ việc", [c.header for c in columns],
                [max(8, c.width // 7) for c in columns], masked_rows(db, case_ids, columns),
                len(case_ids), progress=progress, token=token)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT,
                     detail={"kind": "case_list", "cases": len(case_ids), "file": path.name})
    return len(case_ids)


def list_printout(db: Database, actor: Actor, case_ids: Sequence[int],
                  columns: Sequence[ListColumn], *, limit: int = PRINT_LIMIT,
                  token: CancelToken | None = None) -> bytes:
    """The PDF of the list as shown, for the printer (at most `limit` cases: the rest belongs
    in Excel)."""
    actor.require(Permission.REPORT)
    pdf, shown = _printout(db, actor, case_ids, columns, limit, token)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT,
                     detail={"kind": "case_list_print", "cases": shown})
    return pdf


def save_list_printout(db: Database, actor: Actor, path: Path, case_ids: Sequence[int],
                       columns: Sequence[ListColumn], *, limit: int = PRINT_LIMIT,
                       token: CancelToken | None = None) -> int:
    """Write the list's printout to the PDF file `path`; the number of cases printed."""
    actor.require(Permission.REPORT)
    pdf, shown = _printout(db, actor, case_ids, columns, limit, token)
    with db.write() as session:  # the audit row and the file go together
        audit.record(session, actor.username, AuditAction.EXPORT,
                     detail={"kind": "case_list_pdf", "cases": shown, "file": path.name})
        with written_atomically(path) as temporary:
            temporary.write_bytes(pdf)
    return shown


def _printout(db: Database, actor: Actor, case_ids: Sequence[int],
              columns: Sequence[ListColumn], limit: int,
              token: CancelToken | None) -> tuple[bytes, int]:
    # Imported at the first printout: reportlab takes long to load.
    from app.reports.case_list_pdf import ListPrintout, PrintColumn, case_list_pdf

    shown = case_ids[:limit]
    rows: list[list[str]] = []
    for row in masked_rows(db, shown, columns):
        rows.append(row)
        if token is not None and len(rows) % BATCH == 0:
            token.raise_if_cancelled()
    printout = ListPrintout(
        columns=tuple(PrintColumn(c.header, c.width, c.align.value, c.unbroken)
                      for c in columns),
        rows=rows, total=len(case_ids), printed_at=datetime.now().astimezone(),
        printed_by=actor.full_name, unit_name=one_line(settings.load_office(db).unit_name))
    return case_list_pdf(printout, token=token), len(shown)
