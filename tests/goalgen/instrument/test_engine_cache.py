"""The cache answers what did not change -- the same answer a cold run gives -- and never
hides real work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sample_project import write_project

from goalgen.instrument.cache import Cache, Entry, Result, cache_dir, fingerprint
from goalgen.instrument.engine import run
from goalgen.instrument.options import Mode, Options


def _run(root: Path, cache: Path, **kwargs):
    return run([root], Options(jobs=1, **kwargs), cwd=root, cache_directory=cache)


def _answers(report) -> list[tuple]:
    """Everything a report says about each file, except where the answer came from."""
    return [
        (f.path, f.status, f.reason, [(t.kind, t.name, t.span, t.line, t.action, t.reason)
                                     for t in f.targets])
        for f in report.files
    ]  # fmt: skip


def test_a_warm_run_reports_exactly_what_a_cold_run_does(tmp_path: Path) -> None:
    """Regression: cached files used to be reported with no targets, so --format github
    warnings and "N already traced; M left alone" vanished on the second run."""
    project = write_project(tmp_path / "proj", broken=True)
    (project / "app/skips.py").write_text(
        "from langgraph.graph import StateGraph\n\ng = StateGraph(dict)\n"
        'g.add_node("x", lambda s: s)\n'
    )
    cache = tmp_path / "cache"
    cold = _run(project, cache, mode=Mode.CHECK)
    warm = _run(project, cache, mode=Mode.CHECK)
    assert warm.return_code == cold.return_code == 123
    assert _answers(warm) == _answers(cold)
    assert any(t.action == "skipped" for f in warm.files for t in f.targets)
    assert all(f.cached for f in warm.files if f.status != "failed")
    assert warm.target_counts() == cold.target_counts()
    assert warm.target_counts("skipped") == cold.target_counts("skipped")


def test_after_a_write_the_next_check_needs_no_file_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from goalgen.instrument import engine

    project = write_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    first = _run(project, cache)
    assert first.changed and list(cache.glob("instrument-*.pickle"))
    reads: list[Path] = []
    real_read = engine.read_bytes
    monkeypatch.setattr(engine, "read_bytes", lambda path: reads.append(path) or real_read(path))
    second = _run(project, cache, mode=Mode.CHECK)
    assert reads == []  # answered from the stat shortcut alone
    assert second.return_code == 0
    assert all(f.cached for f in second.files)
    present = {(f.path, t.name) for f in second.files for t in f.targets if t.action == "present"}
    added = {(f.path, t.name) for f in first.files for t in f.targets if t.action == "added"}
    assert added <= present


def test_an_edit_rechecks_that_file_and_answers_the_rest_from_cache(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    _run(project, cache)
    api = project / "app/api.py"
    api.write_bytes(api.read_bytes() + b'\n\n@app.get("/more")\ndef more():\n    return {}\n')
    third = _run(project, cache, mode=Mode.CHECK)
    assert third.return_code == 1
    assert [f.path for f in third.changed] == ["app/api.py"]
    assert [f.path for f in third.files if not f.cached] == ["app/api.py"]


def test_same_content_with_a_new_mtime_is_still_a_hit(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    _run(project, cache, mode=Mode.CHECK)
    api = project / "app/api.py"
    os.utime(api, ns=(api.stat().st_atime_ns, api.stat().st_mtime_ns + 10**9))
    again = _run(project, cache, mode=Mode.CHECK)
    assert next(f for f in again.files if f.path == "app/api.py").cached


def test_a_change_elsewhere_in_the_project_invalidates_what_depends_on_it(tmp_path: Path) -> None:
    """nodes.py needs nothing until graph.py starts passing its function to add_node. The
    node table is one dependency ("k:node"), so files that asked it are decided again."""
    project = tmp_path / "proj"
    (project / "flow").mkdir(parents=True)
    (project / "flow/__init__.py").write_text("")
    (project / "flow/nodes.py").write_text(
        '"""Functions for add_node."""\n\n\ndef plan(state):\n    return state\n'
    )
    (project / "flow/other.py").write_text("def helper():\n    return 1\n")
    graph = project / "flow/graph.py"
    graph.write_text("from langgraph.graph import StateGraph\n\nbuilder = StateGraph(dict)\n")
    cache = tmp_path / "cache"
    assert _run(project, cache, mode=Mode.CHECK).return_code == 0

    graph.write_text(
        "from langgraph.graph import StateGraph\n\nfrom flow.nodes import plan\n\n"
        'builder = StateGraph(dict)\nbuilder.add_node("plan", plan)\n'
    )
    second = _run(project, cache, mode=Mode.CHECK)
    assert second.return_code == 1
    assert "flow/nodes.py" in {f.path for f in second.changed}


def test_a_new_base_class_module_rechecks_its_subclasses(tmp_path: Path) -> None:
    """A name that resolved to nothing becomes a project bot base: the cached "nothing here"
    answer of the subclass's module read that absence, so it is decided again."""
    project = tmp_path / "proj"
    (project / "app").mkdir(parents=True)
    (project / "app/__init__.py").write_text("")
    (project / "app/echo.py").write_text(
        "from app.base import Base\n\n\nclass Echo(Base):\n"
        "    async def on_message_activity(self, tc):\n        return None\n"
    )
    cache = tmp_path / "cache"
    assert _run(project, cache, mode=Mode.CHECK).return_code == 0
    (project / "app/base.py").write_text(
        "from botbuilder.core import ActivityHandler\n\n\nclass Base(ActivityHandler):\n    pass\n"
    )
    second = _run(project, cache, mode=Mode.CHECK)
    assert second.return_code == 1
    assert [f.path for f in second.changed] == ["app/echo.py"]


