"""The Word templates the program fills, which an office may own (issue 15, "Templates the
office owns").

Each template has a default shipped in `resources/templates/`. An administrator exports
one, edits its wording in Word keeping its `{{ … }}` fields, and puts it back: the file is
checked by drafting a sample with it before it is stored, and refused naming the field
that does not work. A template put back is kept in the database (not among the data
folder's files), so every computer of the register drafts with it; «Dùng mẫu mặc định»
removes it. Whatever drafts goes through `drafted_with`: a stored template that breaks
while filling real data never stops a document, which is drafted with the default and
said so.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from pathlib import Path

from sqlalchemy import select

from app.db import Database
from app.domain.documents import DOCUMENT_KIND_LABELS, DocumentKind
from app.domain.labels import DEFAULT_TEMPLATE, OFFICE_TEMPLATE, REPORT_TEMPLATE
from app.errors import UserError
from app.models import DocumentTemplate
from app.models.base import utcnow
from app.progress import Cancelled
from app.services import audit
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.text import format_number

log = logging.getLogger(__name__)

REPORT = "bao-cao"  # the report's template (`app.reports.docx_report`)
SUFFIX = ".docx"
# A template is a few dozen kilobytes; a larger file is not one (images aside).
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ProgramTemplate:
    """A template the program fills: its name (the file's stem), what it drafts, its
    default's file under `resources/templates/`, the fields it fills (name → what it
    holds, for the administrator editing it) and why an edited copy cannot be used
    (Vietnamese messages naming the field; [] when it drafts)."""

    name: str
    label: str
    file: str
    fields: Mapping[str, str]
    problems: Callable[[bytes], list[str]]

    @property
    def default(self) -> Path:
        from app.reports.docx_document import template_path

        return template_path(self.file)


@cache
def _registry() -> dict[str, ProgramTemplate]:
    # Imported here: python-docx and docxtpl would slow every start of the window.
    from app.reports import docx_report, letters

    found = [ProgramTemplate(REPORT, REPORT_TEMPLATE, docx_report.TEMPLATE,
                             docx_report.PLACEHOLDERS, docx_report.template_problems)]
    found += [ProgramTemplate(letter_template(kind), DOCUMENT_KIND_LABELS[kind],
                              letters.template_name(kind), letters.placeholders(kind),
                              partial(letters.template_problems, kind))
              for kind in DocumentKind]
    return {template.name: template for template in found}


def letter_template(kind: DocumentKind) -> str:
    """The name a letter kind's template goes by (its file's stem: `giay-moi`)."""
    from app.reports import letters

    return Path(letters.template_name(kind)).stem


def program_template(name: str) -> ProgramTemplate:
    try:
        return _registry()[name]
    except KeyError:
        raise UserError(f"Chương trình không có mẫu văn bản «{name}».") from None


def label_of(name: str) -> str:
    """What the template drafts, as the log shows it (a name of a newer version as is)."""
    found = _registry().get(name)
    return found.label if found is not None else name


@dataclass(frozen=True)
class TemplateRecord:
    """A template as the administrator's list shows it."""

    name: str
    label: str
    fields: Mapping[str, str]
    replaced_at: datetime | None  # None: the default is used
    replaced_by: str | None
    sha256: str | None

    @property
    def office(self) -> bool:
        return self.replaced_at is not None

    @property
    def source_label(self) -> str:
        return OFFICE_TEMPLATE if self.office else DEFAULT_TEMPLATE


def list_templates(db: Database, actor: Actor) -> list[TemplateRecord]:
    """Every template the program fills, in the registry's order, the office's or not."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.read() as session:
        stored = {row.name: row for row in session.execute(select(DocumentTemplate)).scalars()}
        return [_record(template, stored.get(template.name))
                for template in _registry().values()]


def _record(template: ProgramTemplate, row: DocumentTemplate | None) -> TemplateRecord:
    if row is None:
        return TemplateRecord(template.name, template.label, template.fields, None, None,
                              None)
    return TemplateRecord(template.name, template.label, template.fields, row.replaced_at,
                          row.replaced_by, row.sha256)


def current_template(db: Database, name: str) -> Path | bytes:
    """The office's template if it has put one back, else the shipped default."""
    template = program_template(name)
    return _stored(db, name) or template.default


def _stored(db: Database, name: str) -> bytes | None:
    with db.read() as session:
        return session.execute(select(DocumentTemplate.content)
                               .where(DocumentTemplate.name == name)).scalar()


