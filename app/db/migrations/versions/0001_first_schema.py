"""first schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 12:31:19.731903
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=True),
        sa.Column("entity_uuid", sa.String(length=36), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_entity_uuid"), ["entity_uuid"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_username"), ["username"], unique=False)

    op.create_table(
        "case_counters",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_case_counters")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("detected_on", sa.Date(), nullable=False),
        sa.Column("source_code", sa.String(length=10), nullable=True),
        sa.Column("platform_code", sa.String(length=10), nullable=False),
        sa.Column("content_form_code", sa.String(length=10), nullable=True),
        sa.Column("account", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("group_code", sa.String(length=10), nullable=False),
        sa.Column("child_subkind_code", sa.String(length=10), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("reach_views", sa.Integer(), nullable=True),
        sa.Column("reach_reactions", sa.Integer(), nullable=True),
        sa.Column("reach_shares", sa.Integer(), nullable=True),
        sa.Column("reach_comments", sa.Integer(), nullable=True),
        sa.Column("offender_kind", sa.String(length=10), nullable=True),
        sa.Column("offender_name", sa.String(length=200), nullable=True),
        sa.Column("offender_birth_date", sa.Date(), nullable=True),
        sa.Column("offender_birth_year", sa.Integer(), nullable=True),
        sa.Column("offender_address", sa.String(length=500), nullable=True),
        sa.Column("offender_id_number", sa.String(length=20), nullable=True),
        sa.Column("area", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_unit", sa.String(length=300), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("has_children", sa.Boolean(), nullable=False),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.Column("account_key", sa.String(length=300), nullable=False),
        sa.Column("url_key", sa.String(length=2000), nullable=True),
        sa.Column("offender_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(length=60), nullable=True),
        sa.Column("deleted_reason", sa.Text(), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("code", name=op.f("uq_cases_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_cases_uuid")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_account_key"), ["account_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_area"), ["area"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_closed_on"), ["closed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index("ix_cases_detected_code", ["detected_on", "code"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_detected_on"), ["detected_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_group_code"), ["group_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_has_children"), ["has_children"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_offender_key"), ["offender_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_platform_code"), ["platform_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_url_key"), ["url_key"], unique=False)

    op.create_table(
        "legal_provisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=200), nullable=False),
        sa.Column("article", sa.String(length=10), nullable=True),
        sa.Column("clause", sa.String(length=10), nullable=True),
        sa.Column("point", sa.String(length=10), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("fine_min", sa.Integer(), nullable=True),
        sa.Column("fine_max", sa.Integer(), nullable=True),
        sa.Column("stated_for", sa.String(length=10), nullable=True),
        sa.Column("other_party_factor", sa.Float(), nullable=True),
        sa.Column("remedies", sa.Text(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("group_codes", sa.String(length=60), nullable=False),
        sa.Column("to_confirm", sa.Boolean(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_provisions")),
        sa.UniqueConstraint("uuid", name=op.f("uq_legal_provisions_uuid")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "vocabulary_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=30), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vocabulary_items")),
        sa.UniqueConstraint("list_name", "code", name=op.f("uq_vocabulary_items_list_name")),
    )
    op.create_table(
        "case_secondary_groups",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("group_code", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_secondary_groups_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "group_code", name=op.f("pk_case_secondary_groups")),
    )
    op.create_table(
        "children",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=5), nullable=True),
        sa.Column("school_class", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("guardian_informed", sa.Boolean(), nullable=False),
        sa.Column("referred_to_protection", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_children_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_children")),
        sa.UniqueConstraint("uuid", name=op.f("uq_children_uuid")),
    )
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_children_case_id"), ["case_id"], unique=False)

    op.create_table(
        "defamed_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("complaint_received", sa.Boolean(), nullable=False),
        sa.Column("complaint_date", sa.Date(), nullable=True),
        sa.Column("words_complained", sa.Text(), nullable=True),
        sa.Column("correction_published", sa.Boolean(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_defamed_parties_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_defamed_parties")),
        sa.UniqueConstraint("uuid", name=op.f("uq_defamed_parties_uuid")),
    )
    with op.batch_alter_table("defamed_parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_defamed_parties_case_id"), ["case_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("officer", sa.String(length=60), nullable=False),
        sa.Column("document_number", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sanction_form", sa.String(length=20), nullable=True),
        sa.Column("fine_amount", sa.Integer(), nullable=True),
        sa.Column("signer", sa.String(length=200), nullable=True),
        sa.Column("remedies", sa.Text(), nullable=True),
        sa.Column("closing_result", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("voided_by", sa.String(length=60), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_events_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("uuid", name=op.f("uq_events_uuid")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_case", ["case_id", "occurred_on"], unique=False)
        batch_op.create_index("ix_events_kind_date", ["kind", "occurred_on"], unique=False)

    op.create_table(
        "event_legal_bases",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_legal_bases_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provision_id"],
            ["legal_provisions.id"],
            name=op.f("fk_event_legal_bases_provision_id_legal_provisions"),
        ),
        sa.PrimaryKeyConstraint("event_id", "provision_id", name=op.f("pk_event_legal_bases")),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("captured_at", sa.DateTime(), nullable=True),
        sa.Column("captured_by", sa.String(length=60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=60), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_evidence_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_evidence_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint("uuid", name=op.f("uq_evidence_uuid")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_sha256"), ["sha256"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_case_id"))

    op.drop_table("evidence")
    op.drop_table("event_legal_bases")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_kind_date")
        batch_op.drop_index("ix_events_case")

    op.drop_table("events")
    with op.batch_alter_table("defamed_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_defamed_parties_case_id"))

    op.drop_table("defamed_parties")
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_children_case_id"))

    op.drop_table("children")
    op.drop_table("case_secondary_groups")
    op.drop_table("vocabulary_items")
    op.drop_table("users")
    op.drop_table("settings")
    op.drop_table("legal_provisions")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_url_key"))
        batch_op.drop_index(batch_op.f("ix_cases_platform_code"))
        batch_op.drop_index(batch_op.f("ix_cases_offender_key"))
        batch_op.drop_index(batch_op.f("ix_cases_has_children"))
        batch_op.drop_index(batch_op.f("ix_cases_group_code"))
        batch_op.drop_index(batch_op.f("ix_cases_detected_on"))
        batch_op.drop_index("ix_cases_detected_code")
        batch_op.drop_index(batch_op.f("ix_cases_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_cases_closed_on"))
        batch_op.drop_index(batch_op.f("ix_cases_area"))
        batch_op.drop_index(batch_op.f("ix_cases_account_key"))

    op.drop_table("cases")
    op.drop_table("case_counters")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_username"))
        batch_op.drop_index(batch_op.f("ix_audit_log_entity_uuid"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