def test_options_have_their_own_answers(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    _run(project, cache, mode=Mode.CHECK)
    only_http = _run(project, cache, mode=Mode.CHECK, kinds=("http",))
    assert not any(f.cached for f in only_http.files)
    assert {t.kind for f in only_http.files for t in f.targets} <= {"http"}


def test_no_cache_writes_no_cache_file(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    _run(project, cache, use_cache=False)
    _run(project, cache, mode=Mode.CHECK, use_cache=False)
    assert not cache.exists()


def test_cache_location_and_broken_cache_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOALGEN_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    monkeypatch.delenv("GOALGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "goalgen"

    cache = Cache.load("v1", tmp_path)
    cache.path.write_bytes(b"\x80not a pickle")
    assert Cache.load("v1", tmp_path).entries == {}

    source = tmp_path / "a.py"
    source.write_bytes(b"x = 1\n")
    stat = source.stat()
    entry = Entry(stat.st_mtime_ns, stat.st_size, "sha", "a", False, None)
    entry.keep("k", Result(False, [], {}))
    cache.store(source, entry)
    cache.save()
    reloaded = Cache.load("v1", tmp_path)
    assert reloaded.lookup(source, source.stat(), None).result("k") == Result(False, [], {})
    assert Cache.load("v2", tmp_path).lookup(source, source.stat(), None) is None


def test_fingerprint_is_stable_and_ignores_lazy_caches() -> None:
    from dataclasses import dataclass, field

    @dataclass
    class Facts:
        names: set[str]
        _memo: dict = field(default_factory=dict, compare=False)

    assert fingerprint(Facts({"b", "a"})) == fingerprint(Facts({"a", "b"}, {"x": 1}))
    assert fingerprint(Facts({"a"})) != fingerprint(Facts({"a", "b"}))


def test_old_cache_files_are_pruned(tmp_path: Path) -> None:
    from goalgen.instrument import cache as cache_module

    source = tmp_path / "a.py"
    source.write_bytes(b"x = 1\n")
    for i in range(cache_module.KEEP + 5):
        cache = Cache.load(fingerprint("key", i), tmp_path / "c")
        cache.store(source, Entry(0, 0, "", "a", False, None))
        cache.save()
    assert len(list((tmp_path / "c").glob("instrument-*"))) == cache_module.KEEP
    assert cache.path.exists()  # the newest one stays


def test_a_file_cached_under_other_options_is_decided_again(tmp_path: Path) -> None:
    """A nested project's table changing its files' style or kinds is not hidden by the cache:
    answers are kept per file and per set of (per-file) options."""
    project = write_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    assert _run(project, cache).changed  # written with the default style
    check = Options(jobs=1, mode=Mode.CHECK)
    assert all(f.cached for f in run([project], check, cwd=project, cache_directory=cache).files)

    only_bot = Options(jobs=1, mode=Mode.CHECK, kinds=("bot",))
    report = run([project], check, cwd=project, cache_directory=cache, options_for=lambda d: only_bot)
    assert not any(f.cached for f in report.files)
    assert {t.kind for f in report.files for t in f.targets} == {"bot"}
