"""Sign-on settings, from `JOBBANK_OIDC_*`: sign-on is on when an issuer is set."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, HttpUrl, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jobbank.core.roles import Role

DEFAULT_SCOPES = "openid email profile"


class SignOnSettings(BaseSettings):
    """How to reach the provider and how its people become Jobbank's people."""

    model_config = SettingsConfigDict(env_prefix="JOBBANK_OIDC_", extra="ignore")

    issuer: str = ""
    """The provider's issuer URL, exactly as its ID tokens name it; empty: sign-on is off."""
    client_id: str = Field("", max_length=200)
    client_secret: str = Field("", max_length=500)
    scopes: str = Field(DEFAULT_SCOPES, max_length=500)
    redirect_url: str = Field("", max_length=500)
    """Jobbank's callback as the provider knows it (`https://jobbank.example.dk/login/sso/callback`);
    empty: made from the request, which is right unless a proxy changes the address."""
    match_claim: str = Field("email", min_length=1, max_length=100)
    """The ID-token claim that names the person: e.g. `email`, `preferred_username`, or a
    claim carrying the employee number."""
    match_field: Literal["email", "employee_no"] = "email"
    """What of the imported person `match_claim` is compared with."""
    groups_claim: str = Field("", max_length=100)
    """The claim listing the person's groups; with `group_roles`, roles come from it."""
    group_roles: dict[str, Role] = Field(default_factory=dict)
    """Group → role (JSON, e.g. `{"jobbank-hr": "hr_coordinator"}`); empty: roles are Jobbank's."""
    clock_skew_seconds: int = Field(60, ge=0, le=300)
    """How far the provider's clock may be from ours when expiry and issue times are checked."""

    @field_validator("issuer")
    @classmethod
    def _an_address(cls, value: str) -> str:
        if value:
            HttpUrl(value)  # refuses what is no http(s) address, naming the setting
        return value  # as given: a token's `iss` must equal it to the character

    @model_validator(mode="after")
    def _a_client(self) -> SignOnSettings:
        if self.issuer and not self.client_id:
            raise ValueError("JOBBANK_OIDC_CLIENT_ID must be set when JOBBANK_OIDC_ISSUER is")
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.issuer)

    @property
    def origin(self) -> str | None:
        """The provider's scheme, host and port (`https://login.example.dk`); None when off."""
        if not self.issuer:
            return None
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def roles_from_groups(self) -> bool:
        return bool(self.groups_claim and self.group_roles)


def load_sign_on_settings() -> SignOnSettings:
    return SignOnSettings()
