"""Vietnamese names for the synthetic city: family, middle and given names with frequencies.

Family-name shares follow the usual survey figures (Nguyễn ≈ 38%, Trần ≈ 11%, Lê ≈ 9.5%,
Phạm ≈ 7% …); the rest share what is left. Middle names: Văn for most men, Thị for most women.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FAMILY: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 4.0),
    ("Huỳnh", 1.1),
    ("Phan", 4.5),
    ("Vũ", 2.6),
    ("Võ", 1.3),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đào", 1.2),
    ("Đinh", 1.2),
    ("Trịnh", 1.0),
    ("Mai", 0.8),
    ("Lưu", 0.6),
    ("Tạ", 0.5),
)
MIDDLE_MALE: tuple[tuple[str, float], ...] = (
    ("Văn", 45.0),
    ("Đức", 10.0),
    ("Minh", 10.0),
    ("Quang", 8.0),
    ("Hữu", 8.0),
    ("Công", 6.0),
    ("Xuân", 5.0),
    ("Thanh", 4.0),
    ("Ngọc", 4.0),
)
MIDDLE_FEMALE: tuple[tuple[str, float], ...] = (
    ("Thị", 55.0),
    ("Ngọc", 8.0),
    ("Thu", 8.0),
    ("Thanh", 7.0),
    ("Hồng", 6.0),
    ("Kim", 6.0),
    ("Minh", 5.0),
    ("Phương", 5.0),
)
GIVEN_MALE = [
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Long",
    "Minh",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Thành",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Tùng",
    "Hưng",
    "Tiến",
    "Toàn",
    "Kiên",
    "Đông",
    "Lâm",
    "Phúc",
    "Quý",
    "Tâm",
    "Khoa",
]
GIVEN_FEMALE = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Hương",
    "Huyền",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Thủy",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
    "Thu",
    "Ly",
    "Nhi",
    "Ngân",
    "Diệp",
]

Ints = npt.NDArray[np.int64]


def _weights(table: tuple[tuple[str, float], ...]) -> npt.NDArray[np.float64]:
    w = np.array([share for _, share in table], dtype=np.float64)
    out: npt.NDArray[np.float64] = w / w.sum()
    return out


def family_names() -> npt.NDArray[np.object_]:
    return np.array([name for name, _ in FAMILY], dtype=object)


def draw_family(rng: np.random.Generator, n: int) -> Ints:
    return rng.choice(len(FAMILY), size=n, p=_weights(FAMILY)).astype(np.int64)


def full_names(
    rng: np.random.Generator, family: Ints, female: npt.NDArray[np.bool_]
) -> npt.NDArray[np.object_]:
    """'Nguyễn Văn Hùng' for each person: the family name given, middle and given drawn by sex."""
    n = len(family)
    mid_m = np.array([m for m, _ in MIDDLE_MALE], dtype=object)
    mid_f = np.array([m for m, _ in MIDDLE_FEMALE], dtype=object)
    middle = np.where(
        female,
        mid_f[rng.choice(len(mid_f), size=n, p=_weights(MIDDLE_FEMALE))],
        mid_m[rng.choice(len(mid_m), size=n, p=_weights(MIDDLE_MALE))],
    )
    given = np.where(
        female,
        np.array(GIVEN_FEMALE, dtype=object)[rng.integers(0, len(GIVEN_FEMALE), n)],
        np.array(GIVEN_MALE, dtype=object)[rng.integers(0, len(GIVEN_MALE), n)],
    )
    names: npt.NDArray[np.object_] = family_names()[family] + " " + middle + " " + given
    return names
