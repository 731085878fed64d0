"""HTTP client codemod: httpx clients built through trace_client, aiohttp sessions given trace
configs; a real server sees traceparent."""

from __future__ import annotations

import pytest
from codemod_cases import check, check_noop, dedent, remove, run

HTTP = ("http",)

REWRITES = [
    pytest.param(
        """
        import httpx


        async def call(url):
            async with httpx.AsyncClient(timeout=10) as client:  # keep me
                return await client.get(url)


        def sync_client():
            return httpx.Client()
        """,
        """
        import httpx
        from frmk.utils.tracing.http import trace_client


        async def call(url):
            async with trace_client(httpx.AsyncClient)(timeout=10) as client:  # keep me  # goalgen: instrument
                return await client.get(url)


        def sync_client():
            return trace_client(httpx.Client)()  # goalgen: instrument
        """,
        id="httpx",
    ),
    pytest.param(
        """
        from aiohttp import ClientSession as Session

        session = Session(
            base_url="http://localhost:8000",
            raise_for_status=True,
        )
        """,
        """
        from aiohttp import ClientSession as Session
        from frmk.utils.tracing.http import aiohttp_trace_configs

        session = Session(
            base_url="http://localhost:8000",
            raise_for_status=True,
            trace_configs=aiohttp_trace_configs(),  # goalgen: instrument
        )
        """,
        id="aiohttp-one-per-line-trailing-comma",
    ),
    pytest.param(
        """
        import httpx


        async def call(url, timeout):
            async with httpx.AsyncClient(
                base_url=url,
                timeout=timeout  # seconds
            ) as client:  # keep me
                return await client.get("/")
        """,
        """
        import httpx
        from frmk.utils.tracing.http import trace_client


        async def call(url, timeout):
            async with trace_client(httpx.AsyncClient)(
                base_url=url,
                timeout=timeout  # seconds
            ) as client:  # keep me  # goalgen: instrument
                return await client.get("/")
        """,
        id="httpx-one-per-line-with-comment",
    ),
    pytest.param(
        """
        import aiohttp
        import httpx

        clients = [
            aiohttp.ClientSession(
                base_url="a",

            ),
            httpx.Client(base_url="b"),
        ]
        """,
        """
        import aiohttp
        import httpx
        from frmk.utils.tracing.http import aiohttp_trace_configs, trace_client

        clients = [
            aiohttp.ClientSession(
                base_url="a",

                trace_configs=aiohttp_trace_configs(),  # goalgen: instrument
            ),
            trace_client(httpx.Client)(base_url="b"),
        ]  # goalgen: instrument
        """,
        id="own-line-and-statement-line-in-one-statement",
    ),
    pytest.param(
        """
        import aiohttp

        if True: s = aiohttp.ClientSession(
            headers={})
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import aiohttp_trace_configs

        if True: s = aiohttp.ClientSession(
            headers={}, trace_configs=aiohttp_trace_configs())  # goalgen: instrument
        """,
        id="one-line-suite",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    check(before, after, kinds=HTTP)


def test_skips_and_present() -> None:
    result = check_noop(
        """
        import aiohttp
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks as hooks
        from frmk.utils.tracing.http import trace_client

        a = httpx.AsyncClient(event_hooks=hooks())
        b = trace_client(httpx.Client)(timeout=1)
        c = aiohttp.ClientSession(trace_configs=[])
        d = aiohttp.ClientSession(**options)
        """,
        kinds=HTTP,
    )
    assert [(t.name, t.action, t.reason) for t in result.targets] == [
        ("httpx.AsyncClient", "present", ""),
        ("httpx.Client", "present", ""),
        ("aiohttp.ClientSession", "skipped", "already passes trace_configs"),
        ("aiohttp.ClientSession", "skipped", "passes **kwargs"),
    ]


def test_httpx_arguments_go_to_trace_client_as_they_are() -> None:
    check(
        """
        import httpx

        a = httpx.AsyncClient(event_hooks={"request": []})
        b = httpx.Client(**options)
        """,
        """
        import httpx
        from frmk.utils.tracing.http import trace_client

        a = trace_client(httpx.AsyncClient)(event_hooks={"request": []})  # goalgen: instrument
        b = trace_client(httpx.Client)(**options)  # goalgen: instrument
        """,
        kinds=HTTP,
    )


OLD_STYLE = """
import httpx
from frmk.utils.tracing.http import httpx_event_hooks


async def call(url):
    async with httpx.AsyncClient(timeout=10, event_hooks=httpx_event_hooks()) as client:  # goalgen: instrument
        return await client.get(url)


client = httpx.Client(
    timeout=1,
    event_hooks=httpx_event_hooks(),  # goalgen: instrument
)
"""


def test_code_instrumented_with_event_hooks_is_present_and_removable() -> None:
    code = dedent(OLD_STYLE)
    again = run(code, kinds=HTTP)
    assert again.code == code
    assert [t.action for t in again.targets] == ["present", "present"]
    back = remove(code)
    assert [(t.kind, t.name) for t in back.targets] == [("http", "httpx_event_hooks")] * 2
    assert back.code == dedent(
        """
        import httpx


        async def call(url):
            async with httpx.AsyncClient(timeout=10) as client:
                return await client.get(url)


        client = httpx.Client(
            timeout=1,
        )
        """
    )


def test_hand_written_tracing_survives_remove() -> None:
    code = dedent(
        """
        import httpx
        from frmk.utils.tracing.http import httpx_event_hooks, trace_client

        a = httpx.AsyncClient(event_hooks=httpx_event_hooks())
        b = trace_client(httpx.AsyncClient)()
        c = httpx.Client()
        """
    )
    traced = run(code, kinds=HTTP)
    assert [t.action for t in traced.targets] == ["present", "present", "added"]
    assert remove(traced.code).code == code


CLIENTS = """
import aiohttp
import httpx

from frmk.utils.tracing import TraceSpan


async def call_both(url):
    with TraceSpan("bot.on_message_activity"):
        async with httpx.AsyncClient() as client:
            await client.get(url)
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as response:
                await response.read()
"""


async def test_traced_clients_send_traceparent_to_a_real_server(load, spans) -> None:
    from aiohttp import web

    seen: list[str | None] = []

    async def handler(request):
        seen.append(request.headers.get("traceparent"))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        code = run(dedent(CLIENTS), module="tracedclients.calls", kinds=HTTP).code
        module = load({"tracedclients.calls": code}, "tracedclients.calls")
        await module.call_both(f"http://127.0.0.1:{port}/")
    finally:
        await runner.cleanup()
    (span,) = [s for s in spans if s["name"] == "bot.on_message_activity"]
    assert len(seen) == 2
    for header in seen:
        assert header is not None and header.split("-")[1] == span["trace_id"]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("with httpx.Client() as c: c.get(httpx.AsyncClient())\n", id="with-suite"),
        pytest.param(
            "if httpx.Client(): pass\nelif httpx.Client(): x = httpx.Client()\n", id="if-elif"
        ),
        pytest.param("for x in [httpx.Client()]: pass\nelse: y = httpx.Client()\n", id="for-else"),
        pytest.param("while httpx.Client(): break\n", id="while"),
        pytest.param(
            "try: a = httpx.Client()\nexcept E: b = httpx.Client()\nfinally: c = httpx.Client()\n",
            id="try",
        ),
        pytest.param("match httpx.Client():\n    case _: z = httpx.Client()\n", id="match"),
        pytest.param(
            "def f(): return httpx.Client()\nclass C: c = httpx.Client()\n", id="def-class-suites"
        ),
    ],
)
def test_one_line_clauses_round_trip(code: str) -> None:
    code = "import httpx\n" + code
    traced = run(code, kinds=HTTP)
    added = [t for t in traced.targets if t.action == "added"]
    assert len(added) == code.count("Client()") and traced.code.count("trace_client(") == len(added)
    assert run(traced.code, kinds=HTTP).code == traced.code
    back = remove(traced.code)
    assert back.code == code
    assert len(back.targets) == len(added)


