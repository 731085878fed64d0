"""The HTML waterfall: data escaped for its <script> block, written atomically, and drawn by a
real headless Chromium (skipped, saying why, where none is installed)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from goalgen.traces import build_traces, read_spans
from goalgen.traces.critical_path import critical_path
from goalgen.traces.html import render_html, script_json, write_html

HOSTILE = "</script><script>document.body.dataset.pwned='1'</script><!-- <b>x</b> & \u2028"
CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("</script>", id="end-tag"),
        pytest.param("</SCRIPT >", id="end-tag-upper"),
        pytest.param("<!-- <script>", id="comment-opener"),
        pytest.param("a & b > c", id="ampersand"),
        pytest.param("\u2028\u2029 é 😀", id="separators-and-non-ascii"),
        pytest.param({"k</script>": ["<x>", 1, None, True]}, id="nested"),
    ],
)
def test_script_json_reads_back_and_has_no_markup_characters(value):
    text = script_json(value)
    assert json.loads(text) == value
    assert not set(text) & set("<>&")
    assert text.isascii()


@pytest.fixture
def demo_spans(write_spans, span_record):
    """One trace across three services: an LLM call with token counts, a failed tool call, a
    span beside the critical path, and a span whose name and attributes try to end the
    <script> block."""
    llm = {
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 812,
        "gen_ai.usage.output_tokens": 96,
    }
    return write_spans(
        [
            span_record("bot.on_message_activity", "a1", start=0, end=400),
            span_record("mapper.get_thread_id", "a2", "a1", start=2, end=6),
            span_record(
                "api.POST /api/v1/message", "b1", "a1", start=10, end=390, service="orchestrator"
            ),
            span_record("chat gpt-4o", "c1", "b1", start=30, end=250, service="llm", metadata=llm),
            span_record(
                "tool.search_flights",
                "c2",
                "b1",
                start=40,
                end=90,
                service="orchestrator",
                error="no seats",
            ),
            span_record(
                HOSTILE,
                "c3",
                "b1",
                start=260,
                end=380,
                service="orchestrator",
                metadata={HOSTILE: HOSTILE},
            ),
        ]
    )


def load(path):
    (trace,) = build_traces(read_spans([str(path)]).spans)
    return trace


def test_the_page_has_only_its_own_two_script_blocks(demo_spans):
    page = render_html([load(demo_spans)])
    assert page.count("</script") == 2
    assert page.count("<script") == 2
    assert "pwned" in page  # the name is there, escaped inside the JSON


def test_write_html_replaces_the_page_and_leaves_no_temporary_file(demo_spans, tmp_path):
    out = tmp_path / "page.html"
    out.write_text("old page")
    old_umask = os.umask(0o022)
    try:
        write_html(out, [load(demo_spans)])
    finally:
        os.umask(old_umask)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html", "spans.jsonl"]


def test_a_failed_write_keeps_the_old_page(demo_spans, tmp_path):
    out = tmp_path / "page.html"
    out.mkdir()
    with pytest.raises(IsADirectoryError) as caught:
        write_html(out, [load(demo_spans)])
    assert caught.value.filename == str(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html", "spans.jsonl"]


# -- in a real browser ------------------------------------------------------------------------


def chromium() -> str:
    for name in CHROMIUMS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(
        "no headless Chromium on PATH (looked for " + ", ".join(CHROMIUMS) + "); "
        "install Debian's `chromium` package (.ci/run does)"
    )


def dump_dom(page: Path, tmp_path: Path, fragment: str = "") -> str:
    """The page's DOM after its script ran, as headless Chromium serialises it."""
    result = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",  # as root (CI containers) Chromium refuses to start without it
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--window-size=1280,900",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri() + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class Rows(HTMLParser):
    """Each drawn span row: its classes, span id, the classes inside it and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.depth = 0  # open elements inside the current row
        self.elements: dict[str, list[str]] = {}  # element id -> classes and text

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if "id" in attributes:
            self.elements[attributes["id"]] = [*classes, "hidden" if "hidden" in attributes else ""]
        if self.depth:
            self.depth += 1
            self.rows[-1]["inner"].update(classes)
        elif "span-row" in classes:
            self.depth = 1
            self.rows.append(
                {
                    "classes": set(classes),
                    "id": attributes.get("data-span-id"),
                    "inner": set(),
                    "text": "",
                }
            )

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.rows[-1]["text"] += data


def parse(dom: str) -> Rows:
    rows = Rows()
    rows.feed(dom)
    return rows


def test_chromium_draws_spans_critical_path_errors_and_tokens(demo_spans, tmp_path):
    trace = load(demo_spans)
    page = tmp_path / "page.html"
    write_html(page, [trace])
    dom = dump_dom(page, tmp_path)
    rows = {row["id"]: row for row in parse(dom).rows}
    assert set(rows) == {span.span_id for span in trace.spans}
    on_path = critical_path(trace).span_ids
    # the tool call ran beside the LLM call, which ended later: it did not hold the trace up
    assert on_path == {i.ljust(16, "0") for i in ("a1", "a2", "b1", "c1", "c3")}
    assert {i for i, row in rows.items() if "critical-path" in row["classes"]} == on_path
    failed = [row for row in rows.values() if "error" in row["classes"]]
    assert len(failed) == 1
    assert "tool.search_flights" in failed[0]["text"]
    assert "error-marker" in failed[0]["inner"]
    llm = rows["c1".ljust(16, "0")]
    assert "chat gpt-4o" in llm["text"]
    assert "812 in · 96 out tokens" in llm["text"]
    # the hostile name is shown as text, and the script in it never ran
    assert HOSTILE.replace("\u2028", "") in rows["c3".ljust(16, "0")]["text"].replace("\u2028", "")
    assert "data-pwned" not in dom


def test_chromium_opens_the_span_named_in_the_url_with_its_attributes(demo_spans, tmp_path):
    page = tmp_path / "page.html"
    write_html(page, [load(demo_spans)])
    dom = dump_dom(page, tmp_path, "#span=" + "c1".ljust(16, "0"))
    parsed = parse(dom)
    assert "hidden" not in parsed.elements["details"]
    selected = [row for row in parsed.rows if "selected" in row["classes"]]
    assert [row["id"] for row in selected] == ["c1".ljust(16, "0")]
    details = dom.split('id="details"', 1)[1]
    assert '"gen_ai.request.model": "gpt-4o"' in details
    assert "812 in · 96 out tokens" in details


def test_chromium_draws_only_the_rows_on_screen_of_100k_spans(write_spans, span_record, tmp_path):
    records = [span_record("root", f"{1:016x}", start=0, end=100_000)]
    records += [
        span_record(f"step {i}", f"{i:016x}", f"{1:016x}", start=i - 1, end=i)
        for i in range(2, 100_001)
    ]
    page = tmp_path / "page.html"
    write_html(page, build_traces(read_spans([str(write_spans(records))]).spans))
    last = f"{100_000:016x}"
    dom = dump_dom(page, tmp_path, "#span=" + last)
    rows = parse(dom).rows
    assert 0 < len(rows) < 200
    assert last in {row["id"] for row in rows}
    assert "100,000 spans" in dom or "100000 spans" in dom
