"""FastAPI codemod: routes, prefixes across modules, the app middleware, and real behaviour."""

from __future__ import annotations

import ast

import pytest
from codemod_cases import actions, check, check_noop, dedent, remove, run

from goalgen.codemods import build_index, prefilter

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
    assert names == [
        "api.GET /users/{user_id}", "GET /users/{user_id}",
        "api.GET /users/sync/{n}", "GET /users/sync/{n}",
    ]  # each route span inside the middleware's server span
    route, server, sync_route, sync_server = spans
    assert server["trace_id"] == trace_id and server["parent_span_id"] == parent
    assert route["parent_span_id"] == server["span_id"]
    assert sync_server["parent_span_id"] is None
    assert sync_route["parent_span_id"] == sync_server["span_id"]


def test_targets_report_present_for_tool_output() -> None:
    first = run(dedent(APP), kinds=API)
    second = run(first.code, kinds=API)
    assert [a for _, _, a in actions(second)] == ["present"] * 3


# -- span names: include_router prefixes, several routes, add_api_route, static paths --------

AUTH = """
from fastapi import APIRouter

router = APIRouter()


@router.post("/register")
async def register():
    return {}
"""
CONFIG = """
API_PREFIX = "/api"
V1 = API_PREFIX + "/v1"


class Settings:
    API_V1_STR: str = "/api/v1"


settings = Settings()
"""
PROJECT = {"app": "", "app.routers": "", "app.core": "", "app.core.config": CONFIG}


def _spans(code: str) -> list[tuple[str, str, str]]:
    return actions(run(dedent(code), others=PROJECT, kinds=API))


def _register_span(main: str) -> tuple[str, str]:
    result = run(
        dedent(AUTH), module="app.routers.auth", others={**PROJECT, "app.main": main}, kinds=API
    )
    (target,) = result.targets
    return target.span, target.reason


INCLUDES = [
    pytest.param(
        "from fastapi import FastAPI\nfrom .routers import auth\n\napp = FastAPI()\n"
        'app.include_router(auth.router, prefix="/auth")\n',
        "api.POST /auth/register",
        "",
        id="module-attribute",
    ),
    pytest.param(
        "from fastapi import FastAPI\nfrom app.routers.auth import router as auth_router\n\n"
        'app = FastAPI()\napp.include_router(auth_router, prefix="/auth")\n',
        "api.POST /auth/register",
        "",
        id="imported-alias",
    ),
    pytest.param(
        "from fastapi import FastAPI\nfrom app.routers import auth\n\n\ndef create_app():\n"
        '    app = FastAPI()\n    app.include_router(auth.router, prefix="/auth")\n    return app\n',
        "api.POST /auth/register",
        "",
        id="inside-a-factory",
    ),
    pytest.param(
        "from fastapi import APIRouter, FastAPI\nfrom app.routers import auth\n\n"
        'api = APIRouter(prefix="/api")\napi.include_router(auth.router, prefix="/auth")\n'
        'app = FastAPI()\napp.include_router(api, prefix="/v1")\n',
        "api.POST /v1/api/auth/register",
        "",
        id="nested-routers",
    ),
    pytest.param(
        "from fastapi import FastAPI\nfrom app.routers import auth\n\napp = FastAPI()\n"
        "app.include_router(auth.router)\n",
        "api.POST /register",
        "",
        id="no-prefix",
    ),
    pytest.param(
        "from fastapi import FastAPI\nfrom app.routers import auth\n\nAUTH = '/auth'\n"
        "app = FastAPI()\napp.include_router(auth.router, prefix=AUTH)\n",
        "api.POST /auth/register",
        "",
        id="module-constant",
    ),
    pytest.param(
        "from fastapi import FastAPI\nfrom app.core.config import V1\nfrom app.routers import auth\n\n"
        "app = FastAPI()\napp.include_router(auth.router, prefix=V1 + '/auth')\n",
        "api.POST /api/v1/auth/register",
        "",
        id="imported-constant-concatenated",
    ),
    pytest.param(
        "from fastapi import FastAPI\nfrom app.core import config\nfrom app.routers import auth\n\n"
        "app = FastAPI()\napp.include_router(auth.router, prefix=f'{config.API_PREFIX}/auth')\n",
        "api.POST /api/auth/register",
        "",
        id="f-string-of-module-attribute",
    ),
    pytest.param(
        "from fastapi import FastAPI\nfrom app.core.config import settings\nfrom app.routers import auth\n\n"
        "app = FastAPI()\napp.include_router(auth.router, prefix=settings.API_V1_STR)\n",
        "api.POST <dynamic>/register",
        "path not static: settings.API_V1_STR",
        id="settings-attribute",
    ),
    pytest.param(
        "from fastapi import FastAPI\nfrom app.routers import auth\n\napp = FastAPI()\n"
        'app.include_router(auth.router, prefix="/auth")\n'
        'app.include_router(auth.router, prefix="/v2/auth")\n',
        "api.POST /auth/register | /v2/auth/register",
        "",
        id="included-twice",
    ),
    pytest.param(
        "from fastapi import FastAPI\nfrom app.routers import auth\n\napp = FastAPI()\n"
        'app.include_router(auth.router, prefix="/auth")\nv1 = FastAPI()\n'
        'v1.include_router(auth.router)\napp.mount("/v1", v1)\n',
        "api.POST /auth/register | /v1/register",
        "",
        id="included-in-a-mounted-app",
    ),
]


