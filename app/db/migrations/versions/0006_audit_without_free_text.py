"""audit without free text: old audit rows lose free text and personal values, rechained

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 09:00:00

Earlier versions logged old and new values of every edited field (summaries, notes,
names, addresses), reasons typed by officers and evidence file names: a child's name
outlived the purge of the case and went out in the log's export. Each row is rewritten as
this version writes it, then every hash is recomputed from the first row. A break the old
chain already had (an edited, deleted or inserted row) is carried over, so `check` still
reports it.

Migrations are frozen history: the rules, the labels and the digest below are copies of
what the program used when this was written, not imports of code that may change.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
BATCH = 1000

# Old `case_update` rows are keyed by the fields' Vietnamese labels.
CASE_LABELS = {
    "Mã vụ việc": "code", "Ngày phát hiện": "detected_on", "Nguồn phát hiện": "source_code",
    "Nền tảng": "platform_code", "Hình thức": "content_form_code",
    "Tài khoản, kênh": "account", "Đường dẫn": "url", "Nhóm hành vi vi phạm": "group_code",
    "Loại xâm phạm quyền trẻ em": "child_subkind_code", "Tóm tắt nội dung": "summary",
    "Lượt xem": "reach_views", "Lượt thích, bày tỏ cảm xúc": "reach_reactions",
    "Lượt chia sẻ": "reach_shares", "Lượt bình luận": "reach_comments",
    "Họ tên đối tượng": "offender_name", "Ngày sinh đối tượng": "offender_birth_date",
    "Năm sinh đối tượng": "offender_birth_year", "Địa chỉ đối tượng": "offender_address",
    "Số định danh đối tượng": "offender_id_number", "Địa bàn": "area", "Ghi chú": "notes",
}
# The fields whose old and new values are kept: codes, dates, numbers naming nobody.
CASE_PLAIN = frozenset({
    "detected_on", "source_code", "platform_code", "content_form_code", "group_code",
    "child_subkind_code", "secondary_groups", "offender_kind", "reach_views",
    "reach_reactions", "reach_shares", "reach_comments",
})
EVENT_PLAIN = frozenset({"kind", "occurred_on", "sanction_form", "fine_amount",
                         "closing_result"})
PEOPLE = frozenset({"children", "defamed"})  # lists kept as their lengths
# Free text and file names, dropped from the rows of these actions.
DROPPED = {
    "case_delete": {"reason"},
    "event_void": {"reason"},
    "case_reopen": {"reason"},
    "evidence_add": {"name"},
    "evidence_remove": {"name", "reason"},
    "case_print": {"file"},
    "report": {"reason"},
}

audit_log = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime()),
    sa.column("username", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_uuid", sa.String()),
    sa.column("detail", sa.Text()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def _digest(prev_hash: str, at: datetime, username: str, action: str,
            entity: str | None, entity_uuid: str | None, detail: str) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), username, action, entity, entity_uuid, detail],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _changes(old: dict[str, Any], plain: frozenset[str],
             labels: dict[str, str]) -> dict[str, Any]:
    changed: list[str] = []
    values: dict[str, Any] = {}
    for name, pair in old.items():
        key = labels.get(name, name)
        changed.append(key)
        if key in plain:
            values[key] = pair
        elif key in PEOPLE and isinstance(pair, list) and all(
                isinstance(side, list) for side in pair):
            values[key] = [len(side) for side in pair]
    return {"changed": changed, "values": values}


def _scrubbed(action: str, detail: dict[str, Any]) -> dict[str, Any]:
    if "changed" in detail:  # written by this version (a database downgraded and upgraded)
        return detail
    if action == "case_update":
        return _changes(detail, CASE_PLAIN, CASE_LABELS)
    if action == "event_edit":
        kept = {k: v for k, v in detail.items() if k != "changes"}
        return {**kept, **_changes(detail.get("changes") or {}, EVENT_PLAIN, {})}
    dropped = DROPPED.get(action, set())
    return {k: v for k, v in detail.items() if k not in dropped}


def upgrade() -> None:
    conn = op.get_bind()
    old_prev, new_prev, last_id = GENESIS, GENESIS, 0
    while True:
        rows = conn.execute(
            sa.select(audit_log).where(audit_log.c.id > last_id)
            .order_by(audit_log.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        updates = []
        for row in rows:
            at = row.at.replace(tzinfo=UTC)  # stored as naive UTC, hashed as aware
            who = (row.username, row.action, row.entity, row.entity_uuid)
            linked = row.prev_hash == old_prev
            intact = row.hash == _digest(row.prev_hash, at, *who, row.detail)
            detail = json.loads(row.detail)
            scrubbed = _scrubbed(row.action, detail)
            text = row.detail if scrubbed == detail else json.dumps(
                scrubbed, ensure_ascii=False, sort_keys=True)
            prev_hash = new_prev if linked else row.prev_hash
            digest = _digest(prev_hash, at, *who, text) if intact else row.hash
            if (text, prev_hash, digest) != (row.detail, row.prev_hash, row.hash):
                updates.append({"row_id": row.id, "new_detail": text, "new_prev": prev_hash,
                                "new_hash": digest})
            old_prev, new_prev, last_id = row.hash, digest, row.id
        if updates:
            conn.execute(
                audit_log.update().where(audit_log.c.id == sa.bindparam("row_id"))
                .values(detail=sa.bindparam("new_detail"), prev_hash=sa.bindparam("new_prev"),
                        hash=sa.bindparam("new_hash")),
                updates,
            )


def downgrade() -> None:
    """Nothing to undo: the removed text is gone, and older versions read these rows."""
