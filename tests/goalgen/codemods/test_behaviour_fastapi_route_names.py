"""Route span names a real FastAPI app records at runtime, after ``goalgen instrument``.

The project (tests/data/behaviour/fastapi_portal) registers routes the ways real projects do:
routers included in routers under a prefix built from an imported constant, one router
included twice, a prefix from a settings object, ``add_api_route`` of a function defined in
another module, ``add_api_websocket_route``, two route decorators on one function, and a
mounted sub-app. A copy instrumented by the real CLI answers exactly like the plain copy, and
each request's span carries the name of every route its function serves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from codemod_cases import (  # noqa: E402
    assert_check_then_remove_restores,
    instrumented_copies,
    package_from,
)
from fastapi.testclient import TestClient  # noqa: E402

from frmk.utils import tracing  # noqa: E402

PROJECT = Path(__file__).resolve().parents[2] / "data" / "behaviour" / "fastapi_portal"

LOGIN = "api.POST /api/v1/auth/login | /legacy/auth/login"
# (method, url, request arguments, span name its function gets)
REQUESTS = [
    ("POST", "/api/v1/auth/login", {"json": {"user": "ada", "password": "secret"}}, LOGIN),
    ("POST", "/legacy/auth/login", {"json": {"user": "bob", "password": "secret"}}, LOGIN),
    ("POST", "/legacy/auth/login", {"json": {"password": "wrong"}}, LOGIN),
    ("POST", "/api/v1/register", {"json": {"name": "cy"}}, "api.POST /api/v1/register"),
    ("GET", "/items", {"params": {"limit": 3}}, "api.GET /items | /items/"),
    ("GET", "/items/", {}, "api.GET /items | /items/"),
    ("GET", "/status", {"params": {"verbose": "true"}}, "api.GET /status"),
    ("GET", "/misc/ping", {}, "api.GET <dynamic>/ping"),
    ("GET", "/admin/stats", {}, "api.GET /admin/stats"),
]


@pytest.fixture(scope="module", params=["decorator", "block"])
def copies(request, tmp_path_factory) -> tuple[Path, Path, str]:
    base = tmp_path_factory.mktemp(f"portal-{request.param}")
    return (*instrumented_copies(PROJECT, base, request.param), request.param)


def drive(root: Path) -> tuple[list[Any], list[str], list[tuple[str, int]]]:
    """Every request against the copy at ``root``: (what it answered, route span names
    recorded, (name, status code) of each server span)."""
    sink = tracing.MemorySink()
    tracing.configure(output=sink, enabled=True, sample_rate=1.0)
    try:
        with package_from(root, "portal") as load, TestClient(load("main").app) as client:
            answers: list[Any] = []
            for method, url, kwargs, _ in REQUESTS:
                response = client.request(method, url, **kwargs)
                answers.append((url, response.status_code, response.text))
            with client.websocket_connect("/ws") as ws:
                ws.send_text("hi")
                answers.append(("/ws", ws.receive_text()))
            answers.append(("events", list(load("handlers").EVENTS)))
            answers.append(("openapi", client.get("/openapi.json").json()))
    finally:
        tracing.configure(output="none")
    routes = [record["name"] for record in sink.records if record["kind"] != "server"]
    servers = [
        (record["name"], record["metadata"]["http.response.status_code"])
        for record in sink.records
        if record["kind"] == "server"
    ]
    return answers, routes, servers


def test_spans_carry_every_route_of_their_function(copies) -> None:
    plain, traced, _ = copies
    expected, plain_spans, _ = drive(plain)
    actual, spans, servers = drive(traced)
    assert plain_spans == []
    for want, got in zip(expected, actual, strict=True):
        assert got == want, want[0]
    assert [a[1] for a in expected[: len(REQUESTS)]] == [200, 200, 401, 200, 200, 200, 200, 200, 200]
    assert expected[-2] == ("events", ["register:cy"])
    assert spans == [span for *_, span in REQUESTS] + ["api.WEBSOCKET /ws"]
    assert servers == [
        ("POST /api/v1/auth/login", 200), ("POST /legacy/auth/login", 200),
        ("POST /legacy/auth/login", 401), ("POST /api/v1/register", 200),
        ("GET /items", 200), ("GET /items/", 200), ("GET /status", 200), ("GET /misc/ping", 200),
        ("GET /admin/stats", 200),  # the mounted app's own middleware adds no second span
        ("GET", 200),  # /openapi.json: FastAPI answers it outside its routes
    ]  # one per request, named by the template that matched; the websocket has none


def test_handlers_module_is_traced_where_the_functions_live(copies) -> None:
    _, traced, _ = copies
    handlers = (traced / "portal" / "handlers.py").read_text()
    assert 'trace_span("api.POST /api/v1/register")' in handlers or (
        'TraceSpan("api.POST /api/v1/register")' in handlers
    )


def test_remove_gives_back_the_original_project(copies, tmp_path) -> None:
    _, traced, style = copies
    assert_check_then_remove_restores(PROJECT, traced, style, tmp_path / "again")