@pytest.mark.parametrize(("main", "span", "reason"), INCLUDES)
def test_include_router_prefixes(main: str, span: str, reason: str) -> None:
    assert _register_span(main) == (span, reason)


FACTORY_ROUTER = """
from fastapi import APIRouter


def get_register_router():
    router = APIRouter()

    @router.post("/register")
    async def register():
        return {}

    return router
"""
FACTORY_INCLUDES = [
    pytest.param(
        "from fastapi import FastAPI\nfrom app.routers.auth import get_register_router\n\n"
        'app = FastAPI()\napp.include_router(get_register_router(), prefix="/auth")\n',
        "api.POST /auth/register",
        "",
        id="included-through-the-factory-call",
    ),
    pytest.param(  # fastapi-users: a method of an object returns the factory's router
        "from fastapi import FastAPI\nfrom app.users import fastapi_users\n\napp = FastAPI()\n"
        'app.include_router(fastapi_users.get_register_router(), prefix="/auth")\n',
        "api.POST <dynamic>/register",
        "path not static: the prefix get_register_router() is included under",
        id="included-where-it-cannot-be-followed",
    ),
]


@pytest.mark.parametrize(("main", "span", "reason"), FACTORY_INCLUDES)
def test_router_returned_by_a_factory_function(main: str, span: str, reason: str) -> None:
    others = {**PROJECT, "app.main": main}
    result = run(dedent(FACTORY_ROUTER), module="app.routers.auth", others=others, kinds=API)
    (target,) = result.targets
    assert (target.span, target.reason) == (span, reason)


def test_router_made_and_included_inside_a_factory() -> None:
    code = """
    from fastapi import APIRouter, FastAPI


    def create_app():
        app = FastAPI()
        router = APIRouter(prefix="/users")

        @router.get("/{user_id}")
        def get_user(user_id: int):
            return {}

        app.include_router(router, prefix="/api")
        return app
    """
    assert _spans(code)[1] == ("api", "api.GET /api/users/{user_id}", "added")


def test_mounted_sub_app_gets_the_mount_path() -> None:
    code = """
    from fastapi import FastAPI

    app = FastAPI()
    sub = FastAPI()


    @sub.get("/ping")
    def ping():
        return "pong"


    app.mount("/sub", sub)
    """
    assert ("api", "api.GET /sub/ping", "added") in _spans(code)


MULTI = [
    pytest.param(
        '@app.get("/items")\n@app.get("/items/")\n', "api.GET /items | /items/", id="same-method"
    ),
    pytest.param('@app.get("/x")\n@app.post("/x")\n', "api.GET,POST /x", id="same-path"),
    pytest.param('@app.get("/a")\n@app.post("/b")\n', "api.GET /a | POST /b", id="different"),
    pytest.param(
        '@app.get("/a")\n@app.put("/b")\n@app.get("/c")\n',
        "api.GET /a | /c | PUT /b",
        id="grouped-by-method",
    ),
]


@pytest.mark.parametrize(("decorators", "span"), MULTI)
def test_function_with_several_route_decorators(decorators: str, span: str) -> None:
    code = f"from fastapi import FastAPI\n\napp = FastAPI()\n\n\n{decorators}def items():\n    return []\n"
    assert _spans(code)[1:] == [("api", span, "added")]


def test_several_route_decorators_rewrite() -> None:
    check(
        """
        from fastapi import FastAPI

        app = FastAPI()


        @app.get("/items")
        @app.get("/items/")
        def items():
            return []
        """,
        """
        from fastapi import FastAPI
        from frmk.utils.tracing import trace_span
        from frmk.utils.tracing.asgi import TraceContextMiddleware

        app = FastAPI()
        app.add_middleware(TraceContextMiddleware)  # goalgen: instrument


        @app.get("/items")
        @app.get("/items/")
        @trace_span("api.GET /items | /items/")  # goalgen: instrument
        def items():
            return []
        """,
        kinds=API,
    )


