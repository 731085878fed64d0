"""append_kwarg and wrap_callee: a client argument follows the call's own layout, a wrapped
callee keeps every byte of the call, and remove undoes both exactly.

Each layout is checked as written (spaces, LF), with CRLF line endings and with tab indentation;
the whole set also goes through the real CLI (instrument, --check, --remove).
"""

from __future__ import annotations

import re

import pytest
from codemod_cases import check, dedent

HTTP = ("http",)
CALLS = ("http", "llm")

LAYOUTS = [
    pytest.param(
        """
        import aiohttp

        client = aiohttp.ClientSession(
            timeout=1, base_url="x"
        )
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import aiohttp_trace_configs

        client = aiohttp.ClientSession(
            timeout=1, base_url="x",
            trace_configs=aiohttp_trace_configs()  # goalgen: instrument
        )
        """,
        id="black-shape",
    ),
    pytest.param(
        """
        import aiohttp

        client = aiohttp.ClientSession(
            timeout=1, base_url="x",
        )
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import aiohttp_trace_configs

        client = aiohttp.ClientSession(
            timeout=1, base_url="x",
            trace_configs=aiohttp_trace_configs(),  # goalgen: instrument
        )
        """,
        id="black-shape-magic-trailing-comma",
    ),
    pytest.param(
        """
        import aiohttp

        client = aiohttp.ClientSession(
            timeout=1,
            base_url="x"
        )
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import aiohttp_trace_configs

        client = aiohttp.ClientSession(
            timeout=1,
            base_url="x",
            trace_configs=aiohttp_trace_configs()  # goalgen: instrument
        )
        """,
        id="one-per-line",
    ),
    pytest.param(
        """
        import pytest
        from aiohttp import ClientSession, TCPConnector

        from .main import URL


        @pytest.mark.anyio
        async def test_root():
            async with ClientSession(
                connector=TCPConnector(limit=1), base_url=URL
            ) as session:
                response = await session.get("/")
            assert response.status == 200
        """,
        """
        import pytest
        from aiohttp import ClientSession, TCPConnector
        from frmk.utils.tracing.http import aiohttp_trace_configs

        from .main import URL


        @pytest.mark.anyio
        async def test_root():
            async with ClientSession(
                connector=TCPConnector(limit=1), base_url=URL,
                trace_configs=aiohttp_trace_configs()  # goalgen: instrument
            ) as session:
                response = await session.get("/")
            assert response.status == 200
        """,
        id="async-with-as",
    ),
    pytest.param(
        """
        import aiohttp

        client = aiohttp.ClientSession(
            timeout=1, base_url="x"  # the test server
        )
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import aiohttp_trace_configs

        client = aiohttp.ClientSession(
            timeout=1, base_url="x",  # the test server
            trace_configs=aiohttp_trace_configs()  # goalgen: instrument
        )
        """,
        id="comment-after-last-argument",
    ),
    pytest.param(
        """
        import aiohttp

        client = aiohttp.ClientSession(timeout=1,
                                       base_url="x"
        )
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import aiohttp_trace_configs

        client = aiohttp.ClientSession(timeout=1,
                                       base_url="x",
                                       trace_configs=aiohttp_trace_configs()  # goalgen: instrument
        )
        """,
        id="arguments-from-the-paren-line",
    ),
    pytest.param(
        """
        import aiohttp


        def make():
            return aiohttp.ClientSession(timeout=1, base_url="x"
            )
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import aiohttp_trace_configs


        def make():
            return aiohttp.ClientSession(timeout=1, base_url="x",
                trace_configs=aiohttp_trace_configs()  # goalgen: instrument
            )
        """,
        id="all-arguments-on-the-paren-line",
    ),
    pytest.param(
        """
        import aiohttp

        clients = [
            aiohttp.ClientSession(
                timeout=1, base_url="a"
            ),
            aiohttp.ClientSession(
                timeout=2, base_url="b",
            ),
        ]
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import aiohttp_trace_configs

        clients = [
            aiohttp.ClientSession(
                timeout=1, base_url="a",
                trace_configs=aiohttp_trace_configs()  # goalgen: instrument
            ),
            aiohttp.ClientSession(
                timeout=2, base_url="b",
                trace_configs=aiohttp_trace_configs(),  # goalgen: instrument
            ),
        ]
        """,
        id="nested-in-a-list",
    ),
    pytest.param(
        """
        import aiohttp


        async def main():
            async with aiohttp.ClientSession(
                base_url="http://localhost:3978", raise_for_status=True
            ) as session:
                return session
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import aiohttp_trace_configs


        async def main():
            async with aiohttp.ClientSession(
                base_url="http://localhost:3978", raise_for_status=True,
                trace_configs=aiohttp_trace_configs()  # goalgen: instrument
            ) as session:
                return session
        """,
        id="aiohttp-black-shape",
    ),
    pytest.param(
        """
        from aiohttp import ClientSession

        session = ClientSession(
            base_url="http://localhost:3978", raise_for_status=True,  # the bot
        )
        """,
        """
        from aiohttp import ClientSession
        from frmk.utils.tracing.http import aiohttp_trace_configs

        session = ClientSession(
            base_url="http://localhost:3978", raise_for_status=True,  # the bot
            trace_configs=aiohttp_trace_configs(),  # goalgen: instrument
        )
        """,
        id="aiohttp-magic-trailing-comma-comment",
    ),
    pytest.param(
        """
        import aiohttp

        client = aiohttp.ClientSession(timeout=1, base_url="x")
        other = aiohttp.ClientSession(
            timeout=1, base_url="x")
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import aiohttp_trace_configs

        client = aiohttp.ClientSession(timeout=1, base_url="x", trace_configs=aiohttp_trace_configs())  # goalgen: instrument
        other = aiohttp.ClientSession(
            timeout=1, base_url="x", trace_configs=aiohttp_trace_configs())  # goalgen: instrument
        """,
        id="paren-on-the-argument-line-keeps-the-line",
    ),
]

