"""The Slack adapter's settings: `SLACK_*` and Slack's pacing, read from the environment or `.env`."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator

from bot.settings import AdapterSettings


class SlackSettings(AdapterSettings):
    """Slack's credentials and endpoints; names are the environment variables in SPEC §2."""

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

    @property
    def enabled(self) -> bool:
        """True when Slack is configured in single-workspace or OAuth mode."""
        return bool(self.signing_secret and (self.bot_token or self.client_id))

    @property
    def oauth(self) -> bool:
        """True in multi-workspace (OAuth) mode."""
        return bool(self.client_id and self.client_secret)