def test_add_api_route_traces_the_function_where_it_is_defined() -> None:
    check(
        """
        from fastapi import APIRouter

        router = APIRouter(prefix="/users")


        async def create_user(user: dict):
            return user


        def socket(websocket):
            pass


        router.add_api_route("/", create_user, methods=["POST"])
        router.add_api_route(path="/all", endpoint=create_user)
        router.add_api_websocket_route("/ws", socket)
        """,
        """
        from fastapi import APIRouter
        from frmk.utils.tracing import trace_span

        router = APIRouter(prefix="/users")


        @trace_span("api.POST /users/ | GET /users/all")  # goalgen: instrument
        async def create_user(user: dict):
            return user


        @trace_span("api.WEBSOCKET /users/ws")  # goalgen: instrument
        def socket(websocket):
            pass


        router.add_api_route("/", create_user, methods=["POST"])
        router.add_api_route(path="/all", endpoint=create_user)
        router.add_api_websocket_route("/ws", socket)
        """,
        kinds=API,
    )


HANDLERS = """
def register(user: dict):
    return user


def helper():
    return 1
"""


def test_add_api_route_of_an_imported_function_traces_it_in_its_module() -> None:
    main = """
    from fastapi import FastAPI

    from app.handlers import register
    from app import handlers

    app = FastAPI()
    app.add_api_route("/register", register, methods=["POST"])
    app.add_api_route("/again", handlers.register, methods={"PUT"})
    """
    others = {**PROJECT, "app.main": dedent(main)}
    result = run(dedent(HANDLERS), module="app.handlers", others=others, kinds=API)
    assert actions(result) == [("api", "api.POST /register | PUT /again", "added")]
    assert '@trace_span("api.POST /register | PUT /again")  # goalgen: instrument' in result.code
    index = build_index({**others, "app.handlers": dedent(HANDLERS)})
    assert prefilter(dedent(HANDLERS), index)  # no FastAPI word in it: the index names it


def test_add_api_route_that_cannot_be_traced_is_reported() -> None:
    code = """
    import functools

    import requests
    from fastapi import FastAPI

    app = FastAPI()


    def handler(x):
        return x


    app.add_api_route("/l", lambda: 1)
    app.add_api_route("/p", functools.partial(handler, 1))
    app.add_api_route("/r", requests.get)
    app.add_api_route("/v", handler.__call__)
    """
    skipped = [
        (t.name, t.reason)
        for t in run(dedent(code), others=PROJECT, kinds=API).targets
        if t.action == "skipped"
    ]
    assert skipped == [
        ("lambda: 1", "lambda"),
        ("functools.partial(handler, 1)", "built by a call (functools.partial(...))"),
        ("requests.get", "imported from outside the project (requests.get)"),
        ("handler.__call__", "bound method of an object"),
    ]


PATHS = [
    pytest.param('PATH = "/x"\n', "PATH", "api.GET /x", "", id="module-constant"),
    pytest.param(
        "from app.core.config import API_PREFIX\n",
        "API_PREFIX + '/x'",
        "api.GET /api/x",
        "",
        id="imported-constant",
    ),
    pytest.param(
        'BASE = "/b"\n', "f'{BASE}/{{item_id}}'", "api.GET /b/{item_id}", "", id="f-string"
    ),
    pytest.param(
        "from app.core.config import settings\n",
        'settings.API_V1_STR + "/x"',
        "api.GET <dynamic>/x",
        "path not static: settings.API_V1_STR",
        id="settings-object",
    ),
    pytest.param(
        "import os\n",
        'os.environ["P"]',
        "api.GET <dynamic>",
        "path not static: os.environ['P']",
        id="call-or-subscript",
    ),
]


@pytest.mark.parametrize(("head", "path", "span", "reason"), PATHS)
def test_route_paths_resolved_statically(head: str, path: str, span: str, reason: str) -> None:
    code = f"from fastapi import FastAPI\n{head}\napp = FastAPI()\n\n\n@app.get({path})\ndef x():\n    pass\n"
    result = run(code, others=PROJECT, kinds=API)
    route = result.targets[-1]
    assert (route.span, route.action, route.reason) == (span, "added", reason)
    compile(result.code, "main.py", "exec")


def test_span_name_with_quotes_and_backslashes_stays_a_string_literal() -> None:
    code = dedent(
        r"""
        from fastapi import FastAPI

        app = FastAPI()


        @app.get('/say/"hi"\\x\n\t')
        def say():
            pass
        """
    )
    result = run(code, kinds=API)
    say = next(n for n in ast.walk(ast.parse(result.code)) if isinstance(n, ast.FunctionDef))
    assert say.decorator_list[1].args[0].value == 'api.GET /say/"hi"\\x\n\t'
    assert remove(result.code).code == code
