"""A realistic FastAPI project behaves the same after ``goalgen instrument`` as before.

The project (tests/data/behaviour/fastapi_shop) is copied twice into tmp_path; one copy is
instrumented by the real CLI (decorator and block style). Each copy is imported fresh and driven
by FastAPI's ``TestClient`` through the same requests; status codes, headers, bodies, streamed
chunks, websocket messages, side effects (dependency teardowns, background tasks, lifespan) and
``/openapi.json`` must all be identical. On the instrumented side the spans must carry the
route names (router and ``include_router`` prefixes included) and continue a ``traceparent``.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from codemod_cases import (  # noqa: E402
    assert_check_then_remove_restores,
    assert_default_style_writes_decorator_style,
    copy_project,
    instrumented_copies,
    package_from,
)
from fastapi.testclient import TestClient  # noqa: E402
from starlette.websockets import WebSocketDisconnect  # noqa: E402

from frmk.utils import tracing  # noqa: E402

# FastAPI warns that the two-method ``api_route`` shares an operation id; both copies do.
pytestmark = pytest.mark.filterwarnings("ignore:Duplicate Operation ID:UserWarning")

PROJECT = Path(__file__).resolve().parents[2] / "data" / "behaviour" / "fastapi_shop"
PACKAGE = "shop"
MARKER = "# goalgen: instrument"

ROUTE_SPANS = {
    "api.GET /health",
    "api.POST /hits",
    "api.GET /events",
    "api.GET /users/me",
    "api.GET /teapot",
    "api.GET /boom",
    "api.GET /crash",
    "api.GET,POST /echo",
    "api.WEBSOCKET /ws/echo",
    "api.GET /users/",
    "api.GET /users/{user_id}",
    "api.POST /users/",
    "api.DELETE /users/{user_id}",
    "api.GET /api/items/{item_id}",
    "api.GET /api/items/{item_id}/raw",
    "api.GET /api/items/",
    "api.POST /api/items/",
    "api.GET /api/items/stream/numbers",
    "api.GET /api/items/stream/sync",
    "api.GET /api/items/feed/jsonl",
    "api.GET /api/items/feed/numbers",
}

GENERATOR_ROUTES = {
    "api.GET /events",
    "api.GET /api/items/feed/jsonl",
    "api.GET /api/items/feed/numbers",
}
FACTORY_SPANS = {
    "api.GET /v2/files/{file_path:path}",
    "api.GET /inner",
    "api.GET /sub/ping",
    "api.POST /hits",
}

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01"


# -- copies of the project -------------------------------------------------------------------


@pytest.fixture(scope="module", params=["decorator", "block"])
def copies(request, tmp_path_factory) -> tuple[Path, Path, str]:
    """(plain root, instrumented root, style); the instrumented one made by the real CLI."""
    base = tmp_path_factory.mktemp(f"fastapi-{request.param}")
    return (*instrumented_copies(PROJECT, base, request.param), request.param)


@pytest.fixture(scope="module")
def plain_transcript(tmp_path_factory) -> list[dict[str, Any]]:
    """What the plain project answers to the scripted session (the same for every style)."""
    plain = copy_project(PROJECT, tmp_path_factory.mktemp("fastapi-plain") / "plain")
    memory = tracing.MemorySink()
    tracing.configure(output=memory, enabled=True, sample_rate=1.0)
    try:
        with imported(plain) as app_module:
            transcript = drive(app_module)
    finally:
        tracing.configure(output="none")
    assert memory.records == [], "the plain copy must not be traced"
    return transcript


@contextlib.contextmanager
def imported(root: Path, module: str = "app") -> Iterator[Any]:
    """Import ``shop.<module>`` from the copy at ``root``; forget the whole package afterwards."""
    with package_from(root, PACKAGE) as load:
        yield load(module)


@pytest.fixture
def sink() -> Iterator[tracing.MemorySink]:
    memory = tracing.MemorySink()
    tracing.configure(output=memory, enabled=True, sample_rate=1.0)
    try:
        yield memory
    finally:
        tracing.configure(output="none")


# -- one scripted session against an app -----------------------------------------------------


def _response(label: str, r: Any, events: list[str]) -> dict[str, Any]:
    return {
        "label": label,
        "status": r.status_code,
        "headers": r.headers.multi_items(),
        "body": r.content.decode("utf-8", "replace"),
        "events": list(events),
    }


def drive(app_module: Any) -> list[dict[str, Any]]:
    """The same requests, in the same order, against one copy; everything observable kept."""
    events: list[str] = sys.modules[f"{PACKAGE}.state"].EVENTS
    out: list[dict[str, Any]] = []

    def get(label: str, url: str, **kw: Any) -> None:
        out.append(_response(label, client.get(url, **kw), events))

    def send(label: str, method: str, url: str, **kw: Any) -> None:
        out.append(_response(label, client.request(method, url, **kw), events))

    with TestClient(app_module.app) as client:
        out.append({"label": "lifespan started", "events": list(events)})
        get("health", "/health")
        get("users page 1", "/users/")
        get("users page 2 size 1", "/users/?page=2&size=1")
        get("users page 0 (Query ge=1)", "/users/?page=0")
        get("users size 51 (Query le=50)", "/users/?size=51")
        get("user 1", "/users/1")
        get("user 1 verbose with token", "/users/1?verbose=true", headers={"x-token": "t1"})
        get("user 99 (HTTPException 404)", "/users/99")
        get("user 0 (Path ge=1)", "/users/0")
        get("user forbidden token (403 + header)", "/users/1", headers={"x-token": "forbidden"})
        get("user not an int", "/users/abc")
        send(
            "create user (201, sync yield dependency)",
            "POST",
            "/users/",
            json={"id": 3, "name": "cy"},
        )
        send("create user bad body", "POST", "/users/", json={"name": "no id"})
        get("users after create", "/users/")
        send("delete user (204)", "DELETE", "/users/3")
        get("item 1 (return annotation filters)", "/api/items/1")
        get("item 2 raw (response_model=, exclude)", "/api/items/2/raw")
        get("item 9 (404)", "/api/items/9")
        get("items", "/api/items/")
        get("items by tag, limit", "/api/items/?tag=kitchen&tag=none&limit=1")
        get("items limit 0 (422)", "/api/items/?limit=0")
        send(
            "create item (201, background tasks)",
            "POST",
            "/api/items/",
            json={"name": "mug", "price": 3, "extra": "ignored"},
            headers={"x-token": "zed"},
        )
        send(
            "create item negative price (422)",
            "POST",
            "/api/items/",
            json={"name": "x", "price": -1},
        )
        send(
            "create item forbidden",
            "POST",
            "/api/items/",
            json={"name": "x", "price": 1},
            headers={"x-token": "forbidden"},
        )
        get("items after create", "/api/items/")

        for label, n in (("stream numbers", 4), ("stream empty", 0)):
            with client.stream("GET", f"/api/items/stream/numbers?n={n}") as r:
                chunks = "".join(r.iter_text())
                status, headers = r.status_code, r.headers.multi_items()
            out.append(
                {
                    "label": label,
                    "status": status,
                    "headers": headers,
                    "chunks": chunks,
                    "events": list(events),
                }
            )
        get("stream numbers n=101 (422)", "/api/items/stream/numbers?n=101")
        get("stream from sync route", "/api/items/stream/sync")

        get("async generator route (JSON lines)", "/api/items/feed/jsonl?n=2")
        get("async generator route, empty", "/api/items/feed/jsonl?n=0")
        get("sync generator route", "/api/items/feed/numbers")
        get("server-sent events", "/events?count=3")
        send("global counter 1", "POST", "/hits")
        send("global counter 2", "POST", "/hits")
        get("route calling a route", "/users/me", headers={"x-token": "me"})

        get("exception handler (418)", "/teapot?kind=green")
        get("HTTPException with dict detail", "/boom")
        get("HTTPException 400", "/boom?code=400")
        get("api_route GET", "/echo?a=1&b=two")
        send("api_route POST", "POST", "/echo?x=y", content=b"hello body")
        send("api_route PUT (405)", "PUT", "/echo")
        get("unknown path", "/nope")
        get("CORS simple", "/health", headers={"origin": "https://shop.example"})
        send(
            "CORS preflight",
            "OPTIONS",
            "/api/items/",
            headers={
                "origin": "https://shop.example",
                "access-control-request-method": "POST",
            },
        )
        get("CORS other origin", "/health", headers={"origin": "https://evil.example"})

        with client.websocket_connect("/ws/echo?prefix=%3E%3E") as ws:
            messages: list[Any] = []
            for text in ("a", "bc"):
                ws.send_text(text)
                messages.append(ws.receive_text())
            ws.send_text("bye")
            messages.append(ws.receive_json())
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_text()
            messages.append(("closed", closed.value.code))
        out.append({"label": "websocket bye", "messages": messages, "events": list(events)})
        with client.websocket_connect("/ws/echo") as ws:
            ws.send_text("x")
            messages = [ws.receive_text()]
        out.append(
            {"label": "websocket client leaves", "messages": messages, "events": list(events)}
        )

        with TestClient(app_module.app, raise_server_exceptions=False) as lenient:
            for kind in ("runtime", "key"):
                r = lenient.get(f"/crash?kind={kind}")
                out.append(_response(f"unhandled {kind} error (500)", r, events))
            with pytest.raises(RuntimeError) as info:
                client.get("/crash")
            out.append({"label": "error reaches the test", "error": repr(info.value)})

        get("openapi", "/openapi.json")
        get("docs", "/docs")
    out.append({"label": "lifespan stopped", "events": list(events)})
    return out


def _by_label(transcript: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {step["label"]: step for step in transcript}


def route_spans(sink: tracing.MemorySink) -> list[dict[str, Any]]:
    """The spans the ``api`` kind's decorators and blocks made (not the middleware's)."""
    return [r for r in sink.records if r["kind"] != "server"]


def server_spans(sink: tracing.MemorySink) -> list[dict[str, Any]]:
    """The middleware's spans, one per HTTP request."""
    return [r for r in sink.records if r["kind"] == "server"]