# wrap_callee: `X(args)` -> `value(X)(args)`, the marker on the line ending the statement.
CALLEE_LAYOUTS = [
    pytest.param(
        """
        from frmk.llm import get_llm

        llm = get_llm()


        async def ask(messages):
            answer = await llm.complete(messages)
            return answer
        """,
        """
        from frmk.llm import get_llm
        from frmk.utils.tracing.genai import trace_llm

        llm = get_llm()


        async def ask(messages):
            answer = await trace_llm(llm.complete)(messages)  # goalgen: instrument
            return answer
        """,
        id="await-assignment",
    ),
    pytest.param(
        """
        from frmk.llm import get_llm

        llm = get_llm()


        async def ask(messages):
            return await llm.complete(
                messages,  # the conversation
                temperature=0,
            )  # the answer
        """,
        """
        from frmk.llm import get_llm
        from frmk.utils.tracing.genai import trace_llm

        llm = get_llm()


        async def ask(messages):
            return await trace_llm(llm.complete)(
                messages,  # the conversation
                temperature=0,
            )  # the answer  # goalgen: instrument
        """,
        id="return-multi-line-arguments-comments",
    ),
    pytest.param(
        """
        import httpx
        from frmk.llm import LocalLLM

        llm = LocalLLM()


        async def ask(q):
            async with httpx.AsyncClient(timeout=await llm.complete(q)) as client:
                print(await llm.complete(await llm.complete(q)), client)
        """,
        """
        import httpx
        from frmk.llm import LocalLLM
        from frmk.utils.tracing.genai import trace_llm
        from frmk.utils.tracing.http import trace_client

        llm = LocalLLM()


        async def ask(q):
            async with trace_client(httpx.AsyncClient)(timeout=await trace_llm(llm.complete)(q)) as client:  # goalgen: instrument
                print(await trace_llm(llm.complete)(await trace_llm(llm.complete)(q)), client)  # goalgen: instrument
        """,
        id="nested-calls-and-a-with-header",
    ),
    pytest.param(
        """
        import httpx

        if True: c = httpx.Client( ); d = (httpx.Client) (timeout=1)
        clients = {
            "a": httpx.Client(),
            "b": [lambda: httpx.AsyncClient()],
        }
        """,
        """
        import httpx
        from frmk.utils.tracing.http import trace_client

        if True: c = trace_client(httpx.Client)( ); d = trace_client((httpx.Client)) (timeout=1)  # goalgen: instrument
        clients = {
            "a": trace_client(httpx.Client)(),
            "b": [lambda: trace_client(httpx.AsyncClient)()],
        }  # goalgen: instrument
        """,
        id="suite-parentheses-spaces-lambda",
    ),
    pytest.param(
        """
        from openai import OpenAI


        class Bot:
            def __init__(self):
                self.client = OpenAI()

            def ask(self, q):
                return f"{self.client.responses.create(model='m', input=q).output_text}"
        """,
        """
        from frmk.utils.tracing.genai import trace_llm
        from openai import OpenAI


        class Bot:
            def __init__(self):
                self.client = OpenAI()

            def ask(self, q):
                return f"{trace_llm(self.client.responses.create)(model='m', input=q).output_text}"  # goalgen: instrument
        """,
        id="f-string-attribute-receiver",
    ),
]


FORMATS = [
    pytest.param("\n", False, id="lf"),
    pytest.param("\r\n", False, id="crlf"),
    pytest.param("\n", True, id="tabs"),
]


def variant(text: str, newline: str, tabs: bool) -> str:
    """``text`` dedented, with ``newline`` line endings and, with ``tabs``, a tab per four
    leading spaces."""
    text = dedent(text)
    if tabs:
        text = re.sub(r"(?m)^(?:    )+", lambda m: "\t" * (len(m.group()) // 4), text)
    return text.replace("\n", newline)


@pytest.mark.parametrize(("newline", "tabs"), FORMATS)
@pytest.mark.parametrize(("before", "after"), LAYOUTS)
def test_client_argument_follows_the_call_layout(before, after, newline, tabs) -> None:
    check(variant(before, newline, tabs), variant(after, newline, tabs), kinds=HTTP)


@pytest.mark.parametrize(("newline", "tabs"), FORMATS)
@pytest.mark.parametrize(("before", "after"), CALLEE_LAYOUTS)
def test_wrapped_callee_keeps_the_call_layout(before, after, newline, tabs) -> None:
    check(variant(before, newline, tabs), variant(after, newline, tabs), kinds=CALLS)


def test_layouts_round_trip_through_the_cli(tmp_path) -> None:
    from goalgen.cli import main as goalgen_main

    originals = {}
    for n, case in enumerate([*LAYOUTS, *CALLEE_LAYOUTS]):
        for newline, tabs in (p.values for p in FORMATS):
            path = tmp_path / f"case_{n}_{len(newline)}{int(tabs)}.py"
            path.write_bytes(variant(case.values[0], newline, tabs).encode())
            originals[path] = path.read_bytes()
    args = ["--no-cache", "--jobs", "1", "--no-color"]
    assert goalgen_main(["instrument", str(tmp_path), "--select", "http,llm", *args]) == 0
    for path, data in originals.items():
        assert path.read_bytes() != data, path.name
    check_args = ["--check", "--select", "http,llm", *args]
    assert goalgen_main(["instrument", str(tmp_path), *check_args]) == 0
    assert goalgen_main(["instrument", str(tmp_path), "--remove", *args]) == 0
    for path, data in originals.items():
        assert path.read_bytes() == data, path.name
