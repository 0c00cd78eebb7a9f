"""How requests are authenticated, as documented: security schemes (with their OAuth 2 flows)
and the requirements that name them."""

from __future__ import annotations

from pydantic import Field

from ._base import FactModel
from ._source import Source


class OAuthFlow(FactModel):
    """One OAuth 2 flow of a security scheme."""

    flow: str = Field(description="Flow name: authorizationCode, clientCredentials, implicit, ...")
    authorization_url: str | None = Field(default=None, description="Authorization endpoint.")
    token_url: str | None = Field(default=None, description="Token endpoint.")
    refresh_url: str | None = Field(default=None, description="Refresh endpoint.")
    scopes: dict[str, str] = Field(
        default_factory=dict[str, str], description="Scope name -> description."
    )


class SecurityScheme(FactModel):
    """A documented way to authenticate."""

    name: str = Field(description="Scheme name as referenced by security requirements.")
    type: str = Field(description="apiKey, http, oauth2, openIdConnect, mutualTLS, basic, ...")
    scheme: str | None = Field(default=None, description="HTTP auth scheme (bearer, basic, ...).")
    bearer_format: str | None = Field(default=None, description="Documented bearer token format.")
    location: str | None = Field(
        default=None, description="Where an API key travels: header, query or cookie."
    )
    param_name: str | None = Field(
        default=None, description="Header, query or cookie name that carries the credential."
    )
    flows: list[OAuthFlow] = Field(default_factory=list[OAuthFlow], description="OAuth 2 flows.")
    openid_connect_url: str | None = Field(
        default=None, description="OpenID Connect discovery URL."
    )
    description: str | None = Field(default=None, description="Documented description.")
    source: Source = Field(description="Where the scheme is defined.")


class SecurityRequirement(FactModel):
    """One alternative of a security requirement: all listed schemes together."""

    schemes: dict[str, list[str]] = Field(
        description="Scheme name -> required scopes. Empty dict means anonymous access is allowed."
    )
