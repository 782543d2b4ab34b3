"""Vietnam's first wave (BN1–BN288) read from the copied CSVs: pure parsing, no database.

The rules that turn the published columns into registry fields live here, each in one small
function, so ``docs/demo.md`` can name them: nationality → ISO code, age → birth year,
sources → classification, flight typos → one flight, cluster membership.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cordon.cases.enums import Classification
from cordon.clusters.enums import ClusterKind

DATA = Path(__file__).resolve().parent / "data" / "vietnam-2020"

# Nationalities as written in patients.csv → ISO 3166 alpha-2.
NATIONALITY = {
    "Việt Nam": "VN",
    "Anh": "GB",
    "Brazil": "BR",
    "Pháp": "FR",
    "Mỹ": "US",
    "Nam Phi": "ZA",
    "Trung Quốc": "CN",
    "Đức": "DE",
    "Canada": "CA",
    "Cộng hoà Czech": "CZ",
    "Latvia": "LV",
    "Đan Mạch": "DK",
    "Thụy Điển": "SE",
}
# Flight numbers written two ways in patients.csv (a typo or a dropped zero).
FLIGHT_ALIASES = {"VN054": "VN0054", "VN018": "VN0018", "VN50": "VN0050", "TG947TG947": "TG947"}
NOT_A_FLIGHT = frozenset({"private"})
COMMUNITY_CODE = "VN"  # "Trong cộng đồng": infected in the community, source unknown
IMPORT_CODE = "IMPORT"  # "Nước ngoài": abroad, country not given
CLUSTER_CODES = frozenset({"BVBM"})


@dataclass(frozen=True)
class Patient:
    number: int
    positive_on: dt.date
    discharged_on: dt.date | None
    gender: str
    age: float | None  # None when the data says -1 (unknown)
    treatment_province: str
    residence: str | None
    nationality: str
    recovered: bool
    sources: tuple[str, ...]
    flights: tuple[str, ...]

    @property
    def code(self) -> str:
        return f"BN{self.number}"

    @property
    def source_cases(self) -> tuple[int, ...]:
        return tuple(int(s) for s in self.sources if s.isdigit())

    @property
    def birth_year(self) -> int | None:
        """Year of announcement minus whole years of age (BN15, 3 months old → 2020)."""
        return None if self.age is None else self.positive_on.year - int(self.age)

    @property
    def nationality_code(self) -> str | None:
        return NATIONALITY.get(self.nationality)


@dataclass(frozen=True)
class Flight:
    code: str  # as in flights.csv: "VN0054", "EK392@2020-03-12"
    number: str  # "EK392"
    arrival_on: dt.date
    description: str


def _read(name: str, directory: Path) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _patient(row: dict[str, str]) -> Patient:
    age = float(row["age"]) if row["age"] else -1.0
    positive_on = _date(row["positive_date"])
    assert positive_on is not None
    flights = tuple(FLIGHT_ALIASES.get(f, f) for f in _split(row["flights"]))
    return Patient(
        number=int(row["patient_id"]),
        positive_on=positive_on,
        discharged_on=_date(row["discharge_date"]),
        gender=row["gender"],
        age=None if age < 0 else age,
        treatment_province=row["treatment_province"],
        residence=row["residence"].strip() or None,
        nationality=row["nationality"],
        recovered=row["status"] == "negative",
        sources=_split(row["sources"]),
        flights=flights,
    )


def read_patients(directory: Path = DATA) -> list[Patient]:
    return [_patient(row) for row in _read("patients.csv", directory)]


def read_source_labels(directory: Path = DATA) -> dict[str, str]:
    return {row["code"]: row["label_vi"] for row in _read("source_codes.csv", directory)}


def read_flights(directory: Path = DATA) -> list[Flight]:
    flights = []
    for row in _read("flights.csv", directory):
        arrival = _date(row["arrival_date"])
        assert arrival is not None
        route = f"{row['from_city'] or row['from_country']} → {row['to_airport']}".strip()
        airline = f"{row['airline']} " if row["airline"] else ""
        flights.append(
            Flight(
                code=row["flight"],
                number=row["flight"].split("@", 1)[0],
                arrival_on=arrival,
                description=f"{airline}{row['flight'].split('@', 1)[0]}, {route}",
            )
        )
    return flights


def is_imported(patient: Patient) -> bool:
    """Imported when a source is a country code or IMPORT, or the patient came on a flight
    (``private`` in ``flights`` — BN32's own travel from London — counts as a flight)."""
    foreign = [
        s for s in patient.sources if not s.isdigit() and s not in CLUSTER_CODES | {COMMUNITY_CODE}
    ]
    return bool(foreign or patient.flights)


def classify(patient: Patient, by_number: dict[int, Patient]) -> Classification:
    """imported (see ``is_imported``); in quarantine when infected by a case confirmed before
    this one (its contacts were isolated on confirmation); community otherwise."""
    if is_imported(patient):
        return Classification.imported
    earlier = [
        n
        for n in patient.source_cases
        if n in by_number and by_number[n].positive_on < patient.positive_on
    ]
    return Classification.in_quarantine if earlier else Classification.community


def daily_series(patients: Iterable[Patient]) -> list[tuple[dt.date, int, int]]:
    """(day, local cases, imported cases) by announcement day, every day from the first
    case to the last (``is_imported`` tells the two apart): the series the scenario planner's
    calibration fits (src/cordon/sim/calibration/vietnam-2020.csv)."""
    local: dict[dt.date, int] = {}
    imported: dict[dt.date, int] = {}
    for p in patients:
        into = imported if is_imported(p) else local
        into[p.positive_on] = into.get(p.positive_on, 0) + 1
    first, last = min(local | imported), max(local | imported)
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    return [(day, local.get(day, 0), imported.get(day, 0)) for day in days]


def descendants(root: int, patients: Iterable[Patient]) -> list[int]:
    """``root`` and every patient infected, directly or down the chain, by it (sorted)."""
    children: dict[int, list[int]] = {}
    for p in patients:
        for s in p.source_cases:
            children.setdefault(s, []).append(p.number)
    found = {root}
    frontier = [root]
    while frontier:
        frontier = [c for n in frontier for c in children.get(n, []) if c not in found]
        found.update(frontier)
    return sorted(found)


def flight_of(number: str, positive_on: dt.date, flights: list[Flight]) -> Flight | None:
    """The listed flight with this number that arrived last on or before the announcement."""
    candidates = [f for f in flights if f.number == number and f.arrival_on <= positive_on]
    return max(candidates, key=lambda f: f.arrival_on, default=None)


@dataclass(frozen=True)
class ClusterSpec:
    code: str
    name: str
    kind: ClusterKind
    members: tuple[int, ...]  # patient numbers
    started_on: dt.date | None = None
    ward_code: str | None = None  # a Hanoi ward, when the place is in one
    description: str | None = None


def _chains(roots: Iterable[int], patients: list[Patient]) -> set[int]:
    return {n for root in roots for n in descendants(root, patients)}


def named_clusters(patients: list[Patient]) -> list[ClusterSpec]:
    """Bach Mai (every BVBM case and its chain), Ha Loi village (BN243's chain), Buddha Bar
    (BN91's chain): the clusters the news named."""
    by_number = {p.number: p for p in patients}

    def spec(code: str, name: str, kind: ClusterKind, members: set[int], **kw: str) -> ClusterSpec:
        first = min(by_number[n].positive_on for n in members)
        return ClusterSpec(code, name, kind, tuple(sorted(members)), first, **kw)

    bach_mai = _chains((p.number for p in patients if "BVBM" in p.sources), patients)
    return [
        spec(
            "BVBM",
            "Bệnh viện Bạch Mai",
            ClusterKind.place,
            bach_mai,
            ward_code="00232",
            description="Bach Mai hospital: cases with source BVBM and everyone down their chains.",
        ),
        spec(
            "HALOI",
            "Thôn Hạ Lôi, xã Mê Linh",
            ClusterKind.place,
            set(descendants(243, patients)),
            ward_code="09010",
            description="Ha Loi village (Mê Linh): BN243 and everyone down his chain.",
        ),
        spec(
            "BUDDHA-BAR",
            "Buddha Bar, Quận 2, TP Hồ Chí Minh",
            ClusterKind.event,
            set(descendants(91, patients)),
            description="Buddha Bar (Ho Chi Minh City): BN91 and everyone down his chain.",
        ),
    ]


def flight_clusters(patients: list[Patient], flights: list[Flight]) -> list[ClusterSpec]:
    """Every flight of flights.csv, and every other flight number shared by two patients."""
    members: dict[str, set[int]] = {}
    extra: dict[str, set[int]] = {}
    for p in patients:
        for number in p.flights:
            if number in NOT_A_FLIGHT:
                continue
            flight = flight_of(number, p.positive_on, flights)
            if flight is not None:
                members.setdefault(flight.code, set()).add(p.number)
            else:
                extra.setdefault(number, set()).add(p.number)
    specs = [
        ClusterSpec(
            f.code,
            f"Chuyến bay {f.number}",
            ClusterKind.flight,
            tuple(sorted(members.get(f.code, set()))),
            f.arrival_on,
            description=f.description,
        )
        for f in flights
    ]
    specs += [
        ClusterSpec(
            number,
            f"Chuyến bay {number}",
            ClusterKind.flight,
            tuple(sorted(found)),
            description=f"{number} (not in flights.csv; arrival date unknown)",
        )
        for number, found in sorted(extra.items())
        if len(found) >= 2
    ]
    return specs
