"""The one settings object: every configurable value of Cordon, read from CORDON_* variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class Settings(BaseSettings):
    """Configuration of one Cordon installation.

    Every field is set by an environment variable named ``CORDON_<FIELD>`` (or a ``.env`` file
    in the working directory). ``docs/settings.md`` lists them; a test keeps that list honest.
    """

    model_config = SettingsConfigDict(env_prefix="CORDON_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'cordon.db'}",
        description="SQLAlchemy URL of the database: SQLite file (default) or "
        "postgresql+psycopg://user@host/db.",
    )
    database_echo: bool = Field(default=False, description="Log every SQL statement (debugging).")
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8000, description="Port the web server listens on.")
    city_code: str = Field(
        default="01", description="Code of the city this installation serves (Hanoi = 01)."
    )
    phone_region: str = Field(
        default="VN", description="Default region for phone numbers written without +country."
    )
    tier_policy_file: Path | None = Field(
        default=None,
        description="TOML file of tier rule sets; the built-in Vietnamese rules when unset.",
    )
    page_size_max: int = Field(default=500, description="Largest page any list endpoint returns.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
