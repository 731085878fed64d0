"""The fast decoder (orjson) answers as the reference (the stdlib parser) on every line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from goalgen.traces.json_lines import MAX_LINE_BYTES, LineError, decode_fast, decode_line, orjson

LINES = [
    pytest.param(b'{"a": 1.5, "b": [1, "x"], "c": null}\n', id="plain"),
    pytest.param(b'{"name": NaN}', id="nan"),
    pytest.param(b"[-Infinity]", id="infinity"),
    pytest.param(b"[" + b"9" * 500 + b"]", id="int-beyond-400-digits"),
    pytest.param(b"[1e999]", id="float-beyond-range"),
    pytest.param(b"\xff{}", id="invalid-utf8"),
    pytest.param(b'["\xed\xa0\x80"]', id="utf8-encoded-surrogate"),
    pytest.param(b'["\\ud800"]', id="lone-surrogate-escape"),
    pytest.param(b"\xef\xbb\xbf{}", id="byte-order-mark"),
    pytest.param(b"\x0c{}\x0c", id="form-feeds-around"),
    pytest.param(b"[" * 32 + b"]" * 32, id="nested-32"),
    pytest.param(b"[" * 33 + b"]" * 33, id="nested-33"),
    pytest.param(b'{"k": "' + b"{" * 40 + b'"}', id="brackets-in-a-string"),
    pytest.param(b"[" * 2_000 + b"]" * 2_000, id="nested-2000"),
    pytest.param(b'{"a": 1, "a": 2}', id="duplicate-keys"),
    pytest.param(b'"\x01"', id="raw-control-character"),
    pytest.param(b"[" + b" " * (MAX_LINE_BYTES - 2) + b"]\n", id="longest-allowed"),
    pytest.param(b"[" + b" " * (MAX_LINE_BYTES - 1) + b"]", id="one-byte-too-long"),
    pytest.param(b"   \n", id="blank"),
]


def _answer(decode, raw: bytes, first: bool):
    try:
        return "value", decode(raw, first)
    except LineError as exc:
        return "error", str(exc)


@pytest.mark.parametrize("first", [True, False], ids=["first-line", "later-line"])
@pytest.mark.parametrize("raw", LINES)
def test_fast_decoder_accepts_and_refuses_what_the_reference_does(raw, first):
    assert _answer(decode_fast, raw, first) == _answer(decode_line, raw, first)


def test_orjson_is_the_fast_path_here():
    assert orjson is not None and decode_fast is not decode_line


@pytest.mark.parametrize("number", [2**64, 2**70, -(2**63) - 1, 10**300], ids=["2^64", "2^70", "-2^63-1", "10^300"])
def test_an_integer_beyond_64_bits_is_the_one_difference_left_to_callers(number):
    raw = f"[{number}]".encode()
    assert decode_line(raw) == [number]
    assert decode_fast(raw) == [float(number)]


def test_without_orjson_the_stdlib_parser_is_used(corpus):
    code = (
        "import sys; sys.modules['orjson'] = None\n"
        "from goalgen.traces import json_lines\n"
        "from goalgen.traces.span_scan import stream_stats\n"
        "assert json_lines.decode_fast is json_lines.decode_line\n"
        "print(stream_stats([sys.argv[1]]).stats[0].to_dict())\n"
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    without = subprocess.run([sys.executable, "-c", code, str(corpus)], env=env, check=True,
                             capture_output=True, text=True).stdout
    from goalgen.traces.span_scan import stream_stats

    assert without == f"{stream_stats([str(corpus)]).stats[0].to_dict()}\n"