# -- the tests -------------------------------------------------------------------------------


def test_instrumented_copy_has_every_route_traced(copies):
    plain, traced, style = copies
    sources = {p.name: p.read_text() for p in (traced / PACKAGE).rglob("*.py")}
    text = "\n".join(sources.values())
    for name in ROUTE_SPANS:
        assert f'"{name}"' in text, name
    assert "app.add_middleware(TraceContextMiddleware)  # goalgen: instrument" in sources["app.py"]
    # Helpers, dependencies, models and the streaming generator are not routes.
    for untouched in ("deps.py", "models.py", "state.py"):
        assert sources[untouched] == (plain / PACKAGE / untouched).read_text()
    assert "_numbers" not in "".join(
        line for line in text.splitlines(keepends=True) if MARKER in line
    )
    decorated = {line.split('"')[1] for line in text.splitlines() if "@trace_span(" in line}
    if style == "block":  # generators keep the decorator: a with-block cannot span a yield
        assert decorated == GENERATOR_ROUTES
        functions = len(ROUTE_SPANS) + len(FACTORY_SPANS)  # /hits is in both: two functions
        assert text.count("with TraceSpan(") == functions - len(GENERATOR_ROUTES)
    else:
        assert decorated == ROUTE_SPANS | FACTORY_SPANS and "with TraceSpan(" not in text


