"""Chunks: slices at top-level statements that parse alone and join back byte for byte."""

from __future__ import annotations

import ast

import pytest
from codemod_cases import actions, dedent, remove, run

from goalgen.codemods.chunks import chunk_text, split_chunks
from goalgen.codemods.lines import split_lines

SOURCES = [
    pytest.param(
        '"""Doc."""\nimport os\n\n# lead\n@dec\ndef f():\n    pass\n    # tail\nx = 1; y = 2\n',
        id="lf",
    ),
    pytest.param("import os\r\n\r\nclass A:\r\n    pass\r\n", id="crlf"),
    pytest.param("a = 1\n\x0c\ndef f():\n    return '\x0b'\n", id="form-feed"),
    pytest.param("x = (\n    1,\n)\nif x:\n    pass\nelse:\n    pass", id="no-trailing-newline"),
]


@pytest.mark.parametrize("source", SOURCES)
def test_chunks_join_back_and_parse_alone(source: str) -> None:
    import libcst as cst

    assert "".join(split_lines(source)) == source
    chunks = split_chunks(source, ast.parse(source))
    assert "".join(c.text for c in chunks) == source
    for chunk in chunks:
        assert chunk_text(cst.parse_module(chunk.text)) == chunk.text


def test_first_chunk_holds_docstring_and_imports() -> None:
    source = SOURCES[0].values[0]
    chunks = split_chunks(source, ast.parse(source))
    assert chunks[0].text == '"""Doc."""\nimport os\n\n# lead\n'
    assert chunks[-1].text == "x = 1; y = 2\n"


def test_keys_and_ordinals_stay_right_when_only_a_later_chunk_changes() -> None:
    code = dedent(
        """
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks

        first = httpx.Client(event_hooks=httpx_event_hooks())


        def build():
            def node(state):
                return state


        def build():
            def node(state):
                return state

            graph.add_node("n", node)


        second = httpx.Client()
        """
    )
    traced = run(code)
    assert actions(traced) == [
        ("http", "httpx.Client", "present"),
        ("node", "langgraph.node.n", "added"),
        ("http", "httpx.Client", "added"),
    ]
    assert traced.targets[1].name == "build.<locals>.node"
    lines = traced.code.splitlines()
    decorated = lines.index('    @trace_span("langgraph.node.n")  # goalgen: instrument')
    assert lines[decorated - 1] == "def build():" and traced.code.count("@trace_span") == 1
    assert lines.index("def build():") < decorated - 4  # the first build() is untouched
    assert "second = trace_client(httpx.Client)()  # goalgen: instrument" in lines
    assert remove(traced.code).code == code
