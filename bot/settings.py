"""All configuration, read once from the environment or a `.env` file."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigurationError

DEFAULT_SECRET_KEY = "fivefold-development-only-secret-key"  # noqa: S105 - refused in production


class Role(StrEnum):
    """Which parts of Fivefold a process runs."""

    ALL = "all"
    WEB = "web"
    WORKER = "worker"


class Settings(BaseSettings):
    """The engine's settings; names are the environment variables in SPEC §2 (each adapter has its own class)."""

    # `extra="allow"`: values for the adapters' settings (SLACK_*, MICROSOFT_*, ...) given here are
    # kept, so that `AdapterSettings.of` can hand them on; the engine itself reads none of them.
    model_config = SettingsConfigDict(env_file=".env", extra="allow", populate_by_name=True)

    database_url: str = Field("sqlite:///./fivefold.db", alias="DATABASE_URL")
    environment: Literal["development", "production", "test"] = Field(
        "development", alias="FIVEFOLD_ENV"
    )

    secret_key: SecretStr = Field(SecretStr(DEFAULT_SECRET_KEY), alias="FIVEFOLD_SECRET_KEY")
    role: Role = Field(Role.ALL, alias="FIVEFOLD_ROLE")
    default_timezone: str = Field("UTC", alias="FIVEFOLD_DEFAULT_TIMEZONE")
    default_locale: str = Field("en", alias="FIVEFOLD_DEFAULT_LOCALE")
    anonymity_threshold: int = Field(5, ge=3, alias="FIVEFOLD_ANONYMITY_THRESHOLD")
    kudos_daily_allowance: int = Field(5, ge=1, alias="FIVEFOLD_KUDOS_DAILY_ALLOWANCE")
    kudos_emoji: str = Field("raised_hands", alias="FIVEFOLD_KUDOS_EMOJI")
    log_format: Literal["console", "json"] = Field("console", alias="FIVEFOLD_LOG_FORMAT")
    worker_poll_seconds: float = Field(1.0, gt=0, alias="FIVEFOLD_WORKER_POLL_SECONDS")
    delivery_lease_seconds: float = Field(15.0, gt=0, alias="FIVEFOLD_DELIVERY_LEASE_SECONDS")
    scheduler_interval_seconds: float = Field(30.0, gt=0, alias="FIVEFOLD_SCHEDULER_INTERVAL_SECONDS")
    member_sync_hours: float = Field(24.0, gt=0, alias="FIVEFOLD_MEMBER_SYNC_HOURS")
    header_timeout_seconds: float = Field(10.0, gt=0, le=300, alias="FIVEFOLD_HEADER_TIMEOUT_SECONDS")
    db_connect_timeout_seconds: float = Field(5.0, gt=0, le=300, alias="FIVEFOLD_DB_CONNECT_TIMEOUT_SECONDS")
    db_statement_timeout_seconds: float = Field(30.0, gt=0, le=3600, alias="FIVEFOLD_DB_STATEMENT_TIMEOUT_SECONDS")

    public_url: str = Field("http://127.0.0.1:3000", alias="FIVEFOLD_PUBLIC_URL")
    oidc_issuer: str | None = Field(None, alias="FIVEFOLD_OIDC_ISSUER")
    oidc_client_id: str | None = Field(None, alias="FIVEFOLD_OIDC_CLIENT_ID")
    oidc_client_secret: SecretStr | None = Field(None, alias="FIVEFOLD_OIDC_CLIENT_SECRET")
    console_idle_minutes: int = Field(30, ge=1, le=24 * 60, alias="FIVEFOLD_CONSOLE_IDLE_MINUTES")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("DATABASE_URL must be a sqlite:// or postgresql+psycopg:// URL")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("en", "pl", "uk"):
            raise ValueError("FIVEFOLD_DEFAULT_LOCALE must be one of en, pl, uk")
        return value

    @model_validator(mode="after")
    def _safe_outside_development(self) -> Settings:
        if self.environment == "production":
            problems = self.production_problems()
            if problems:
                raise ValueError("; ".join(problems))
        return self

    def production_problems(self) -> list[str]:
        """Return why these settings are unsafe for production (empty when safe)."""
        problems = []
        key = self.secret_key.get_secret_value()
        if key == DEFAULT_SECRET_KEY or len(key) < 32:
            problems.append("FIVEFOLD_SECRET_KEY must be set to a random value of 32+ characters")
        if self.oidc_issuer and not self.oidc_issuer.startswith("https://"):
            problems.append("FIVEFOLD_OIDC_ISSUER must be an https:// URL")
        return problems

    @property
    def oidc_enabled(self) -> bool:
        """True when an OpenID Connect provider is configured for console sign-in."""
        return bool(self.oidc_issuer and self.oidc_client_id)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    try:
        return Settings()
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc


class AdapterSettings(BaseSettings):
    """The base of an adapter's own settings class: it reads its variables itself, beside the engine's."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    environment: Literal["development", "production", "test"] = Field("development", alias="FIVEFOLD_ENV")

    @classmethod
    def of(cls, settings: Settings) -> Self:
        """The adapter's settings beside the engine's `settings` (values given to those win over the environment).

        Raises:
            ConfigurationError: the values are invalid, or unsafe in production.
        """
        values: dict[str, Any] = {key.upper(): value for key, value in (settings.model_extra or {}).items()}
        values["FIVEFOLD_ENV"] = settings.environment
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ConfigurationError(str(exc)) from exc
