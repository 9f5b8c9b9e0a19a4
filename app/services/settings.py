"""Office settings, read and saved: everything about a particular unit, place or signer.

What they hold is `app.domain.office.OfficeSettings`; the reports lay them out.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlalchemy.orm import Session

from app.db import Database
from app.domain.office import OfficeSettings
from app.models import Setting
from app.services import audit, units
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction

OFFICE_KEY = "office"


def read_office(session: Session) -> OfficeSettings:
    row = session.get(Setting, OFFICE_KEY)
    return OfficeSettings.from_json(json.loads(row.value)) if row else OfficeSettings()


def load_office(db: Database) -> OfficeSettings:
    with db.read() as session:
        return read_office(session)


def write_office(session: Session, settings: OfficeSettings) -> None:
    settings.validate()
    text = json.dumps(dataclasses.asdict(settings), ensure_ascii=False)
    row = session.get(Setting, OFFICE_KEY)
    if row is None:
        session.add(Setting(key=OFFICE_KEY, value=text))
    else:
        row.value = text


def save_office(db: Database, actor: Actor, settings: OfficeSettings) -> None:
    actor.require(Permission.MANAGE_SETTINGS)
    with db.write() as session:
        office = read_office(session)
        before = dataclasses.asdict(office)
        write_office(session, settings)
        units.follow_own_code(session, office.unit_code, settings.unit_code)
        after = dataclasses.asdict(settings)
        changed = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
        audit.record(session, actor.username, AuditAction.SETTINGS_CHANGE, detail=changed)



def read_value(session: Session, key: str) -> Any:
    """A value the program keeps for itself (not an office setting), or None."""
    row = session.get(Setting, key)
    return json.loads(row.value) if row else None


def write_value(session: Session, key: str, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
