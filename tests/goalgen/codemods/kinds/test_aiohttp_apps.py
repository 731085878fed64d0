"""aiohttp apps get the cleanup context that writes spans at shutdown and keeps SIGHUP harmless."""

from __future__ import annotations

import pytest
from codemod_cases import actions, check, check_noop, run

API = ("api",)

REWRITES = [
    pytest.param(
        """
        from aiohttp import web


        def create_app() -> web.Application:
            app = web.Application()
            app.router.add_get("/health", health)
            return app
        """,
        """
        from aiohttp import web
        from frmk.utils.tracing.shutdown import aiohttp_cleanup_ctx


        def create_app() -> web.Application:
            app = web.Application()
            app.cleanup_ctx.append(aiohttp_cleanup_ctx)  # goalgen: instrument
            app.router.add_get("/health", health)
            return app
        """,
        id="factory",
    ),
    pytest.param(
        """
        import aiohttp.web as w

        server = w.Application(middlewares=[])
        """,
        """
        import aiohttp.web as w
        from frmk.utils.tracing.shutdown import aiohttp_cleanup_ctx

        server = w.Application(middlewares=[])
        server.cleanup_ctx.append(aiohttp_cleanup_ctx)  # goalgen: instrument
        """,
        id="module-alias",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    check(before, after, kinds=API)


NOOPS = [
    pytest.param(
        """
        from aiohttp import web
        from frmk.utils.tracing.shutdown import aiohttp_cleanup_ctx

        app = web.Application()
        app.cleanup_ctx.append(aiohttp_cleanup_ctx)
        """,
        id="written-by-hand",
    ),
    pytest.param(
        """
        class Application:
            pass

        app = Application()
        """,
        id="not-aiohttp",
    ),
]


@pytest.mark.parametrize("code", NOOPS)
def test_noops(code: str) -> None:
    check_noop(code, kinds=API)


def test_an_app_not_assigned_or_sharing_its_line_is_reported() -> None:
    result = run("from aiohttp import web\n\nweb.run_app(web.Application())\nif 1: a = web.Application()\n", kinds=API)
    assert [(kind, action) for kind, _, action in actions(result)] == [
        ("api", "skipped"), ("api", "skipped"),
    ]
    assert result.code.count("cleanup_ctx") == 0
