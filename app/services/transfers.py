"""Case transfers between offices (shared/spec/exchange.md "Case transfer package"): the
chosen cases sent whole to another unit in a signed package only it opens, and a received
package's cases added or updated. The file's layout is `services/transfer_package.py`.

Who: the package is signed, and a received one opened, with the office's own keys, which
only an administrator's session holds (`unit_keys.own_seed`); on top, sending needs
`EXPORT_FULL` (whole cases leave the office, as in the full export) and receiving `IMPORT`
(cases enter the register). Children's particulars travel only with a legal basis for the
transfer typed by someone who may unmask them (`UNMASK_CHILDREN`, as in drafting); without
one, each case holding a child goes masked as a role without `VIEW_CHILDREN` sees it
(`protection.masked_detail`): protected people by initials, age and sex, every text
masked, and its evidence files left out (they often show the child).

Receiving: every check is made before anything is written: the form, the addressee (this
unit and its current key), the sender (a registered unit, its current key), the signature
over the whole file, then, decrypting, every evidence file's SHA-256 and size (each written
encrypted to the evidence folder's staging as it is checked, removed unless stored). Then,
in one transaction, a case not in the register (by UUID) is added with its unit and code;
one already there is replaced by the incoming version when that is newer, by the sending
office's `updated_at` of the case (the time of its last saved change, kept as it came:
whichever office last changed the case holds the newer version; the offices' clocks are
trusted), else kept as it is. The same version also replaces one that arrived with its
children masked when it now brings them (a basis recorded since). No case is ever doubled;
a package received before (by its SHA-256) changes nothing.

The transfer is kept on each side in `case_transfers` (the case, out or in, the other unit,
the package's SHA-256, when, who; the sender's audit excerpt of the case on receipt) and
audited once per case. No handling event is written for it: the event codes of
vocabulary.md are a fixed contract counted by the reports, and have no transfer.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, select
from sqlalchemy import inspect as inspect_model
from sqlalchemy.orm import Session, selectinload

from app import __version__
from app.db import Database
from app.db.storage import serialise
from app.domain import legal
from app.domain.labels import TRANSFER_OUTCOME_LABELS, TransferDirection, TransferOutcome
from app.domain.protection import Masker, people_in
from app.domain.units import case_ref
from app.domain.vocabulary import VocabList
from app.errors import UserError
from app.models import (
    AuditEntry,
    Case,
    CaseSecondaryGroup,
    CaseTransfer,
    Child,
    DefamedParty,
    Event,
    Evidence,
    LegalInstrument,
    LegalProvision,
    RegisteredUnit,
)
from app.models.base import Base, UtcDateTime, utcnow
from app.security import unit_keys as unit_key_pairs
from app.security.unit_keys import PublicKeys
from app.services import (
    audit,
    evidence_store,
    protection,
    settings,
    transfer_package,
    unit_keys,
    units,
    vocabulary,
)
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.case_rows import case_columns, child_columns, defamed_columns
from app.services.cases import load_case
from app.services.records import case_detail
from app.text import clean

BASIS_LIMIT = 500
MANIFEST_VERSION = 1
SUFFIX = transfer_package.SUFFIX
# Columns the receiving register gives itself: its own ids and links, the row version, a
# deletion (only live cases are sent), and the dates its database keeps from the events it
# holds (migration 0028), which may be more than the package's.
_OWN = frozenset({"id", "case_id", "event_id", "version", "deleted_at", "deleted_by",
                  "deleted_reason", "last_event_on", "removal_asked_on"})
# An event's texts a child's name could be typed in: masked like `masked_detail`'s.
_EVENT_TEXTS = ("document_number", "note", "signer", "remedies", "void_reason", "addressee",
                "receipt_number", "enforcement_note")


@dataclass(frozen=True)
class Sent:
    target: Path
    sha256: str
    to_unit: str
    codes: tuple[str, ...]
    evidence_files: int
    masked: tuple[str, ...]  # codes of the cases whose children went masked


@dataclass(frozen=True)
class ReceivedCase:
    unit_code: str
    code: str
    outcome: TransferOutcome
    uncited: tuple[str, ...] = ()  # the sender's legal bases this register's catalog lacks

    @property
    def words(self) -> str:
        """What became of the case, in one line (the command and the window say it)."""
        said = f"{self.unit_code}/{self.code}: {TRANSFER_OUTCOME_LABELS[self.outcome]}"
        if self.uncited:
            said += ("; căn cứ pháp lý chưa có trong danh mục của đơn vị nên chưa gắn vào "
                     f"biện pháp: {'; '.join(self.uncited)} (thêm vào Quản trị → Căn cứ pháp "
                     "lý rồi chọn lại ở biện pháp)")
        return said


@dataclass(frozen=True)
class Received:
    source: Path
    sha256: str
    from_unit: str
    cases: tuple[ReceivedCase, ...]
    evidence_files: int
    again: bool  # received before: nothing changed


# Columns as JSON ----------------------------------------------------------------------

def _dumped(row: Base) -> dict[str, Any]:
    """A row's columns (its UUID among them) but the receiver's own, as JSON values."""
    return _as_json({a.key: getattr(row, a.key) for a in inspect_model(type(row)).column_attrs
                     if a.key not in _OWN})


def _as_json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _loaded(model: type[Base], values: dict[str, Any]) -> dict[str, Any]:
    """`_dumped`'s values back as the model's columns (dates and times parsed); keys this
    version does not know are refused by the caller's check of the manifest's version."""
    columns = {a.key: a.columns[0] for a in inspect_model(model).column_attrs}
    result: dict[str, Any] = {}
    for key, value in values.items():
        if key in _OWN or key not in columns:
            raise ValueError(key)
        kind = columns[key].type
        if value is not None and isinstance(kind, UtcDateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = date.fromisoformat(value)
        result[key] = value
    return result


# Sending --------------------------------------------------------------------------------

def transfer_out(db: Database, actor: Actor, refs: Sequence[str], to_unit: str, target: Path,
                 *, children_basis: str | None = None) -> Sent:
    """The cases `refs` names (as typed: `CODE` or `UNIT/CODE`) written to `target` for the
    registered unit `to_unit`. With `children_basis` (the legal basis of handing the
    children's particulars over), children travel in full; without, masked."""
    actor.require(Permission.EXPORT_FULL)
    basis = clean(children_basis)
    if children_basis is not None:
        actor.require(Permission.UNMASK_CHILDREN)
        if basis is None:
            raise UserError("Hãy ghi căn cứ pháp lý để chuyển thông tin trẻ em (ví dụ: Công "
                            "an xã đề nghị theo Điều 62 Luật Xử lý vi phạm hành chính).")
        if len(basis) > BASIS_LIMIT:
            raise UserError(f"Căn cứ chuyển thông tin trẻ em dài quá {BASIS_LIMIT} ký tự.")
    if not refs:
        raise UserError("Hãy ghi mã vụ việc cần chuyển.")
    with db.read() as session:
        office = settings.read_office(session)
        if not office.unit_code:
            raise UserError("Đơn vị chưa có mã đơn vị hành chính: hãy ghi mã và tên đơn vị "
                            "(Quản trị → Thông tin đơn vị) trước khi chuyển vụ việc.")
        seed = unit_keys.own_seed(session, db)
        own = unit_key_pairs.public_keys(seed)
        receiver = _current_unit(session, to_unit)
        if receiver is None:
            raise UserError(f"Đơn vị {to_unit} chưa được đăng ký: hãy nhận tệp khóa công khai "
                            "của đơn vị và đăng ký (trust-unit) trước khi chuyển vụ việc.")
        found = units.case_ids_of_refs(session, refs, office.unit_code)
        missing = [ref for ref in dict.fromkeys(r.strip() for r in refs) if ref not in found]
        if missing:
            raise UserError(f"Không có vụ việc mã {', '.join(missing)} trong sổ.")
        vocab = vocabulary.load_from(session)
        cases: list[dict[str, Any]] = []
        files: dict[str, transfer_package.FileContent] = {}
        masked: list[str] = []
        for case_id in dict.fromkeys(found.values()):
            case = load_case(session, case_id)
            if case.deleted_at is not None:
                raise UserError(f"Vụ việc {case.code} đã bị xóa: không chuyển được.")
            platform = vocab.label(VocabList.PLATFORM, case.platform_code)
            item = _case_item(session, case, office.unit_code, platform, full=basis is not None)
            if not item["children_included"] and item["protected"]:
                masked.append(case.code)
            for evidence in item["evidence"]:
                sha = evidence["sha256"]
                files.setdefault(sha, transfer_package.FileContent(
                    sha, int(evidence["size"]), _reader(db, sha)))
            cases.append(item)
    manifest = {"format": transfer_package.FORMAT, "version": MANIFEST_VERSION,
                "from_unit": {"code": office.unit_code, "name": office.unit_title},
                "to_unit": {"code": receiver.unit_code, "name": receiver.unit_name},
                "cases": cases, "files": [{"sha256": f.sha256, "size": f.size}
                                          for f in files.values()]}
    header = {"format": transfer_package.FORMAT, "version": transfer_package.VERSION,
              "from_unit": manifest["from_unit"], "to_unit": manifest["to_unit"],
              "from_fingerprint": own.fingerprint, "to_fingerprint": receiver.fingerprint,
              "created_at": utcnow().isoformat(), "program_version": __version__,
              "cases": len(cases), "files": len(files)}
    receiving_key = base64.b64decode(receiver.receiving_key)
    sha256 = transfer_package.write(target, header, manifest, list(files.values()),
                                    receiving_key=receiving_key,
                                    sign=lambda message: unit_key_pairs.sign(seed, message))
    try:
        with db.write() as session:
            for item in cases:
                case_id = session.execute(select(Case.id).where(
                    Case.uuid == item["uuid"])).scalar_one()
                _record_transfer(session, case_id, TransferDirection.OUT, receiver.unit_code,
                                 receiver.unit_name, sha256, TransferOutcome.SENT,
                                 item["children_included"], None, actor)
                detail: dict[str, Any] = {"code": item["code"], "unit": item["unit_code"],
                                          "to_unit": receiver.unit_code, "sha256": sha256,
                                          "children_unmasked": item["children_included"]}
                if basis is not None and item["protected"]:
                    detail["children_basis"] = basis
                audit.record(session, actor.username, AuditAction.CASE_TRANSFER_OUT,
                             entity="case", entity_uuid=item["uuid"], detail=detail)
    except BaseException:
        target.unlink(missing_ok=True)  # not recorded as sent: not left to be sent
        raise
    return Sent(target, sha256, receiver.unit_code, tuple(c["code"] for c in cases),
                len(files), tuple(masked))


def _reader(db: Database, sha256: str) -> Callable[[], Any]:
    def read() -> Any:
        assert db.data_key is not None
        return evidence_store.plain_content(db.paths, sha256, db.data_key)
    return read


def _current_unit(session: Session, code: str) -> RegisteredUnit | None:
    return session.execute(select(RegisteredUnit).where(
        RegisteredUnit.unit_code == code.strip(),
        RegisteredUnit.replaced_at.is_(None))).scalar_one_or_none()


def _case_item(session: Session, case: Case, own_unit: str, platform: str, *,
               full: bool) -> dict[str, Any]:
    detail = case_detail(case)
    masked = protection.masked_detail(detail, platform)
    protected = masked is not detail
    columns = _dumped(case)
    children = [_dumped(c) for c in case.children]
    defamed = [_dumped(p) for p in case.defamed_parties]
    events = [_dumped(e) for e in case.events]
    evidence = [{**_dumped(e), "event_uuid": e.event.uuid if e.event else None}
                for e in case.evidence]
    if protected and not full:
        columns.update(_as_json(case_columns(masked.data, case.code)))
        children = [{**_dumped(c), **_as_json(child_columns(m))}
                    for c, m in zip(case.children, masked.data.children, strict=True)]
        defamed = [{**_dumped(p), **_as_json(defamed_columns(m))}
                   for p, m in zip(case.defamed_parties, masked.data.defamed, strict=True)]
        mask = Masker({case.id: people_in(detail.data).all}).case(case.id)
        for event in events:
            event.update({k: mask.text(event[k]) if event[k] else event[k]
                          for k in _EVENT_TEXTS})
        evidence = []
    for event, row in zip(events, case.events, strict=True):
        event["legal_bases"] = [_citation(p) for p in row.legal_bases]
    return {"uuid": case.uuid, "unit_code": case.unit_code or own_unit, "code": case.code,
            "columns": columns, "secondary_groups": [g.group_code for g in
                                                     case.secondary_groups],
            "children": children, "defamed": defamed, "events": events,
            "evidence": evidence, "protected": protected,
            "children_included": protected and full,
            "evidence_withheld": len(case.evidence) - len(evidence),
            "audit": _audit_excerpt(session, case)}


def _citation(provision: LegalProvision) -> dict[str, Any]:
    return {"instrument": provision.instrument.citation, "article": provision.article,
            "clause": provision.clause, "point": provision.point}


def _audit_excerpt(session: Session, case: Case) -> list[dict[str, Any]]:
    """Who recorded the case, who changed what and when: the log's rows of the case, its
    events and its evidence (they keep no free text)."""
    uuids = [case.uuid, *(e.uuid for e in case.events), *(e.uuid for e in case.evidence)]
    rows = session.execute(select(AuditEntry).where(AuditEntry.entity_uuid.in_(uuids))
                           .order_by(AuditEntry.id)).scalars()
    return [{"at": row.at.isoformat(), "username": row.username, "action": row.action,
             "entity": row.entity, "detail": json.loads(row.detail)} for row in rows]


def case_refs(db: Database, actor: Actor, case_ids: Sequence[int]) -> list[str]:
    """The cases `case_ids` as their codes are typed (`UNIT/CODE` for another unit's), in
    that order: what «Chuyển vụ việc…» fills in from the list's selection."""
    actor.require(Permission.VIEW)
    if not case_ids:
        return []
    with db.read() as session:
        own = settings.read_office(session).unit_code
        found = {case_id: (unit, code) for case_id, unit, code in session.execute(
            select(Case.id, Case.unit_code, Case.code).where(Case.id.in_(case_ids)))}
    return [case_ref(*found[i], own) for i in case_ids if i in found]


# Receiving ------------------------------------------------------------------------------

def transfer_in(db: Database, actor: Actor, source: Path) -> Received:
    """Add or update the cases of the package `source`, after checking all of it; refused
    whole (a Vietnamese message naming the file and why) with nothing written."""
    actor.require(Permission.IMPORT)
    header = transfer_package.read_header(source)
    with db.read() as session:
        office = settings.read_office(session)
        seed = unit_keys.own_seed(session, db)
        own = unit_key_pairs.public_keys(seed)
        if header.to_code != office.unit_code or \
                header.fields["to_fingerprint"] != own.fingerprint:
            raise transfer_package.refused(
                source, f"được lập cho đơn vị {header.to_code} "
                        f"({header.fields['to_unit'].get('name', '')}), không phải đơn vị "
                        "này (hoặc cho khóa cũ của đơn vị): không mở được.")
        sender = _current_unit(session, header.from_code)
        if sender is None:
            raise transfer_package.refused(
                source, f"do đơn vị {header.from_code} gửi, đơn vị này chưa được đăng ký: "
                        "hãy đăng ký khóa công khai của đơn vị (trust-unit) rồi nhận lại.")
        if header.fields["from_fingerprint"] != sender.fingerprint:
            raise transfer_package.refused(
                source, f"được ký bằng khóa khác với khóa đã đăng ký của đơn vị "
                        f"{header.from_code}: không nhận. Hãy gọi điện cho đơn vị để xác nhận.")
        signing_key = PublicKeys.from_json({"signing_key": sender.signing_key,
                                            "receiving_key": sender.receiving_key}).signing
    sha256 = transfer_package.check_signature(source, header, signing_key)
    again = Received(source, sha256, header.from_code, (), 0, again=True)
    with db.read() as session:
        if _received_already(session, sha256):
            return again
    assert db.data_key is not None
    with ExitStack() as stack:
        payload = stack.enter_context(transfer_package.opened(source, header, seed))
        manifest = payload.manifest
        _check_manifest(source, header, manifest)
        staged: dict[str, evidence_store.StagedFile] = {}
        for sha, size, content in payload.contents:
            copy = stack.enter_context(evidence_store.staged_content(
                db.paths, content, data_key=db.data_key))
            if (copy.sha256, copy.size) != (sha, size):
                raise transfer_package.refused(
                    source, f"có tệp chứng cứ không khớp mã băm ghi trong gói ({sha[:12]}…): "
                            "không nhận. Hãy xin đơn vị gửi lại gói.")
            staged[sha] = copy
        for item in manifest["cases"]:
            if any(e["sha256"] not in staged for e in item["evidence"]):
                raise transfer_package.refused(source, "thiếu tệp chứng cứ ghi trong gói: "
                                                       "gói bị sửa hoặc hỏng.")
        try:
            with evidence_store.StoreChanges(db.paths) as files, db.write() as session:
                # One receiver at a time (on a server, another PC may be taking in this
                # package, or another holding the same case), then asked again.
                serialise(session.connection(), "case-transfer-in")
                if _received_already(session, sha256):
                    return again
                outcomes = [_receive_case(session, source, item, header, sha256, actor)
                            for item in manifest["cases"]]
                written = [item for item, received in zip(manifest["cases"], outcomes,
                                                              strict=True)
                           if received.outcome is not TransferOutcome.KEPT]
                for sha in {e["sha256"] for item in written for e in item["evidence"]}:
                    files.place(session, staged[sha])
        except (KeyError, TypeError, ValueError) as exc:
            raise transfer_package.refused(source, "có nội dung không đọc được: gói bị sửa "
                                                   "hoặc do phiên bản khác lập.") from exc
    return Received(source, sha256, header.from_code, tuple(outcomes), len(staged),
                    again=False)


def _received_already(session: Session, sha256: str) -> bool:
    return session.execute(select(CaseTransfer.id).where(
        CaseTransfer.package_sha256 == sha256,
        CaseTransfer.direction == TransferDirection.IN)).first() is not None


def _check_manifest(source: Path, header: transfer_package.Header,
                    manifest: dict[str, Any]) -> None:
    version = manifest.get("version")
    if not isinstance(version, int) or version > MANIFEST_VERSION:
        raise transfer_package.refused(source, "do một phiên bản mới hơn của chương trình "
                                               "lập: hãy cập nhật chương trình rồi nhận lại.")
    if (manifest.get("from_unit") != header.fields["from_unit"]
            or manifest.get("to_unit") != header.fields["to_unit"]
            or not isinstance(manifest.get("cases"), list)):
        raise transfer_package.refused(source, "có nội dung không khớp với phần đầu: gói bị "
                                               "sửa. Không nhận.")


def _receive_case(session: Session, source: Path, item: dict[str, Any],
                  header: transfer_package.Header, sha256: str, actor: Actor) -> ReceivedCase:
    incoming = _loaded(Case, item["columns"])
    unit_code, code = str(item["unit_code"]), str(item["code"])
    case = session.execute(select(Case).where(Case.uuid == item["uuid"]).options(
        selectinload(Case.children), selectinload(Case.defamed_parties),
        selectinload(Case.secondary_groups), selectinload(Case.events),
        selectinload(Case.evidence))).scalar_one_or_none()
    if case is None:
        holder = session.execute(select(Case.uuid).where(
            Case.unit_code == unit_code, Case.code == code)).scalar()
        if holder is not None:
            raise transfer_package.refused(
                source, f"chứa vụ việc {unit_code}/{code} mà sổ đã có một vụ việc khác cùng "
                        "mã của đơn vị đó: không nhận gói. Hãy liên hệ đơn vị gửi để đối chiếu.")
        case = Case(**incoming)
        session.add(case)
        outcome = TransferOutcome.ADDED
    elif incoming["updated_at"] > case.updated_at or (
            incoming["updated_at"] == case.updated_at and item["children_included"]
            and _held_masked(session, case.id)):
        for key, value in incoming.items():
            setattr(case, key, value)
        outcome = TransferOutcome.UPDATED
    else:
        outcome = TransferOutcome.KEPT
    uncited: list[str] = []
    if outcome is not TransferOutcome.KEPT:
        case.unit_code, case.code = unit_code, code
        case.deleted_at = case.deleted_by = case.deleted_reason = None
        uncited = _fill(session, case, item)
    session.flush()
    _record_transfer(session, case.id, TransferDirection.IN, header.from_code,
                     str(header.fields["from_unit"].get("name", "")), sha256, outcome,
                     bool(item["children_included"]), json.dumps(item["audit"],
                                                                 ensure_ascii=False), actor)
    audit.record(session, actor.username, AuditAction.CASE_TRANSFER_IN, entity="case",
                 entity_uuid=case.uuid, detail={
                     "code": code, "unit": unit_code, "from_unit": header.from_code,
                     "sha256": sha256, "updated": outcome is TransferOutcome.UPDATED,
                     "kept": outcome is TransferOutcome.KEPT})
    return ReceivedCase(unit_code, code, outcome, tuple(dict.fromkeys(uncited)))


def _held_masked(session: Session, case_id: int) -> bool:
    """Whether the register holds the case as it last arrived, with its children masked:
    the same version with them (a legal basis recorded since) replaces it."""
    last = session.execute(select(CaseTransfer.children_included).where(
        CaseTransfer.case_id == case_id, CaseTransfer.direction == TransferDirection.IN,
        CaseTransfer.outcome != TransferOutcome.KEPT).order_by(CaseTransfer.id.desc())).first()
    return last is not None and not last[0]


def _fill(session: Session, case: Case, item: dict[str, Any]) -> list[str]:
    """The case's people, groups, events and evidence as the package gives them. Rows are
    matched by UUID; events and evidence the register holds and the package does not stay
    (events are never deleted here). The citations this register's catalog lacks."""
    uncited: list[str] = []
    case.secondary_groups = [CaseSecondaryGroup(group_code=g)
                             for g in dict.fromkeys(item["secondary_groups"])]
    case.children = _synced(case.children, item["children"], Child)
    case.defamed_parties = _synced(case.defamed_parties, item["defamed"], DefamedParty)
    events = {e.uuid: e for e in case.events}
    for values in item["events"]:
        bases = values.pop("legal_bases")
        event = events.get(values["uuid"])
        if event is None:
            event = Event()
            case.events.append(event)
            events[values["uuid"]] = event
        for key, value in _loaded(Event, values).items():
            setattr(event, key, value)
        event.legal_bases, missing = _provisions(session, bases)
        uncited += missing
    held = {e.uuid for e in case.evidence}
    for values in item["evidence"]:
        if values["uuid"] in held:
            continue
        event_uuid = values.pop("event_uuid")
        row = Evidence(**_loaded(Evidence, values))
        row.event = events.get(event_uuid) if event_uuid else None
        case.evidence.append(row)
    return uncited


def _synced(current: list[Any], wanted: list[dict[str, Any]], model: type[Base]) -> list[Any]:
    by_uuid = {row.uuid: row for row in current}
    result = []
    for values in wanted:
        row = by_uuid.get(values["uuid"]) or model()
        for key, value in _loaded(model, values).items():
            setattr(row, key, value)
        result.append(row)
    return result


def _provisions(session: Session, citations: Iterable[dict[str, Any]]
                ) -> tuple[list[LegalProvision], list[str]]:
    """The register's provisions the sender cited (by instrument, article, clause, point),
    and the citations of those this register's catalog lacks (said, not linked)."""
    found: list[LegalProvision] = []
    missing: list[str] = []
    for cited in citations:
        provision = session.execute(select(LegalProvision).join(LegalInstrument).where(
            LegalInstrument.citation == cited["instrument"],
            LegalProvision.article.is_not_distinct_from(cited["article"]),
            LegalProvision.clause.is_not_distinct_from(cited["clause"]),
            LegalProvision.point.is_not_distinct_from(cited["point"]))).scalars().first()
        if provision is not None:
            found.append(provision)
        else:
            missing.append(legal.cite(cited["point"], cited["clause"], cited["article"],
                                      cited["instrument"]))
    return found, missing


def _record_transfer(session: Session, case_id: int, direction: TransferDirection,
                     unit_code: str, unit_name: str, sha256: str, outcome: TransferOutcome,
                     children: bool, excerpt: str | None, actor: Actor) -> None:
    session.add(CaseTransfer(case_id=case_id, direction=str(direction),
                             other_unit_code=unit_code, other_unit_name=unit_name,
                             package_sha256=sha256, outcome=str(outcome),
                             children_included=children, audit_excerpt=excerpt,
                             by=actor.username))
