"""Server spans from ``TraceContextMiddleware``: real FastAPI apps driven over httpx's ASGI
transport (uvicorn on loopback: tests/frmk/utils/tracing/test_shutdown.py)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse, StreamingResponse

from frmk.utils import tracing
from frmk.utils.tracing import trace_span
from frmk.utils.tracing.asgi import TraceContextMiddleware

TID = "4bf92f3577b34da6a3ce929d0e0e4736"
SID = "00f067aa0ba902b7"


def require_key(x_key: str | None = Header(default=None)) -> None:
    if x_key is None:
        raise HTTPException(401, "no key")
    if x_key != "good":
        raise HTTPException(403, "wrong key")


def make_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(TraceContextMiddleware)

    @app.post("/items/{item_id}")
    @trace_span("api.POST /items/{item_id}")
    async def item(item_id: int):
        return {"item_id": item_id}

    @app.get("/missing")
    async def missing():
        raise HTTPException(404, "no such thing")

    @app.get("/guarded", dependencies=[Depends(require_key)])
    async def guarded():
        return {"ok": True}

    @app.get("/unavailable")
    async def unavailable():
        return JSONResponse({"detail": "later"}, status_code=503)

    @app.get("/boom")
    async def boom():
        raise RuntimeError("it broke")

    @app.get("/stream")
    async def stream():
        return StreamingResponse(iter([b"a", b"b"]), status_code=201)

    router = APIRouter(prefix="/v1")

    @router.get("/users/{user_id}")
    async def user(user_id: str):
        return {"user_id": user_id}

    auth = APIRouter(prefix="/auth")

    @auth.post("/login")
    async def login():
        return {}

    router.include_router(auth)  # nested: FastAPI keeps it unflattened
    app.include_router(router)
    app.include_router(auth, prefix="/legacy")
    sub = FastAPI()
    sub.add_middleware(TraceContextMiddleware)  # instrumented too: still one server span

    @sub.get("/things/{thing}")
    @trace_span("api.GET /sub/things/{thing}")
    async def thing(thing: str):
        return {"thing": thing}

    app.mount("/sub", sub)
    return app


def call(method: str, path: str, **kwargs) -> httpx.Response:
    async def main() -> httpx.Response:
        transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(main())


def server_span(records: list[dict]) -> dict:
    (span,) = [r for r in records if r["kind"] == "server"]
    return span


def test_a_request_is_a_server_span_continuing_the_callers_trace(spans):
    response = call("POST", "/items/7?q=x", headers={"traceparent": f"00-{TID}-{SID}-01"})
    assert response.json() == {"item_id": 7}
    server = server_span(spans)
    (route,) = [r for r in spans if r["kind"] == "internal"]
    assert server["name"] == "POST /items/{item_id}" and server["component"] == "api"
    assert (server["trace_id"], server["parent_span_id"]) == (TID, SID)
    assert server["status"] == "ok" and "error" not in server
    assert server["metadata"] == {
        "http.request.method": "POST",
        "http.route": "/items/{item_id}",
        "url.path": "/items/7",
        "url.scheme": "http",
        "http.response.status_code": 200,
    }
    assert route["name"] == "api.POST /items/{item_id}"
    assert route["parent_span_id"] == server["span_id"] and route["trace_id"] == TID


def test_without_traceparent_the_server_span_starts_the_trace(spans):
    call("POST", "/items/1")
    server = server_span(spans)
    assert server["parent_span_id"] is None and server["trace_id"] != TID


# (method, path, headers, name, status code, span status, error.type)
OUTCOMES = [
    pytest.param("GET", "/missing", {}, "GET /missing", 404, "ok", None, id="http-exception-404"),
    pytest.param("GET", "/guarded", {}, "GET /guarded", 401, "ok", None, id="dependency-401"),
    pytest.param("GET", "/guarded", {"x-key": "bad"}, "GET /guarded", 403, "ok", None,
                 id="dependency-403"),
    pytest.param("GET", "/guarded", {"x-key": "good"}, "GET /guarded", 200, "ok", None,
                 id="dependency-passes"),
    pytest.param("GET", "/nowhere", {}, "GET", 404, "ok", None, id="no-route-404"),
    pytest.param("POST", "/items/x", {}, "POST /items/{item_id}", 422, "ok", None,
                 id="validation-422"),
    pytest.param("GET", "/unavailable", {}, "GET /unavailable", 503, "error", "503",
                 id="returned-503"),
    pytest.param("GET", "/boom", {}, "GET /boom", None, "error", "RuntimeError",
                 id="unhandled-exception"),
    pytest.param("GET", "/stream", {}, "GET /stream", 201, "ok", None, id="streaming"),
    pytest.param("GET", "/v1/users/ann", {}, "GET /v1/users/{user_id}", 200, "ok", None,
                 id="router-prefix"),
    pytest.param("POST", "/v1/auth/login", {}, "POST /v1/auth/login", 200, "ok", None,
                 id="nested-routers"),
    pytest.param("POST", "/legacy/auth/login", {}, "POST /legacy/auth/login", 200, "ok", None,
                 id="router-included-twice"),
    pytest.param("GET", "/sub/things/x", {}, "GET /sub/things/{thing}", 200, "ok", None,
                 id="mounted-app"),
    pytest.param("PURGE", "/missing", {}, "HTTP /missing", 405, "ok", None, id="other-method"),
]


@pytest.mark.parametrize(("method", "path", "headers", "name", "code", "status", "error_type"),
                         OUTCOMES)
def test_status_codes_and_errors(spans, method, path, headers, name, code, status, error_type):
    response = call(method, path, headers=headers)
    assert response.status_code == (code or 500)
    server = server_span(spans)
    meta = server["metadata"]
    assert server["name"] == name
    assert meta.get("http.response.status_code") == code
    assert server["status"] == status
    assert meta.get("error.type") == error_type
    assert (server.get("error") or {}).get("type") == error_type
    assert meta["url.path"] == path
    assert ("http.route" in meta) == (name.count(" ") == 1)


def test_an_unknown_method_is_other_with_the_original_kept(spans):
    call("PURGE", "/missing")
    meta = server_span(spans)["metadata"]
    assert meta["http.request.method"] == "_OTHER"
    assert meta["http.request.method_original"] == "PURGE"


def test_a_5xx_error_names_the_status(spans):
    call("GET", "/unavailable")
    assert server_span(spans)["error"] == {"type": "503", "message": "Service Unavailable"}


def test_unrecorded_requests_still_carry_the_trace_downstream():
    tracing.configure(output="none")
    seen = []

    app = FastAPI()
    app.add_middleware(TraceContextMiddleware)

    @app.get("/")
    async def root():
        seen.append(tracing.current_traceparent())
        return {}

    async def main() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await client.get("/", headers={"traceparent": f"00-{TID}-{SID}-01"})

    asyncio.run(main())
    (header,) = seen
    assert header.startswith(f"00-{TID}-") and not header.startswith(f"00-{TID}-{SID}")


def test_a_mounted_app_with_its_own_middleware_keeps_the_outer_server_span_current(spans):
    call("GET", "/sub/things/x", headers={"traceparent": f"00-{TID}-{SID}-01"})
    server = server_span(spans)
    (route,) = [r for r in spans if r["kind"] == "internal"]
    assert (server["trace_id"], server["parent_span_id"]) == (TID, SID)
    assert route["parent_span_id"] == server["span_id"]


def test_with_tracing_off_a_request_has_no_span_but_continues_the_trace():
    tracing.configure(output="none", enabled=False)
    try:
        seen = []
        app = FastAPI()
        app.add_middleware(TraceContextMiddleware)

        @app.get("/")
        async def root():
            seen.append(tracing.get_trace_id())
            return {}

        async def main() -> None:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                await client.get("/", headers={"traceparent": f"00-{TID}-{SID}-01"})

        asyncio.run(main())
        assert seen == [TID]
        assert tracing.get_current_span() is None
    finally:
        tracing.configure(output="none", enabled=True)
