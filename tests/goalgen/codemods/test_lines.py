"""Lines are cut where Python ends them (\\r\\n, \\r, \\n), never at the other characters
``str.splitlines`` breaks on, so every codemod finds its targets on the lines ``ast`` numbers."""

from __future__ import annotations

import ast
import io
import tokenize

import pytest
from codemod_cases import remove, run

from goalgen.codemods import MARKER
from goalgen.codemods.lines import split_lines

# Characters str.splitlines breaks a line on and Python does not.
ODD = [
    pytest.param("\f", id="form-feed"),
    pytest.param("\v", id="vertical-tab"),
    pytest.param("\x1c", id="file-separator"),
    pytest.param("\x1d", id="group-separator"),
    pytest.param("\x1e", id="record-separator"),
    pytest.param("\x85", id="next-line"),
    pytest.param("\u2028", id="line-separator"),
    pytest.param("\u2029", id="paragraph-separator"),
]

# One target of several kinds, each after the odd character (``{s}``) in strings and comments,
# and form feeds at line starts (``^L`` between sections, as in old GNU-style sources).
MODULE = '''\
"""Services{s}and handlers{s}{s}."""
\f
from botbuilder.core import ActivityHandler
from fastapi import FastAPI
from frmk.conversation import create_mapper
import httpx

NOTE = "a{s}b{s}c{s}d{s}e{s}f{s}g{s}h"  # see {s} below {s}
app = FastAPI()
mapper = create_mapper()
\f

class Bot(ActivityHandler):
    async def on_message_activity(self, turn_context):
        text = "x{s}y"  # {s}
        return text
\f

@app.get("/items")
def read_items():
    s = "{s}{s}"
    return {{}}


@app.get("/stream")
def stream():
    yield "{s}"


async def call():
    # comment {s}{s}
    async with httpx.AsyncClient(timeout=1) as client:
        return client


async def thread(ctx):
    t = """{s}
    {s}"""
    return await mapper.get_thread_id(ctx)
'''


def ast_lines(code: str) -> list[tuple[str, int]]:
    """(name, line) of each target of MODULE, as ``ast`` numbers them."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append((node.name, node.lineno))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            found.append((name, node.lineno))
    return found


def marker_comment_lines(code: str) -> list[int]:
    """Lines of the marker comments, as the tokenizer (and so ``ast``) numbers them."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return [t.start[0] for t in tokens if t.type == tokenize.COMMENT and t.string.endswith(MARKER)]


@pytest.mark.parametrize("odd", ODD)
def test_split_lines_cuts_where_ast_numbers(odd: str) -> None:
    code = MODULE.format(s=odd)
    lines = split_lines(code)
    assert "".join(lines) == code
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.stmt):
            segment = ast.get_source_segment(code, node).split("\n")[0]
            assert lines[node.lineno - 1].encode()[node.col_offset :].decode().startswith(segment)


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("style", ["auto", "block"])
def test_targets_after_odd_characters_are_found_on_their_lines(odd: str, style: str) -> None:
    code = MODULE.format(s=odd)
    where = dict(ast_lines(code))
    traced = run(code, style=style)
    assert [(t.kind, t.name, t.line, t.action) for t in traced.targets] == [
        ("api", "app", where["FastAPI"], "added"),
        ("bot", "Bot.on_message_activity", where["on_message_activity"], "added"),
        ("api", "read_items", where["read_items"], "added"),
        ("api", "stream", where["stream"], "added"),
        ("http", "httpx.AsyncClient", where["AsyncClient"], "added"),
        ("mapper", "mapper.get_thread_id", where["get_thread_id"], "added"),
    ]
    assert '@trace_span("api.GET /stream")' in traced.code  # a generator keeps the decorator
    again = run(traced.code, style=style)
    assert again.code == traced.code and not again.changed_targets
    back = remove(traced.code)
    assert back.code == code
    assert [t.line for t in back.targets] == marker_comment_lines(traced.code)


def test_odd_characters_round_trip_through_the_cli(tmp_path, monkeypatch) -> None:
    import json

    from click.testing import CliRunner

    from goalgen.cli import cli

    originals = {}
    for n, param in enumerate(ODD):
        path = tmp_path / f"odd_{n}.py"
        path.write_bytes(MODULE.format(s=param.values[0]).encode())
        originals[path] = path.read_bytes()
    monkeypatch.chdir(tmp_path)

    def instrument(*flags: str):
        args = ["instrument", ".", "--no-cache", "--jobs", "1", "--format", "json", *flags]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        return result.exit_code, json.loads(result.stdout)

    code, report = instrument("--check")
    assert code == 1
    for entry in report["files"]:
        where = dict(ast_lines(originals[tmp_path / entry["path"]].decode()))
        lines = [t["line"] for t in entry["targets"]]
        names = ["FastAPI", "on_message_activity", "read_items", "stream", "AsyncClient"]
        assert lines == [where[name] for name in [*names, "get_thread_id"]], entry["path"]
    assert report["summary"]["files_changed"] == len(ODD)
    assert instrument()[0] == 0
    assert instrument("--check")[0] == 0
    code, report = instrument("--remove")
    assert code == 0 and report["summary"]["files_changed"] == len(ODD)
    for path, data in originals.items():
        assert path.read_bytes() == data, path.name
