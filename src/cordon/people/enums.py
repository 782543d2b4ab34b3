from enum import StrEnum


class Sex(StrEnum):
    male = "male"
    female = "female"
    other = "other"
    unknown = "unknown"
