"""The loopback HTTP server the outgoing-request tests talk to (``spans`` is in tests/frmk)."""

import pytest


class LoopbackServer:
    """An aiohttp server on 127.0.0.1, in its own thread, for the outgoing-request tests.

    ``/status/{code}`` answers that code, ``/redirect`` sends 302 to ``/status/200``, ``/slow``
    answers after a second, ``/stream`` sends three chunks; every answer carries the
    ``traceparent`` it received in the ``x-seen-traceparent`` header.
    """

    def __init__(self) -> None:
        import asyncio
        import threading

        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        self.url = f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        import asyncio

        from aiohttp import web

        def seen(request):
            return {"x-seen-traceparent": request.headers.get("traceparent", "")}

        async def status(request):
            return web.Response(status=int(request.match_info["code"]), headers=seen(request))

        async def redirect(request):
            return web.Response(status=302, headers={"Location": "/status/200", **seen(request)})

        async def slow(request):
            await asyncio.sleep(1)
            return web.Response(headers=seen(request))

        async def stream(request):
            resp = web.StreamResponse(headers=seen(request))
            await resp.prepare(request)
            for chunk in (b"a", b"b", b"c"):
                await resp.write(chunk)
            await resp.write_eof()
            return resp

        app = web.Application()
        app.router.add_route("*", "/status/{code}", status)
        app.router.add_route("*", "/redirect", redirect)
        app.router.add_get("/slow", slow)
        app.router.add_get("/stream", stream)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        pending = asyncio.all_tasks(self._loop)  # handlers still sleeping for a timed-out client
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    def close(self) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.fixture(scope="session")
def http_server():
    """The loopback server of the outgoing-request tests (one for the session)."""
    server = LoopbackServer()
    yield server
    server.close()


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: connections to it are refused."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
