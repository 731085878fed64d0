"""Guards for a bot on the Microsoft 365 Agents SDK (``microsoft_agents.hosting.aiohttp``).

The same rules as the botbuilder guards, at the Agents SDK's seams:
``check_agents_activity_request`` reads the body (``read_activity_body``: 415 / 413 / 400), refuses
an ``Authorization`` header in local mode (401: no app id to check it against) and a body the
SDK's ``Activity`` model cannot read (400, where the SDK would answer 500); and
``GuardedClientFactory`` wraps the factory the adapter makes reply clients with, so the one place
a ``serviceUrl`` becomes an HTTP client refuses what ``service_url_problem`` refuses (403), and
the clients it makes never follow a redirect (a 307 from a loopback ``serviceUrl`` forwards
nothing: the reply fails instead).
The SDK's own outbound host validator stays off in local mode: it refuses loopback hosts, the
Emulator's case, and the rule here covers it.
"""

from __future__ import annotations

import logging

import aiohttp
import jwt
from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import ChannelServiceClientFactoryBase, TurnContext
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from microsoft_agents.hosting.core.connector import ConnectorClientBase, UserTokenClientBase

from frmk.bot.errors import LOCAL_MODE_TOKEN, ActivityRefused
from frmk.bot.request_body import read_activity_body
from frmk.bot.service_url import service_url_problem


def _without_traceback(record: logging.LogRecord) -> bool:
    """Keep the SDK's "Validation error for Activity" line, drop its traceback: bad input is a
    4xx with a reason (logged by the server), not an exception in the log."""
    record.exc_info = None
    record.exc_text = None
    return True


logging.getLogger("microsoft_agents.activity.activity").addFilter(_without_traceback)


async def check_agents_activity_request(request: web.Request, *, local: bool) -> None:
    """Raise ``ActivityRefused`` unless the request is an activity the Agents SDK can serve."""
    authorization = request.headers.get("Authorization")
    if local and authorization:
        raise ActivityRefused(401, LOCAL_MODE_TOKEN)
    if authorization:
        problem = token_problem(authorization)
        if problem is not None:
            raise ActivityRefused(401, problem)
    body = await read_activity_body(request)
    try:
        Activity.model_validate(body)
    except Exception:  # ValidationError, or the bare Exception its channel id validator raises
        raise ActivityRefused(
            400, "the activity has a field of the wrong type for the activity schema"
        ) from None


def token_problem(authorization: str) -> str | None:
    """Why the SDK's JWT check could not even read ``authorization`` (it would answer 500), or None.

    Only the shape is checked here (a bearer JWT with a key id); the SDK verifies the token.
    """
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return "the Authorization header is not a bearer token"
    try:
        header = jwt.get_unverified_header(token.strip())
    except jwt.PyJWTError as exc:
        return f"the Authorization header is not a token it can read ({type(exc).__name__})"
    if not isinstance(header.get("kid"), str):
        return "the Authorization header is a token without a key id (kid)"
    return None


class GuardedClientFactory(ChannelServiceClientFactoryBase):
    """Makes the Agents SDK's reply clients, only for reply URLs ``service_url_problem`` allows."""

    def __init__(self, inner: ChannelServiceClientFactoryBase, *, local: bool) -> None:
        self.inner = inner
        self.local = local

    async def create_connector_client(
        self,
        context: TurnContext | None,
        claims_identity: ClaimsIdentity,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> ConnectorClientBase:
        problem = service_url_problem(service_url, local=self.local)
        if problem is not None:
            raise ActivityRefused(403, problem)
        client = await self.inner.create_connector_client(
            context, claims_identity, service_url, audience, scopes, use_anonymous
        )
        # aiohttp follows redirects unless each call says otherwise and the SDK's calls do not;
        # a session middleware sees every hop. aiohttp keeps it in a private slot (3.12+).
        session = getattr(client, "client", None)
        if isinstance(session, aiohttp.ClientSession):
            session._middlewares = (*session._middlewares, refuse_redirects)
        return client

    async def create_user_token_client(
        self, context: TurnContext, claims_identity: ClaimsIdentity, use_anonymous: bool = False
    ) -> UserTokenClientBase:
        return await self.inner.create_user_token_client(context, claims_identity, use_anonymous)


async def refuse_redirects(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """An aiohttp client middleware: a redirect answer fails the request instead of being followed."""
    response = await handler(request)
    if 300 <= response.status < 400 and "Location" in response.headers:
        response.release()
        raise aiohttp.ClientError(
            f"the reply to {request.url.host} was redirected ({response.status}); replies do "
            "not follow redirects"
        )
    return response
