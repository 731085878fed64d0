"""A process that writes spans with the real runtime to a file, one command at a time.

Run as ``python span_writer.py PATH SERVICE``; each line on stdin is a JSON list, answered by
one JSON line on stdout once done, so a test knows exactly what has been written:

- ``["open", NAME, KIND]``: start a span (child of the innermost open one); answers its
  ``traceparent`` and ids; ``["root", NAME]`` starts a new trace even inside an open span;
- ``["remote", TRACEPARENT]``: make a caller in another process the parent of what opens next;
- ``["close"]`` / ``["fail", MESSAGE]``: end the innermost span (or remote parent), ok or failed;
- ``["flush"]``: write the queued spans to the file now;
- ``["quit"]``.
"""

from __future__ import annotations

import json
import sys

from frmk.utils import tracing
from frmk.utils.tracing import (
    TraceSpan,
    current_traceparent,
    detach_traceparent,
    extract_traceparent,
    new_trace_id,
)


def main() -> None:
    tracing.configure(output=sys.argv[1], service=sys.argv[2])
    stack: list = []
    for line in sys.stdin:
        command, *args = json.loads(line)
        reply: object = "ok"
        if command in ("open", "root"):
            trace_id = new_trace_id() if command == "root" else None
            kind = args[1] if command == "open" else "internal"
            span = TraceSpan(args[0], trace_id, kind=kind).__enter__()
            stack.append(span)
            reply = {
                "traceparent": current_traceparent(),
                "trace_id": span.trace_id,
                "span_id": span.span_id,
            }
        elif command == "remote":
            stack.append(extract_traceparent({"traceparent": args[0]}))
        elif command in ("close", "fail"):
            top = stack.pop()
            if isinstance(top, TraceSpan):
                error = RuntimeError(args[0]) if command == "fail" else None
                top.__exit__(type(error) if error else None, error, None)
            else:
                detach_traceparent(top)
        elif command == "flush":
            tracing.flush()
        elif command == "quit":
            break
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
