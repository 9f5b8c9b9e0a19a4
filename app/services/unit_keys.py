"""This office's key pairs and the other offices' public keys (shared/spec/exchange.md).

The office's keys are made at `init`, or for an older folder at the first administrator's
sign-in, their private halves sealed to the administrators' key (`security/unit_keys.py`).
`write_unit_key` gives the public halves to another office in a small file; `trust_unit`
registers another office's, which an administrator compares by phone by its fingerprint.
A different key for a unit already registered replaces the old one only when asked to.

The key file (`.json`, UTF-8) holds: `format` ("sovipham-unit-key"), `version` (1),
`unit_code`, `unit_name`, `signing_key` and `receiving_key` (the public halves, base64),
`fingerprint` (as read out by phone) and `signature`: the unit's signature (Ed25519, base64)
over the JSON of every other field, keys sorted, without spaces.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain.labels import Role
from app.domain.units import Unit, unit_code_problem
from app.errors import NotAllowed, UserError
from app.models import RegisteredUnit
from app.models.base import utcnow
from app.security import unit_keys
from app.security.sealing import SealedFileKey, backup_public_key
from app.security.unit_keys import PublicKeys
from app.services import audit, settings
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction

KEY_FILE_FORMAT = "sovipham-unit-key"
KEY_FILE_VERSION = 1
KEY_FILE_SUFFIX = ".json"
_OWN_KEYS = "unit_keys"  # the settings row: the public halves and the sealed seed
_MAX_FILE_BYTES = 64 * 1024
_FIELDS = {"format", "version", "unit_code", "unit_name", "signing_key", "receiving_key",
           "fingerprint", "signature"}


@dataclass(frozen=True)
class UnitKey:
    """A unit's public keys as its key file gives them."""

    unit: Unit
    keys: PublicKeys

    @property
    def fingerprint(self) -> str:
        return self.keys.fingerprint


@dataclass(frozen=True)
class RegisteredUnitRecord:
    code: str
    name: str
    keys: PublicKeys
    registered_at: datetime
    registered_by: str
    replaced_at: datetime | None
    replaced_by: str | None

    @property
    def fingerprint(self) -> str:
        return self.keys.fingerprint


@dataclass(frozen=True)
class Trusted:
    """What `trust_unit` did: registered the unit, found it registered with the same keys
    (nothing changed), or replaced its keys."""

    record: RegisteredUnitRecord
    outcome: str  # "new", "same" or "replaced"
    replaced: str | None = None  # the fingerprint replaced


# Keeping this office's keys --------------------------------------------------------------

def make_own_keys(session: Session, admin_key: bytes) -> bool:
    """This office's key pairs, when it has none yet (sealed to P of `admin_key`); whether
    they were made now."""
    if settings.read_value(session, _OWN_KEYS) is not None:
        return False
    seed = unit_keys.new_seed()
    _store_own(session, unit_keys.public_keys(seed),
               unit_keys.seal_seed(backup_public_key(admin_key), seed))
    return True


def reseal_own_keys(session: Session, old_admin_key: bytes, new_admin_key: bytes) -> None:
    """The private halves sealed to the new administrators' key when the keys are replaced
    (`services/rotation.py`): the office keeps its key pairs, which other offices know."""
    stored = settings.read_value(session, _OWN_KEYS)
    if stored is None:
        make_own_keys(session, new_admin_key)
        return
    seed = unit_keys.open_seed(old_admin_key, SealedFileKey.from_json(stored["sealed"]))
    if seed is None:
        raise UserError("Không mở được khóa riêng của đơn vị bằng khóa quản trị cũ.")
    _store_own(session, PublicKeys.from_json(stored["public"]),
               unit_keys.seal_seed(backup_public_key(new_admin_key), seed))


def _store_own(session: Session, keys: PublicKeys, sealed: SealedFileKey) -> None:
    settings.write_value(session, _OWN_KEYS, {"public": keys.to_json(),
                                              "sealed": sealed.to_json()})


