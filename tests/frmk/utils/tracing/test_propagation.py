"""W3C traceparent read and write, and sampling carried downstream."""

import pytest

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan
from frmk.utils.tracing.propagation import parse_traceparent

TID = "4bf92f3577b34da6a3ce929d0e0e4736"
SID = "00f067aa0ba902b7"


def test_extract_makes_remote_span_the_parent(spans):
    token = tracing.extract_traceparent({"TraceParent": f"00-{TID}-{SID}-01"})
    try:
        with TraceSpan("api.POST /x"):
            pass
    finally:
        tracing.detach_traceparent(token)
    assert spans[0]["trace_id"] == TID and spans[0]["parent_span_id"] == SID
    assert tracing.get_trace_id() is None


def test_extract_accepts_asgi_header_lists(spans):
    token = tracing.extract_traceparent([(b"traceparent", f"00-{TID}-{SID}-01".encode())])
    assert tracing.get_trace_id() == TID
    tracing.detach_traceparent(token)


def test_inject_writes_current_span(spans):
    assert tracing.inject_traceparent() == {}
    with TraceSpan("client") as span:
        headers = tracing.inject_traceparent({"accept": "json"})
    assert headers["traceparent"] == f"00-{span.trace_id}-{span.span_id}-01"
    assert headers["accept"] == "json"


@pytest.mark.parametrize(
    "value",
    [
        None, "", "garbage", f"00-{TID}-{SID}", f"00-{TID.upper()}-{SID}-01",
        f"00-{'0' * 32}-{SID}-01", f"00-{TID}-{'0' * 16}-01", f"ff-{TID}-{SID}-01",
        f"00-{TID}-{SID}-01-extra", f"00-{TID[:-1]}-{SID}-01", f"00-{TID}-{SID}-zz",
        b"\xff\xfe",
    ],
)
def test_malformed_traceparent_is_ignored(value):
    assert parse_traceparent(value) is None


def test_future_version_with_extra_fields_is_accepted():
    ctx = parse_traceparent(f"01-{TID}-{SID}-00-whatever")
    assert ctx is not None and ctx.sampled is False


def test_unsampled_parent_keeps_children_unsampled_and_flag_propagates(spans):
    token = tracing.extract_traceparent({"traceparent": f"00-{TID}-{SID}-00"})
    try:
        with TraceSpan("api.GET /y"):
            headers = tracing.inject_traceparent()
    finally:
        tracing.detach_traceparent(token)
    assert spans == []
    assert headers["traceparent"].startswith(f"00-{TID}-") and headers["traceparent"].endswith("-00")


def test_sampling_is_decided_once_per_trace_with_the_configured_rate():
    sink = tracing.MemorySink()
    tracing.configure(output=sink, sample_rate=0.3)
    try:
        n = 4000
        for _ in range(n):
            with TraceSpan("root"):
                with TraceSpan("child"):
                    pass
        roots = [r for r in sink.records if r["name"] == "root"]
        children = [r for r in sink.records if r["name"] == "child"]
        # Binomial(4000, 0.3): sd ~ 29; 6 sd either side can fail only by a real bug.
        assert 1200 - 175 < len(roots) < 1200 + 175
        assert {c["parent_span_id"] for c in children} == {r["span_id"] for r in roots}
    finally:
        tracing.configure(output="none")


def test_sample_rate_zero_and_one():
    for rate, expect in ((0.0, 0), (1.0, 200)):
        sink = tracing.MemorySink()
        tracing.configure(output=sink, sample_rate=rate)
        for _ in range(200):
            with TraceSpan("x"):
                pass
        assert len(sink.records) == expect
    tracing.configure(output="none")
