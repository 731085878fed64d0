"""``trace_client`` with real httpx clients against a loopback server: one client span per
request sent, its id in ``traceparent``, errors from status codes and from the transport."""

import asyncio

import httpx
import pytest

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan
from frmk.utils.tracing.http import httpx_event_hooks, trace_client


def client_spans(records):
    return [r for r in records if r["kind"] == "client"]


def send(style, url, method="GET", **client_kwargs):
    """One request from inside a span, with a sync or an async client; (outer span, response)."""

    async def async_send():
        with TraceSpan("bot.turn") as outer:
            async with trace_client(httpx.AsyncClient)(**client_kwargs) as client:
                return outer, await client.request(method, url)

    if style == "async":
        return asyncio.run(async_send())
    with TraceSpan("bot.turn") as outer:
        with trace_client(httpx.Client)(**client_kwargs) as client:
            return outer, client.request(method, url)


STYLES = pytest.mark.parametrize("style", ["sync", "async"])


@STYLES
@pytest.mark.parametrize(
    "code, status, error_type",
    [(200, "ok", None), (404, "error", "404"), (500, "error", "500")],
    ids=["ok", "not-found", "server-error"],
)
def test_each_request_is_a_client_span(spans, http_server, style, code, status, error_type):
    outer, resp = send(style, f"{http_server.url}/status/{code}", method="POST")
    assert resp.status_code == code
    (span,) = client_spans(spans)
    assert (span["name"], span["component"], span["status"]) == ("POST", "http", status)
    assert span["trace_id"] == outer.trace_id and span["parent_span_id"] == outer.span_id
    want = {
        "http.request.method": "POST",
        "url.full": f"{http_server.url}/status/{code}",
        "server.address": "127.0.0.1",
        "server.port": http_server.port,
        "http.response.status_code": code,
    }
    if error_type:
        want["error.type"] = error_type
        assert span["error"]["type"] == error_type
    assert span["metadata"] == want
    assert resp.headers["x-seen-traceparent"] == f"00-{outer.trace_id}-{span['span_id']}-01"


@STYLES
def test_url_full_drops_query_and_credentials(spans, http_server, style):
    url = http_server.url.replace("http://", "http://user:pw@")
    send(style, f"{url}/status/200?q=1")
    (span,) = client_spans(spans)
    assert span["metadata"]["url.full"] == f"{http_server.url}/status/200"


@STYLES
@pytest.mark.parametrize(
    "path, timeout, error",
    [(None, 5, httpx.ConnectError), ("/slow", 0.1, httpx.ReadTimeout)],
    ids=["refused", "timeout"],
)
def test_transport_errors_end_the_span_failed(
    spans, http_server, closed_port, style, path, timeout, error
):
    url = f"{http_server.url}{path}" if path else f"http://127.0.0.1:{closed_port}/"
    with pytest.raises(error):
        send(style, url, timeout=timeout)
    client, outer = spans
    assert client["parent_span_id"] == outer["span_id"]
    assert client["status"] == "error" and client["error"]["type"] == error.__name__
    assert client["metadata"]["error.type"] == error.__name__
    assert "http.response.status_code" not in client["metadata"]
    assert outer["status"] == "error"  # the exception went through it unchanged


@STYLES
def test_redirects_make_one_span_per_request_sent(spans, http_server, style):
    outer, resp = send(style, f"{http_server.url}/redirect", follow_redirects=True)
    first, second = client_spans(spans)
    assert [first["metadata"]["url.full"], second["metadata"]["url.full"]] == [
        f"{http_server.url}/redirect",
        f"{http_server.url}/status/200",
    ]
    assert [first["metadata"]["http.response.status_code"], resp.status_code] == [302, 200]
    assert {first["parent_span_id"], second["parent_span_id"]} == {outer.span_id}
    assert resp.history[0].headers["x-seen-traceparent"].split("-")[2] == first["span_id"]
    assert resp.headers["x-seen-traceparent"].split("-")[2] == second["span_id"]


def test_sync_stream_span_ends_when_the_response_closes(spans, http_server):
    with TraceSpan("bot.turn") as outer:
        with trace_client(httpx.Client)() as client:
            with client.stream("GET", f"{http_server.url}/stream") as resp:
                assert tracing.get_current_span() is outer
                assert client_spans(spans) == []
                assert b"".join(resp.iter_bytes()) == b"abc"
            (span,) = client_spans(spans)
    assert span["metadata"]["http.response.status_code"] == 200


