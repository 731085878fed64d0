"""goalgen.traces.tail: whole lines from files that grow, move, shrink and appear late."""

from __future__ import annotations

import os

import pytest

from goalgen.traces import tail as tail_module
from goalgen.traces.json_lines import MAX_LINE_BYTES, LineError, decode_line
from goalgen.traces.tail import ROTATED_LINGER_S, FollowedFile


def raws(lines) -> list[bytes]:
    return [line.raw for line in lines]


def append(path, data: bytes) -> None:
    with open(path, "ab") as handle:
        handle.write(data)


@pytest.fixture
def followed(tmp_path):
    files = []

    def make(name: str = "spans.jsonl") -> FollowedFile:
        files.append(FollowedFile(str(tmp_path / name)))
        return files[-1]

    yield make
    for item in files:
        item.close()


def test_a_missing_file_is_waited_for_then_read_from_its_start(tmp_path, followed):
    tail = followed()
    assert tail.read(0.0) == []
    assert tail.read(1.0) == []
    assert tail.notices == [f"waiting for {tmp_path / 'spans.jsonl'} to appear"]
    append(tmp_path / "spans.jsonl", b"one\ntwo\n")
    lines = tail.read(2.0)
    assert raws(lines) == [b"one\n", b"two\n"]
    assert [(line.source.rsplit(":", 1)[1], line.first) for line in lines] == [
        ("1", True),
        ("2", False),
    ]
    assert tail.notices[-1] == f"reading {tmp_path / 'spans.jsonl'}"


def test_only_complete_lines_are_returned(tmp_path, followed):
    tail = followed()
    append(tmp_path / "spans.jsonl", b'{"a": 1}\n{"b":')
    assert raws(tail.read(0.0)) == [b'{"a": 1}\n']
    assert tail.read(1.0) == []
    append(tmp_path / "spans.jsonl", b" 2}\n")
    assert raws(tail.read(2.0)) == [b'{"b": 2}\n']


def test_after_a_rename_the_new_file_is_read_and_the_old_one_until_it_stops(tmp_path, followed):
    path = tmp_path / "spans.jsonl"
    tail = followed()
    append(path, b"before\n")
    assert raws(tail.read(0.0)) == [b"before\n"]
    path.rename(tmp_path / "spans.jsonl.1")
    append(tmp_path / "spans.jsonl.1", b"late in the old file\n")  # the writer had not noticed
    assert raws(tail.read(1.0)) == [b"late in the old file\n"]  # no new file yet
    append(path, b"new\n")
    append(tmp_path / "spans.jsonl.1", b"last old\n")
    assert sorted(raws(tail.read(2.0))) == [b"last old\n", b"new\n"]
    assert tail.notices[-1] == f"{path} was replaced (rotated): reading the new file"
    append(tmp_path / "spans.jsonl.1", b"after the linger")  # unended, then never more
    assert tail.read(2.5) == []
    assert raws(tail.read(2.5 + ROTATED_LINGER_S)) == [b"after the linger"]
    append(tmp_path / "spans.jsonl.1", b"ignored\n")
    assert tail.read(10.0) == []


def test_a_truncated_file_is_read_again_from_its_start(tmp_path, followed):
    path = tmp_path / "spans.jsonl"
    tail = followed()
    append(path, b"first\nsecond\npart")
    assert raws(tail.read(0.0)) == [b"first\n", b"second\n"]
    os.truncate(path, 0)
    append(path, b"again\n")
    lines = tail.read(1.0)
    assert raws(lines) == [b"again\n"]  # the held "part" belonged to the old content
    assert lines[0].source.endswith(":1") and lines[0].first
    assert tail.notices == [f"{path} was truncated: reading it from the start"]


def test_a_line_too_long_is_held_only_up_to_the_limit_and_then_rejected(tmp_path, followed):
    path = tmp_path / "spans.jsonl"
    tail = followed()
    append(path, b"x" * (MAX_LINE_BYTES + 1000))
    assert tail.read(0.0) == []
    append(path, b"y" * (MAX_LINE_BYTES + 1000) + b"\nnext\n")
    first, second = tail.read(1.0)
    assert len(first.raw) == MAX_LINE_BYTES + 2  # the limit plus one byte, and the end of line
    with pytest.raises(LineError, match="longer than"):
        decode_line(first.raw)
    assert second.raw == b"next\n" and second.source.endswith(":2")


def test_a_directory_is_told_and_tried_again(tmp_path, followed):
    (tmp_path / "spans.jsonl").mkdir()
    tail = followed()
    assert tail.read(0.0) == [] and tail.read(1.0) == []
    assert tail.notices == [
        f"cannot read {tmp_path / 'spans.jsonl'}: is a directory (trying again)"
    ]
    (tmp_path / "spans.jsonl").rmdir()
    append(tmp_path / "spans.jsonl", b"now a file\n")
    assert raws(tail.read(2.0)) == [b"now a file\n"]


def test_a_backlog_is_read_in_slices_and_says_it_is_behind(tmp_path, followed, monkeypatch):
    monkeypatch.setattr(tail_module, "READ_BUDGET", 1000)
    line = b"x" * 99 + b"\n"
    append(tmp_path / "spans.jsonl", line * 25)  # 2500 bytes: three reads
    tail = followed()
    got = [(len(tail.read(0.0)), tail.behind) for _ in range(3)]
    assert got == [(10, True), (10, True), (5, False)]
