from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from cordon.core.db import Base
from cordon.core.models import BigId, Timestamped
from cordon.people.enums import Sex


class Household(Base, Timestamped):
    """People who live together: the first ring of contacts of any case."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))


class Person(Base, Timestamped):
    """Anyone the response deals with: a case, a contact, someone declared or isolated."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    # Unknown until someone says: also for a row written without it (the column's default).
    sex: Mapped[Sex] = mapped_column(
        Enum(Sex, native_enum=False, length=16),
        default=Sex.unknown,
        server_default=Sex.unknown.value,
    )
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    national_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    nationality: Mapped[str | None] = mapped_column(String(2))  # ISO 3166 alpha-2
    address: Mapped[str | None] = mapped_column(String(300))
    # Where they live when that is not a ward of this city (another province, a country).
    residence: Mapped[str | None] = mapped_column(String(200))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # COVID-19 vaccination as declared (the regimes of December 2021 on told a vaccinated
    # F1 apart): doses received and the day of the last one; None: not known
    vaccine_doses: Mapped[int | None] = mapped_column(SmallInteger)
    last_dose_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    # A ward's or district's people, merged-away ones told apart from the index alone: a
    # district officer's people list counts its 35,000 people without reading them.
    __table_args__ = (Index("ix_people_ward_id_merged", "ward_id", "merged_into_id"),)


class PersonNameToken(Base):
    """One folded word of a person's name, so a search for any word of a name uses an index."""

    __tablename__ = "person_name_tokens"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(60))

    __table_args__ = (Index("ix_person_name_tokens_token", "token", "person_id"),)