def test_same_behaviour_before_and_after_instrument(copies, plain_transcript, sink):
    _, traced, _ = copies
    expected = plain_transcript
    with imported(traced) as app_module:
        actual = drive(app_module)

    # Compare step by step first, so a failure names the request that differs.
    for want, got in zip(expected, actual, strict=True):
        assert got == want, want["label"]

    # The script really exercised what it claims (so the comparison can fail).
    steps = _by_label(expected)
    assert steps["lifespan started"]["events"] == ["lifespan:start"]
    assert steps["lifespan stopped"]["events"][-1] == "lifespan:stop"
    created = steps["create item (201, background tasks)"]
    assert created["status"] == 201
    assert '"secret"' not in created["body"] and '"extra"' not in created["body"]
    tail = created["events"][created["events"].index("bg:created:3:zed") :]
    assert tail[:2] == ["bg:created:3:zed", "bg-async:3"]  # both tasks ran, in order
    assert created["events"].count("db:open") == created["events"].count("db:close")
    assert steps["create user (201, sync yield dependency)"]["events"][-1] == "audit:close:create:3"
    assert steps["item 1 (return annotation filters)"]["body"] == (
        '{"id":1,"name":"kettle","price":30.0,"tags":["kitchen"]}'
    )
    raw = steps["item 2 raw (response_model=, exclude)"]["body"]
    assert '"secret":"s2"' in raw and "cost" not in raw
    assert steps["stream numbers"]["chunks"] == "0\n1\n2\n3\n"
    assert "stream:done:4" in steps["stream numbers"]["events"]
    assert steps["user forbidden token (403 + header)"]["status"] == 403
    assert ("x-reason", "token") in steps["user forbidden token (403 + header)"]["headers"]
    assert steps["exception handler (418)"]["status"] == 418
    assert steps["unhandled key error (500)"]["status"] == 500
    assert steps["error reaches the test"]["error"] == "RuntimeError('kaboom')"
    assert steps["HTTPException with dict detail"]["status"] == 409
    assert steps["websocket bye"]["messages"] == [">> a", ">> bc", {"bye": True}, ("closed", 1000)]
    assert steps["websocket bye"]["events"][-1] == "ws:done"
    assert steps["websocket client leaves"]["events"][-2:] == ["ws:disconnect", "ws:done"]
    assert steps["users page 0 (Query ge=1)"]["status"] == 422
    assert steps["delete user (204)"]["status"] == 204 and steps["delete user (204)"]["body"] == ""
    assert steps["health"]["body"] == (
        '{"status":"ok","users_module":"users","item_url":"http://testserver/api/items/1",'
        '"user_path":"/users/2"}'
    )
    jsonl = steps["async generator route (JSON lines)"]
    assert jsonl["body"] == (
        '{"id":1,"name":"kettle","price":30.0,"tags":["kitchen"]}\n'
        '{"id":2,"name":"lamp","price":12.5,"tags":[]}\n'
    )
    assert jsonl["events"][-2:] == ["feed:done:2", "db:close"]
    assert steps["sync generator route"]["body"] == "0\n1\n4\n"
    assert steps["server-sent events"]["body"].startswith("event: greeting\ndata: {")
    assert steps["global counter 2"]["body"] == "2"
    assert ("access-control-allow-origin", "https://shop.example") in steps["CORS simple"][
        "headers"
    ]
    assert steps["CORS preflight"]["status"] == 200
    assert ("x-shop", "/api/items/") in steps["items"]["headers"]
    assert (
        steps["route calling a route"]["body"]
        == '{"id":1,"name":"ada (as me)","email":"ada@example.com"}'
    )

    # Every route ran once or more on the instrumented side, under its own span name.
    api = route_spans(sink)
    assert {r["name"] for r in api} == ROUTE_SPANS
    assert {r["component"] for r in sink.records} == {"api"}
    for record in api:
        assert len(record["trace_id"]) == 32 and len(record["span_id"]) == 16
    # No context leaks from one request into the next: a new trace per request, its server
    # span at the top, each route span under its request's server span (one under the route
    # that called it).
    servers = {r["span_id"]: r for r in server_spans(sink)}
    assert all(r["parent_span_id"] is None for r in servers.values())
    assert len({r["trace_id"] for r in servers.values()}) == len(servers)
    under_server = [r for r in api if r["parent_span_id"] in servers]
    sockets = [r for r in api if r["name"].startswith("api.WEBSOCKET ")]  # no server span
    assert len(sockets) == 2 and all(r["parent_span_id"] is None for r in sockets)
    assert len(under_server) == len(api) - 1 - len(sockets)
    assert all(servers[r["parent_span_id"]]["trace_id"] == r["trace_id"] for r in under_server)
    codes = {(r["name"], r["metadata"].get("http.response.status_code"), r["status"])
             for r in servers.values()}
    assert ("GET /health", 200, "ok") in codes
    assert ("GET /teapot", 418, "ok") in codes  # an exception handler answered: not a 5xx
    assert ("GET /crash", None, "error") in codes  # unhandled: no answer when it left
    statuses = {(r["name"], r["status"]) for r in api}
    assert ("api.GET /health", "ok") in statuses
    assert ("api.GET /teapot", "error") in statuses
    crashes = [r["error"] for r in api if r["name"] == "api.GET /crash"]
    assert crashes == [
        {"type": "RuntimeError", "message": "kaboom"},
        {"type": "KeyError", "message": "'missing'"},
        {"type": "RuntimeError", "message": "kaboom"},
    ]
    teapot = next(r for r in api if r["name"] == "api.GET /teapot")
    assert teapot["error"] == {"type": "TeapotError", "message": "green"}
    # A route calling another route function: the inner span is the outer one's child.
    me = next(r for r in api if r["name"] == "api.GET /users/me")
    (inner,) = [r for r in api if r["parent_span_id"] == me["span_id"]]
    assert inner["name"] == "api.GET /users/{user_id}" and inner["trace_id"] == me["trace_id"]
    # Generator routes: one span for the whole stream.
    assert sum(r["name"] == "api.GET /api/items/feed/jsonl" for r in api) == 2


