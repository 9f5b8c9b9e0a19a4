"""The days off and the worked weekend days the government announces each year, as an
administrator records them (`app.domain.workdays` counts working days with them)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UuidMixin


class AnnouncedDay(UuidMixin, Base):
    __tablename__ = "announced_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    # True: a weekend day worked to make up for a bridge ("làm bù"); False: a day off.
    working: Mapped[bool] = mapped_column(Boolean)
    # What announced it (`Thông báo 6150/TB-BNV`), or why.
    note: Mapped[str] = mapped_column(String(200), default="")
