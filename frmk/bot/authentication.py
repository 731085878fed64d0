"""Bot Framework authentication whose replies cannot be turned into a relay.

``GuardedAuthentication`` is botbuilder's ``ConfigurationBotFrameworkAuthentication`` with three
refusals (each an ``ActivityRefused``): in local mode an ``Authorization`` header (there is no app
id to check it against, and botbuilder would try to decode it and fail with a 500); a token
botbuilder cannot even read (401, not a 500); and, at the one place a ``serviceUrl`` becomes an
HTTP client, a reply URL ``service_url_problem`` refuses (403). The connector clients it makes do
not follow redirects, so a loopback ``serviceUrl`` that answers 307 cannot forward a reply on.
"""

from __future__ import annotations

from typing import Any

import jwt
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    ClaimsIdentity,
    ConnectorFactory,
)

from frmk.bot.errors import LOCAL_MODE_TOKEN, ActivityRefused
from frmk.bot.service_url import service_url_problem


class ReplyConnectorFactory(ConnectorFactory):
    """Makes botbuilder's connector clients, only for allowed reply URLs and without redirects."""

    def __init__(self, inner: ConnectorFactory, *, local: bool) -> None:
        self.inner = inner
        self.local = local

    async def create(self, service_url: str, audience: str) -> ConnectorClient:
        problem = service_url_problem(service_url, local=self.local)
        if problem is not None:
            raise ActivityRefused(403, problem)
        client = await self.inner.create(service_url, audience)
        client.config.redirect_policy.allow = False
        return client


class GuardedAuthentication(ConfigurationBotFrameworkAuthentication):
    """botbuilder's authentication from ``configuration``; ``local`` is the no-app-id mode."""

    def __init__(self, configuration: Any, *, local: bool) -> None:
        super().__init__(configuration)
        self.local = local

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        if self.local and auth_header:
            raise ActivityRefused(401, LOCAL_MODE_TOKEN)
        try:
            result = await super().authenticate_request(activity, auth_header)
        except (jwt.PyJWTError, KeyError) as exc:  # KeyError: a token without the claims read
            raise ActivityRefused(
                401, f"the Authorization header is not a Bot Framework token it can read "
                f"({type(exc).__name__})"
            ) from None
        result.connector_factory = ReplyConnectorFactory(result.connector_factory, local=self.local)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return ReplyConnectorFactory(
            super().create_connector_factory(claims_identity), local=self.local
        )
