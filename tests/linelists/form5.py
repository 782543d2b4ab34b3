"""A ministry line list as it comes (Form 5, "case and close contact list", 2020), made by
code from a fixed seed: a title block of six lines above a header of two rows, Vietnamese
headers, English and Vietnamese country names, dates written two ways and free text in a
date cell, case codes written three ways, an onset after confirmation, a death before
confirmation, a cluster column, cases of other provinces — and a mapping file that reads it.

``form5_csv`` saves it as Excel on Windows does in Vietnam (Windows-1258, tone marks as
combining characters); ``form5_xlsx`` as a workbook with real date cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import unicodedata

import openpyxl

TITLE = [
    ["BỘ Y TẾ", "", "", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["CỤC Y TẾ DỰ PHÒNG", "", "", "Độc lập - Tự do - Hạnh phúc"],
    [],
    ["Biểu mẫu 5"],
    ["DANH SÁCH CA BỆNH VÀ NGƯỜI TIẾP XÚC GẦN"],
    ["(Cập nhật đến ngày 02/08/2020)"],
]
UPPER = [
    "STT", "Mã BN", "Họ và tên", "Giới", "Tuổi", "Quốc tịch", "Tỉnh/TP", "Quận/Huyện",
    "Phường/Xã", "Ngày", "", "", "", "Ca liên quan", "Ổ dịch", "Ghi chú", "Ghi chú",
]  # fmt: skip
LOWER = [
    "", "", "", "", "", "", "", "", "", "Khởi phát", "Xác nhận", "Ra viện", "Tử vong",
    "", "", "", "",
]  # fmt: skip
HEADER_LINE = len(TITLE) + 1  # line 7

MAPPING = """
[file]
header_row = 7

[columns]
"STT" = ""
"Mã BN" = "case_code"
"Họ và tên" = "full_name"
"Giới" = "sex"
"Tuổi" = "age"
"Quốc tịch" = "nationality"
"Tỉnh/TP" = "province"
"Quận/Huyện" = "district_name"
"Phường/Xã" = "ward_name"
"Khởi phát" = "onset_on"
"Xác nhận" = "confirmed_on"
"Ra viện" = "discharged_on"
"Tử vong" = "died_on"
"Ca liên quan" = "sources"
"Ổ dịch" = "cluster"

[codes]
prefix = "NB"
digits = 3

[dates]
formats = ["%m/%d/%Y", "%d-%m-%Y"]

[values.sex]
"Nam" = "male"
"Nữ" = "female"

[values.onset_on]
"*" = ""

[values.cluster]
"BV Bạch Mai" = "Bach Mai hospital"
"Da Nang Hosp" = "Da Nang Hosp."
"""

COUNTRIES = ["Vietnam", "England", "USA", "Korea", "Việt Nam", "Trung Quốc"]
EXPECTED_COUNTRIES = {"VN", "GB", "US", "KR", "CN"}
CLUSTERS = ["BV Bạch Mai", "Da Nang Hosp.", "Da Nang Hosp", "Buddha Bar", ""]
EXPECTED_CLUSTERS = {"Bach Mai hospital", "Da Nang Hosp.", "Buddha Bar"}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVEN = ["Văn Đức", "Thị Hương", "Minh Tuấn", "Thị Ánh", "Quốc Việt", "Thị Thủy", "Hữu Lộc"]
ROWS = 40
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _date(day: dt.date, rng: random.Random) -> str:
    """Two ways in one column: US month/day/year and day-month-year."""
    if rng.random() < 0.5:
        return f"{day.month}/{day.day}/{day.year}"
    return day.strftime("%d-%m-%Y")


def _code(n: int, way: int) -> str:
    return ("NB{}", "NB {:03d}", "NB{:03d}")[way % 3].format(n)


def rows(seed: int = 2020) -> list[list[str]]:
    """The data rows; case 3 has an onset after confirmation and free text in the onset
    cell of case 4; case 5 died before confirmation; case 6 has a death date and no status;
    cases 7 and 8 are of other provinces."""
    rng = random.Random(seed)
    out = []
    for n in range(1, ROWS + 1):
        confirmed = dt.date(2020, 7, 1) + dt.timedelta(days=n % 25)
        onset = confirmed - dt.timedelta(days=rng.randint(1, 5))
        province, district, ward = "Hà Nội", "Ba Đình", "Trúc Bạch"
        died = discharged = ""
        onset_text = _date(onset, rng)
        if n == 3:
            onset_text = _date(confirmed + dt.timedelta(days=2), rng)
        if n == 4:
            onset_text = "khởi phát trước chuyến bay"
        if n == 5:
            died = _date(confirmed - dt.timedelta(days=1), rng)
        if n == 6:
            died = _date(confirmed + dt.timedelta(days=3), rng)
        if n == 9:
            discharged = _date(confirmed + dt.timedelta(days=14), rng)
        if n in (7, 8):
            province, district, ward = "Đà Nẵng", "Hải Châu", "Thạch Thang"
        related = ""
        if n > 2:
            related = rng.choice([", ", "; ", " "]).join(
                _code(rng.randint(1, n - 1), w) for w in range(rng.randint(1, 2))
            )
        out.append(
            [
                str(n),
                _code(n, n),
                f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                rng.choice(["Nam", "Nữ"]),
                str(rng.randint(18, 80)),
                COUNTRIES[n % len(COUNTRIES)],
                province,
                district,
                ward,
                onset_text,
                _date(confirmed, rng),
                discharged,
                died,
                related,
                CLUSTERS[n % len(CLUSTERS)],
                "",
                "",
            ]
        )
    return out


def table(seed: int = 2020) -> list[list[str]]:
    return [*TITLE, UPPER, LOWER, *rows(seed)]


def to_cp1258(text: str) -> bytes:
    """As Windows writes Vietnamese in code page 1258: letters with a tone mark as the base
    letter followed by a combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
        out += base.encode("cp1258") + "".join(p for p in parts if p in TONES).encode("cp1258")
    return bytes(out)


def form5_csv(seed: int = 2020) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table(seed))
    return to_cp1258(out.getvalue())


def form5_xlsx(seed: int = 2020) -> bytes:
    """The workbook: dates of the confirmation column as real date cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in table(seed):
        sheet.append(line)
    for row in sheet.iter_rows(min_row=HEADER_LINE + 2, min_col=11, max_col=11):
        for cell in row:
            cell.value = _as_date(str(cell.value))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_date(text: str) -> dt.date:
    if "/" in text:
        return dt.datetime.strptime(text, "%m/%d/%Y").date()
    return dt.datetime.strptime(text, "%d-%m-%Y").date()
