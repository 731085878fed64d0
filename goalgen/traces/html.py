"""Write traces as one self-contained HTML page: a waterfall per trace, rendered in the browser.

The page (``waterfall.html``, ``waterfall.css``, ``waterfall.js`` next to this module) needs no
network. The spans go in as one JSON block that the script reads and draws; only the rows on
screen exist in the DOM, so 100k spans stay usable. Each span is an array whose fields are
named by ``SPAN_FIELDS`` (smaller than objects at that size); spans are in tree order, each
trace's spans together (``first`` .. ``first + span_count``).

The JSON goes inside a ``<script type="application/json">`` block, where ``</script>`` or
``<!--`` in a span name would end or confuse it: ``script_json`` escapes ``<``, ``>`` and ``&``
(and everything outside ASCII) as ``\\uXXXX``, which JSON reads back unchanged. The script only
ever puts file text into the page as text nodes, never as markup.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from goalgen.traces.critical_path import CriticalPath, critical_path
from goalgen.traces.records import Span
from goalgen.traces.tree import SpanNode, Trace

SPAN_FIELDS = (
    "depth",
    "name",
    "service",  # index into the page's "services"
    "offset_ms",  # start, from the trace's start
    "duration_ms",
    "flags",  # FLAGS bits
    "critical_ms",  # time the trace waited on this span itself (0 when not on the path)
    "critical_segments",  # when: [start, end, start, end...] ms from the trace's start
    "kind",
    "input_tokens",  # gen_ai.usage.input_tokens, or null
    "output_tokens",  # gen_ai.usage.output_tokens, or null
    "span_id",
    "parent_span_id",
    "status",
    "component",
    "error",
    "metadata",
    "start_time",  # epoch seconds
)
FLAGS = {"error": 1, "critical": 2, "orphan": 4, "cycle": 8}
_PLACEHOLDER = re.compile(r"/\*\{\{(style|script|script_hash|data)\}\}\*/")
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def script_json(value: Any) -> str:
    """``value`` as JSON that can sit inside a ``<script>`` block without ending it."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&]", lambda m: _SCRIPT_UNSAFE[m.group()], text)


def _tokens(span: Span, key: str) -> int | None:
    value = span.metadata.get(f"gen_ai.usage.{key}")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _flags(node: SpanNode, critical: bool) -> int:
    marks = {
        "error": node.span.failed,
        "critical": critical,
        "orphan": node.orphan,
        "cycle": node.cycle,
    }
    return sum(bit for name, bit in FLAGS.items() if marks[name])


def _segments(path: CriticalPath, start: float) -> dict[str, list[float]]:
    """Each span's critical segments on its own clock (where its bar is drawn), flattened."""
    found: dict[str, list[float]] = {}
    for segment in path.segments:
        if segment.span is not None:
            moved = start + segment.offset
            found.setdefault(segment.span.span_id, []).extend(
                [(segment.start - moved) * 1000, (segment.end - moved) * 1000]
            )
    return found


def page_data(traces: list[Trace]) -> dict[str, Any]:
    """What the page's script draws: services, traces, and every span as a ``SPAN_FIELDS`` row."""
    services = sorted({span.service for trace in traces for span in trace.spans})
    service_index = {name: index for index, name in enumerate(services)}
    rows: list[list[Any]] = []
    trace_rows = []
    for trace in traces:
        path = critical_path(trace)
        critical = path.critical_ms()
        on_path = path.span_ids
        start = trace.start_time
        segments = _segments(path, start)
        trace_rows.append(
            {
                "trace_id": trace.trace_id,
                "start_time": start,
                "duration_ms": trace.duration_ms,
                "span_count": len(trace.spans),
                "errors": trace.errors,
                "services": trace.services,
                "first": len(rows),
            }
        )
        for root in trace.roots:
            for depth, node in root.walk():
                span = node.span
                rows.append(
                    [
                        depth,
                        span.name,
                        service_index[span.service],
                        (span.start_time - start) * 1000,
                        span.duration_ms,
                        _flags(node, span.span_id in on_path),
                        critical.get(span.span_id, 0.0),
                        segments.get(span.span_id, []),
                        span.kind,
                        _tokens(span, "input_tokens"),
                        _tokens(span, "output_tokens"),
                        span.span_id,
                        span.parent_span_id,
                        span.status,
                        span.component,
                        span.error,
                        span.metadata,
                        span.start_time,
                    ]
                )
    return {
        "fields": list(SPAN_FIELDS),
        "flags": FLAGS,
        "services": services,
        "traces": trace_rows,
        "spans": rows,
    }


def _asset(name: str) -> str:
    return resources.files("goalgen.traces").joinpath(name).read_text(encoding="utf-8")


def render_html(traces: list[Trace]) -> str:
    """The whole page for ``traces``."""
    script = f"\n{_asset('waterfall.js')}\n"
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    parts = {
        "style": _asset("waterfall.css"),
        "script": script,
        # only the page's own script may run, whatever a span file holds
        "script_hash": f"'sha256-{digest}'",
        "data": script_json(page_data(traces)),
    }
    # one pass, so nothing inserted is searched for placeholders again
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _asset("waterfall.html"))


def write_html(path: str | os.PathLike[str], traces: list[Trace]) -> None:
    """Write the page for ``traces`` to ``path`` atomically: a temporary file in the same
    directory, renamed over ``path`` when complete, so a reader never sees half a page and a
    failure leaves any old page as it was. ``OSError`` (its ``filename`` is ``path``) when the
    directory is missing or not writable, or ``path`` is a directory."""
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(target))
    text = render_html(traces)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes it 0600; a page is an ordinary file
        os.replace(temp, target)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise type(exc)(exc.errno, exc.strerror, str(target)) from None
        raise
