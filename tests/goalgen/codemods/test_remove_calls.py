"""remove_calls: which wrapped callees and client arguments --remove undoes on a marked line."""

from __future__ import annotations

import pytest
from codemod_cases import dedent, remove

from goalgen.codemods import registry

HEAD = "from frmk.utils.tracing.genai import trace_llm\n\n"

KEPT = [
    pytest.param("x = trace_llm(llm.complete)(q)\n", id="unmarked-by-hand"),
    pytest.param("x = trace_llm(llm.complete, 1)(q)  # goalgen: instrument\n", id="two-args"),
    pytest.param("x = trace_llm(fn=llm.complete)(q)  # goalgen: instrument\n", id="keyword"),
    pytest.param("x = trace_llm(*fns)(q)  # goalgen: instrument\n", id="starred"),
    pytest.param("x = trace_llm(make())(q)  # goalgen: instrument\n", id="not-dotted"),
    pytest.param("x = (trace_llm(llm.complete))(q)  # goalgen: instrument\n", id="parenthesized"),
    pytest.param("x = mine(llm.complete)(q)  # goalgen: instrument\n", id="not-a-wrapper"),
]


@pytest.mark.parametrize("body", KEPT)
def test_only_the_tools_wrapper_shape_is_undone(body: str) -> None:
    code = HEAD + body
    result = remove(code)
    assert result.code == code and result.targets == []


def test_aliased_wrapper_is_undone_and_its_import_goes() -> None:
    code = dedent(
        """
        from frmk.utils.tracing.genai import trace_llm as goalgen_trace_llm
        from mylib import trace_llm

        x = goalgen_trace_llm(llm.complete)(trace_llm(q))  # keep  # goalgen: instrument
        """
    )
    result = remove(code)
    assert result.code == "from mylib import trace_llm\n\nx = llm.complete(trace_llm(q))  # keep\n"
    assert [(t.kind, t.name, t.line) for t in result.targets] == [("llm", "trace_llm", 4)]


def test_every_wrapper_is_a_runtime_name_of_its_kind() -> None:
    wrappers = registry.wrappers()
    assert dict(wrappers).items() >= {"trace_client": "http", "trace_llm": "llm"}.items()
    for name, kind in wrappers.items():
        assert name in registry.get(kind).runtime
