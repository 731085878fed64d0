"""The cache skips rewrites of files known to need no change -- and never hides real work."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_project import write_project

from instrument.cache import Cache, cache_dir, fingerprint
from instrument.engine import run
from instrument.options import Mode, Options


def _run(root: Path, cache: Path, **kwargs):
    return run([root], Options(jobs=1, **kwargs), cwd=root, cache_directory=cache)


def test_second_run_is_served_by_the_cache_until_a_file_changes(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    first = _run(project, cache)
    rewritten = {f.path for f in first.changed}
    assert rewritten and list(cache.glob("instrument-*.json"))

    second = _run(project, cache, mode=Mode.CHECK)
    assert second.return_code == 0
    assert {f.path for f in second.files if f.cached} >= rewritten

    api = project / "app/api.py"
    api.write_bytes(api.read_bytes() + b'\n\n@app.get("/more")\ndef more():\n    return {}\n')
    third = _run(project, cache, mode=Mode.CHECK)
    assert third.return_code == 1
    assert [f.path for f in third.changed] == ["app/api.py"]
    assert not next(f for f in third.files if f.path == "app/api.py").cached


def test_a_change_elsewhere_in_the_project_invalidates_cached_files(tmp_path: Path) -> None:
    """nodes.py needs nothing until graph.py starts passing its function to add_node."""
    project = tmp_path / "proj"
    (project / "flow").mkdir(parents=True)
    (project / "flow/__init__.py").write_text("")
    (project / "flow/nodes.py").write_text(
        '"""Functions for add_node."""\n\n\ndef plan(state):\n    return state\n'
    )
    graph = project / "flow/graph.py"
    graph.write_text("from langgraph.graph import StateGraph\n\nbuilder = StateGraph(dict)\n")
    cache = tmp_path / "cache"
    first = _run(project, cache, mode=Mode.CHECK)
    assert first.return_code == 0

    graph.write_text(
        "from langgraph.graph import StateGraph\n\nfrom flow.nodes import plan\n\n"
        'builder = StateGraph(dict)\nbuilder.add_node("plan", plan)\n'
    )
    second = _run(project, cache, mode=Mode.CHECK)
    assert second.return_code == 1
    assert "flow/nodes.py" in {f.path for f in second.changed}


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

    key = fingerprint("v1", "add")
    cache = Cache.load(key, tmp_path)
    cache.path.write_text("{not json")
    assert Cache.load(key, tmp_path).entries == {}

    source = tmp_path / "a.py"
    source.write_bytes(b"x = 1\n")
    options = ("add", "auto", "api")
    cache.mark_unchanged([(source, options)])
    cache.save()
    reloaded = Cache.load(key, tmp_path)
    assert reloaded.is_unchanged(source, b"x = 1\n", options)
    assert not reloaded.is_unchanged(source, b"x = 2\n", options)  # same size, other content
    assert not reloaded.is_unchanged(source, b"x = 1\n", ("add", "block", "api"))  # other options
    other_key = Cache.load(fingerprint("v1", "remove"), tmp_path)
    assert not other_key.is_unchanged(source, b"x = 1\n", options)


def test_fingerprint_is_stable_and_ignores_lazy_caches() -> None:
    from dataclasses import dataclass, field

    @dataclass
    class Facts:
        names: set[str]
        _memo: dict = field(default_factory=dict, compare=False)

    assert fingerprint(Facts({"b", "a"})) == fingerprint(Facts({"a", "b"}, {"x": 1}))
    assert fingerprint(Facts({"a"})) != fingerprint(Facts({"a", "b"}))


def test_old_cache_files_are_pruned(tmp_path: Path) -> None:
    from instrument import cache as cache_module

    source = tmp_path / "a.py"
    source.write_bytes(b"x = 1\n")
    for i in range(cache_module.KEEP + 5):
        cache = Cache.load(fingerprint("key", i), tmp_path / "c")
        cache.mark_unchanged([(source, ("add",))])
        cache.save()
    assert len(list((tmp_path / "c").glob("instrument-*.json"))) == cache_module.KEEP
    assert cache.path.exists()  # the newest one stays


def test_a_file_cached_under_other_options_is_rewritten(tmp_path: Path) -> None:
    """A nested project's table changing its style must not be hidden by the cache."""
    project = write_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    assert _run(project, cache).changed  # written with the default style
    check = Options(jobs=1, mode=Mode.CHECK)
    assert any(f.cached for f in run([project], check, cwd=project, cache_directory=cache).files)

    block = Options(jobs=1, mode=Mode.CHECK, style="block")
    report = run([project], check, cwd=project, cache_directory=cache, options_for=lambda d: block)
    assert not any(f.cached for f in report.files)