@pytest.mark.parametrize(
    ("label", "call", "span"),
    [
        (
            "async route, router prefix",
            lambda c, h: c.get("/users/1", headers=h),
            "api.GET /users/{user_id}",
        ),
        ("sync route in a thread", lambda c, h: c.get("/health", headers=h), "api.GET /health"),
        (
            "include_router prefix",
            lambda c, h: c.get("/api/items/1", headers=h),
            "api.GET /api/items/{item_id}",
        ),
        (
            "POST with background tasks",
            lambda c, h: c.post("/api/items/", json={"name": "n", "price": 1}, headers=h),
            "api.POST /api/items/",
        ),
        ("HTTPException", lambda c, h: c.get("/users/99", headers=h), "api.GET /users/{user_id}"),
        (
            "async generator route",
            lambda c, h: c.get("/api/items/feed/jsonl", headers=h),
            "api.GET /api/items/feed/jsonl",
        ),
        (
            "sync generator route",
            lambda c, h: c.get("/api/items/feed/numbers", headers=h),
            "api.GET /api/items/feed/numbers",
        ),
        ("server-sent events", lambda c, h: c.get("/events", headers=h), "api.GET /events"),
    ],
)
def test_route_span_continues_incoming_traceparent(copies, sink, label, call, span):
    _, traced, _ = copies
    with imported(traced) as app_module, TestClient(app_module.app) as client:
        plain_response = call(client, {})
        response = call(client, {"traceparent": TRACEPARENT})
        assert response.status_code == plain_response.status_code
        assert response.content == plain_response.content
        assert "traceparent" not in response.headers
    named = [r for r in sink.records if r["name"] == span]
    assert len(named) == 2, [r["name"] for r in sink.records]
    servers = {r["span_id"]: r for r in server_spans(sink)}
    without, with_parent = (servers[r["parent_span_id"]] for r in named)
    assert without["trace_id"] != TRACE_ID and without["parent_span_id"] is None
    assert with_parent["trace_id"] == TRACE_ID == named[1]["trace_id"]
    assert with_parent["parent_span_id"] == PARENT_ID
    assert with_parent["span_id"] != PARENT_ID
    assert with_parent["name"] == span.removeprefix("api.")