def own_seed(session: Session, db: Database) -> bytes:
    """The seed of this office's key pairs: an administrator's session opens it (NotAllowed
    in any other)."""
    stored = settings.read_value(session, _OWN_KEYS)
    seed = (unit_keys.open_seed(db.admin_key, SealedFileKey.from_json(stored["sealed"]))
            if stored is not None and db.admin_key is not None else None)
    if seed is None:
        raise NotAllowed("Chỉ quản trị viên mở được khóa riêng của đơn vị.")
    return seed


def opens_own_keys(db: Database, actor: Actor) -> bool:
    """Whether `actor`'s session may sign and open in the office's name: an administrator's,
    which holds the key the office's seed is sealed to."""
    return actor.role is Role.ADMIN and db.admin_key is not None


def office_signature(db: Database, message: bytes) -> bytes:
    """`message` signed with this office's signing key, which only an administrator's
    session opens (NotAllowed in any other)."""
    with db.read() as session:
        seed = own_seed(session, db)
    return unit_keys.sign(seed, message)


def own_public_keys(db: Database) -> PublicKeys | None:
    """This office's public keys (None until an administrator has signed in since)."""
    with db.read() as session:
        stored = settings.read_value(session, _OWN_KEYS)
    return PublicKeys.from_json(stored["public"]) if stored is not None else None


# The key file ---------------------------------------------------------------------------

