"""Decoding, encoding and atomic writes keep every byte the user did not ask us to change."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from goalgen.instrument.source import SourceError, atomic_write, check_syntax, decode, encode

ROUND_TRIP = {
    "utf8": "x = 'héllo'\n".encode(),
    "latin1-cookie": b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n",
    "bom": b"\xef\xbb\xbfx = '\xc3\xa9'\n",
    "crlf": b"def f():\r\n    return 1\r\n",
    "mixed-endings": b"a = 1\r\nb = 2\nc = 3\r\n",
    "no-trailing-newline": b"a = 1\nb = 2",
    "form-feed-and-tabs": b"a = 1\n\x0c\nif a:\n\tb = 2\n",
    "python-312-syntax": b"type X = int\r\ndef f[T](x: T) -> T:\r\n    return x\r\n",
}


@pytest.mark.parametrize("raw", list(ROUND_TRIP.values()), ids=list(ROUND_TRIP))
def test_decode_then_encode_gives_back_the_same_bytes(raw: bytes) -> None:
    source = decode(raw)
    assert encode(source.text, source.encoding) == raw
    check_syntax(source.text, "x.py")


def test_decoding_honours_cookie_and_bom() -> None:
    assert decode(ROUND_TRIP["latin1-cookie"]).text.endswith("name = 'café'\n")
    bom = decode(ROUND_TRIP["bom"])
    assert bom.encoding == "utf-8-sig" and bom.text == "x = 'é'\n"
    assert "\r\n" in decode(ROUND_TRIP["crlf"]).text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"x = '\xff\xfe'\n", "undecodable as utf-8 at line 1"),
        (b"# coding: nosuchcodec\nx = 1\n", "undecodable"),
        (b"print 'hello'\n", "syntax error at line 1"),
        (b"def f(:\n    pass\n", "syntax error at line 1"),
    ],
    ids=["bad-utf8", "unknown-cookie", "python2", "syntax-error"],
)
def test_unprocessable_files_raise_one_line_reasons(raw: bytes, reason: str) -> None:
    with pytest.raises(SourceError) as info:
        check_syntax(decode(raw).text, "x.py")
    assert str(info.value).startswith(reason)
    assert "\n" not in str(info.value)


def test_python2_print_is_named_as_such() -> None:
    with pytest.raises(SourceError, match=r"Python 2 code\?"):
        check_syntax("print 'hello'\n", "x.py")


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="Python 3.14 reads it")
def test_syntax_of_a_newer_python_is_named_as_such() -> None:
    with pytest.raises(
        SourceError, match=r"^syntax error at line 3: this file needs Python 3\.14\+"
    ):
        check_syntax("try:\n    pass\nexcept KeyError, ValueError:\n    pass\n", "x.py")


def test_new_text_that_the_encoding_cannot_hold_is_an_error() -> None:
    with pytest.raises(SourceError, match="cannot be encoded as iso-8859-1"):
        encode("x = '\u2603'\n", "iso-8859-1")


def test_atomic_write_keeps_mode_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "script.py"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o750)
    atomic_write(target, b"new\n", expected=b"old\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["script.py"]


def test_atomic_write_refuses_when_the_file_changed_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(b"edited by someone\n")
    with pytest.raises(SourceError, match="changed on disk"):
        atomic_write(target, b"ours\n", expected=b"what we read\n")
    assert target.read_bytes() == b"edited by someone\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only directories")
def test_atomic_write_into_a_read_only_directory_fails_cleanly(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    os.chmod(tmp_path, 0o500)
    try:
        with pytest.raises(SourceError, match="cannot write"):
            atomic_write(target, b"new\n")
    finally:
        os.chmod(tmp_path, 0o700)
    assert target.read_bytes() == b"old\n"