def test_websocket_span_continues_incoming_traceparent(copies, sink):
    _, traced, _ = copies
    with imported(traced) as app_module, TestClient(app_module.app) as client:
        with client.websocket_connect("/ws/echo", headers={"traceparent": TRACEPARENT}) as ws:
            ws.send_text("hi")
            assert ws.receive_text() == "> hi"
            ws.send_text("bye")
            assert ws.receive_json() == {"bye": True}
    (record,) = [r for r in sink.records if r["name"] == "api.WEBSOCKET /ws/echo"]
    assert (record["trace_id"], record["parent_span_id"]) == (TRACE_ID, PARENT_ID)
    assert record["status"] == "ok"


async def test_concurrent_requests_keep_their_own_traces(copies, sink):
    """Interleaved requests (streamed, async, sync-in-thread) each continue their own caller."""
    import httpx

    _, traced, _ = copies
    urls = ["/api/items/feed/jsonl?n=2", "/users/1", "/health", "/api/items/stream/numbers?n=3"] * 3
    parents = [(f"{i + 1:032x}", f"{i + 1:016x}") for i in range(len(urls))]
    with imported(traced) as app_module:
        transport = httpx.ASGITransport(app=app_module.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            responses = await asyncio.gather(
                *(
                    client.get(url, headers={"traceparent": f"00-{trace}-{span}-01"})
                    for url, (trace, span) in zip(urls, parents, strict=True)
                )
            )
    assert [r.status_code for r in responses] == [200] * len(urls)
    assert len({r.text for r in responses}) == 4
    servers = server_spans(sink)
    assert sorted((r["trace_id"], r["parent_span_id"]) for r in servers) == parents
    by_id = {r["span_id"]: r for r in servers}
    assert all(by_id[r["parent_span_id"]]["trace_id"] == r["trace_id"] for r in route_spans(sink))


def test_unsampled_caller_is_respected(copies, sink):
    """A ``traceparent`` whose sampled flag is off: the route answers, no span is written."""
    _, traced, _ = copies
    with imported(traced) as app_module, TestClient(app_module.app) as client:
        response = client.get("/users/1", headers={"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-00"})
        assert response.status_code == 200 and response.json()["name"] == "ada"
        assert client.get("/users/2").status_code == 200
    assert [r["name"] for r in route_spans(sink)] == ["api.GET /users/{user_id}"]
    assert [r["name"] for r in server_spans(sink)] == ["GET /users/{user_id}"]
    assert {r["trace_id"] for r in sink.records} != {TRACE_ID}


def test_malformed_traceparent_starts_a_new_trace(copies, sink):
    _, traced, _ = copies
    with imported(traced) as app_module, TestClient(app_module.app) as client:
        bad = f"00-{TRACE_ID}-{'0' * 16}-01"
        assert client.get("/users/1", headers={"traceparent": bad}).status_code == 200
    (record,) = server_spans(sink)
    assert record["trace_id"] != TRACE_ID and record["parent_span_id"] is None
    (route,) = route_spans(sink)
    assert route["parent_span_id"] == record["span_id"]


def test_tracing_disabled_at_import_changes_nothing(copies, plain_transcript, sink):
    """With tracing off the instrumented app still answers exactly like the plain one."""
    _, traced, _ = copies
    tracing.configure(output=sink, enabled=False)
    with imported(traced) as app_module:
        actual = drive(app_module)
    assert actual == plain_transcript
    assert sink.records == []


def drive_factory(factory_module: Any) -> list[dict[str, Any]]:
    events: list[str] = sys.modules[f"{PACKAGE}.state"].EVENTS
    out: list[dict[str, Any]] = []
    with TestClient(factory_module.create_app()) as client:
        for url in (
            "/v2/files/a/b.txt?page=2",
            "/v2/files/x",
            "/inner?q=4",
            "/inner?q=x",
            "/sub/ping",
            "/ping",
            "/openapi.json",
            "/sub/openapi.json",
        ):
            headers = {"traceparent": TRACEPARENT}
            out.append(_response(url, client.get(url, headers=headers), events))
        for n in range(2):
            out.append(_response(f"hits {n}", client.post("/hits"), events))
    return out


def test_app_factory_behaves_the_same(copies, sink):
    """Routes made inside ``create_app()``, a user decorator, ``Depends()`` on a class, a mount."""
    plain, traced, _ = copies
    with imported(plain, "factory") as module:
        expected = drive_factory(module)
    with imported(traced, "factory") as module:
        actual = drive_factory(module)
    for want, got in zip(expected, actual, strict=True):
        assert got == want, want["label"]
    steps = _by_label(expected)
    assert steps["/v2/files/a/b.txt?page=2"]["body"] == '{"path":"a/b.txt","page":2,"size":20}'
    assert steps["/inner?q=4"]["events"] == ["counted:inner_route"]
    assert steps["/sub/ping"]["body"] == "pong"
    assert steps["hits 1"]["body"] == "2"  # nonlocal counter

    assert (
        "app.add_middleware(TraceContextMiddleware)"
        in (traced / PACKAGE / "factory.py").read_text()
    )
    routes = route_spans(sink)
    names = [r["name"] for r in routes]
    assert names[:2] == ["api.GET /v2/files/{file_path:path}"] * 2
    assert names[2] == "api.GET /inner"  # the 422 request never reaches the function
    assert len(names) == 6 and names[3] == "api.GET /sub/ping"  # the mount path included
    assert names[4:] == ["api.POST /hits"] * 2
    servers = server_spans(sink)
    assert [r["name"] for r in servers[:5]] == [
        "GET /v2/files/{file_path}", "GET /v2/files/{file_path}", "GET /inner", "GET /inner",
        "GET /sub/ping",
    ]
    for record in servers[:8]:
        assert (record["trace_id"], record["parent_span_id"]) == (TRACE_ID, PARENT_ID)


def test_remove_gives_back_the_original_project(copies, tmp_path):
    _, traced, style = copies
    assert_check_then_remove_restores(PROJECT, traced, style, tmp_path / "again")


def test_default_style_writes_what_decorator_style_writes(copies, tmp_path):
    _, traced, style = copies
    if style != "decorator":
        pytest.skip("compared against the decorator-style copy")
    assert_default_style_writes_decorator_style(PROJECT, traced, tmp_path / "default")
