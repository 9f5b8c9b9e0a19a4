"""Export the case list as the user sees it (filters, order, columns) to Excel."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape
from pathlib import Path

from app.db import Database
from app.domain.vocabulary import VocabList
from app.progress import CancelToken, Progress
from app.services import audit, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.case_list import ListColumn
from app.services.protection import RowMasker
from app.services.search import fetch_rows
from app.services.table_export import write_table
from app.text import format_number

BATCH = 500
PRINT_LIMIT = 2_000


def masked_rows(db: Database, case_ids: Sequence[int],
                columns: Sequence[ListColumn]) -> Iterator[list[str]]:
    """The texts of `columns` for each case, in order, masked by the protection rule."""
    vocab = vocabulary.load(db)
    with db.read() as session:
        masker = RowMasker(session, case_ids)
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


def printable_list(db: Database, actor: Actor, case_ids: Sequence[int],
                   columns: Sequence[ListColumn], limit: int = PRINT_LIMIT) -> str:
    """HTML of the list for printing (at most `limit` rows; the rest belongs in Excel)."""
    actor.require(Permission.REPORT)
    shown = case_ids[:limit]
    head = "".join(f"<th>{escape(c.header)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
                   for row in masked_rows(db, shown, columns))
    note = ""
    if len(case_ids) > limit:
        note = (f"<p><i>In {format_number(limit)} vụ việc đầu trong tổng số "
                f"{format_number(len(case_ids))}; danh sách đầy đủ hãy xuất ra Excel.</i></p>")
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT,
                     detail={"kind": "case_list_print", "cases": len(shown)})
    return (f"<h3>Danh sách vụ việc</h3>{note}<table border=1 cellspacing=0 cellpadding=3>"
            f"<tr>{head}</tr>{body}</table>")