def test_own_line_arguments_report_their_own_lines_and_go_by_kind() -> None:
    code = dedent(
        """
        import aiohttp
        import httpx

        from frmk.utils.tracing import trace_span


        @trace_span("by hand")
        def clients():
            return [
                aiohttp.ClientSession(
                    base_url="a",
                ),
                httpx.Client(base_url="b"),
                aiohttp.ClientSession(
                    timeout=1,
                ),
            ]
        """
    )
    traced = run(code, kinds=HTTP).code
    marked = [i for i, line in enumerate(traced.splitlines(), 1) if "# goalgen: instrument" in line]
    back = remove(traced)
    assert back.code == code
    assert [(t.kind, t.name, t.line) for t in back.targets] == [
        ("http", "aiohttp_trace_configs", marked[0]),
        ("http", "aiohttp_trace_configs", marked[1]),
        ("http", "trace_client", marked[2]),
    ]
    assert marked[1] < marked[2]  # the statement's own marker ends its last line
    from goalgen.codemods import ProjectIndex, rewrite

    kept = rewrite(traced, module="app.main", index=ProjectIndex(), remove=True, kinds=("bot",))
    assert kept.code == traced and kept.targets == []


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_own_line_argument_round_trips_byte_for_byte(newline: str) -> None:
    code = dedent(
        """
        import aiohttp


        async def main():
            async with aiohttp.ClientSession(
                base_url="http://localhost:3978",  # the bot
                raise_for_status=True,
            ) as session:
                return session
        """
    ).replace("\n", newline)
    traced = run(code, kinds=HTTP).code
    assert f"    trace_configs=aiohttp_trace_configs(),  # goalgen: instrument{newline}" in traced
    assert max(len(line) for line in traced.splitlines()) < 80
    assert remove(traced).code == code
