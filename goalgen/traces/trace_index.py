"""Traces one at a time, in start order, without holding every span: behind ``--format json``.

A first pass (``span_scan``, duplicates dropped) records, for every span, its trace and where
its line is (input, byte offset, line number: 20 bytes), and for every trace its id and
earliest start. Traces are then taken in start order (ties: the one read first, as
``build_traces`` orders them); each one's lines are read again by their offsets, parsed by the
reference (``records.line_spans``), linked by ``build_traces`` and handed over, and nothing of
it is kept. Memory is the index plus the largest trace. Inputs that cannot seek (stdin, a FIFO)
are copied to a temporary file as the first pass reads them.
"""

from __future__ import annotations

import shutil
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from goalgen.traces.json_lines import MAX_LINE_BYTES
from goalgen.traces.records import ReadResult, Span, line_spans
from goalgen.traces.span_scan import scan_spans
from goalgen.traces.tree import Trace, build_traces


class TraceIndex:
    """Per trace its id and earliest start; per span its trace and where its line is."""

    def __init__(self) -> None:
        self.trace_ids: list[str] = []
        self._numbers: dict[str, int] = {}
        self.starts = array("d")
        self.span_trace = array("I")
        self.span_source = array("I")
        self.span_offset = array("Q")
        self.span_line = array("I")

    def __len__(self) -> int:
        return len(self.trace_ids)

    def add(self, trace_id: str, start: float, source: int, offset: int, line: int) -> None:
        number = self._numbers.get(trace_id)
        if number is None:
            number = self._numbers[trace_id] = len(self.trace_ids)
            self.trace_ids.append(trace_id)
            self.starts.append(start)
        elif start < self.starts[number]:
            self.starts[number] = start
        self.span_trace.append(number)
        self.span_source.append(source)
        self.span_offset.append(offset)
        self.span_line.append(line)

    def in_start_order(self, numbers: Iterable[int]) -> list[int]:
        """``numbers`` (trace numbers, in the order read) sorted by start, stably."""
        return sorted(numbers, key=self.starts.__getitem__)

    def members(self) -> tuple[array, array]:
        """(first, spans): the spans of trace ``t`` are ``spans[first[t]:first[t + 1]]``, span
        numbers in the order read (a counting sort: two arrays, no list per trace)."""
        first = array("Q", bytes(8 * (len(self.trace_ids) + 1)))
        for number in self.span_trace:
            first[number + 1] += 1
        for number in range(len(self.trace_ids)):
            first[number + 1] += first[number]
        cursor = array("Q", first)
        spans = array("Q", bytes(8 * len(self.span_trace)))
        for span, number in enumerate(self.span_trace):
            spans[cursor[number]] = span
            cursor[number] += 1
        return first, spans


def _seekable(stack: ExitStack, stream: BinaryIO) -> BinaryIO:
    """``stream`` itself when it can seek, else a temporary copy of it (read to the end)."""
    if stream.seekable():
        return stream
    copy = stack.enter_context(tempfile.TemporaryFile())
    shutil.copyfileobj(stream, copy, 1 << 20)
    copy.seek(0)
    return copy


class TraceReader:
    """The traces of indexed inputs, read back one at a time."""

    def __init__(self, index: TraceIndex, inputs: list[tuple[str, BinaryIO]]) -> None:
        self.index = index
        self._inputs = inputs
        self._first, self._spans = index.members()
        self._scratch = ReadResult()  # lines the first pass counted already

    def spans(self, number: int) -> list[Span]:
        """The spans of trace ``number`` in the order read, duplicates included."""
        index, trace_id = self.index, self.index.trace_ids[number]
        out: list[Span] = []
        last = None
        for span in self._spans[self._first[number] : self._first[number + 1]]:
            where = (index.span_source[span], index.span_offset[span])
            if where == last:  # several spans of this trace on one line (OTLP)
                continue
            last = where
            label, stream = self._inputs[where[0]]
            stream.seek(where[1])
            raw = stream.readline(MAX_LINE_BYTES + 1)
            line = index.span_line[span]
            out.extend(s for s in line_spans(raw, line, label, self._scratch)
                       if s.trace_id == trace_id)
        return out

    def trace(self, number: int) -> Trace:
        (trace,) = build_traces(self.spans(number))
        return trace


@dataclass
class IndexedTraces:
    """What the first pass read, how many traces were chosen, and those traces, made one at a
    time as ``traces`` is consumed."""

    read: ReadResult
    count: int
    traces: Iterator[Trace]


@contextmanager
def indexed_traces(
    paths: Iterable[str], stdin: BinaryIO | None = None, trace_prefix: str | None = None
) -> Iterator[IndexedTraces]:
    """The traces ``build_traces`` would give of ``read_spans(paths, stdin)``, in the same
    order, only those whose id starts with ``trace_prefix`` (case-insensitive) when given; to be
    consumed inside the ``with``. ``OSError`` on an input that cannot be read propagates on
    entry."""
    with ExitStack() as stack:
        inputs = [(label, _seekable(stack, s)) for label, s in _opened(stack, paths, stdin)]
        read = ReadResult()
        index = TraceIndex()
        for span in scan_spans(inputs, read):
            index.add(span.trace_id, span.start_time, span.source, span.offset, span.line)
        prefix = trace_prefix.strip().lower() if trace_prefix is not None else ""
        chosen = (n for n, trace_id in enumerate(index.trace_ids) if trace_id.startswith(prefix))
        order = index.in_start_order(chosen)
        reader = TraceReader(index, inputs)
        yield IndexedTraces(read, len(order), (reader.trace(number) for number in order))


def _opened(
    stack: ExitStack, paths: Iterable[str], stdin: BinaryIO | None
) -> Iterator[tuple[str, BinaryIO]]:
    """Every input opened for the whole ``with`` (``open_inputs`` closes each one in turn)."""
    for path in paths:
        if path == "-" and stdin is not None:
            yield "<stdin>", stdin
        else:
            yield path, stack.enter_context(open(path, "rb"))  # noqa: SIM115 - the stack closes
