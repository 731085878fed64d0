"""``goalgen.codemods.syntax.parse``: files in newer syntax than the running Python still give an ``ast``
with the positions of the file itself, or a plain message naming the Python they need."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from codemod_cases import check, dedent, run

from goalgen.codemods.syntax import parse, parse_expression

RUNNING = ".".join(map(str, sys.version_info[:3]))

# (source, names that must be read somewhere in the tree)
NEWER = [
    pytest.param("type Alias = int | None\nx = Alias\n", {"int", "x"}, id="type-statement"),
    pytest.param(
        "type Pair[K, V] = tuple[K, V]\nclass A:\n    type Inner = list[int]\n    y = 1\n",
        {"tuple", "K", "V", "list", "y"},
        id="generic-alias-and-nested",
    ),
    pytest.param(
        "def first[T](items: list[T]) -> T:\n    return items[0]\n",
        {"list", "T", "items"},
        id="generic-def",
    ),
    pytest.param(
        "class Box[T: (int, str), *Ts, **P](Base):\n    def get(self) -> T: return self.v\n",
        {"Base", "T", "self"},
        id="generic-class-bounds-and-kinds",
    ),
    pytest.param(
        "def f[\n    T,  # the item\n    U: int,\n](x: T, y: U) -> T:\n    return g(x, y)\n",
        {"g", "x", "y"},
        id="multi-line-type-params",
    ),
    pytest.param("def f[T = int](x: T) -> T:\n    return x\n", {"x", "T"}, id="type-param-default"),
    pytest.param(
        'café = {"é": 1}\ndef ü[Ä](ö: Ä) -> Ä: return café["é"] or ö; z = "ß"\n',
        {"café", "ö", "z"},
        id="non-ascii-names-on-the-same-line",
    ),
    pytest.param(
        "type Ä = list[int]\nclass C[Ü](Base): x = Ä\n",
        {"list", "int", "Base", "x"},
        id="non-ascii-alias",
    ),
    pytest.param(
        "def f[\r\n    T,\r\n\r\n](x: T) -> T:\r\n    return g(x)\r\n",
        {"g", "x"},
        id="crlf-multi-line-type-params-with-an-empty-line",
    ),
    pytest.param(
        "type X = int\r\ndef f[T](x: T) -> T:\r\n    return h(x)\r\n",
        {"h", "x"},
        id="crlf",
    ),
    pytest.param(
        'm = {"a": 1}\ns = f"{m["a"]} and {len(m)!r:>{w}}" + "t"\n',
        {"m", "len", "w", "s"},
        id="fstring-nested-quotes",
    ),
    pytest.param(
        "s = f\"{'\\n'.join(parts)}\" 'tail' f'{x = }'\n",
        {"parts", "x", "s"},
        id="fstring-backslash-in-field-concatenated",
    ),
    pytest.param(
        's = f"{\n    call(a)  # a comment\n}"\nafter = f"{f"{deep["k"]}"}"\n',
        {"call", "a", "deep", "after"},
        id="fstring-multi-line-field-and-nesting",
    ),
    pytest.param('t = t"hello {name}"\nu = 1\n', {"name", "u"}, id="t-string"),
]


def _names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _alias_targets(source: str) -> set[tuple[int, str]]:
    """(line, name) of each ``type NAME`` statement head, read from the text."""
    heads = set()
    for number, line in enumerate(source.splitlines(), 1):
        words = line.split()
        if len(words) > 1 and words[0] == "type":
            heads.add((number, words[1].partition("[")[0]))
    return heads


@pytest.mark.parametrize(("source", "names"), NEWER)
def test_newer_syntax_parses_with_the_files_own_positions(source: str, names: set[str]) -> None:
    tree = parse(source)
    assert names <= _names(tree)
    heads = _alias_targets(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and (node.lineno, node.id) not in heads:
            assert ast.get_source_segment(source, node) == node.id, (node.id, node.lineno)
        if isinstance(node, ast.Call):
            segment = ast.get_source_segment(source, node)
            assert segment.startswith(ast.get_source_segment(source, node.func))
            assert segment.endswith(")")
    top = [(s.lineno, s.end_lineno) for s in tree.body]
    lines = source.splitlines()
    for start, end in top:  # statements keep their lines: each starts on a non-blank line
        assert lines[start - 1].strip() and end >= start


def test_type_statement_is_read_as_an_assignment_on_its_line() -> None:
    tree = parse("import x\n\n    \ntype   Pair[\n    K,\n] = tuple[K, int]\ny = 2\n")
    alias = tree.body[1]
    assert isinstance(alias, ast.TypeAlias if sys.version_info >= (3, 12) else ast.Assign)
    assert (alias.lineno, alias.col_offset, alias.end_lineno) == (4, 0, 6)
    assert tree.body[2].lineno == 7


def test_ordinary_code_gives_what_ast_gives() -> None:
    source = "import os\n\n@dec\nasync def f(a, *, b=1):\n    return f'{a!r}' + os.sep\n"
    assert ast.dump(parse(source), include_attributes=True) == ast.dump(
        ast.parse(source), include_attributes=True
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def f(:\n    pass\n", id="plain"),
        pytest.param("type X = int\nx = (\n", id="broken-beside-newer-syntax"),
        pytest.param("print 'hello'\n", id="python-2"),
        pytest.param("x = b'é'\n", id="only-libcst-reads-it"),
    ],
)
def test_broken_code_keeps_the_ast_error(source: str) -> None:
    with pytest.raises(SyntaxError) as expected:
        ast.parse(source)
    with pytest.raises(SyntaxError) as got:
        parse(source)
    assert (got.value.msg, got.value.lineno) == (expected.value.msg, expected.value.lineno)


def test_broken_line_in_a_newer_file_is_named() -> None:
    source = "type X = int\ndef f[T](x: T) -> T:\n    return x\n\nx = b'é'\n"
    with pytest.raises(SyntaxError) as got:
        parse(source)
    assert got.value.lineno == 5
    assert "needs Python" not in got.value.msg


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="Python 3.14 reads it")
def test_syntax_that_cannot_be_masked_names_the_python_it_needs() -> None:
    source = "type X = int\ntry:\n    pass\nexcept ValueError, TypeError:\n    pass\n"
    with pytest.raises(SyntaxError) as got:
        parse(source, filename="app/mod.py")
    assert got.value.lineno == 4
    assert got.value.filename == "app/mod.py"
    assert got.value.msg == (
        "this file needs Python 3.14+ to read (except without parentheses); "
        f"goalgen runs on Python {RUNNING}"
    )


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 reads it")
def test_type_statement_whose_name_does_not_fit_names_the_python_it_needs() -> None:
    with pytest.raises(SyntaxError) as got:
        parse("x = 1\ntype \\\n    LongName = int\n")
    assert got.value.lineno == 2
    assert got.value.msg.startswith("this file needs Python 3.12+ to read (type statement); ")


def test_string_annotations() -> None:
    assert ast.dump(parse_expression("list[int] | None")) == ast.dump(
        ast.parse("list[int] | None", mode="eval").body
    )
    assert isinstance(parse_expression('dict[str, f"{d["k"]}"]'), ast.Subscript)
    with pytest.raises(SyntaxError):
        parse_expression("list[")


NEWER_APP = """
    from botbuilder.core import ActivityHandler
    from fastapi import FastAPI
    from langgraph.graph import StateGraph

    type Payload = dict[str, object]
    type Pair[K, V] = tuple[K, V]

    app = FastAPI()


    @app.get("/items/{item_id}")
    async def read_item[T](item_id: int, extra: T | None = None) -> Payload:
        return {"id": item_id, "label": f"{extra!r}"}


    class MyBot[T](ActivityHandler):
        async def on_message_activity(self, turn_context):
            await turn_context.send_activity(f"echo: {turn_context.activity.text}")


    def plan[
        S,
    ](state: S) -> S:
        return state


    graph = StateGraph(dict)
    graph.add_node("plan", plan)
    """

NEWER_APP_TRACED = """
    from botbuilder.core import ActivityHandler
    from fastapi import FastAPI
    from frmk.utils.tracing import TraceSpan, trace_span
    from frmk.utils.tracing.asgi import TraceContextMiddleware
    from langgraph.graph import StateGraph

    type Payload = dict[str, object]
    type Pair[K, V] = tuple[K, V]

    app = FastAPI()
    app.add_middleware(TraceContextMiddleware)  # goalgen: instrument


    @app.get("/items/{item_id}")
    @trace_span("api.GET /items/{item_id}")  # goalgen: instrument
    async def read_item[T](item_id: int, extra: T | None = None) -> Payload:
        return {"id": item_id, "label": f"{extra!r}"}


    class MyBot[T](ActivityHandler):
        @trace_span("bot.MyBot.on_message_activity")  # goalgen: instrument
        async def on_message_activity(self, turn_context):
            with TraceSpan("bot.send_activity", kind="client"):  # goalgen: instrument
                await turn_context.send_activity(f"echo: {turn_context.activity.text}")


    @trace_span("langgraph.node.plan")  # goalgen: instrument
    def plan[
        S,
    ](state: S) -> S:
        return state


    graph = StateGraph(dict)
    graph.add_node("plan", plan)
    """


def test_route_bot_and_node_in_a_newer_file_round_trip() -> None:
    result = check(NEWER_APP, NEWER_APP_TRACED)
    lines = dedent(NEWER_APP).splitlines()
    where = {t.span: t.line for t in result.targets if t.span}
    assert lines[where["api.GET /items/{item_id}"] - 1].startswith("async def read_item[T]")
    assert lines[where["bot.MyBot.on_message_activity"] - 1].strip().startswith("async def on_message")
    assert lines[where["langgraph.node.plan"] - 1] == "def plan["


def test_block_style_in_a_newer_file_round_trips() -> None:
    result = run(dedent(NEWER_APP), style="block")
    assert 'with TraceSpan("api.GET /items/{item_id}")' in result.code
    parse(result.code)


def test_user_code_is_parsed_only_through_codemods_syntax() -> None:
    root = Path(__file__).resolve().parents[3]
    calls = [
        f"{path.relative_to(root)}:{number}"
        for package in ("goalgen/codemods", "goalgen/instrument")
        for path in sorted((root / package).rglob("*.py"))
        if path.name not in ("syntax.py", "syntax_mask.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "ast.parse(" in line or "compile(" in line.replace("re.compile(", "")
    ]
    assert calls == []
