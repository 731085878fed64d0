"""frmk.bot's guards for the Microsoft 365 Agents SDK, on real aiohttp servers on loopback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator

import aiohttp
import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

pytest.importorskip("microsoft_agents.hosting.aiohttp")
from microsoft_agents.hosting.core import (  # noqa: E402
    AgentAuthConfiguration,
    ClaimsIdentity,
    ConnectionManager,
    RestChannelServiceClientFactory,
)
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider  # noqa: E402

from frmk.bot import ActivityRefused, GuardedClientFactory  # noqa: E402
from frmk.bot.agents_sdk import check_agents_activity_request, token_problem  # noqa: E402

KID_TOKEN = jwt.encode({"iss": "x"}, "k" * 32, algorithm="HS256", headers={"kid": "key-1"})
NO_KID_TOKEN = jwt.encode({"iss": "x"}, "k" * 32, algorithm="HS256")


@pytest.mark.parametrize(
    ("authorization", "problem"),
    [
        pytest.param("Basic abc", "the Authorization header is not a bearer token", id="basic"),
        pytest.param("Bearer ", "the Authorization header is not a bearer token", id="empty"),
        pytest.param(
            "Bearer abc", "the Authorization header is not a token it can read (DecodeError)",
            id="not a jwt",
        ),
        pytest.param(
            f"Bearer {NO_KID_TOKEN}", "the Authorization header is a token without a key id (kid)",
            id="no kid",
        ),
        pytest.param(f"Bearer {KID_TOKEN}", None, id="readable"),
    ],
)
def test_token_problem(authorization: str, problem: str | None) -> None:
    assert token_problem(authorization) == problem


def activity(**extra: object) -> dict:
    body = {"type": "message", "serviceUrl": "http://127.0.0.1:1", "conversation": {"id": "c"}}
    return {**body, **extra}


@pytest.fixture
async def checker() -> AsyncIterator[str]:
    """A server answering each POST with what the check said (``ok``, or status and reason)."""

    async def check(request: web.Request) -> web.Response:
        try:
            await check_agents_activity_request(request, local=request.query.get("local") == "1")
        except ActivityRefused as refused:
            return web.json_response({"error": refused.reason}, status=refused.status)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/", check)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/"))
    await server.close()


@pytest.mark.parametrize(
    ("body", "headers", "local", "status"),
    [
        pytest.param(activity(), {}, True, 200, id="emulator activity"),
        pytest.param(activity(), {"Authorization": "Bearer abc"}, True, 401, id="local token"),
        pytest.param(activity(), {"Authorization": "Bearer abc"}, False, 401, id="unreadable"),
        pytest.param(activity(), {"Authorization": f"Bearer {KID_TOKEN}"}, False, 200,
                     id="readable token left to the sdk"),
        pytest.param(activity(**{"from": "abc"}), {}, True, 400, id="from a string"),
        pytest.param(activity(conversation="abc"), {}, True, 400, id="conversation a string"),
        pytest.param({"type": "message"}, {}, True, 400, id="no serviceUrl"),
    ],
)
async def test_check_agents_activity_request(
    checker: str, body: dict, headers: dict, local: bool, status: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with aiohttp.ClientSession() as session:
        url = checker + ("?local=1" if local else "")
        async with session.post(url, json=body, headers=headers) as response:
            assert response.status == status, await response.text()
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


def anonymous_factory(*, local: bool) -> GuardedClientFactory:
    connections = ConnectionManager(
        lambda config: AnonymousTokenProvider(),
        connections_configurations={"SERVICE_CONNECTION": AgentAuthConfiguration()},
    )
    return GuardedClientFactory(RestChannelServiceClientFactory(connections), local=local)


@pytest.mark.parametrize(
    ("service_url", "local"),
    [
        pytest.param("https://smba.trafficmanager.net/emea/", True, id="remote in local mode"),
        pytest.param("http://127.0.0.2:9\\@127.0.0.1/", False, id="parsers disagree"),
    ],
)
async def test_the_factory_refuses_a_reply_url_with_403(service_url: str, local: bool) -> None:
    with pytest.raises(ActivityRefused) as refused:
        await anonymous_factory(local=local).create_connector_client(
            None, ClaimsIdentity({}, True, "anonymous"), service_url, "audience", None, True
        )
    assert refused.value.status == 403


async def test_reply_clients_do_not_follow_redirects() -> None:
    hits: list[str] = []

    async def redirect(request: web.Request) -> web.Response:
        hits.append(request.path)
        if request.path == "/target":
            return web.json_response({"id": "followed"})
        raise web.HTTPTemporaryRedirect("/target")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", redirect)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        client = await anonymous_factory(local=True).create_connector_client(
            None, ClaimsIdentity({}, True, "anonymous"), str(server.make_url("/")), "audience",
            None, True,
        )
        try:
            with pytest.raises(aiohttp.ClientError, match="replies do not follow redirects"):
                async with client.client.post("start", json={}):
                    pass
        finally:
            await client.close()
    finally:
        await server.close()
    assert hits == ["/start"]


def test_the_agents_guards_do_not_import_botbuilder() -> None:
    code = "import sys, frmk.bot.agents_sdk; print('botbuilder' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