def drafted_with(db: Database, name: str, write: Callable[[Path | bytes], None]) -> str | None:
    """Call `write` with the office's template; if that raises, call it again with the
    shipped default and return a Vietnamese warning saying so (None when all went well).
    A cancel or a refusal (the target not writable) is no fault of the template: raised."""
    template = program_template(name)
    stored = _stored(db, name)
    if stored is None:
        write(template.default)
        return None
    try:
        write(stored)
    except (Cancelled, UserError):
        raise
    except Exception as exc:  # what a template edited in Word makes python-docx or jinja2 raise
        # The type only: a message could quote what the document was being filled with.
        log.warning("template %s failed while drafting (%s); drafted with the default", name,
                    type(exc).__name__)
    else:
        return None
    write(template.default)
    return (f"Mẫu «{template.label}» của đơn vị bị lỗi khi điền số liệu nên văn bản đã được "
            "soạn bằng mẫu mặc định. Quản trị hãy xuất mẫu, sửa lại rồi thay mẫu, hoặc chọn "
            "«Dùng mẫu mặc định» (Quản trị → Mẫu văn bản).")


def export_template(db: Database, actor: Actor, name: str, target: Path, *,
                    default: bool = False) -> None:
    """Write the template in use (`default`: the shipped one) to `target`, to edit in Word."""
    actor.require(Permission.MANAGE_SETTINGS)
    template = program_template(name)
    stored = None if default else _stored(db, name)
    content = stored if stored is not None else template.default.read_bytes()
    from app.reports.files import written_atomically

    with written_atomically(target) as temporary:
        temporary.write_bytes(content)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT, entity="document_template",
                     detail={"kind": "document_template", "template": name,
                             "default": stored is None, "file": target.name})


def replace_template(db: Database, actor: Actor, name: str, source: Path) -> TemplateRecord:
    """Put back a template edited in Word: checked by drafting a sample with it, stored
    only when that works. Refused (UserError) naming what is wrong; nothing stored."""
    actor.require(Permission.MANAGE_SETTINGS)
    template = program_template(name)
    content = _read(source)
    if problems := template.problems(content):
        raise UserError(f"Chưa thay mẫu «{template.label}»: " + " ".join(problems)
                        + " Mẫu đang dùng giữ nguyên.")
    sha256 = hashlib.sha256(content).hexdigest()
    with db.write() as session:
        row = session.execute(select(DocumentTemplate)
                              .where(DocumentTemplate.name == name)).scalar()
        if row is None:
            row = DocumentTemplate(name=name, content=content, sha256=sha256,
                                   replaced_by=actor.username)
            session.add(row)
        else:
            row.content, row.sha256, row.replaced_by = content, sha256, actor.username
            row.replaced_at = utcnow()
        session.flush()
        audit.record(session, actor.username, AuditAction.TEMPLATE_REPLACE,
                     entity="document_template", entity_uuid=row.uuid,
                     detail={"template": name, "sha256": sha256, "size": len(content)})
        return _record(template, row)


def _read(source: Path) -> bytes:
    if source.suffix.lower() != SUFFIX:
        raise UserError(f"Tệp «{source.name}» không phải văn bản Word .docx: hãy lưu mẫu "
                        "trong Word dưới dạng «Word Document (*.docx)» rồi thay lại.")
    try:
        size = source.stat().st_size
        if size > MAX_TEMPLATE_BYTES:
            raise UserError(f"Tệp «{source.name}» lớn quá ({format_number(size)} byte) để là "
                            "một mẫu văn bản; mẫu thường chỉ vài chục kilobyte.")
        return source.read_bytes()
    except OSError as exc:
        raise UserError(f"Không đọc được tệp {source}: {exc.strerror}.") from exc


def restore_default(db: Database, actor: Actor, name: str) -> None:
    """Draft with the shipped default again: the office's template is removed."""
    actor.require(Permission.MANAGE_SETTINGS)
    template = program_template(name)
    with db.write() as session:
        row = session.execute(select(DocumentTemplate)
                              .where(DocumentTemplate.name == name)).scalar()
        if row is None:
            raise UserError(f"Mẫu «{template.label}» đang là mẫu mặc định.")
        audit.record(session, actor.username, AuditAction.TEMPLATE_RESTORE,
                     entity="document_template", entity_uuid=row.uuid,
                     detail={"template": name, "sha256": row.sha256})
        session.delete(row)
