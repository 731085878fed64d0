"""The project index: cross-module class kinds, the facts kinds keep, their joins; the prefilter."""

from __future__ import annotations

from codemod_cases import dedent

from goalgen.codemods import build_index, prefilter

MODULES = {
    "app": "",
    "app.bots": "from .base import BaseBot\n",
    "app.bots.base": dedent(
        """
        import botbuilder.core as bc

        Handler = bc.ActivityHandler


        class BaseBot(Handler):
            pass


        class Outer:
            class Inner(BaseBot):
                pass
        """
    ),
    "app.echo": "from app.bots import BaseBot\n\nclass EchoBot(BaseBot):\n    pass\n",
    "app.cycle_a": "from app.cycle_b import B\n\nclass A(B):\n    pass\n",
    "app.cycle_b": "from app.cycle_a import A\n\nclass B(A):\n    pass\n",
    "app.broken": "def f(:\n",
    "app.routes": dedent(
        """
        from fastapi import APIRouter, FastAPI

        router = APIRouter(prefix="/r")
        app = FastAPI()
        app.include_router(router, prefix="/v1")
        """
    ),
    "app.graph": "from app.nodes import run\nfrom . import nodes\n\nb.add_node('go', run)\nb.add_node(nodes.stop)\n",
    "app.nodes": "def run(s):\n    return s\n\n\ndef stop(s):\n    return s\n",
}


def test_class_kinds_follow_aliases_reexports_and_nesting() -> None:
    index = build_index(MODULES)
    assert index.class_kinds("app.echo.EchoBot") == {"bot"}
    assert index.class_kinds("app.bots.BaseBot") == {"bot"}
    assert index.class_kinds("app.bots.base.Outer.Inner") == {"bot"}
    assert index.class_kinds("app.bots.base.Outer") == set()
    assert index.class_kinds("app.cycle_a.A") == set()  # a cycle ends, it does not hang


def test_unparsable_modules_are_absent() -> None:
    index = build_index(MODULES)
    assert "app.broken" not in index.modules
    assert "app.echo" in index.modules


def test_router_mount_points_follow_include_prefixes() -> None:
    from goalgen.codemods.kinds.fastapi_routes import graph, mount_points

    index = build_index(MODULES)
    assert [p.text for p in mount_points(index, "app.routes.router")] == ["/v1/r"]
    assert graph(index).routers["app.routes.app"].kind == "app"
    assert "app.routes.missing" not in graph(index).routers


def test_string_constants_through_reexports() -> None:
    index = build_index(
        {
            "app": "from .paths import BASE\n",
            "app.paths": 'BASE = "/api"\nV1 = f"{BASE}/v1"\nTWICE = "a"\nTWICE = "b"\nN = 1\n',
        }
    )
    assert index.modules["app.paths"].constants == {"BASE": "/api", "V1": "/api/v1"}
    assert index.constant("app.BASE") == "/api"
    assert index.constant("app.paths.TWICE") is None
    assert index.constant("os.sep") is None


def test_foreign_nodes_point_at_the_defining_module() -> None:
    from goalgen.codemods.kinds.langgraph_nodes import foreign_nodes

    index = build_index(MODULES)
    assert foreign_nodes(index, "app.nodes") == {"run": {"go"}, "stop": {"stop"}}
    assert foreign_nodes(index, "app.graph") == {}


def test_kind_facts_live_under_their_kind() -> None:
    index = build_index(MODULES)
    assert set(index.modules["app.routes"].facts) == {"api"}
    assert set(index.modules["app.graph"].facts) == {"node"}
    assert index.modules["app.echo"].facts == {}


def test_index_is_picklable() -> None:
    import pickle

    index = build_index(MODULES)
    copy = pickle.loads(pickle.dumps(index))
    assert copy.class_kinds("app.echo.EchoBot") == {"bot"}


def test_prefilter() -> None:
    index = build_index(MODULES)
    assert prefilter("from fastapi import FastAPI\n")
    assert prefilter("x = 1  # goalgen: instrument\n")
    assert not prefilter("import os\nprint(os.name)\n")
    assert not prefilter("from app.echo import EchoBot\n")
    assert prefilter("from app.echo import EchoBot\n", index)
    assert prefilter("from app.bots.base import BaseBot\n", index)
