"""rewrite(): byte-exact round trips (CRLF, BOM, cookies, tabs), options, errors, speed."""

from __future__ import annotations

import pytest
from codemod_cases import dedent, remove, run

from benchmarks.bench_codemods import big_module
from goalgen.codemods import ProjectIndex, UnparsableSource, build_index, rewrite

BOT = dedent(
    """
    from botbuilder.core import ActivityHandler


    class B(ActivityHandler):
        async def on_turn(self, turn_context):
            x = "é"  # comment
            return x
    """
)

# One target of every kind, so each codemod meets every file format below.
ALL_KINDS = (
    BOT
    + "\n\n"
    + dedent(
        """

    import httpx
    from fastapi import FastAPI
    from frmk.agents import BaseAgent
    from frmk.conversation import create_mapper

    app = FastAPI()
    mapper = create_mapper()


    @app.get("/h")
    def health():
        return {}


    class A(BaseAgent):
        async def invoke(self, state):
            \"\"\"Doc.\"\"\"
            thread = await mapper.get_thread_id(state["ctx"])
            async with httpx.AsyncClient(
                timeout=3,
            ) as client:
                return {"t": thread, "r": await client.get("u")}


    def node(state):
        return state


    builder.add_node("n", node)
    """
    )
)


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(ALL_KINDS, id="lf"),
        pytest.param(ALL_KINDS.replace("\n", "\r\n"), id="crlf"),
        pytest.param("\ufeff" + ALL_KINDS, id="bom"),
        pytest.param("# -*- coding: utf-8 -*-\n" + ALL_KINDS, id="cookie"),
        pytest.param(
            "#!/usr/bin/env python\r\n# -*- coding: latin-1 -*-\r\n"
            + ALL_KINDS.replace("\n", "\r\n"),
            id="shebang-cookie-crlf",
        ),
        pytest.param(ALL_KINDS.replace("    ", "\t"), id="tabs"),
        pytest.param(ALL_KINDS.rstrip("\n"), id="no-trailing-newline"),
    ],
)
@pytest.mark.parametrize("style", ["auto", "block"])
def test_round_trip_keeps_every_byte(code: str, style: str) -> None:
    traced = run(code, style=style)
    assert {t.kind for t in traced.changed_targets} == {
        "bot",
        "api",
        "agent",
        "node",
        "mapper",
        "http",
    }
    if "\r\n" in code:
        assert "\n" not in traced.code.replace("\r\n", "")  # no stray LF line endings
    assert traced.code.startswith("\ufeff") == code.startswith("\ufeff")
    assert remove(traced.code).code == code
    assert run(traced.code, style=style).code == traced.code


def test_kinds_selects_codemods() -> None:
    code = BOT + "\nimport httpx\nc = httpx.Client()\n"
    assert {t.kind for t in run(code, kinds=("http",)).targets} == {"http"}
    assert {t.kind for t in run(code, kinds=("bot", "http")).targets} == {"bot", "http"}
    assert run(code, kinds=()).code == code


def test_errors() -> None:
    with pytest.raises(UnparsableSource, match="line 1"):
        rewrite("def f(:\n", module="m", index=ProjectIndex())
    with pytest.raises(UnparsableSource):
        rewrite("def f(:\n", module="m", index=ProjectIndex(), remove=True)
    with pytest.raises(UnparsableSource):
        rewrite("def f(:  # goalgen: instrument\n", module="m", index=ProjectIndex(), remove=True)
    with pytest.raises(ValueError, match="unknown style"):
        rewrite(BOT, module="m", index=ProjectIndex(), style="fancy")
    assert issubclass(UnparsableSource, ValueError)
    with pytest.raises(UnparsableSource, match="lone"):
        rewrite(BOT.replace("\n", "\r"), module="m", index=ProjectIndex())


def test_module_missing_from_index_is_scanned_on_the_fly() -> None:
    traced = rewrite(BOT, module="app.bot", index=ProjectIndex())
    assert [t.action for t in traced.targets] == ["added"]


def test_remove_on_untraced_code_returns_it_unchanged() -> None:
    result = remove(BOT)
    assert result.code is BOT or result.code == BOT
    assert result.targets == []


FUNCS = '''
from langgraph.graph import StateGraph


def sync_fn(state):
    """Sync."""
    return state + 1


async def async_fn(state):
    return state + 2


def gen_fn(state):
    yield state + 3


async def agen_fn(state):
    yield state + 4


b = StateGraph(dict)
for fn in ():
    pass
b.add_node(sync_fn)
b.add_node(async_fn)
b.add_node(gen_fn)
b.add_node(agen_fn)
'''


@pytest.mark.parametrize("style", ["auto", "block"])
async def test_function_kinds_and_signatures_survive(style, load, spans) -> None:
    import inspect

    plain = load({"plainfuncs.mod": dedent(FUNCS)}, "plainfuncs.mod")
    code = run(dedent(FUNCS), module="tracedfuncs.mod", style=style).code
    traced = load({"tracedfuncs.mod": code}, "tracedfuncs.mod")
    for name, check in [
        ("sync_fn", inspect.isfunction),
        ("async_fn", inspect.iscoroutinefunction),
        ("gen_fn", inspect.isgeneratorfunction),
        ("agen_fn", inspect.isasyncgenfunction),
    ]:
        fn, orig = getattr(traced, name), getattr(plain, name)
        assert check(fn) and inspect.signature(fn) == inspect.signature(orig)
        assert fn.__name__ == name and fn.__doc__ == orig.__doc__
    assert traced.sync_fn(1) == 2
    assert await traced.async_fn(1) == 3
    assert list(traced.gen_fn(1)) == [4]
    assert [x async for x in traced.agen_fn(1)] == [5]
    assert [s["name"] for s in spans] == [
        "langgraph.node.sync_fn", "langgraph.node.async_fn",
        "langgraph.node.gen_fn", "langgraph.node.agen_fn",
    ]  # fmt: skip


def test_rewrite_of_a_large_file_touches_only_its_targets() -> None:
    """The 1000-line module of benchmarks/bench_codemods.py: four targets, helpers untouched."""
    code = big_module()
    result = rewrite(code, module="big", index=build_index({"big": code}))
    assert len(result.changed_targets) == 4
    assert result.code.count("# goalgen: instrument") == 4
    assert rewrite(result.code, module="big", index=build_index({"big": result.code})).code == (
        result.code
    )
