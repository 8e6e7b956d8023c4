"""Runtime settings, validated at start-up so a bad value fails where it enters.

Every value can be set by an environment variable prefixed ``SMARTCITY_`` (for example
``SMARTCITY_DATABASE_URL=postgresql+psycopg://127.0.0.1/test``) or in a ``.env`` file in the
working directory. Defaults are the embedded ones: SQLite in ``./var``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.messages import text

#: The longest ``stall_days`` accepted: ten years, twice a master plan's cycle.
MAX_STALL_DAYS = 3650


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
        default=None,
        description="SQLAlchemy URL; empty means SQLite at DATA_DIR/smartcity.db.",
    )
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
        default=None,
        description=(
            "YAML with the smart-city dimensions and elements; empty means the shipped set."
        ),
    )
    upload_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    now: datetime | None = Field(
        default=None,
        description="A fixed time the service runs at, with its zone (2026-03-02T08:00+07:00), "
                    "for tests and simulations (worker --once, reminders preview); empty: the "
                    "real clock.")

    # -- email ----------------------------------------------------------------------------
    smtp_host: str = Field(default="127.0.0.1", description="SMTP relay host.")
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="none", description="'starttls' (587) is enforced, never silently skipped.")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30.0, gt=0)
    smtp_connections: int = Field(default=2, ge=1, le=32,
                                  description="Reused connections sending in parallel.")
    mail_from: str = Field(default="Gerakan Menuju 100 Smart City <noreply@smartcity.go.id>")
    mail_locale: Literal["id", "en"] = Field(default="id", description="Language of emails.")
    send_max_attempts: int = Field(default=8, ge=1, le=50,
                                   description="Temporary failures retried before dead-lettering.")

    # -- reminders --------------------------------------------------------------------------
    reminder_days: tuple[int, ...] = Field(default=(7, 3, 1),
                                           description="Days before a deadline to remind.")
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
    collective_leave: tuple[date, ...] = Field(
        default=(), description="Cuti bersama days (not in the holiday library), YYYY-MM-DD.")
    stall_days: int = Field(
        default=60,
        description="Days a region may stay in one stage before the coordinators' inbox "
                    "(/attention) lists it as stalled; longer than a bimtek (45 days), so a "
                    "region on time is not listed.")

    # -- evaluation ---------------------------------------------------------------------------
    evaluation_windows: tuple[str, ...] = Field(
        default=("06-01/06-30", "11-01/11-30"),
        description="Yearly windows as MM-DD/MM-DD, in WIB.")
    evaluation_scale: tuple[float, float] = Field(default=(1.0, 4.0))
    evaluation_weights: dict[str, float] = Field(
        default={"baseline": 0.10, "output": 0.20, "outcome": 0.30, "impact": 0.30,
                 "quick_win": 0.10})

    # -- the web application (smartcity serve) --
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of the web pages; links in emails start with it.")
    secret_key: SecretStr | None = Field(
        default=None,
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
    secure_cookies: bool | None = Field(
        default=None, description="Send cookies over HTTPS only; unset: when base_url is "
                                  "https://.")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {value!r}")
        return value.rstrip("/")

    @field_validator("now", mode="before")
    @classmethod
    def _empty_is_real_clock(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("now needs its zone, e.g. 2026-03-02T08:00+07:00 (08:00 WIB)")
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
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "only sqlite:/// and postgresql+psycopg:// URLs are supported, got "
                f"{value.split(':', 1)[0]!r}"
            )
        return value

    @model_validator(mode="after")
    def _evaluation_consistent(self) -> Settings:
        weights = self.evaluation_weights
        parts = {"baseline", "output", "outcome", "impact", "quick_win"}
        if set(weights) != parts:
            raise ValueError(f"evaluation_weights must name exactly {', '.join(sorted(parts))}")
        if abs(sum(weights.values()) - 1.0) > 1e-6:
            raise ValueError(f"evaluation_weights must add up to 1, not {sum(weights.values())}")
        low, high = self.evaluation_scale
        if not low < high:
            raise ValueError("evaluation_scale must be (lowest, highest) with lowest < highest")
        return self

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
