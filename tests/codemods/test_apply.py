"""append_kwarg: a client argument follows the call's own layout, and remove undoes it exactly.

Each layout is checked as written (spaces, LF), with CRLF line endings and with tab indentation;
the whole set also goes through the real CLI (instrument, --check, --remove).
"""

from __future__ import annotations

import re

import pytest
from codemod_cases import check, dedent

HTTP = ("http",)
HOOKS = "from frmk.utils.tracing.http import httpx_event_hooks\n"
CONFIGS = "from frmk.utils.tracing.http import aiohttp_trace_configs\n"

LAYOUTS = [
    pytest.param(
        """
        import httpx

        client = httpx.Client(
            timeout=1, base_url="x"
        )
        """,
        """
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks

        client = httpx.Client(
            timeout=1, base_url="x",
            event_hooks=httpx_event_hooks()  # goalgen: instrument
        )
        """,
        id="black-shape",
    ),
    pytest.param(
        """
        import httpx

        client = httpx.Client(
            timeout=1, base_url="x",
        )
        """,
        """
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks

        client = httpx.Client(
            timeout=1, base_url="x",
            event_hooks=httpx_event_hooks(),  # goalgen: instrument
        )
        """,
        id="black-shape-magic-trailing-comma",
    ),
    pytest.param(
        """
        import httpx

        client = httpx.Client(
            timeout=1,
            base_url="x"
        )
        """,
        """
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks

        client = httpx.Client(
            timeout=1,
            base_url="x",
            event_hooks=httpx_event_hooks()  # goalgen: instrument
        )
        """,
        id="one-per-line",
    ),
    pytest.param(
        """
        import pytest
        from httpx import ASGITransport, AsyncClient

        from .main import app


        @pytest.mark.anyio
        async def test_root():
            async with AsyncClient(
                transport=ASGITransport(app=app), base_url="http://test"
            ) as ac:
                response = await ac.get("/")
            assert response.status_code == 200
        """,
        """
        import pytest
        from frmk.utils.tracing.http import httpx_event_hooks
        from httpx import ASGITransport, AsyncClient

        from .main import app


        @pytest.mark.anyio
        async def test_root():
            async with AsyncClient(
                transport=ASGITransport(app=app), base_url="http://test",
                event_hooks=httpx_event_hooks()  # goalgen: instrument
            ) as ac:
                response = await ac.get("/")
            assert response.status_code == 200
        """,
        id="async-with-as",
    ),
    pytest.param(
        """
        import httpx

        client = httpx.Client(
            timeout=1, base_url="x"  # the test server
        )
        """,
        """
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks

        client = httpx.Client(
            timeout=1, base_url="x",  # the test server
            event_hooks=httpx_event_hooks()  # goalgen: instrument
        )
        """,
        id="comment-after-last-argument",
    ),
    pytest.param(
        """
        import httpx

        client = httpx.Client(timeout=1,
                              base_url="x"
        )
        """,
        """
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks

        client = httpx.Client(timeout=1,
                              base_url="x",
                              event_hooks=httpx_event_hooks()  # goalgen: instrument
        )
        """,
        id="arguments-from-the-paren-line",
    ),
    pytest.param(
        """
        import httpx


        def make():
            return httpx.Client(timeout=1, base_url="x"
            )
        """,
        """
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks


        def make():
            return httpx.Client(timeout=1, base_url="x",
                event_hooks=httpx_event_hooks()  # goalgen: instrument
            )
        """,
        id="all-arguments-on-the-paren-line",
    ),
    pytest.param(
        """
        import httpx

        clients = [
            httpx.Client(
                timeout=1, base_url="a"
            ),
            httpx.Client(
                timeout=2, base_url="b",
            ),
        ]
        """,
        """
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks

        clients = [
            httpx.Client(
                timeout=1, base_url="a",
                event_hooks=httpx_event_hooks()  # goalgen: instrument
            ),
            httpx.Client(
                timeout=2, base_url="b",
                event_hooks=httpx_event_hooks(),  # goalgen: instrument
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
        import httpx

        client = httpx.Client(timeout=1, base_url="x")
        other = httpx.Client(
            timeout=1, base_url="x")
        """,
        """
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks

        client = httpx.Client(timeout=1, base_url="x", event_hooks=httpx_event_hooks())  # goalgen: instrument
        other = httpx.Client(
            timeout=1, base_url="x", event_hooks=httpx_event_hooks())  # goalgen: instrument
        """,
        id="paren-on-the-argument-line-keeps-the-line",
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


def test_layouts_round_trip_through_the_cli(tmp_path) -> None:
    from goalgen.cli import main as goalgen_main

    originals = {}
    for n, case in enumerate(LAYOUTS):
        for newline, tabs in (p.values for p in FORMATS):
            path = tmp_path / f"case_{n}_{len(newline)}{int(tabs)}.py"
            path.write_bytes(variant(case.values[0], newline, tabs).encode())
            originals[path] = path.read_bytes()
    args = ["--no-cache", "--jobs", "1", "--no-color"]
    assert goalgen_main(["instrument", str(tmp_path), "--select", "http", *args]) == 0
    for path, data in originals.items():
        assert path.read_bytes() != data, path.name
    assert goalgen_main(["instrument", str(tmp_path), "--check", "--select", "http", *args]) == 0
    assert goalgen_main(["instrument", str(tmp_path), "--remove", *args]) == 0
    for path, data in originals.items():
        assert path.read_bytes() == data, path.name
