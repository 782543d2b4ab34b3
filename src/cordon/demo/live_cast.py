"""The people of the live demo outbreak: households of a few wards of Hanoi, drawn from one
``random.Random(seed)`` in a fixed order — the same seed gives the same people.

Names follow ``demo.names`` (family, middle and given names with their Vietnamese shares);
phones are mobile numbers (+84 9x …) unique within the cast; addresses say "(demo)".
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from cordon.demo import names
from cordon.people.enums import Sex

# the outbreak's wards: three of Ba Đình (district 001) and one of Hoàn Kiếm (002)
PHUC_XA, TRUC_BACH, QUAN_THANH, DONG_XUAN = "00001", "00004", "00013", "00040"
STREETS = {
    PHUC_XA: "ngõ 76 Phúc Xá",
    TRUC_BACH: "phố Trúc Bạch",
    QUAN_THANH: "phố Quán Thánh",
    DONG_XUAN: "phố Đồng Xuân",
}
MOBILE_PREFIXES = ("91", "94", "96", "97", "98", "86", "88", "32", "33", "35")


@dataclass(frozen=True)
class Newcomer:
    """A person as the tracer first writes them down."""

    full_name: str
    sex: Sex
    birth_year: int
    ward_code: str
    address: str
    phone: str | None


class Cast:
    """Draws people and households; ``year`` is the current year (ages → birth years)."""

    def __init__(self, seed: int, year: int) -> None:
        self.rng = random.Random(seed)
        self.year = year
        self.phones: set[str] = set()
        self.houses = 0

    def _pick(self, table: tuple[tuple[str, float], ...]) -> str:
        return self.rng.choices([n for n, _ in table], weights=[w for _, w in table])[0]

    def _phone(self) -> str:
        while True:
            number = "+84" + self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def person(self, ward: str, address: str, age: int, *, family: str | None = None,
               female: bool | None = None) -> Newcomer:  # fmt: skip
        female = self.rng.random() < 0.5 if female is None else female
        middle = self._pick(names.MIDDLE_FEMALE if female else names.MIDDLE_MALE)
        given = self.rng.choice(names.GIVEN_FEMALE if female else names.GIVEN_MALE)
        family = family or self._pick(names.FAMILY)
        return Newcomer(
            full_name=f"{family} {middle} {given}",
            sex=Sex.female if female else Sex.male,
            birth_year=self.year - age,
            ward_code=ward,
            address=address,
            phone=self._phone() if age >= 16 else None,
        )

    def address(self, ward: str) -> str:
        self.houses += 1
        return f"Số {self.rng.randint(1, 120)}, {STREETS[ward]} (demo)"

    def household(self, ward: str, head: Newcomer | None = None, size: int = 3) -> list[Newcomer]:
        """The others of a household of ``size`` (with ``head``, who is already drawn)."""
        address = head.address if head else self.address(ward)
        family = head.full_name.split()[0] if head else self._pick(names.FAMILY)
        head_age = self.year - head.birth_year if head else self.rng.randint(30, 60)
        people = []
        for k in range(size - (1 if head else 0)):
            if k == 0 and head is not None:  # a spouse
                age = max(20, head_age + self.rng.randint(-6, 6))
                people.append(self.person(ward, address, age, female=head.sex is Sex.male))
            elif k % 2:
                age = max(1, head_age - self.rng.randint(22, 32))
                people.append(self.person(ward, address, age, family=family))
            else:
                age = min(90, head_age + self.rng.randint(22, 30))
                people.append(self.person(ward, address, age, family=family))
        return people
