"""``aiohttp_trace_configs`` with a real aiohttp session against a loopback server: one client
span per request sent, its id in ``traceparent``, errors from status codes and the transport."""

import aiohttp
import pytest

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan
from frmk.utils.tracing.http import aiohttp_trace_configs


def client_spans(records):
    return [r for r in records if r["kind"] == "client"]


async def send(url, method="GET", **kwargs):
    """One request from inside a span; (outer span, status, echoed traceparent, history)."""
    with TraceSpan("bot.turn") as outer:
        async with aiohttp.ClientSession(trace_configs=aiohttp_trace_configs()) as session:
            async with session.request(method, url, **kwargs) as resp:
                assert tracing.get_current_span() is outer
                seen = [r.headers["x-seen-traceparent"] for r in (*resp.history, resp)]
                return outer, resp.status, seen


@pytest.mark.parametrize(
    "code, status, error_type",
    [(200, "ok", None), (404, "error", "404"), (500, "error", "500")],
    ids=["ok", "not-found", "server-error"],
)
async def test_each_request_is_a_client_span(spans, http_server, code, status, error_type):
    outer, got, seen = await send(f"{http_server.url}/status/{code}", method="PUT")
    assert got == code
    (span,) = client_spans(spans)
    assert (span["name"], span["component"], span["status"]) == ("PUT", "http", status)
    assert span["trace_id"] == outer.trace_id and span["parent_span_id"] == outer.span_id
    want = {
        "http.request.method": "PUT",
        "url.full": f"{http_server.url}/status/{code}",
        "server.address": "127.0.0.1",
        "server.port": http_server.port,
        "http.response.status_code": code,
    }
    if error_type:
        want["error.type"] = error_type
    assert span["metadata"] == want
    assert seen == [f"00-{outer.trace_id}-{span['span_id']}-01"]


async def test_url_full_drops_query_and_credentials(spans, http_server):
    url = http_server.url.replace("http://", "http://user:pw@")
    await send(f"{url}/status/200?q=1", params={"page": "2"})
    (span,) = client_spans(spans)
    assert span["metadata"]["url.full"] == f"{http_server.url}/status/200"


@pytest.mark.parametrize(
    "path, timeout, error",
    [
        (None, 5, aiohttp.ClientConnectorError),
        ("/slow", 0.1, aiohttp.SocketTimeoutError),
    ],
    ids=["refused", "timeout"],
)
async def test_transport_errors_end_the_span_failed(
    spans, http_server, closed_port, path, timeout, error
):
    url = f"{http_server.url}{path}" if path else f"http://127.0.0.1:{closed_port}/"
    with pytest.raises(error) as caught:
        await send(url, timeout=aiohttp.ClientTimeout(sock_read=timeout))
    client, outer = spans
    assert client["parent_span_id"] == outer["span_id"]
    name = type(caught.value).__name__
    assert client["status"] == "error" and client["metadata"]["error.type"] == name
    assert "http.response.status_code" not in client["metadata"]


async def test_raise_for_status_keeps_the_status_code(spans, http_server):
    with pytest.raises(aiohttp.ClientResponseError):
        await send(f"{http_server.url}/status/503", raise_for_status=True)
    (span,) = client_spans(spans)
    assert span["metadata"]["http.response.status_code"] == 503
    assert span["metadata"]["error.type"] == "ClientResponseError"


async def test_redirects_make_one_span_per_request_sent(spans, http_server):
    outer, got, seen = await send(f"{http_server.url}/redirect", method="POST")
    assert got == 200
    first, second = client_spans(spans)
    assert [first["metadata"]["url.full"], second["metadata"]["url.full"]] == [
        f"{http_server.url}/redirect",
        f"{http_server.url}/status/200",
    ]
    assert [first["name"], second["name"]] == ["POST", "GET"]  # 302 after POST: GET
    assert first["metadata"]["http.response.status_code"] == 302
    assert {first["parent_span_id"], second["parent_span_id"]} == {outer.span_id}
    assert [value.split("-")[2] for value in seen] == [first["span_id"], second["span_id"]]


async def test_concurrent_requests_keep_their_own_spans(spans, http_server):
    import asyncio

    async with aiohttp.ClientSession(trace_configs=aiohttp_trace_configs()) as session:

        async def one(code):
            with TraceSpan(f"bot.turn{code}") as outer:
                async with session.get(f"{http_server.url}/status/{code}") as resp:
                    return outer, resp.headers["x-seen-traceparent"]

        results = await asyncio.gather(*(one(code) for code in (200, 201, 202)))
    by_id = {s["span_id"]: s for s in client_spans(spans)}
    for (outer, seen), code in zip(results, (200, 201, 202), strict=True):
        span = by_id[seen.split("-")[2]]
        assert span["parent_span_id"] == outer.span_id
        assert span["metadata"]["http.response.status_code"] == code
