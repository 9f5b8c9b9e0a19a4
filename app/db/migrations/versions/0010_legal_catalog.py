"""legal catalog: instruments as records, provisions referring to them, authority limits

Each distinct instrument text of `legal_provisions` becomes a row of `legal_instruments`
(with the shipped title and validity when it is one the program seeded) and the provision
refers to it; every provision keeps its id, so the sanctions that cite it through
`event_legal_bases` keep their basis. The fining limits of the authorities, a constant of
the program until now, become rows of `authority_limits`, and the provisions the program
did not ship before are added. An office's edits are kept: only what is missing is added.

SQLite cannot drop a column of a table other rows refer to inside a transaction (the table
is rebuilt, and dropping the old one breaks the foreign keys of `event_legal_bases`), so
`event_legal_bases` is set aside and rebuilt around the change.

Migrations are frozen history: the shipped rows below are copies of what the program
seeded when this was written, not reads of resources/seed that may change.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 09:00:00
"""

import uuid
from collections.abc import Callable, Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ND_174 = "NĐ 174/2026/NĐ-CP"
ND_15 = "NĐ 15/2020/NĐ-CP (sửa đổi bởi NĐ 14/2022/NĐ-CP)"
# citation: (title, valid_from, valid_to, note)
INSTRUMENTS: dict[str, tuple[str, date | None, date | None, str | None]] = {
    ND_174: ("Nghị định quy định xử phạt vi phạm hành chính trong lĩnh vực bưu chính, viễn "
             "thông, tần số vô tuyến điện, giao dịch điện tử và công nghệ thông tin",
             date(2026, 7, 1), None,
             "Thay thế NĐ 15/2020/NĐ-CP về xử phạt trên mạng xã hội (Điều 95); hành vi kết "
             "thúc trước 01/07/2026 vẫn xử lý theo văn bản cũ (Điều 115). Tên đầy đủ mới đọc "
             "ở nguồn thứ cấp: cần đối chiếu văn bản gốc."),
    ND_15: ("Nghị định quy định xử phạt vi phạm hành chính trong lĩnh vực bưu chính, viễn "
            "thông, tần số vô tuyến điện, công nghệ thông tin và giao dịch điện tử", None,
            date(2026, 6, 30), "Áp dụng cho hành vi kết thúc trước 01/07/2026."),
    "NĐ 130/2021/NĐ-CP": ("Nghị định quy định xử phạt vi phạm hành chính trong lĩnh vực bảo "
                          "trợ, cứu trợ xã hội và trẻ em", None, None,
                          "Khung tiền phạt quy định cho cá nhân; tổ chức gấp 2 lần."),
    "Luật Trẻ em 2016": ("Luật Trẻ em số 102/2016/QH13", None, None, None),
    "NĐ 56/2017/NĐ-CP": ("Nghị định quy định chi tiết một số điều của Luật Trẻ em", None, None,
                         None),
    "Luật An ninh mạng 2018": ("Luật An ninh mạng số 24/2018/QH14", None, date(2026, 6, 30),
                               None),
    "Luật An ninh mạng 2025 (116/2025/QH15)": ("Luật An ninh mạng số 116/2025/QH15",
                                               date(2026, 7, 1), None, None),
    "NĐ 147/2024/NĐ-CP": ("Nghị định về quản lý, cung cấp, sử dụng dịch vụ Internet và thông "
                          "tin trên mạng", None, None, None),
}
CHAIRMAN = "Chủ tịch Ủy ban nhân dân cấp xã"
# (authority, party, max_fine, basis, valid_from, valid_to, to_confirm)
LIMITS = (
    (CHAIRMAN, "person", 50_000_000, f"Điều 106 {ND_174}", date(2026, 7, 1), None, False),
    (CHAIRMAN, "org", 100_000_000, f"Điều 106 {ND_174}", date(2026, 7, 1), None, False),
    (CHAIRMAN, "person", 5_000_000, f"Điều 114 {ND_15}", None, date(2026, 6, 30), True),
    (CHAIRMAN, "org", 10_000_000, f"Điều 114 {ND_15}", None, date(2026, 6, 30), True),
)

# Provisions the program did not ship before, added to a folder that lacks them (point,
# description, groups): Điều 96 khoản 3 NĐ 174/2026/NĐ-CP, 10–20 million for an
# organisation, half for a person, read in secondary sources only (to confirm).
ND174_96_3 = (
    ("g", "Cung cấp, trao đổi, truyền đưa hoặc lưu trữ, sử dụng thông tin số nhằm đe dọa, "
          "quấy rối, xuyên tạc, vu khống, xúc phạm uy tín của tổ chức, danh dự, nhân phẩm, "
          "uy tín của người khác", "DD KH"),
    ("m", "Tiết lộ thông tin thuộc danh mục bí mật nhà nước, đời sống riêng tư, bí mật cá "
          "nhân, bí mật gia đình mà chưa đến mức truy cứu trách nhiệm hình sự", "TE DD"),
    ("n", "Giả mạo tổ chức, cá nhân và phát tán thông tin giả mạo, thông tin sai sự thật xâm "
          "hại đến quyền và lợi ích hợp pháp của tổ chức, cá nhân", "TG DD"),
)

KEPT_BASES = "_event_legal_bases_kept"


