"""Trees across processes, orphans, broken links, and per-name timing stats."""

from __future__ import annotations

import pytest

from goalgen.traces import (
    ModelUsage,
    build_traces,
    compute_model_usage,
    compute_stats,
    parse_span,
    percentile,
    select_traces,
)
from goalgen.traces.render import (
    MAX_SHOWN_DEPTH,
    details_text,
    models_text,
    render_text,
    rich_tree,
    stats_text,
)

T1 = "4bf92f3577b34da6a3ce929d0e0e4736"
T2 = "0af7651916cd43dd8448eb211c80319c"


def make(
    name, span_id, parent=None, *, trace=T1, start=100.0, ms=10.0, service="bot", error=None,
    kind=None, metadata=None,
):
    record = {
        "name": name,
        "trace_id": trace,
        "span_id": span_id.ljust(16, "0"),
        "parent_span_id": parent.ljust(16, "0") if parent else None,
        "service": service,
        "start_time": start,
        "end_time": start + ms / 1000,
        "duration_ms": ms,
        "status": "error" if error else "ok",
        "metadata": metadata or {},
    }
    if kind:
        record["kind"] = kind
    if error:
        record["error"] = {"type": "ValueError", "message": error}
    return parse_span(record)


def cross_process_spans():
    return [
        # orchestrator file first: order of input must not matter
        make("api.POST /api/v1/message", "b1", "a1", start=100.05, ms=300, service="orchestrator"),
        make("langgraph.node.flight", "b2", "b1", start=100.1, ms=200, service="orchestrator"),
        make(
            "agent.FlightAgent.invoke",
            "b3",
            "b2",
            start=100.11,
            ms=150,
            service="orchestrator",
            error="no seats",
        ),
        make("bot.on_message_activity", "a1", start=100.0, ms=400),
        make("mapper.get_thread_id", "a2", "a1", start=100.01, ms=5),
        make("bot.on_turn", "c1", trace=T2, start=50.0, ms=1),
    ]


def test_one_tree_per_trace_with_children_under_parents_across_services():
    traces = build_traces(cross_process_spans())
    assert [t.trace_id for t in traces] == [T2, T1]  # earliest first
    trace = traces[1]
    assert trace.services == ["bot", "orchestrator"] and trace.errors == 1
    assert [(depth, node.span.name) for root in trace.roots for depth, node in root.walk()] == [
        (0, "bot.on_message_activity"),
        (1, "mapper.get_thread_id"),
        (1, "api.POST /api/v1/message"),
        (2, "langgraph.node.flight"),
        (3, "agent.FlightAgent.invoke"),
    ]
    assert trace.duration_ms == pytest.approx(400, abs=0.01)


def test_span_whose_parent_is_missing_is_a_marked_top_level_orphan():
    spans = [s for s in cross_process_spans() if s.service == "orchestrator"]
    (trace,) = build_traces(spans)
    assert [(r.span.name, r.orphan) for r in trace.roots] == [("api.POST /api/v1/message", True)]
    assert "(orphan: parent a100000000000000 not found)" in render_text([trace])


def chain(depth):
    return [
        make(f"s.{i}", f"{i:016x}", f"{i - 1:016x}" if i else None, start=100 + i / 1e6)
        for i in range(depth)
    ]


def test_a_10k_deep_chain_is_one_tree_walked_without_recursion():
    (trace,) = build_traces(reversed(chain(10_000)))
    walked = [(depth, node.span.name) for root in trace.roots for depth, node in root.walk()]
    assert walked == [(i, f"s.{i}") for i in range(10_000)]
    assert len(trace.to_dict()["spans"]) == 10_000


def test_text_indentation_stops_at_max_shown_depth_and_names_the_depth():
    lines = render_text(build_traces(chain(MAX_SHOWN_DEPTH + 3))).splitlines()
    shown = "  " * (MAX_SHOWN_DEPTH + 1)
    assert (
        lines[MAX_SHOWN_DEPTH]
        == f"{'  ' * MAX_SHOWN_DEPTH}s.{MAX_SHOWN_DEPTH - 1}  [bot]  10.00 ms  ok"
    )
    assert (
        lines[MAX_SHOWN_DEPTH + 1]
        == f"{shown}[depth {MAX_SHOWN_DEPTH}] s.{MAX_SHOWN_DEPTH}  [bot]  10.00 ms  ok"
    )
    assert lines[-1].startswith(f"{shown}[depth {MAX_SHOWN_DEPTH + 2}] ")


