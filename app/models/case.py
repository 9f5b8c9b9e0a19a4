"""A case: one piece of violating content found on a social network, and who it concerns."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UtcDateTime, UuidMixin, utcnow

if TYPE_CHECKING:
    from app.models.event import Event
    from app.models.evidence import Evidence
    from app.models.transfer import CaseTransfer


# A collation key compares by code point, whatever a server's locale (migration 0023).
SORT_KEY = Text().with_variant(Text(collation="C"), "postgresql")
# Names and places sort by their Vietnamese collation keys (`app.domain.collation`).
SORTED_COLUMNS = ("detected_on", "code", "platform_code", "group_code", "account_sort",
                  "offender_sort", "area_sort", "closed_on", "updated_at")
# The report's count of minor offenders reads these from `ix_cases_offender_age` (the
# condition's columns among them: SQLite 3.40 reads the row for one that is not).
OFFENDER_AGE_COLUMNS = ("offender_birth_year", "offender_birth_date", "act_on",
                        "offender_kind", "offender_name", "deleted_at", "id")
OFFENDER_AGE_WHERE = text("deleted_at IS NULL AND "
                          "(offender_birth_year IS NOT NULL OR offender_birth_date IS NOT NULL)")
# The detection date's index also holds each case's account key: the accounts over the lock
# threshold are counted over a window of days from it alone (migration 0029).
SORT_INDEX_HOLDS = {"detected_on": ("account_key", "deleted_at")}
CASE_KINDS_INDEX = "ix_cases_live_id"  # named by the statements that read it (migration 0029)


class Case(UuidMixin, Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique within the unit that numbered the case (`unit_code`), not across units.
    code: Mapped[str] = mapped_column(String(40))
    detected_on: Mapped[date] = mapped_column(Date)
    posted_on: Mapped[date | None] = mapped_column(Date)
    posted_until: Mapped[date | None] = mapped_column(Date)
    source_code: Mapped[str | None] = mapped_column(String(10))
    platform_code: Mapped[str] = mapped_column(String(10))
    content_form_code: Mapped[str | None] = mapped_column(String(10))
    account: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    group_code: Mapped[str] = mapped_column(String(10))
    child_subkind_code: Mapped[str | None] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    reach_views: Mapped[int | None] = mapped_column(Integer)
    reach_reactions: Mapped[int | None] = mapped_column(Integer)
    reach_shares: Mapped[int | None] = mapped_column(Integer)
    reach_comments: Mapped[int | None] = mapped_column(Integer)

    offender_kind: Mapped[str | None] = mapped_column(String(10))
    offender_name: Mapped[str | None] = mapped_column(String(200))
    offender_birth_date: Mapped[date | None] = mapped_column(Date)
    offender_birth_year: Mapped[int | None] = mapped_column(Integer)
    offender_address: Mapped[str | None] = mapped_column(String(500))
    offender_id_number: Mapped[str | None] = mapped_column(String(20))

    area: Mapped[str | None] = mapped_column(String(200), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_unit: Mapped[str | None] = mapped_column(String(300))
    # The administrative code of the unit that numbered the case (`app.domain.units`):
    # this office's, or another's whose register was imported; "" while this office has
    # no code yet.
    unit_code: Mapped[str] = mapped_column(String(5), default="", server_default="")

    # Caches written only by the services from the rows above and the events,
    # so that lists can filter and sort in SQL over the whole register.
    closed_on: Mapped[date | None] = mapped_column(Date)
    # The act's date (`app.domain.case.ActDate`): the limitation is counted and ages are
    # taken from it. Always written (migration 0009 filled it); nullable only because
    # SQLite adds a column so.
    act_on: Mapped[date] = mapped_column(Date, nullable=True)
    has_children: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    search_key: Mapped[str] = mapped_column(Text, default="")
    account_key: Mapped[str] = mapped_column(String(300), default="", index=True)
    url_key: Mapped[str | None] = mapped_column(String(2000), index=True)
    offender_key: Mapped[str | None] = mapped_column(String(200), index=True)
    # Vietnamese collation keys the list sorts by (a person by given name first).
    area_sort: Mapped[str | None] = mapped_column(SORT_KEY)
    account_sort: Mapped[str] = mapped_column(SORT_KEY, nullable=True)  # as act_on: always written
    offender_sort: Mapped[str | None] = mapped_column(SORT_KEY)
    # Written by the database alone, from the case's live events (migration 0028's
    # triggers, whoever writes an event): the date of the latest, and of the oldest
    # removal request that no removal on that day or later answers. The needs-action lists
    # compare them with the office's day counts (`services/attention.py`).
    last_event_on: Mapped[date | None] = mapped_column(Date)
    removal_asked_on: Mapped[date | None] = mapped_column(Date)

    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)

    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(60))
    deleted_reason: Mapped[str | None] = mapped_column(Text)

    secondary_groups: Mapped[list[CaseSecondaryGroup]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="CaseSecondaryGroup.group_code",
    )
    children: Mapped[list[Child]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Child.id"
    )
    defamed_parties: Mapped[list[DefamedParty]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="DefamedParty.id"
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="(Event.occurred_on, Event.id)",
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Evidence.id"
    )
    # Written only by `services/transfers.py`; the database removes them with the case.
    transfers: Mapped[list[CaseTransfer]] = relationship(
        viewonly=True, order_by="(CaseTransfer.at, CaseTransfer.id)"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # A unique index, not a table constraint: SQLite drops an index in place.
        Index("uq_cases_unit_code", "unit_code", "code", unique=True),
        Index("ix_cases_detected_code", "detected_on", "code"),
        # The list sorts the live register by any of these columns: one partial index
        # each, ending with the id, so the database walks the index instead of sorting.
        *(
            Index(f"ix_cases_live_{column}", column, "id", *SORT_INDEX_HOLDS.get(column, ()),
                  sqlite_where=text("deleted_at IS NULL"),
                  postgresql_where=text("deleted_at IS NULL"))
            for column in SORTED_COLUMNS
        ),
        # The open cases (closed_on NULL) in the order of the needs-action lists, with what
        # they show and test: the lists and their counts read this index, not the table. It
        # holds `deleted_at` because SQLite 3.40 reads the table for a column of the
        # condition; the group, platform and offender's name for the report's own columns
        # of the cases open in a period (`report_figures.summaries_in`).
        Index("ix_cases_live_open", "closed_on", "detected_on", "id", "code", "deleted_at",
              "act_on", "group_code", "platform_code", "offender_name", "last_event_on",
              "removal_asked_on",
              sqlite_where=text("deleted_at IS NULL"),
              postgresql_where=text("deleted_at IS NULL")),
        # A live case's group, platform and detection date by its id: forms 01 and 02 sum
        # the columns of the cases with events (or children) in a period by these, looked
        # up in this index's few pages rather than in the table's rows
        # (`report_figures.summaries_in`, `planner.through_index`).
        Index(CASE_KINDS_INDEX, "id", "group_code", "platform_code", "detected_on",
              "deleted_at",
              sqlite_where=text("deleted_at IS NULL"),
              postgresql_where=text("deleted_at IS NULL")),
        # The live offenders with a birth date or year, with what the report's count of
        # minor offenders tests: it reads this index, not every handled case's row.
        Index("ix_cases_offender_age", *OFFENDER_AGE_COLUMNS,
              sqlite_where=OFFENDER_AGE_WHERE, postgresql_where=OFFENDER_AGE_WHERE),
    )


class CaseSecondaryGroup(Base):
    """Other groups a case touches: shown and searchable, never counted."""

    __tablename__ = "case_secondary_groups"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    group_code: Mapped[str] = mapped_column(String(10), primary_key=True)

    case: Mapped[Case] = relationship(back_populates="secondary_groups")


class Child(UuidMixin, Base):
    """A child (under 16) affected by a case. Every field here is child data."""

    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(5))
    school_class: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    guardian_informed: Mapped[bool] = mapped_column(Boolean, default=False)
    referred_to_protection: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="children")


class DefamedParty(UuidMixin, Base):
    """The person or organisation a `DD` case offends."""

    __tablename__ = "defamed_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(300))
    complaint_received: Mapped[bool] = mapped_column(Boolean, default=False)
    complaint_date: Mapped[date | None] = mapped_column(Date)
    words_complained: Mapped[str | None] = mapped_column(Text)
    correction_published: Mapped[bool] = mapped_column(Boolean, default=False)

    case: Mapped[Case] = relationship(back_populates="defamed_parties")
