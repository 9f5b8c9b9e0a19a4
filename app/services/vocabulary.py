"""The editable code lists: labels for display, and lookup of a code or label typed by a user."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain.vocabulary import (
    BUILTIN,
    CLOSED_LISTS,
    LIST_TITLES,
    Entry,
    VocabList,
    Vocabulary,
)
from app.errors import UserError
from app.models import VocabularyItem
from app.services import audit
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.text import clean


def seed(session: Session) -> None:
    """Add any built-in entry missing from the database (keeps edited labels)."""
    existing = {
        (row.list_name, row.code)
        for row in session.execute(select(VocabularyItem)).scalars()
    }
    for name, entries in BUILTIN.items():
        for order, (code, label) in enumerate(entries):
            if (str(name), code) not in existing:
                session.add(VocabularyItem(list_name=str(name), code=code, label=label,
                                           sort_order=order, builtin=True))


def load_from(session: Session) -> Vocabulary:
    rows = session.execute(
        select(VocabularyItem).order_by(VocabularyItem.list_name, VocabularyItem.sort_order)
    ).scalars()
    lists: dict[VocabList, list[Entry]] = {name: [] for name in VocabList}
    for row in rows:
        lists[VocabList(row.list_name)].append(Entry(row.code, row.label, row.builtin, row.active))
    return Vocabulary({name: tuple(entries) for name, entries in lists.items()})


def load(db: Database) -> Vocabulary:
    with db.read() as session:
        return load_from(session)


def set_label(db: Database, actor: Actor, name: VocabList, code: str, label: str) -> None:
    actor.require(Permission.MANAGE_SETTINGS)
    text = clean(label)
    if not text or len(text) > 300:
        raise UserError("Tên hiển thị không được để trống và không quá 300 ký tự.", field="label")
    with db.write() as session:
        item = session.execute(
            select(VocabularyItem).where(VocabularyItem.list_name == str(name),
                                         VocabularyItem.code == code)
        ).scalar_one_or_none()
        if item is None:
            raise UserError(f"Không có mã «{code}» trong danh mục {LIST_TITLES[name]}.")
        audit.record(session, actor.username, AuditAction.VOCABULARY_CHANGE,
                     detail={"list": str(name), "code": code, "label": [item.label, text]})
        item.label = text


def add_entry(db: Database, actor: Actor, name: VocabList, code: str, label: str) -> None:
    """An office's own entry; the groups and handling events are fixed by the report forms."""
    actor.require(Permission.MANAGE_SETTINGS)
    if name in CLOSED_LISTS:
        raise UserError(
            f"Danh mục {LIST_TITLES[name]} do biểu mẫu báo cáo quy định, không thêm được."
        )
    new_code = (clean(code) or "").upper()
    text = clean(label)
    if not new_code or len(new_code) > 10 or not text:
        raise UserError("Cần mã (tối đa 10 ký tự) và tên hiển thị.", field="code")
    with db.write() as session:
        current = load_from(session)
        if current.resolve(name, new_code) or current.resolve(name, text):
            raise UserError(f"Mã hoặc tên «{text}» đã có trong danh mục {LIST_TITLES[name]}.")
        order = session.execute(
            select(func.coalesce(func.max(VocabularyItem.sort_order), 0))
            .where(VocabularyItem.list_name == str(name))
        ).scalar_one()
        session.add(VocabularyItem(list_name=str(name), code=new_code, label=text,
                                   sort_order=order + 1, builtin=False))
        audit.record(session, actor.username, AuditAction.VOCABULARY_CHANGE,
                     detail={"list": str(name), "code": new_code, "added": text})
