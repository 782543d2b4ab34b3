from enum import StrEnum


class UnitLevel(StrEnum):
    """Vietnam's administrative levels as Cordon uses them: city → district → ward."""

    city = "city"  # tỉnh / thành phố trực thuộc trung ương
    district = "district"  # quận / huyện / thị xã
    ward = "ward"  # phường / xã / thị trấn
