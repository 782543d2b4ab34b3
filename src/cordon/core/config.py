"""The one settings object: every configurable value of Cordon, read from CORDON_* variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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
    tls_certfile: Path | None = Field(
        default=None,
        description="Certificate chain (PEM) to serve HTTPS with, e.g. a node of the "
        "inter-city network that no proxy fronts; unset: plain HTTP (behind a proxy).",
    )
    tls_keyfile: Path | None = Field(
        default=None, description="Private key (PEM) of CORDON_TLS_CERTFILE."
    )
    trusted_proxies: str = Field(
        default="",
        max_length=2000,
        description="Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: "
        "addresses or networks, comma-separated (e.g. 127.0.0.1,10.0.0.0/8). Empty: none, the "
        "connecting address is the client's.",
    )
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
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The address people reach the app at, for the links sent by SMS "
        "(self-report links).",
    )
    regime_file: Path | None = Field(
        default=None,
        description="TOML file of isolation regimes; the built-in Vietnamese regimes when unset "
        "(docs/isolation.md).",
    )
    discharge_file: Path | None = Field(
        default=None,
        description="TOML file of case discharge rules; the built-in Vietnamese rules when "
        "unset (docs/cases.md).",
    )
    warning_rules_file: Path | None = Field(
        default=None,
        description="TOML file of the rules that propose early warnings to partner cities; "
        "the built-in rules when unset (docs/network.md).",
    )
    page_size_max: int = Field(default=500, description="Largest page any list endpoint returns.")
    max_upload_mb: int = Field(
        default=50,
        ge=1,
        description="Largest line list an import accepts, in megabytes (API and web page); "
        "a larger upload is answered 413.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key for pseudonyms, CSRF tokens and self-report links (at least 32 "
        "characters). Unset: a key is made once in var/secret.key. Set it in production, the "
        "same on every server.",
    )
    roles_file: Path | None = Field(
        default=None,
        description="TOML file of the city's own roles, over the built-in ones (docs/access.md).",
    )
    session_hours: int = Field(default=12, description="A web session ends after this idle time.")
    login_slowdown_after: int = Field(
        default=3,
        description="Failed sign-ins of one account after which each further try must wait "
        "(1 s, 2 s, 4 s … between tries).",
    )
    login_lockout_after: int = Field(
        default=10, description="Failed sign-ins in a row that lock an account."
    )
    login_lockout_minutes: int = Field(
        default=30, description="How long a locked account stays locked (an admin can unlock)."
    )
    login_ip_limit: int = Field(
        default=50, description="Failed sign-ins from one address per 15 minutes before 429."
    )
    default_language: str = Field(
        default="vi",
        description="Language of the web app for a browser that has not chosen one (vi, en).",
    )
    timezone: str = Field(
        default="Asia/Ho_Chi_Minh", description="Time zone in which the web app shows times."
    )

    # -- messages (docs/messages.md) ----------------------------------------------------
    message_templates_dir: Path | None = Field(
        default=None,
        description="Folder of the city's own message templates (vi.toml, en.toml); the "
        "built-in ones of Hanoi's Department of Health when unset.",
    )
    smpp_host: str | None = Field(
        default=None,
        description="SMS centre (SMPP 3.4) host. Unset: SMS wait in the outbox, queued.",
    )
    smpp_port: int = Field(default=2775, description="SMS centre port.")
    smpp_system_id: str = Field(default="", description="SMPP system_id (account) to bind as.")
    smpp_password: SecretStr | None = Field(default=None, description="SMPP password.")
    smpp_source_addr: str = Field(
        default="SoYTeHaNoi",
        description="Sender shown on the phone: a brand name (≤ 11 letters) or a number.",
    )
    smtp_host: str | None = Field(
        default=None, description="Mail server host. Unset: e-mails wait in the outbox, queued."
    )
    smtp_port: int = Field(default=587, description="Mail server port.")
    smtp_tls: Literal["starttls", "ssl", "none"] = Field(
        default="starttls",
        description="starttls (port 587), ssl (port 465) or none (a local relay only).",
    )
    smtp_user: str | None = Field(default=None, description="Mail server account, if it asks.")
    smtp_password: SecretStr | None = Field(default=None, description="Mail server password.")
    smtp_from: str = Field(
        default="cordon@localhost", description="Sender address of the e-mails Cordon sends."
    )
    webhook_url: str | None = Field(
        default=None,
        description="URL that receives webhook messages (POST, JSON). Unset: they wait, queued.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Key of the HMAC-SHA256 signature of every webhook body (X-Cordon-"
        "Signature); required with the URL.",
    )
    outbox_max_attempts: int = Field(
        default=8, description="Attempts at a message before it is marked failed."
    )
    outbox_backoff_seconds: float = Field(
        default=30.0,
        description="Wait after the first failed attempt; doubled after each further one.",
    )
    outbox_backoff_max_seconds: float = Field(
        default=3600.0, description="Longest wait between two attempts at a message."
    )
    outbox_lease_seconds: float = Field(
        default=60.0,
        description="How long a worker holds the messages it claimed; a worker that died "
        "leaves them to the next worker after this (ADR 0010).",
    )
    outbox_send_timeout: float = Field(
        default=10.0, description="Seconds to wait for the SMS centre, mail server or webhook."
    )

    # -- the inter-city network (docs/network.md) -------------------------------------------
    network_max_attempts: int = Field(
        default=200,
        ge=1,
        description="Attempts at a message to a partner city before it is marked failed: "
        "with the back-off's longest wait between attempts (an hour), about eight days, so "
        "that a peer down for days gets everything when it returns.",
    )
    network_ca_file: Path | None = Field(
        default=None,
        description="CA certificates (PEM) that partner nodes' TLS certificates are checked "
        "against; unset: the system's.",
    )
    network_max_message_kb: int = Field(
        default=512,
        ge=1,
        le=2048,
        description="Largest message the inbox accepts from a peer, in kilobytes (413 above).",
    )

    # -- scenario planner (docs/scenarios.md) ------------------------------------------------
    scenario_workers: int = Field(
        default=1,
        ge=1,
        description="Processes that run a scenario's runs started from the API or the web "
        "app (one scenario at a time); 1 runs them in the server's own background thread.",
    )
    scenario_scheduler: str | None = Field(
        default=None,
        description="Address of a Dask scheduler (tcp://10.0.0.5:8786): the scenario runs "
        "started from the API or the web app run on that cluster instead of "
        'CORDON_SCENARIO_WORKERS processes (docs/simulation.md, "On a Dask cluster").',
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
