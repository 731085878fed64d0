"""FastAPI codemod: routes, prefixes across modules, the app middleware, and real behaviour."""

from __future__ import annotations

import pytest
from codemod_cases import actions, check, check_noop, dedent, run

API = ("api",)

REWRITES = [
    pytest.param(
        """
        from fastapi import FastAPI

        app = FastAPI(title="x")


        @app.get("/health")
        async def health():
            return {"ok": True}
        """,
        """
        from fastapi import FastAPI
        from frmk.utils.tracing import trace_span
        from frmk.utils.tracing.asgi import TraceContextMiddleware

        app = FastAPI(title="x")
        app.add_middleware(TraceContextMiddleware)  # goalgen: instrument


        @app.get("/health")
        @trace_span("api.GET /health")  # goalgen: instrument
        async def health():
            return {"ok": True}
        """,
        id="app-and-route",
    ),
    pytest.param(
        """
        from fastapi import APIRouter as R

        router = R(prefix="/users", tags=["users"])


        @router.get("/{user_id}")
        def get_user(user_id: int):
            return {"id": user_id}


        @router.api_route("/", methods=["GET", "POST"])
        def users():
            return []


        @router.websocket("/ws")
        async def ws(websocket):
            await websocket.accept()
        """,
        """
        from fastapi import APIRouter as R
        from frmk.utils.tracing import trace_span

        router = R(prefix="/users", tags=["users"])


        @router.get("/{user_id}")
        @trace_span("api.GET /users/{user_id}")  # goalgen: instrument
        def get_user(user_id: int):
            return {"id": user_id}


        @router.api_route("/", methods=["GET", "POST"])
        @trace_span("api.GET,POST /users/")  # goalgen: instrument
        def users():
            return []


        @router.websocket("/ws")
        @trace_span("api.WEBSOCKET /users/ws")  # goalgen: instrument
        async def ws(websocket):
            await websocket.accept()
        """,
        id="router-prefix-methods-websocket",
    ),
    pytest.param(
        """
        import fastapi


        def create_app():
            app = fastapi.FastAPI()

            @app.post(path="/items")
            async def create(item: dict):
                return item

            return app
        """,
        """
        import fastapi
        from frmk.utils.tracing import trace_span
        from frmk.utils.tracing.asgi import TraceContextMiddleware


        def create_app():
            app = fastapi.FastAPI()
            app.add_middleware(TraceContextMiddleware)  # goalgen: instrument

            @app.post(path="/items")
            @trace_span("api.POST /items")  # goalgen: instrument
            async def create(item: dict):
                return item

            return app
        """,
        id="app-factory",
    ),
    pytest.param(
        """
        from fastapi import APIRouter

        type Item = dict[str, int]
        router = APIRouter(prefix="/items")


        @router.get("/{item_id}")
        async def read[T: (int, str)](item_id: T) -> Item:
            return {"id": item_id}
        """,
        """
        from fastapi import APIRouter
        from frmk.utils.tracing import trace_span

        type Item = dict[str, int]
        router = APIRouter(prefix="/items")


        @router.get("/{item_id}")
        @trace_span("api.GET /items/{item_id}")  # goalgen: instrument
        async def read[T: (int, str)](item_id: T) -> Item:
            return {"id": item_id}
        """,
        id="python-312-generic-route",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    check(before, after, kinds=API)


NOOPS = [
    pytest.param(
        """
        import requests

        session = requests.Session()


        @session.get("/x")
        def not_a_route():
            pass
        """,
        id="get-on-something-else",
    ),
    pytest.param(
        """
        from fastapi import FastAPI
        from frmk.utils.tracing import trace_span
        from frmk.utils.tracing.asgi import TraceContextMiddleware as TCM

        app = FastAPI()
        app.add_middleware(TCM)


        @app.get("/")
        @trace_span("api.root", hand=True)
        def root():
            return 1
        """,
        id="already-traced-by-hand",
    ),
]


@pytest.mark.parametrize("code", NOOPS)
def test_noops(code: str) -> None:
    check_noop(code, kinds=API)


ROUTERS = """
from fastapi import APIRouter

router = APIRouter(prefix="/users")
"""
MAIN = """
from fastapi import FastAPI

from app.routers import users

app = FastAPI()
app.include_router(users.router, prefix="/api/v1")
"""


def test_router_imported_from_another_module_gets_include_prefix() -> None:
    before = """
    from app.routers.users import router


    @router.get("/{user_id}")
    async def get_user(user_id: int):
        return {}
    """
    after = """
    from frmk.utils.tracing import trace_span

    from app.routers.users import router


    @router.get("/{user_id}")
    @trace_span("api.GET /api/v1/users/{user_id}")  # goalgen: instrument
    async def get_user(user_id: int):
        return {}
    """
    others = {"app.routers.users": ROUTERS, "app.main": MAIN, "app.routers": "", "app": ""}
    check(before, after, kinds=API, module="app.routers.user_routes", others=others)


def test_app_not_assigned_to_a_name_is_skipped() -> None:
    result = check_noop(
        """
        from fastapi import FastAPI


        def make():
            return FastAPI()
        """,
        kinds=API,
    )
    assert [(t.action, t.reason) for t in result.targets] == [
        ("skipped", "app not assigned to a name")
    ]


APP = '''
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, APIRouter

events = []
router = APIRouter(prefix="/users")


def get_db():
    events.append("open")
    try:
        yield "db"
    finally:
        events.append("close")


@router.get("/{user_id}")
async def get_user(user_id: int, q: str | None = None, db: str = Depends(get_db)):
    """Fetch one user."""
    return {"id": user_id, "q": q, "db": db}


@router.get("/sync/{n}")
def sync_route(n: int):
    return {"n": n * 2}


app = FastAPI()
app.include_router(router)
'''


@pytest.mark.parametrize("style", ["auto", "block"])
def test_traced_app_keeps_schema_dependencies_and_continues_trace(style, load, spans) -> None:
    from fastapi.testclient import TestClient

    plain = load({"plainapi.main": APP}, "plainapi.main")
    traced_code = run(dedent(APP), module="tracedapi.main", kinds=API, style=style).code
    assert traced_code.count("# goalgen: instrument") == 3
    traced = load({"tracedapi.main": traced_code}, "tracedapi.main")
    assert traced.app.openapi() == plain.app.openapi()

    trace_id, parent = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    with TestClient(traced.app) as client:
        response = client.get(
            "/users/7", params={"q": "x"}, headers={"traceparent": f"00-{trace_id}-{parent}-01"}
        )
        assert response.json() == {"id": 7, "q": "x", "db": "db"}
        assert client.get("/users/sync/4").json() == {"n": 8}
    assert traced.events == ["open", "close"]
    names = [s["name"] for s in spans]
    assert names == ["api.GET /users/{user_id}", "api.GET /users/sync/{n}"]
    assert spans[0]["trace_id"] == trace_id and spans[0]["parent_span_id"] == parent
    assert spans[1]["parent_span_id"] is None


def test_targets_report_present_for_tool_output() -> None:
    first = run(dedent(APP), kinds=API)
    second = run(first.code, kinds=API)
    assert [a for _, _, a in actions(second)] == ["present"] * 3