def test_a_rich_tree_stops_nesting_at_max_shown_depth():
    tree = rich_tree(build_traces(chain(MAX_SHOWN_DEPTH + 3))[0])
    for _ in range(MAX_SHOWN_DEPTH):
        (tree,) = tree.children
    assert len(tree.children) == 3 and not any(c.children for c in tree.children)


@pytest.mark.parametrize(
    ("spans", "cycles", "roots"),
    [
        pytest.param(
            [make("x.a", "a1", "a2"), make("x.b", "a2", "a1", start=100.1)],
            [["x.a", "x.b"]],
            ["x.a"],
            id="two-spans",
        ),
        pytest.param(
            [make("x.b", "a2", "a1", start=100.1), make("x.a", "a1", "a2")],
            [["x.a", "x.b"]],
            ["x.a"],
            id="input-order-does-not-matter",
        ),
        pytest.param([make("x.self", "c1", "c1")], [["x.self"]], ["x.self"], id="own-parent"),
        pytest.param(
            [
                make("r.1", "b1", "b3", start=101),
                make("r.2", "b2", "b1", start=102),
                make("r.3", "b3", "b2", start=103),
                make("tail", "b4", "b2", start=100),
                make("root", "b5", start=99),
                make("kid", "b6", "b5", start=99.5),
            ],
            [["r.1", "r.2", "r.3"]],
            ["root", "r.1"],
            id="three-with-a-tail-beside-a-tree",
        ),
    ],
)
def test_parent_cycles_are_broken_at_their_earliest_span(spans, cycles, roots):
    (trace,) = build_traces(spans)
    assert [[s.name for s in cycle] for cycle in trace.cycles] == cycles
    assert [r.span.name for r in trace.roots] == roots
    names = [n.span.name for root in trace.roots for _, n in root.walk()]
    assert sorted(names) == sorted(s.name for s in spans)
    broken = [n for root in trace.roots for _, n in root.walk() if n.cycle]
    assert [n.span.name for n in broken] == [cycle[0] for cycle in cycles]
    assert not any(r.orphan for r in trace.roots)


def test_a_repeated_span_id_keeps_the_first():
    (trace,) = build_traces([make("x.a", "a1"), make("x.again", "a1", start=101)])
    assert [n.span.name for root in trace.roots for _, n in root.walk()] == ["x.a"]


def test_select_traces_by_case_insensitive_prefix():
    traces = build_traces(cross_process_spans())
    assert [t.trace_id for t in select_traces(traces, "4BF9")] == [T1]
    assert select_traces(traces, "ffff") == []


def test_plain_text_tree_is_indented_and_shows_errors():
    text = render_text(build_traces(cross_process_spans()))
    lines = text.splitlines()
    assert lines[0].startswith(f"trace {T2} · 1 span · bot · ")
    assert lines[3].startswith(f"trace {T1} · 5 spans · bot, orchestrator · 400.0 ms · 1 error")
    assert lines[4] == "  bot.on_message_activity  [bot]  400.00 ms  ok"
    assert lines[6] == "    api.POST /api/v1/message  [orchestrator]  300.00 ms  ok"
    assert lines[8] == (
        "        agent.FlightAgent.invoke  [orchestrator]  150.00 ms  error  ValueError: no seats"
    )


def test_rich_tree_has_one_branch_per_root_and_nests_children():
    trace = build_traces(cross_process_spans())[1]
    tree = rich_tree(trace)
    assert len(tree.children) == 1 and len(tree.children[0].children) == 2


