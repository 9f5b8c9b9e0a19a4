"""The append-only audit log, written in the same transaction as the change.

Each row carries the SHA-256 of the row before it and of its own fields, so that a row
edited, deleted or inserted with an ordinary tool breaks the chain. Anyone who can open the
database could recompute those hashes, so each row also has a sequence number (contiguous
from 1) and a MAC over that number and its hash, keyed from the administrators' key A:

- the chain's first key is derived from A (`_first_key`); row n is MACed with key n, after
  which key n+1 = HMAC(key n, "next") replaces it in `audit_chain` (one row, updated in the
  same transaction, with secure_delete on). Every session can append (it reads the current
  key), none can go back to an earlier key: a session without A cannot recompute the MAC
  of any row already written, nor delete the newest rows without leaving a state whose key
  is not the one an administrator derives from A.
- when A is replaced (`rekey_chain`), the next row starts an epoch keyed from the new A;
  the first keys of the earlier epochs are kept sealed under it.
- `verify_chain` with A recomputes every MAC and the current key; without A it checks the
  hashes, the sequence numbers and the state against the newest rows. Anchors (the newest
  row's sequence number and MAC, `anchor`) are written into each backup's header and each
  frozen report, and `check` compares the log with them.
- Rows written before A existed (older versions' folders) keep their SHA-256 chain: the
  chain starts when A is made (`start_chain`), after them, so their hash chain's head is
  under the first MAC.

The log outlives a purge and is exported: it keeps no free text and no particular of a
person, only keys, codes, dates, numbers and counts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.domain.fields import Field
from app.models import AuditChain, AuditEntry
from app.models.base import utcnow
from app.security.cipher import DecryptionError, seal, unseal

GENESIS = "0" * 64
CHAIN_ID = 1  # the one row of `audit_chain`
_EPOCHS_AAD = b"sovipham audit chain epochs"
# How far a sequence number may jump ahead while `verify_chain` keeps deriving keys: a
# row with a forged huge number must not make the check run for ever.
MAX_KEY_STEPS = 1_000_000


class AuditAction(StrEnum):
    INIT = "init"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    CASE_CREATE = "case_create"
    CASE_UPDATE = "case_update"
    CASE_DELETE = "case_delete"
    CASE_RESTORE = "case_restore"
    CHILD_CASE_VIEW = "child_case_view"
    CASE_PRINT = "case_print"
    EVENT_ADD = "event_add"
    EVENT_EDIT = "event_edit"
    EVENT_VOID = "event_void"
    CASE_REOPEN = "case_reopen"
    EVIDENCE_ADD = "evidence_add"
    EVIDENCE_REMOVE = "evidence_remove"
    EVIDENCE_VIEW = "evidence_view"
    IMPORT = "import"
    EXPORT = "export"
    REPORT = "report"
    USER_CREATE = "user_create"
    USER_UPDATE = "user_update"
    PASSWORD_CHANGE = "password_change"
    SETTINGS_CHANGE = "settings_change"
    VOCABULARY_CHANGE = "vocabulary_change"
    LEGAL_BASIS_CHANGE = "legal_basis_change"
    DEMO = "demo"
    CHECK = "check"
    PURGE = "purge"
    BACKUP = "backup"
    RESTORE = "restore"
    RECOVERY_KEY_NEW = "recovery_key_new"
    RECOVERY_KEY_USE = "recovery_key_use"
    KEY_ROTATE = "key_rotate"
    KEY_MISMATCH = "key_mismatch"
    AUDIT_CHAIN_START = "audit_chain_start"
    DOCUMENT_SEND = "document_send"
    DOCUMENT_RECEIVE = "document_receive"
    DOCUMENT_SIGNED_COPY = "document_signed_copy"
    TEMPLATE_REPLACE = "template_replace"
    TEMPLATE_RESTORE = "template_restore"
    REPORT_RECEIVE = "report_receive"
    CASE_TRANSFER_OUT = "case_transfer_out"
    CASE_TRANSFER_IN = "case_transfer_in"
    REPORT_REVIEW = "report_review"
    REPORT_RETURN_RECEIVE = "report_return_receive"


# Audited actions that change nothing in the register: the dashboard's figures and the
# last backup stay current after them. Any other action (one added later too) is a change.
UNCHANGING_ACTIONS = frozenset({
    AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.CHILD_CASE_VIEW,
    AuditAction.EVIDENCE_VIEW, AuditAction.CASE_PRINT, AuditAction.EXPORT, AuditAction.REPORT,
    AuditAction.BACKUP, AuditAction.AUDIT_CHAIN_START,
})

ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.INIT: "Khởi tạo dữ liệu",
    AuditAction.LOGIN: "Đăng nhập",
    AuditAction.LOGIN_FAILED: "Đăng nhập không thành công",
    AuditAction.CASE_CREATE: "Ghi vụ việc mới",
    AuditAction.CASE_UPDATE: "Sửa vụ việc",
    AuditAction.CASE_DELETE: "Xóa vụ việc",
    AuditAction.CASE_RESTORE: "Khôi phục vụ việc",
    AuditAction.CHILD_CASE_VIEW: "Xem vụ việc có trẻ em",
    AuditAction.CASE_PRINT: "In phiếu thông tin vụ việc",
    AuditAction.EVENT_ADD: "Ghi biện pháp xử lý",
    AuditAction.EVENT_EDIT: "Sửa biện pháp xử lý",
    AuditAction.EVENT_VOID: "Hủy biện pháp xử lý",
    AuditAction.CASE_REOPEN: "Mở lại hồ sơ",
    AuditAction.EVIDENCE_ADD: "Thêm tệp chứng cứ",
    AuditAction.EVIDENCE_REMOVE: "Gỡ tệp chứng cứ",
    AuditAction.EVIDENCE_VIEW: "Xem tệp chứng cứ của vụ việc có trẻ em",
    AuditAction.IMPORT: "Nhập từ Excel",
    AuditAction.EXPORT: "Xuất dữ liệu",
    AuditAction.REPORT: "Lập báo cáo",
    AuditAction.USER_CREATE: "Tạo người dùng",
    AuditAction.USER_UPDATE: "Sửa người dùng",
    AuditAction.PASSWORD_CHANGE: "Đổi mật khẩu",
    AuditAction.SETTINGS_CHANGE: "Thay đổi cài đặt",
    AuditAction.VOCABULARY_CHANGE: "Sửa danh mục",
    AuditAction.LEGAL_BASIS_CHANGE: "Sửa căn cứ pháp lý",
    AuditAction.DEMO: "Thêm dữ liệu mẫu",
    AuditAction.CHECK: "Kiểm tra dữ liệu",
    AuditAction.PURGE: "Xóa hẳn vụ việc đã xóa quá thời hạn lưu giữ",
    AuditAction.BACKUP: "Sao lưu",
    AuditAction.RESTORE: "Khôi phục từ bản sao lưu",
    AuditAction.RECOVERY_KEY_NEW: "Tạo khóa khôi phục mới",
    AuditAction.RECOVERY_KEY_USE: "Đặt lại mật khẩu bằng khóa khôi phục",
    AuditAction.KEY_ROTATE: "Thay khóa mã hóa dữ liệu",
    AuditAction.KEY_MISMATCH: "Khóa không khớp khi quản trị đăng nhập",
    AuditAction.AUDIT_CHAIN_START: "Bắt đầu khóa nhật ký bằng khóa quản trị",
    AuditAction.DOCUMENT_SEND: "Ghi văn bản đi",
    AuditAction.DOCUMENT_RECEIVE: "Ghi văn bản đến",
    AuditAction.DOCUMENT_SIGNED_COPY: "Đính kèm bản đã ký của văn bản đi",
    AuditAction.TEMPLATE_REPLACE: "Thay mẫu văn bản",
    AuditAction.TEMPLATE_RESTORE: "Dùng lại mẫu văn bản mặc định",
    AuditAction.REPORT_RECEIVE: "Nhận báo cáo của đơn vị",
    AuditAction.CASE_TRANSFER_OUT: "Chuyển vụ việc đi đơn vị khác",
    AuditAction.CASE_TRANSFER_IN: "Nhận vụ việc chuyển đến",
    AuditAction.REPORT_REVIEW: "Xem xét báo cáo của đơn vị",
    AuditAction.REPORT_RETURN_RECEIVE: "Nhận thông báo trả lại báo cáo",
}


def action_label(action: str) -> str:
    try:
        return ACTION_LABELS[AuditAction(action)]
    except ValueError:  # written by a newer version
        return action


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    username: str
    action: str
    entity: str | None
    entity_uuid: str | None
    detail: dict[str, Any]


def _digest(prev_hash: str, at: datetime, username: str, action: str,
            entity: str | None, entity_uuid: str | None, detail: str) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), username, action, entity, entity_uuid, detail],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def changes(before: Mapping[str, Any], after: Mapping[str, Any],
            fields: Mapping[str, Field]) -> dict[str, Any]:
    """What an edit changed: `changed`, the keys of every changed value, and `values`,
    old and new of the plain ones (`Field.plain`: codes, dates, numbers) and the length
    of a changed list of people (children, defamed parties)."""
    changed: list[str] = []
    values: dict[str, Any] = {}
    for key, new in after.items():
        old = before[key]
        if old == new:
            continue
        changed.append(key)
        field = fields.get(key)
        if field is not None and field.plain:
            values[key] = [old, new]
        elif field is None and isinstance(new, tuple):
            values[key] = [len(old), len(new)]
    return {"changed": changed, "values": values}


def _first_key(admin_key: bytes, first_sequence: int) -> bytes:
    """The key of the first row keyed from `admin_key` (1, or the row after the
    administrators' key was replaced)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"sovipham audit chain v1 %d" % first_sequence).derive(admin_key)


def _epochs_key(admin_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"sovipham audit chain epochs v1").derive(admin_key)


def _epoch_keys(chain: AuditChain, admin_key: bytes) -> dict[int, bytes]:
    """The first key of every epoch (the rows keyed from one administrators' key) by its
    first sequence number. Raises DecryptionError when `admin_key` does not open the keys
    of the earlier epochs."""
    found = {chain.epoch_start: _first_key(admin_key, chain.epoch_start)}
    if chain.earlier_epochs is not None:
        nonce, sealed = chain.earlier_epochs[:12], chain.earlier_epochs[12:]
        earlier = json.loads(unseal(_epochs_key(admin_key), nonce, sealed, _EPOCHS_AAD))
        found.update({int(start): bytes.fromhex(key) for start, key in earlier.items()})
    return found


def _next_key(key: bytes) -> bytes:
    return hmac.digest(key, b"next", "sha256")


def _mac(key: bytes, sequence: int, row_hash: str) -> str:
    # The row's hash covers its fields and the previous row's hash: the MACs chain through it.
    return hmac.digest(key, f"{sequence}:{row_hash}".encode(), "sha256").hex()


def _head(session: Session) -> str:
    last = session.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    return last or GENESIS


def record(
    session: Session,
    username: str,
    action: AuditAction,
    *,
    entity: str | None = None,
    entity_uuid: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one row to the log inside the caller's transaction (keyed once the chain has
    started: any session can append, with the key the chain's state holds).

    The chain's state is locked first, until the transaction ends: a writer beside it (on
    a server) waits, then reads the head this one leaves, so the log stays one chain.
    SQLite lets one writer in at a time already."""
    chain = session.get(AuditChain, CHAIN_ID, with_for_update=True, populate_existing=True)
    prev_hash = _head(session)
    at = utcnow()
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    entry = AuditEntry(
        at=at,
        username=username,
        action=str(action),
        entity=entity,
        entity_uuid=entity_uuid,
        detail=text,
        prev_hash=prev_hash,
        hash=_digest(prev_hash, at, username, str(action), entity, entity_uuid, text),
    )
    if chain is not None:
        entry.sequence = chain.sequence + 1
        entry.mac = _mac(chain.key, entry.sequence, entry.hash)
        chain.sequence, chain.mac, chain.key = entry.sequence, entry.mac, _next_key(chain.key)
    session.add(entry)
    session.flush()


def start_chain(session: Session, username: str, admin_key: bytes | None) -> None:
    """Start the keyed chain when the administrators' key is made (a new folder, or an
    older folder's first administrator sign-in), never again: a chain deleted later must
    not be started afresh over the gap. The rows already there are checked, and the
    chain starts after them (their hashes' head under its first MAC), with a row saying
    how many rows it took over and how many problems their chain had."""
    if admin_key is None or session.get(AuditChain, CHAIN_ID) is not None:
        return
    rows = session.execute(select(func.count(AuditEntry.id))).scalar_one()
    problems = verify_chain(session) if rows else []
    session.add(AuditChain(id=CHAIN_ID, sequence=0, mac=_head(session),
                           key=_first_key(admin_key, 1), epoch_start=1))
    session.flush()
    if rows:
        record(session, username, AuditAction.AUDIT_CHAIN_START,
               detail={"rows": rows, "problems": len(problems)})


def _rekeyed(chain: AuditChain, admin_key: bytes) -> bool:
    """Whether the chain is keyed from `admin_key` after a replacement already (a
    replacement finished again after a crash)."""
    if chain.earlier_epochs is None:
        return False
    try:
        _epoch_keys(chain, admin_key)
    except DecryptionError:
        return False
    return True


def rekey_chain(session: Session, old_admin_key: bytes, new_admin_key: bytes) -> None:
    """When the administrators' key is replaced, in the same transaction and before its
    audit row: the rows from then on are keyed from the new key, so that whoever knew the
    old one cannot key them; the first keys of the earlier rows are kept, sealed under the
    new key, so that they are still checked."""
    chain = session.get(AuditChain, CHAIN_ID)
    if chain is None or _rekeyed(chain, new_admin_key):
        return
    epochs = _epoch_keys(chain, old_admin_key)
    nonce, sealed = seal(_epochs_key(new_admin_key), json.dumps(
        {start: key.hex() for start, key in epochs.items()}).encode(), _EPOCHS_AAD)
    chain.earlier_epochs = nonce + sealed
    chain.epoch_start = chain.sequence + 1
    chain.key = _first_key(new_admin_key, chain.epoch_start)
    session.flush()


def anchor(session: Session | Connection) -> dict[str, Any]:
    """The newest keyed row's sequence number and MAC, for a backup's header or a frozen
    report (empty before the keyed chain started)."""
    state = session.execute(
        select(AuditChain.sequence, AuditChain.mac).where(AuditChain.id == CHAIN_ID)
    ).first()
    if state is None or state.sequence == 0:
        return {}
    return {"sequence": state.sequence, "mac": state.mac}


@dataclass(frozen=True)
class Anchor:
    """An anchor found outside the log, and where (in Vietnamese, for the message)."""

    source: str
    sequence: int
    mac: str

    @classmethod
    def from_json(cls, source: str, data: object) -> Anchor | None:
        """The anchor `anchor` wrote, None for one of before the chain (or malformed)."""
        if not isinstance(data, dict):
            return None
        sequence, mac = data.get("sequence"), data.get("mac")
        if type(sequence) is not int or not isinstance(mac, str):
            return None
        return cls(source, sequence, mac)


_ROW = (AuditEntry.id, AuditEntry.at, AuditEntry.username, AuditEntry.action,
        AuditEntry.entity, AuditEntry.entity_uuid, AuditEntry.detail, AuditEntry.prev_hash,
        AuditEntry.hash, AuditEntry.sequence, AuditEntry.mac)
_PREFIX = "Nhật ký kiểm tra: "


def _when(at: datetime) -> str:
    return f"{at.astimezone():%H:%M ngày %d/%m/%Y}"


def verify_chain(session: Session, admin_key: bytes | None = None,
                 anchors: Sequence[Anchor] = (), *, keyed: bool = False) -> list[str]:
    """Vietnamese descriptions of every break in the log (empty when intact).

    Every row's hash and link to the row before; the keyed rows' sequence numbers
    contiguous, and the chain's state matching the newest one; with `admin_key` (A, an
    administrator's session) every MAC and the state's key; each anchor's row still there
    with its MAC. `keyed`: the folder has an administrators' key, so its log must have
    started the keyed chain."""
    state = session.get(AuditChain, CHAIN_ID)
    problems: list[str] = []
    epochs: dict[int, bytes] = {}
    if admin_key is not None and state is not None:
        try:
            epochs = _epoch_keys(state, admin_key)
        except (DecryptionError, ValueError):
            problems.append(f"{_PREFIX}khóa quản trị không mở được khóa của các bản ghi cũ: "
                            "trạng thái của nhật ký đã bị sửa ngoài chương trình.")
    check = _ChainCheck(epochs, {a.sequence for a in anchors})
    for row in session.execute(select(*_ROW).order_by(AuditEntry.id)
                               .execution_options(yield_per=5000)):
        check.add(row)
    check.end_mac_run()
    problems += check.problems
    problems += _state_problems(state, check, keyed=keyed)
    for found in anchors:
        if found.sequence > check.last:
            problems.append(f"{_PREFIX}{found.source} ghi nhận nhật ký đến số thứ tự "
                            f"{found.sequence}, nay nhật ký chỉ còn đến số {check.last}: các "
                            "bản ghi mới nhất đã bị xóa.")
        elif check.macs_at.get(found.sequence) != found.mac:
            problems.append(f"{_PREFIX}bản ghi có số thứ tự {found.sequence} không khớp với "
                            f"{found.source}: nhật ký đã bị viết lại.")
    return problems


class _ChainCheck:
    """The rows of the log one by one, oldest first."""

    def __init__(self, epochs: dict[int, bytes], anchored: set[int]) -> None:
        self.problems: list[str] = []
        self.prev_hash = GENESIS
        self.expected = 1  # the next keyed row's sequence number
        self.last: int = 0  # the newest keyed row's sequence number and MAC
        self.last_mac: str | None = None
        # The first key of each epoch (empty without A), and the key of row `expected`.
        self.epochs = epochs
        self.key = epochs.get(1)
        self.anchored = anchored
        self.macs_at: dict[int, str | None] = {}
        # Rows whose MAC fails in a row (the first's id and time, the last's id, how many):
        # one hash recomputed makes every later MAC fail, and that is one message.
        self.mac_run: tuple[int, datetime, int, int] | None = None

    def add(self, row: Any) -> None:
        (row_id, at, username, action, entity, entity_uuid, detail, prev_hash, row_hash,
         sequence, mac) = row
        if prev_hash != self.prev_hash:
            self.problems.append(f"{_PREFIX}bản ghi số {row_id} không nối tiếp bản ghi trước "
                                 "(có bản ghi đã bị xóa hoặc chèn).")
        edited = row_hash != _digest(prev_hash, at, username, action, entity, entity_uuid,
                                     detail)
        if edited:
            self.problems.append(f"{_PREFIX}bản ghi số {row_id} đã bị sửa.")
        if sequence is None:
            if self.last:
                self.problems.append(f"{_PREFIX}bản ghi số {row_id} không có số thứ tự của "
                                     "nhật ký có khóa: bản ghi được chèn ngoài chương trình.")
        elif sequence < self.expected:
            self.problems.append(f"{_PREFIX}bản ghi số {row_id} mang số thứ tự {sequence} "
                                 "sai thứ tự (bản ghi được chèn hoặc chép lại ngoài chương "
                                 "trình).")
        else:
            self._keyed(row_id, at, sequence, row_hash, mac, edited=edited)
        self.prev_hash = row_hash

    def _keyed(self, row_id: int, at: datetime, sequence: int, row_hash: str,
               mac: str | None, *, edited: bool) -> None:
        if sequence > self.expected:
            missing = f"bản ghi có số thứ tự {self.expected}" if sequence == self.expected + 1 \
                else f"các bản ghi có số thứ tự {self.expected} đến {sequence - 1}"
            self.problems.append(f"{_PREFIX}thiếu {missing} (đã bị xóa), ngay trước bản ghi "
                                 f"lúc {_when(at)}.")
        key = self.key_of(sequence)
        if key is None and self.key is not None:
            self.end_mac_run()
            self.problems.append(f"{_PREFIX}từ bản ghi số {row_id}, mã xác thực không kiểm "
                                 "tra được (số thứ tự bị sửa).")
        if key is not None:
            if edited or mac == _mac(key, sequence, row_hash):
                self.end_mac_run()
            elif self.mac_run is None:
                self.mac_run = (row_id, at, row_id, 1)
            else:
                self.mac_run = (*self.mac_run[:2], row_id, self.mac_run[3] + 1)
        self.key = None if key is None else _next_key(key)
        self.expected, self.last, self.last_mac = sequence + 1, sequence, mac
        if sequence in self.anchored:
            self.macs_at[sequence] = mac

    def key_of(self, sequence: int) -> bytes | None:
        """The key of row `sequence` (from `expected` on): the key of `expected` moved on,
        or from the first key of an epoch started in between. None without A, or when the
        number is too far ahead to derive (a row with a forged number)."""
        if sequence == self.expected and sequence not in self.epochs:
            return self.key
        start, key = self.expected, self.key
        started = [first for first in self.epochs if self.expected <= first <= sequence]
        if started:
            start = max(started)
            key = self.epochs[start]
        if key is None or sequence - start > MAX_KEY_STEPS:
            return None
        for _ in range(sequence - start):
            key = _next_key(key)
        return key

    def end_mac_run(self) -> None:
        if self.mac_run is None:
            return
        first, at, last, count = self.mac_run
        rows = f"bản ghi số {first}" if count == 1 \
            else f"{count} bản ghi từ số {first} đến số {last}"
        self.problems.append(
            f"{_PREFIX}{rows} không khớp mã xác thực: bản ghi lúc {_when(at)} hoặc một bản "
            "ghi trước nó đã bị sửa ngoài chương trình (mã băm được tính lại), hoặc có bản ghi "
            "trước nó đã bị xóa.")
        self.mac_run = None


def _state_problems(state: AuditChain | None, check: _ChainCheck, *,
                    keyed: bool) -> list[str]:
    """The chain's state against its newest row, and with A against the key of the next."""
    last = check.last
    if state is None:
        if last or keyed:
            return [f"{_PREFIX}mất trạng thái của nhật ký có khóa: nhật ký đã bị xóa hoặc "
                    "thay ngoài chương trình."]
        return []
    if state.sequence > last:
        return [f"{_PREFIX}các bản ghi mới nhất đã bị xóa: nhật ký đã ghi đến số thứ tự "
                f"{state.sequence}, nay chỉ còn đến số {last}."]
    if state.sequence < last:
        return [f"{_PREFIX}các bản ghi sau số thứ tự {state.sequence} được thêm ngoài "
                "chương trình."]
    if last and state.mac != check.last_mac:
        return [f"{_PREFIX}bản ghi mới nhất (số thứ tự {last}) không khớp với trạng thái "
                "của nhật ký: nhật ký đã bị sửa ngoài chương trình."]
    key = check.key_of(check.expected)
    if key is not None and not hmac.compare_digest(state.key, key):
        return [f"{_PREFIX}khóa hiện tại của nhật ký không khớp với khóa quản trị: các bản "
                "ghi mới nhất đã bị xóa hoặc nhật ký đã bị thay ngoài chương trình."]
    return []


def entries(session: Session, *, username: str | None = None, action: str | None = None,
            since: datetime | None = None, until: datetime | None = None,
            limit: int = 2000) -> list[AuditRecord]:
    """The newest rows first, filtered."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if username:
        query = query.where(AuditEntry.username == username)
    if action:
        query = query.where(AuditEntry.action == action)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    return [
        AuditRecord(e.id, e.at, e.username, e.action, e.entity, e.entity_uuid, json.loads(e.detail))
        for e in session.execute(query).scalars()
    ]


def last_change(session: Session) -> AuditEntry | None:
    """The newest audit row of a change: every change writes one in its own transaction."""
    return session.execute(
        select(AuditEntry).where(AuditEntry.action.not_in(UNCHANGING_ACTIONS))
        .order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
