"""What the people API accepts and returns. Input is checked here, field by field; the checks
that need the database (the ward exists, duplicates) are in ``people.service``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from cordon.core.bounds import BirthDate, Day, Id, Offset
from cordon.core.dates import today
from cordon.core.pagination import Page
from cordon.core.phones import normalize_phone
from cordon.core.schemas import Out
from cordon.core.text import fold, normalize_name
from cordon.people.enums import Sex

EARLIEST_BIRTH = dt.date(1900, 1, 1)
NATIONAL_ID_DIGITS = (9, 12)  # CMND (9 digits) and CCCD (12 digits)
PASSPORT = re.compile(r"^(?=.*[A-Z])[A-Z0-9]{5,20}$")

Name = Annotated[
    str, Field(max_length=200, description="Full name as written, e.g. Nguyễn Văn An.")
]


def _full_name(value: str) -> str:
    name = normalize_name(value)
    if not name:
        raise ValueError("must not be blank")
    if len(name) > 200:
        raise ValueError("must be at most 200 characters")
    if not fold(name):
        raise ValueError("must contain letters")
    return name


def _national_id(value: str) -> str:
    compact = re.sub(r"[\s.-]", "", value).upper()
    if compact.isdigit():
        if len(compact) not in NATIONAL_ID_DIGITS:
            raise ValueError("a Vietnamese ID card number has 9 (CMND) or 12 (CCCD) digits")
        return compact
    if not PASSPORT.match(compact):
        raise ValueError("must be 9 or 12 digits, or a passport number of up to 20 letters/digits")
    return compact


def _phone(value: str) -> str:
    return normalize_phone(value)


def _nationality(value: str) -> str:
    code = value.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("must be an ISO 3166 alpha-2 country code, e.g. VN")
    return code


def _date_of_birth(value: dt.date) -> dt.date:
    if value > today():
        raise ValueError("must not be in the future")
    if value < EARLIEST_BIRTH:
        raise ValueError("must not be before 1900")
    return value


def _birth_year(value: int, date_of_birth: dt.date | None) -> int:
    if not EARLIEST_BIRTH.year <= value <= today().year:
        raise ValueError(f"must be between {EARLIEST_BIRTH.year} and this year")
    if date_of_birth is not None and date_of_birth.year != value:
        raise ValueError("does not match date_of_birth")
    return value


# each field's own check, for a value given (None stays None)
CHECKED: dict[str, Callable[[Any], Any]] = {
    "phone": _phone,
    "national_id": _national_id,
    "nationality": _nationality,
    "date_of_birth": _date_of_birth,
}


class PersonFields(BaseModel):
    """Fields shared by create and update: every one validated the same way."""

    model_config = ConfigDict(extra="forbid")

    sex: Sex | None = None
    date_of_birth: BirthDate | None = None
    birth_year: int | None = Field(default=None, description="When only the age is known.")
    phone: str | None = Field(default=None, max_length=40, description="Any format; kept E.164.")
    national_id: str | None = Field(
        default=None, max_length=40, description="CMND (9 digits), CCCD (12) or passport."
    )
    nationality: str | None = Field(
        default=None, max_length=80, description="ISO 3166 alpha-2, e.g. VN."
    )
    address: str | None = Field(default=None, max_length=300)
    residence: str | None = Field(
        default=None, max_length=200, description="Province or country when not a ward here."
    )
    ward_id: Id | None = None
    household_id: Id | None = None
    vaccine_doses: int | None = Field(
        default=None, ge=0, le=10, description="COVID-19 vaccine doses received, as declared."
    )
    last_dose_on: Day | None = Field(default=None, description="Day of the last dose.")

    @field_validator("last_dose_on")
    @classmethod
    def _check_last_dose(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value > today():
            raise ValueError("is in the future")
        return value

    @field_validator("phone", "national_id", "nationality", "address", "residence", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator(*CHECKED)
    @classmethod
    def _check(cls, value: Any, info: ValidationInfo) -> Any:
        return None if value is None else CHECKED[str(info.field_name)](value)

    @field_validator("birth_year")
    @classmethod
    def _check_birth_year(cls, value: int | None, info: ValidationInfo) -> int | None:
        return None if value is None else _birth_year(value, info.data.get("date_of_birth"))


class PersonCreate(PersonFields):
    """A new person. ``birth_year`` is taken from ``date_of_birth`` when only that is given."""

    full_name: Name
    sex: Sex = Sex.unknown

    @field_validator("full_name")
    @classmethod
    def _check_full_name(cls, value: str) -> str:
        return _full_name(value)

    @model_validator(mode="after")
    def _year_from_date(self) -> PersonCreate:
        if self.date_of_birth is not None and self.birth_year is None:
            self.birth_year = self.date_of_birth.year
        return self


class PersonPatch(PersonFields):
    """Changes to a person: only the fields sent are changed; ``null`` clears a field."""

    full_name: Name | None = None

    @field_validator("full_name")
    @classmethod
    def _check_full_name(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError("must not be blank")
        return _full_name(value)


class PersonUpdate(PersonPatch):
    """PATCH body: the changes and the ``version`` the client last read."""

    version: int = Field(ge=1, description="The person's version as last read (optimistic lock).")


class PersonOut(Out):
    id: int
    full_name: str
    sex: Sex
    date_of_birth: dt.date | None
    birth_year: int | None
    phone: str | None
    national_id: str | None
    nationality: str | None
    address: str | None
    residence: str | None
    ward_id: int | None
    household_id: int | None
    vaccine_doses: int | None
    last_dose_on: dt.date | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    age_band: str | None = Field(
        default=None, description="Pseudonymised output only, in place of the birth year."
    )
    district_id: int | None = Field(
        default=None, description="Pseudonymised output only, in place of the ward."
    )

    @field_validator("created_at", "updated_at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        """SQLite hands timestamps back without their zone; they were stored in UTC."""
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class PersonSearch(BaseModel):
    """Search criteria (in a body, never in a URL: they are personal data). All given must
    match; ``q`` matches names with or without diacritics, each word as a prefix."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, max_length=200, description="Words of the name.")
    phone: str | None = Field(default=None, max_length=40)
    national_id: str | None = Field(default=None, max_length=40)
    ward_id: Id | None = None
    limit: int = Field(default=50, ge=1, description="At most the setting page_size_max.")
    offset: Offset = 0

    @model_validator(mode="after")
    def _something_to_search(self) -> PersonSearch:
        if not (self.q and fold(self.q)) and not self.phone and not self.national_id:
            raise ValueError("give q, phone or national_id")
        return self


class SearchPage(Page[PersonOut]):
    """A page of matches. ``total_exact`` is false when there were too many to count: then
    ``total`` is a lower bound — narrow the search."""

    total_exact: bool = True


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merge_id: Id = Field(description="The duplicate, merged into the person in the URL.")
    keep_version: int = Field(ge=1, description="Version of the kept person as last read.")
    merge_version: int = Field(ge=1, description="Version of the duplicate as last read.")


class DuplicateOut(BaseModel):
    person: PersonOut
    reason: str
