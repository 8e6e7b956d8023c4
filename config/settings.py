"""Runtime settings, validated at start-up so a bad value fails where it enters.

Every value can be set by an environment variable prefixed ``SMARTCITY_`` (for example
``SMARTCITY_DATABASE_URL=postgresql+psycopg://127.0.0.1/test``) or in a ``.env`` file in the
working directory. Defaults are the embedded ones: SQLite in ``./var``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "only sqlite:/// and postgresql+psycopg:// URLs are supported, got "
                f"{value.split(':', 1)[0]!r}"
            )
        return value

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