def test_percentiles_interpolate_between_ranks():
    assert percentile([10.0], 0.95) == 10.0
    assert percentile([10.0, 20.0], 0.5) == 15.0
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == pytest.approx(50.5)
    assert percentile(values, 0.95) == pytest.approx(95.05)
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_stats_per_name_largest_total_first():
    spans = [
        make("agent.A.invoke", f"a{i}", start=100 + i, ms=ms)
        for i, ms in enumerate([10, 20, 30, 40])
    ]
    spans.append(make("bot.on_turn", "b1", ms=5, error="x"))
    stats = compute_stats(spans)
    assert [s.name for s in stats] == ["agent.A.invoke", "bot.on_turn"]
    agent = stats[0]
    assert (agent.count, agent.total_ms, agent.mean_ms, agent.max_ms) == (4, 100, 25, 40)
    assert agent.p50_ms == 25 and agent.p95_ms == pytest.approx(38.5)
    assert agent.component == "agent" and stats[1].errors == 1
    table = stats_text(stats).splitlines()
    assert table[0].split() == [
        "span",
        "count",
        "errors",
        "total",
        "ms",
        "mean",
        "ms",
        "p50",
        "ms",
        "p95",
        "ms",
        "max",
        "ms",
    ]
    assert table[1].split() == [
        "agent.A.invoke",
        "4",
        "0",
        "100.00",
        "25.00",
        "25.00",
        "38.50",
        "40.00",
    ]


def llm(span_id, *, request="gpt-4o", response=None, tokens=(None, None), kind="client"):
    meta = {"gen_ai.operation.name": "chat", "gen_ai.request.model": request}
    if response:
        meta["gen_ai.response.model"] = response
    for key, value in zip(("input", "output"), tokens, strict=True):
        if value is not None:
            meta[f"gen_ai.usage.{key}_tokens"] = value
    return make(f"chat {request}", span_id, kind=kind, metadata=meta)


def test_tokens_per_model_most_tokens_first():
    spans = [
        llm("a1", tokens=(10, 5)),
        llm("a2", tokens=(7, 3)),
        llm("a3", response="gpt-4o-2024-08-06", tokens=(100, 50)),  # what answered counts
        llm("a4", request="llama3.2"),  # no usage: counted as a call, never estimated
        llm("a5", request="llama3.2", tokens=("***", True)),  # not counts
        llm("a6", request="llama3.2", tokens=(4, None)),
        make("agent.A.invoke", "b1", metadata={"gen_ai.agent.name": "a"}),  # names no model
    ]
    assert compute_model_usage(spans) == [
        ModelUsage("gpt-4o-2024-08-06", calls=1, input_tokens=100, output_tokens=50),
        ModelUsage("gpt-4o", calls=2, input_tokens=17, output_tokens=8),
        ModelUsage("llama3.2", calls=3, input_tokens=4, output_tokens=0, calls_without_usage=2),
    ]
    assert compute_model_usage(iter(spans[:1])) == [ModelUsage("gpt-4o", 1, 10, 5)]  # a stream
    table = models_text(compute_model_usage(spans)).splitlines()
    assert table[0] == "model              calls  input tokens  output tokens  without usage"
    assert table[2] == "gpt-4o                 2            17              8              0"


DETAILS = [
    pytest.param(make("x.y", "a1"), "", id="internal-nothing"),
    pytest.param(make("x.y", "a1", kind="internal"), "", id="internal-said"),
    pytest.param(make("GET /x", "a1", kind="server",
                      metadata={"http.response.status_code": 404}), "(server, 404)", id="server"),
    pytest.param(llm("a1", tokens=(12, 30)), "(client, 12 in / 30 out tokens)", id="llm"),
    pytest.param(llm("a1", tokens=(12, None)), "(client, 12 in tokens)", id="llm-input-only"),
    pytest.param(make("q", "a1", kind="consumer",
                      metadata={"http.response.status_code": "200"}), "(consumer)",
                 id="code-not-a-number"),
]


@pytest.mark.parametrize(("span", "expected"), DETAILS)
def test_details_name_the_kind_status_code_and_tokens(span, expected):
    assert details_text(span) == expected


def test_text_tree_marks_server_and_client_spans():
    spans = [
        make("POST /api/v1/message", "b1", kind="server", ms=300, service="orchestrator",
             metadata={"http.response.status_code": 200}),
        make("langgraph.node.flight", "b2", "b1", start=100.1, ms=200, service="orchestrator"),
    ]
    lines = render_text(build_traces(spans)).splitlines()
    assert lines[1] == "  POST /api/v1/message  (server, 200)  [orchestrator]  300.00 ms  ok"
    assert lines[2] == "    langgraph.node.flight  [orchestrator]  200.00 ms  ok"