def _signed_part(content: dict[str, Any]) -> bytes:
    return json.dumps({k: v for k, v in content.items() if k != "signature"},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def write_unit_key(db: Database, actor: Actor, target: Path) -> UnitKey:
    """This office's public keys, with its unit's code and name, into `target` (signed
    with its own key, which only an administrator's session opens)."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.read() as session:
        office = settings.read_office(session)
        if not office.unit_code:
            raise UserError("Đơn vị chưa có mã đơn vị hành chính: hãy ghi mã và tên đơn vị "
                            "(Quản trị → Thông tin đơn vị) trước khi xuất khóa công khai.")
        seed = own_seed(session, db)
    key = UnitKey(office.unit, unit_keys.public_keys(seed))
    content: dict[str, Any] = {"format": KEY_FILE_FORMAT, "version": KEY_FILE_VERSION,
                               "unit_code": key.unit.code, "unit_name": key.unit.name,
                               **key.keys.to_json(), "fingerprint": key.fingerprint}
    content["signature"] = base64.b64encode(
        unit_keys.sign(seed, _signed_part(content))).decode()
    partial = target.with_name(f".{target.name}.tmp")
    try:
        partial.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n",
                           encoding="utf-8")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return key


def read_unit_key(path: Path) -> UnitKey:
    """Another office's key file, checked whole: refused with a Vietnamese message naming
    the file and why (not one, of a newer version, altered)."""
    def refused(why: str) -> UserError:
        return UserError(f"Tệp «{path.name}» {why}")

    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise refused("không phải tệp khóa công khai của đơn vị (quá lớn).")
        content = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise refused("không đọc được.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refused("không phải tệp khóa công khai của đơn vị.") from exc
    if not isinstance(content, dict) or content.get("format") != KEY_FILE_FORMAT:
        raise refused("không phải tệp khóa công khai của đơn vị.")
    version = content.get("version")
    if not isinstance(version, int) or version > KEY_FILE_VERSION or set(content) - _FIELDS:
        raise refused("do một phiên bản mới hơn của chương trình tạo: hãy cập nhật chương "
                      "trình rồi đăng ký lại.")
    if set(content) != _FIELDS:
        raise refused("thiếu thông tin: tệp bị cắt hoặc bị sửa. Hãy xin đơn vị gửi lại tệp.")
    code, name = content["unit_code"], content["unit_name"]
    if not isinstance(code, str) or not isinstance(name, str) or not name.strip():
        raise refused("thiếu mã hoặc tên đơn vị. Hãy xin đơn vị gửi lại tệp.")
    if (problem := unit_code_problem(code)) is not None:
        raise refused(f"ghi mã đơn vị sai. {problem}")
    try:
        keys = PublicKeys.from_json(content)
        signature = base64.b64decode(str(content["signature"]), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise refused("có khóa không đọc được: tệp bị sửa hoặc hỏng. Hãy xin đơn vị gửi "
                      "lại tệp.") from exc
    if content["fingerprint"] != keys.fingerprint or not unit_keys.signature_matches(
            keys.signing, _signed_part(content), signature):
        raise refused("đã bị sửa đổi hoặc hỏng: chữ ký không khớp với nội dung. Hãy xin "
                      "đơn vị gửi lại tệp.")
    return UnitKey(Unit(code, name.strip()), keys)


# Registered units -----------------------------------------------------------------------

def _record(row: RegisteredUnit) -> RegisteredUnitRecord:
    return RegisteredUnitRecord(
        row.unit_code, row.unit_name,
        PublicKeys.from_json({"signing_key": row.signing_key,
                              "receiving_key": row.receiving_key}),
        row.registered_at, row.registered_by, row.replaced_at, row.replaced_by)


def registered_units(db: Database, actor: Actor) -> list[RegisteredUnitRecord]:
    """Every registered unit's keys in code order, the current before those replaced."""
    actor.require(Permission.VIEW)
    with db.read() as session:
        rows = session.execute(select(RegisteredUnit).order_by(
            RegisteredUnit.unit_code, RegisteredUnit.replaced_at.is_not(None),
            RegisteredUnit.id.desc())).scalars()
        return [_record(row) for row in rows]


def trust_unit(db: Database, actor: Actor, path: Path, *, replace: bool = False,
               expected_fingerprint: str | None = None) -> Trusted:
    """Register the unit of the key file `path`. The same keys again change nothing; other
    keys for a unit already registered are refused unless `replace` (audited). The window
    passes the fingerprint it showed: a file changed since is refused."""
    actor.require(Permission.MANAGE_SETTINGS)
    key = read_unit_key(path)
    if expected_fingerprint is not None and key.fingerprint != expected_fingerprint:
        raise UserError(f"Tệp «{path.name}» đã đổi từ lúc xem: hãy mở lại và so dấu vân tay.")
    with db.write() as session:
        if key.unit.code == settings.read_office(session).unit_code:
            raise UserError(f"Tệp «{path.name}» là khóa của chính đơn vị mình "
                            f"({key.unit.code}): chỉ đăng ký khóa của đơn vị khác.")
        current = session.execute(select(RegisteredUnit).where(
            RegisteredUnit.unit_code == key.unit.code, RegisteredUnit.replaced_at.is_(None),
        ).with_for_update()).scalar_one_or_none()
        if current is not None and current.fingerprint == key.fingerprint:
            return Trusted(_record(current), "same")
        if current is not None and not replace:
            raise UserError(
                f"Đơn vị {key.unit.code} ({current.unit_name}) đã đăng ký với khóa khác "
                f"(dấu vân tay {current.fingerprint}); khóa trong tệp «{path.name}» có dấu vân "
                f"tay {key.fingerprint}. Không thay khóa: hãy gọi điện cho đơn vị để xác nhận; "
                "nếu đúng là đơn vị đã đổi khóa, quản trị viên đăng ký lại với tùy chọn thay "
                "khóa (--replace).")
        now = utcnow()
        if current is not None:
            current.replaced_at, current.replaced_by = now, actor.username
            session.flush()  # the current row is the new one from here
        row = RegisteredUnit(unit_code=key.unit.code, unit_name=key.unit.name,
                             signing_key=key.keys.to_json()["signing_key"],
                             receiving_key=key.keys.to_json()["receiving_key"],
                             fingerprint=key.fingerprint, registered_at=now,
                             registered_by=actor.username)
        session.add(row)
        session.flush()
        audit.record(session, actor.username, AuditAction.SETTINGS_CHANGE,
                     entity="registered_unit", entity_uuid=row.uuid, detail={
                         "registered_unit": key.unit.code,
                         "unit_key_fingerprint": [current.fingerprint if current else "",
                                                  key.fingerprint]})
        return Trusted(_record(row), "new" if current is None else "replaced",
                       current.fingerprint if current is not None else None)