async def test_async_stream_span_ends_when_the_response_closes(spans, http_server):
    with TraceSpan("bot.turn") as outer:
        async with trace_client(httpx.AsyncClient)() as client:
            async with client.stream("GET", f"{http_server.url}/stream") as resp:
                assert tracing.get_current_span() is outer
                assert client_spans(spans) == []
                assert b"".join([chunk async for chunk in resp.aiter_bytes()]) == b"abc"
            (span,) = client_spans(spans)
    assert span["parent_span_id"] == outer.span_id


async def test_reused_client_and_caller_code_stay_under_the_callers_span(spans, http_server):
    client = trace_client(httpx.AsyncClient)(base_url=http_server.url, timeout=10)
    assert client.timeout == httpx.Timeout(10)
    async with client:
        with TraceSpan("bot.turn") as outer:
            await client.get("/status/200")
            assert tracing.get_current_span() is outer
            with TraceSpan("mapper.after") as after:
                pass
        await client.get("/status/200")  # outside any span: a root client span
    first, _after, _outer, root = spans
    assert first["parent_span_id"] == outer.span_id
    assert after.parent_span_id == outer.span_id
    assert root["parent_span_id"] is None and root["kind"] == "client"


def test_mounted_transports_are_traced(spans, http_server):
    mounts = {"http://127.0.0.1": httpx.HTTPTransport(), "http://localhost": None}
    with trace_client(httpx.Client)(mounts=mounts) as client:
        client.get(f"{http_server.url}/status/200")
        client.get(f"http://localhost:{http_server.port}/status/204")
    assert [s["metadata"]["http.response.status_code"] for s in spans] == [200, 204]


def test_old_event_hooks_on_a_traced_client_send_the_client_span(spans, http_server):
    with TraceSpan("bot.turn"):
        with trace_client(httpx.Client)(event_hooks=httpx_event_hooks()) as client:
            resp = client.get(f"{http_server.url}/status/200")
    (span,) = client_spans(spans)
    assert resp.headers["x-seen-traceparent"].split("-")[2] == span["span_id"]


def test_unknown_method_is_named_http(spans, http_server):
    send("sync", f"{http_server.url}/status/200", method="PURGE")
    (span,) = client_spans(spans)
    assert span["name"] == "HTTP"
    assert span["metadata"]["http.request.method"] == "_OTHER"
    assert span["metadata"]["http.request.method_original"] == "PURGE"


def test_sampled_out_requests_write_nothing_and_say_so_downstream(spans, http_server):
    tracing.configure(sample_rate=0.0)
    _outer, resp = send("sync", f"{http_server.url}/status/500")
    assert spans == []
    assert resp.headers["x-seen-traceparent"].endswith("-00")


@pytest.mark.parametrize("cls", [dict, "httpx.Client", httpx.Request], ids=["dict", "str", "request"])
def test_trace_client_refuses_other_classes(cls):
    with pytest.raises(TypeError, match="trace_client expects httpx.Client or httpx.AsyncClient"):
        trace_client(cls)


@STYLES
def test_a_response_read_by_its_transport_ends_the_span(spans, style):
    """A transport may answer with the body already read (``httpx.MockTransport``, test doubles
    in users' suites): the client never closes such a response, so the span ends at once."""
    transport = httpx.MockTransport(lambda request: httpx.Response(201, text="made"))
    _outer, resp = send(style, "http://bench.local/items", method="POST", transport=transport)
    assert resp.text == "made"
    (span,) = client_spans(spans)
    assert span["metadata"]["http.response.status_code"] == 201


@pytest.fixture
def truncating_server():
    """A loopback server that promises ten body bytes, sends three and hangs up."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    listener.close()
    thread.join(5)


@STYLES
def test_an_error_while_reading_the_body_fails_the_span(spans, truncating_server, style):
    with pytest.raises(httpx.RemoteProtocolError):
        send(style, truncating_server)
    client, _outer = spans
    assert client["status"] == "error"
    assert client["metadata"]["http.response.status_code"] == 200
    assert client["metadata"]["error.type"] == "RemoteProtocolError"
