"""Runtime settings, validated at start-up so a bad value fails where it enters.

Every value can be set by an environment variable prefixed ``SMARTCITY_`` (for example
``SMARTCITY_DATABASE_URL=postgresql+psycopg://127.0.0.1/test``) or in a ``.env`` file in the
working directory. Defaults are the embedded ones: SQLite in ``./var``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from config.messages import text
from config.setting_values import (
    WEIGHT_PARTS,
    check_scale,
    check_weights,
    check_window,
    listed,
    named_numbers,
)

#: The longest ``stall_days`` accepted: ten years, twice a master plan's cycle.
MAX_STALL_DAYS = 3650

#: The SQLAlchemy dialects and drivers installed with the project.
DRIVERS = frozenset({"sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg"})

#: The shortest ``secret_key`` accepted (``secrets.token_urlsafe(48)`` writes 64).
MIN_SECRET_KEY = 32


class Settings(BaseSettings):
    """All configuration of a smartcity-workflow process."""

    model_config = SettingsConfigDict(
        env_prefix="SMARTCITY_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(
        default=Path("var"),
        description="Where the SQLite database and uploaded files live.",
    )
    database_url: str | None = Field(
        default=None, examples=["postgresql+psycopg://smartcity@127.0.0.1/smartcity"],
        description="SQLAlchemy URL; empty means SQLite at DATA_DIR/smartcity.db.",
    )
    # Per process: every web process and worker keeps its own pool, so processes x (pool +
    # overflow) must stay under PostgreSQL's max_connections (100 by default).
    database_pool_size: int = Field(
        default=10, ge=1, le=100,
        description="PostgreSQL connections each process keeps open and reuses (not SQLite).")
    database_max_overflow: int = Field(
        default=10, ge=0, le=100,
        description="Connections a process may open beyond its pool at a busy moment, closed "
                    "when returned (PostgreSQL only).")
    max_review_rounds: int = Field(
        default=3,
        ge=1,
        le=20,
        description="Mentor review rounds before a rejection escalates to a coordinator.",
    )
    cycle_years: int = Field(
        default=5, ge=1, le=20, description="Length of a master-plan cycle before renewal."
    )
    dimensions_file: Path | None = Field(
        default=None, examples=["dimensions.yaml"],
        description=(
            "YAML with the smart-city dimensions and elements; empty means the shipped set."
        ),
    )
    upload_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    now: datetime | None = Field(
        default=None, examples=["2026-03-02T08:00+07:00"],
        description="A fixed time the service runs at, with its zone (2026-03-02T08:00+07:00), "
                    "for tests and simulations (worker --once, reminders preview); empty: the "
                    "real clock.")

    # -- email ----------------------------------------------------------------------------
    smtp_host: str = Field(default="127.0.0.1", min_length=1, description="SMTP relay host.")
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="none", description="'starttls' (587) is enforced, never silently skipped.")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30.0, gt=0, allow_inf_nan=False)
    smtp_connections: int = Field(default=2, ge=1, le=32,
                                  description="Reused connections sending in parallel.")
    mail_from: str = Field(default="Gerakan Menuju 100 Smart City <noreply@smartcity.go.id>")
    mail_locale: Literal["id", "en"] = Field(default="id", description="Language of emails.")
    send_max_attempts: int = Field(default=8, ge=1, le=50,
                                   description="Temporary failures retried before dead-lettering.")

    # -- reminders --------------------------------------------------------------------------
    reminder_days: Annotated[tuple[Annotated[int, Field(ge=0, le=366)], ...], NoDecode] = Field(
        default=(7, 3, 1), description="Days before a deadline to remind: 7,3,1 or [7,3,1].")
    reminder_hour: int = Field(default=8, ge=0, le=23,
                               description="Local hour (recipient's zone) reminders go out.")
    escalation_days: int = Field(default=3, ge=0,
                                 description="Days after a missed deadline to escalate.")
    deadline_time: time = Field(
        default=time(23, 59),
        description="Local time (the region's zone) a deadline counted in days falls at.")
    deadline_on_working_day: bool = Field(
        default=True,
        description="A deadline counted in days that falls on a weekend, a national holiday or "
                    "cuti bersama moves to the next working day.")
    collective_leave: Annotated[tuple[date, ...], NoDecode] = Field(
        default=(), examples=["2026-12-24,2026-12-31"],
        description="Cuti bersama days (not in the holiday library), YYYY-MM-DD, separated by "
                    "commas or as a JSON list.")
    stall_days: int = Field(
        default=60,
        description="Days a region may stay in one stage before the coordinators' inbox "
                    "(/attention) lists it as stalled; longer than a bimtek (45 days), so a "
                    "region on time is not listed.")

    # -- evaluation ---------------------------------------------------------------------------
    evaluation_windows: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("06-01/06-30", "11-01/11-30"),
        description="Yearly windows as MM-DD/MM-DD, in WIB, separated by commas.")
    evaluation_scale: Annotated[tuple[float, float], NoDecode] = Field(
        default=(1.0, 4.0), description="Lowest and highest score: 1,4 or [1,4].")
    evaluation_weights: Annotated[dict[str, float], NoDecode] = Field(
        default={"baseline": 0.10, "output": 0.20, "outcome": 0.30, "impact": 0.30,
                 "quick_win": 0.10},
        description=f"Weight of each part ({', '.join(WEIGHT_PARTS)}), adding up to 1: "
                    "baseline=0.1,output=0.2,... or a JSON object.")

    # -- the web application (smartcity serve) --
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of the web pages; links in emails start with it.")
    secret_key: SecretStr | None = Field(
        default=None,
        examples=["$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"],
        description="Signs the links in emails. Unset: generated once into "
                    "DATA_DIR/secret.key; set the same value on every server sharing a "
                    "database.")
    session_hours: int = Field(default=12, ge=1, le=24 * 30,
                               description="How long a browser stays signed in.")
    link_days: int = Field(default=14, ge=1, le=90,
                           description="How long a link in a reminder email works.")
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="'json': one JSON object a line (time, level, logger, message, request id) "
                    "for a log collector; 'text': lines for a person.")
    metrics_token: SecretStr | None = Field(
        default=None,
        description="When set, GET /metrics asks for 'Authorization: Bearer <token>'; unset: "
                    "open, for a reverse proxy that answers /metrics only to the monitoring "
                    "network.")
    secure_cookies: bool | None = Field(
        default=None, examples=[True],
        description="Send cookies over HTTPS only; unset: when base_url is https://.")

    @field_validator("reminder_days", "collective_leave", "evaluation_windows",
                     "evaluation_scale", mode="before")
    @classmethod
    def _list(cls, value: object) -> object:
        """A list written as ``7,3,1`` or as JSON ``[7,3,1]``; its items are checked next."""
        return listed(value)

    @field_validator("evaluation_weights", mode="before")
    @classmethod
    def _pairs(cls, value: object) -> object:
        return named_numbers(value)

    @field_validator("evaluation_windows")
    @classmethod
    def _windows(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_window(spec) for spec in value)

    @field_validator("evaluation_scale")
    @classmethod
    def _scale(cls, value: tuple[float, float]) -> tuple[float, float]:
        return check_scale(value)

    @field_validator("evaluation_weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        return check_weights(value)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise PydanticCustomError("base_url", text("limits.setting.base_url"),
                                      {"given": repr(value)})
        return value.rstrip("/")

    @field_validator("mail_from")
    @classmethod
    def _sender(cls, value: str) -> str:
        """An address mail servers accept in MAIL FROM: ``name@domain``, with a display name
        or without."""
        address = parseaddr(value)[1]
        local, at, domain = address.rpartition("@")
        if not (at and local and "." in domain and not domain.startswith(".")):
            raise PydanticCustomError("mail_from", text("limits.setting.mail_from"),
                                      {"given": repr(value)})
        return value

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        """A key anyone could guess signs nothing: at least ``MIN_SECRET_KEY`` characters."""
        if value is not None and len(value.get_secret_value().strip()) < MIN_SECRET_KEY:
            raise PydanticCustomError("secret_key", text("limits.setting.secret_key"),
                                      {"least": MIN_SECRET_KEY,
                                       "length": len(value.get_secret_value().strip())})
        return value

    @field_validator("dimensions_file")
    @classmethod
    def _a_file(cls, value: Path | None) -> Path | None:
        """A file that is there; what it holds is checked when the programme loads it."""
        if value is not None and not value.is_file():
            raise PydanticCustomError("dimensions_file", text("limits.setting.no_file"),
                                      {"given": repr(str(value))})
        return value

    @field_validator("now", mode="before")
    @classmethod
    def _empty_is_real_clock(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise PydanticCustomError("zone_needed", text("limits.setting.zone_needed"),
                                      {"given": repr(value.isoformat())})
        return value

    @field_validator("stall_days", mode="before")
    @classmethod
    def _whole_days(cls, value: object) -> int:
        """1 to 3650 days, written in ASCII digits; anything else is refused in one line in
        the reader's language (``cli.bad_stall_days``), naming what was given."""
        days: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            days = value
        elif isinstance(value, str) and re.fullmatch(r"[0-9]{1,4}", value.strip()):
            days = int(value.strip())
        if days is None or not 1 <= days <= MAX_STALL_DAYS:
            raise PydanticCustomError("stall_days", text("cli.bad_stall_days"),
                                      {"value": repr(value), "most": MAX_STALL_DAYS})
        return days

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str | None) -> str | None:
        """A URL SQLAlchemy reads, of a backend and driver the project ships: anything else
        would fail later, as an internal error or a missing module."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if not value:
            return value
        try:
            drivername = make_url(value).drivername
        except (ArgumentError, ValueError):
            raise PydanticCustomError("database_url_form", text("limits.setting.not_a_url"),
                                      {"given": repr(value.split("@")[-1])}) from None
        if drivername not in DRIVERS:
            raise PydanticCustomError("database_url", text("limits.setting.database_url"),
                                      {"given": repr(drivername)})
        return value

    @property
    def cookies_secure(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.base_url.startswith("https://")

    def resolved_database_url(self) -> str:
        """The URL to connect to: the configured one or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'smartcity.db').resolve()}"

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached: the environment is read once)."""
    return Settings()
