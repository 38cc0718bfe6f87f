"""The Teams adapter's settings: `MICROSOFT_*`, `TEAMS_*` and Teams' switches, from the environment or `.env`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from bot.settings import AdapterSettings


class TeamsSettings(AdapterSettings):
    """The bot's Microsoft identity and the Bot Framework endpoints; names are the variables in SPEC §2."""

    app_id: str = Field("", alias="MICROSOFT_APP_ID")
    app_password: SecretStr | None = Field(None, alias="MICROSOFT_APP_PASSWORD")
    app_tenant_id: str = Field("", alias="MICROSOFT_APP_TENANT_ID")
    app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = Field(
        "MultiTenant", alias="MICROSOFT_APP_TYPE"
    )
    openid_metadata_url: str | None = Field(None, alias="TEAMS_OPENID_METADATA_URL")
    login_url: str = Field("https://login.microsoftonline.com", alias="TEAMS_LOGIN_URL")
    graph_url: str = Field("https://graph.microsoft.com/v1.0", alias="TEAMS_GRAPH_URL")
    enabled_flag: bool = Field(False, alias="FIVEFOLD_TEAMS_ENABLED")
    # an optional ceiling: below it the send rate is found from the platform's answers (429s)
    rate_per_second: float | None = Field(None, gt=0, alias="FIVEFOLD_TEAMS_RATE_PER_SECOND")

    @model_validator(mode="after")
    def _safe_outside_development(self) -> TeamsSettings:
        if self.environment == "production" and self.enabled and not (self.app_id and self.app_password):
            raise ValueError("MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD are required for Teams")
        return self

    @property
    def enabled(self) -> bool:
        """True when Microsoft Teams is configured (an app id, or FIVEFOLD_TEAMS_ENABLED)."""
        return bool(self.app_id or self.enabled_flag)