def _around_event_legal_bases(change: Callable[[], None]) -> None:
    """Run `change` on `legal_provisions` with `event_legal_bases` set aside, then rebuilt
    as 0001 made it, with the same rows."""
    op.execute(f"CREATE TABLE {KEPT_BASES} AS SELECT event_id, provision_id "
               "FROM event_legal_bases")
    op.drop_table("event_legal_bases")
    change()
    op.create_table(
        "event_legal_bases",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_event_legal_bases_event_id_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provision_id"], ["legal_provisions.id"],
                                name=op.f("fk_event_legal_bases_provision_id_legal_provisions")),
        sa.PrimaryKeyConstraint("event_id", "provision_id", name=op.f("pk_event_legal_bases")),
    )
    op.execute(f"INSERT INTO event_legal_bases (event_id, provision_id) "
               f"SELECT event_id, provision_id FROM {KEPT_BASES}")
    op.drop_table(KEPT_BASES)


def upgrade() -> None:
    instruments = op.create_table(
        "legal_instruments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citation", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_instruments")),
        sa.UniqueConstraint("uuid", name=op.f("uq_legal_instruments_uuid")),
    )
    limits = op.create_table(
        "authority_limits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("party", sa.String(length=10), nullable=False),
        sa.Column("max_fine", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("to_confirm", sa.Boolean(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_limits")),
        sa.UniqueConstraint("uuid", name=op.f("uq_authority_limits_uuid")),
    )
    # The instruments the provisions name, in the order they first appear. A new folder
    # has none yet: the program seeds its whole catalog after the migrations.
    named = [row[0] for row in op.get_bind().execute(sa.text(
        "SELECT instrument FROM legal_provisions GROUP BY instrument ORDER BY min(id)"))]
    if named:
        unknown = ("", None, None, None)  # a folder's catalog edited outside the program
        op.bulk_insert(instruments, [
            dict(zip(("title", "valid_from", "valid_to", "note"), INSTRUMENTS.get(c, unknown),
                     strict=True), citation=c, uuid=str(uuid.uuid4()))
            for c in named])
        op.bulk_insert(limits, [
            {"authority": a, "party": p, "max_fine": m, "basis": b, "valid_from": f,
             "valid_to": t, "to_confirm": c, "uuid": str(uuid.uuid4())}
            for a, p, m, b, f, t, c in LIMITS])

    def refer_to_instruments() -> None:
        op.add_column("legal_provisions", sa.Column("instrument_id", sa.Integer(), nullable=True))
        op.execute("UPDATE legal_provisions SET instrument_id = (SELECT i.id FROM "
                   "legal_instruments i WHERE i.citation = legal_provisions.instrument)")
        with op.batch_alter_table("legal_provisions") as batch:
            batch.alter_column("instrument_id", existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(
                batch.f("fk_legal_provisions_instrument_id_legal_instruments"),
                "legal_instruments", ["instrument_id"], ["id"])
            batch.create_index(batch.f("ix_legal_provisions_instrument_id"), ["instrument_id"])
            batch.drop_column("instrument")

    _around_event_legal_bases(refer_to_instruments)
    if named:
        _add_missing_provisions()


def _add_missing_provisions() -> None:
    conn = op.get_bind()
    nd174 = conn.execute(sa.text("SELECT id FROM legal_instruments WHERE citation = :c"),
                         {"c": ND_174}).scalar()
    if nd174 is None:
        return
    present = {row[0] for row in conn.execute(sa.text(
        "SELECT point FROM legal_provisions WHERE instrument_id = :i AND article = '96' "
        "AND clause = '3'"), {"i": nd174})}
    provisions = sa.table(
        "legal_provisions",
        *(sa.column(name, sa.Integer()) for name in ("instrument_id", "fine_min", "fine_max")),
        *(sa.column(name, sa.String()) for name in (
            "article", "clause", "point", "description", "stated_for", "remedies",
            "group_codes", "uuid")),
        sa.column("other_party_factor", sa.Float()), sa.column("valid_from", sa.Date()),
        sa.column("valid_to", sa.Date()), sa.column("to_confirm", sa.Boolean()))
    op.bulk_insert(provisions, [
        {"instrument_id": nd174, "article": "96", "clause": "3", "point": point,
         "description": description, "fine_min": 10_000_000, "fine_max": 20_000_000,
         "stated_for": "org", "other_party_factor": 0.5, "remedies": None,
         "valid_from": date(2026, 7, 1), "valid_to": None, "group_codes": groups,
         "to_confirm": True, "uuid": str(uuid.uuid4())}
        for point, description, groups in ND174_96_3 if point not in present])


def downgrade() -> None:
    """Older versions keep the instrument as text on each provision; the limits were a
    constant of theirs."""

    def instrument_as_text() -> None:
        op.add_column("legal_provisions", sa.Column("instrument", sa.String(length=200),
                                                    nullable=True))
        op.execute("UPDATE legal_provisions SET instrument = (SELECT i.citation FROM "
                   "legal_instruments i WHERE i.id = legal_provisions.instrument_id)")
        with op.batch_alter_table("legal_provisions") as batch:
            batch.alter_column("instrument", existing_type=sa.String(length=200),
                               nullable=False)
            batch.drop_index(batch.f("ix_legal_provisions_instrument_id"))
            batch.drop_constraint(
                batch.f("fk_legal_provisions_instrument_id_legal_instruments"),
                type_="foreignkey")
            batch.drop_column("instrument_id")

    _around_event_legal_bases(instrument_as_text)
    op.drop_table("authority_limits")
    op.drop_table("legal_instruments")
