"""The Slack adapter's settings: `SLACK_*` and Slack's pacing, read from the environment or `.env`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigurationError
from bot.settings import Settings, adapter_values


class SlackSettings(BaseSettings):
    """Slack's credentials and endpoints; names are the environment variables in SPEC §2."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    environment: Literal["development", "production", "test"] = Field("development", alias="FIVEFOLD_ENV")
    signing_secret: SecretStr | None = Field(None, alias="SLACK_SIGNING_SECRET")
    bot_token: SecretStr | None = Field(None, alias="SLACK_BOT_TOKEN")
    client_id: str | None = Field(None, alias="SLACK_CLIENT_ID")
    client_secret: SecretStr | None = Field(None, alias="SLACK_CLIENT_SECRET")
    api_url: str = Field("https://slack.com/api/", alias="SLACK_API_URL")
    # an optional ceiling: below it the send rate is found from Slack's answers (429s)
    rate_per_second: float | None = Field(None, gt=0, alias="FIVEFOLD_SLACK_RATE_PER_SECOND")
    burst: int = Field(20, ge=1, alias="FIVEFOLD_SLACK_BURST")

    @model_validator(mode="after")
    def _safe_outside_development(self) -> SlackSettings:
        if self.environment == "production" and self.bot_token and not self.signing_secret:
            raise ValueError("SLACK_SIGNING_SECRET is required with SLACK_BOT_TOKEN")
        return self

    @classmethod
    def of(cls, settings: Settings) -> SlackSettings:
        """Slack's settings beside the engine's `settings` (values given to those win over the environment).

        Raises:
            ConfigurationError: the values are invalid, or unsafe in production.
        """
        values: dict[str, Any] = adapter_values(settings)
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ConfigurationError(str(exc)) from exc

    @property
    def enabled(self) -> bool:
        """True when Slack is configured in single-workspace or OAuth mode."""
        return bool(self.signing_secret and (self.bot_token or self.client_id))

    @property
    def oauth(self) -> bool:
        """True in multi-workspace (OAuth) mode."""
        return bool(self.client_id and self.client_secret)
