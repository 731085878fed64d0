"""The ``instrument`` pipeline: read all files, build one project index, prefilter, rewrite,
then diff, check or write -- and return one ``Report``.

Every file is decoded and syntax-checked up front (files the index could not parse are parsed
again to name the error), so a broken file is reported (exit 123) even when nothing in it would
be rewritten, while every other file is still processed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import codemods
from codemods.base import RUNTIME_NAMES
from instrument.cache import Cache, file_hash, fingerprint
from instrument.diff import unified_diff
from instrument.files import FoundFile, OptionsFor, find_python_files
from instrument.options import Options
from instrument.report import CHANGED, FAILED, UNCHANGED, FileResult, Report
from instrument.source import (
    DecodedSource,
    SourceError,
    atomic_write,
    check_syntax,
    decode,
    encode,
    read_bytes,
)
from instrument.transform import Outcome, transform

PARALLEL_MIN_FILES = 20

Progress = Callable[[int, int], None]


@dataclass
class _Loaded:
    found: FoundFile
    source: DecodedSource
    module: str


def run(
    paths: Sequence[Path],
    options: Options,
    cwd: Path | None = None,
    cache_directory: Path | None = None,
    progress: Progress | None = None,
    options_for: OptionsFor | None = None,
) -> Report:
    """Instrument (or, with ``options.remove``, un-instrument) the Python files under ``paths``.

    ``progress(done, total)`` is called as files are rewritten (for a progress bar).
    ``options_for(directory)`` gives the options for the files in a directory (a nested
    project's settings); only their per-file fields (style, kinds, exclude, exclude_root) are
    read. Without it, ``options`` applies everywhere.
    """
    found, skipped = find_python_files(paths, options_for or (lambda _: options), cwd)
    report = Report(mode=options.mode, remove=options.remove, skipped=skipped)
    results: dict[Path, FileResult] = {}
    decoded = _load(found, results)
    index = codemods.build_index({item.module: item.source.text for item in decoded})
    loaded = _parsable(decoded, index, results)
    cache = _open_cache(index, options, cache_directory)

    todo: list[_Loaded] = []
    for item in loaded:
        if not codemods.prefilter(item.source.text, index):
            results[item.found.path] = FileResult(item.found.display, UNCHANGED)
        elif cache is not None and cache.is_unchanged(
            item.found.path, item.source.raw, item.found.options.cache_key_parts()
        ):
            results[item.found.path] = FileResult(item.found.display, UNCHANGED, cached=True)
        else:
            todo.append(item)

    outcomes = _transform_all(todo, index, options, progress or _no_progress)
    unchanged: list[FoundFile] = []
    for item, outcome in zip(todo, outcomes, strict=True):
        result = _finish(item, outcome, options)
        results[item.found.path] = result
        if result.status == UNCHANGED or (result.status == CHANGED and options.writes):
            unchanged.append(item.found)
        elif cache is not None:
            cache.forget(item.found.path)

    if cache is not None:
        cache.mark_unchanged((f.path, f.options.cache_key_parts()) for f in unchanged)
        cache.save()
    report.files = [results[f.path] for f in found]
    return report


def _load(found: Sequence[FoundFile], results: dict[Path, FileResult]) -> list[_Loaded]:
    """Read and decode every file; failures go straight into ``results``."""
    loaded: list[_Loaded] = []
    modules: set[str] = set()
    for item in found:
        try:
            source = decode(read_bytes(item.path))
        except SourceError as exc:
            results[item.path] = FileResult(item.display, FAILED, reason=str(exc))
            continue
        loaded.append(_Loaded(item, source, _unique_module(item, modules)))
    return loaded


def _parsable(
    loaded: Sequence[_Loaded], index: Any, results: dict[Path, FileResult]
) -> list[_Loaded]:
    """The files that are valid Python; the others go into ``results`` with the reason.

    The index leaves out exactly the modules ``ast`` cannot parse, so only those are parsed
    again here to name the error.
    """
    kept: list[_Loaded] = []
    for item in loaded:
        if item.module not in index.modules:
            try:
                check_syntax(item.source.text, item.found.display)
            except SourceError as exc:
                results[item.found.path] = FileResult(item.found.display, FAILED, reason=str(exc))
                continue
        kept.append(item)
    return kept


def _unique_module(item: FoundFile, taken: set[str]) -> str:
    """The file's module name, or a path-derived one when two files claim the same name."""
    name = item.module
    if name in taken:
        base = item.display.removesuffix(".py").replace("/", ".").lstrip(".")
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
    taken.add(name)
    return name


def _tool_version() -> str:
    """The installed version plus a hash of the codemods' own source files, so an edited
    codemod (same version number during development) never reuses an old cache."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("goalgen")
    except PackageNotFoundError:
        installed = "unknown"
    package_dir = Path(codemods.__file__).parent
    sources = sorted(package_dir.rglob("*.py"))
    return fingerprint(installed, *(file_hash(p.read_bytes()) for p in sources))


def _open_cache(index: Any, options: Options, directory: Path | None) -> Cache | None:
    if not options.use_cache:
        return None
    # Imports of the tracing runtime are what instrumenting adds to the index; leaving them out
    # keeps the key the same before and after a write, so written files are cache hits next time.
    runtime = tuple(sorted(set(RUNTIME_NAMES.values())))
    key = fingerprint(_tool_version(), *options.cache_key_parts(), index, ignore=runtime)
    return Cache.load(key, directory)


def _no_progress(done: int, total: int) -> None:
    return None


def _transform_all(
    todo: Sequence[_Loaded], index: Any, options: Options, progress: Progress
) -> list[Outcome]:
    jobs = [(i.source.text, i.module, i.found.display, i.found.options) for i in todo]
    workers = min(options.jobs, len(jobs))
    if len(jobs) > PARALLEL_MIN_FILES and workers > 1:
        from instrument.concurrency import transform_parallel

        return transform_parallel(jobs, index, workers, progress)
    outcomes: list[Outcome] = []
    for text, module, display, file_options in jobs:
        outcomes.append(transform(text, module, display, index, file_options))
        progress(len(outcomes), len(jobs))
    return outcomes


def _finish(item: _Loaded, outcome: Outcome, options: Options) -> FileResult:
    """Turn one rewrite into a result: diff it, check it, or write it."""
    display = item.found.display
    if outcome.new_text is None:
        return FileResult(display, FAILED, outcome.targets, reason=outcome.error)
    if outcome.new_text == item.source.text:
        return FileResult(display, UNCHANGED, outcome.targets)
    try:
        new_bytes = encode(outcome.new_text, item.source.encoding)
        if options.writes:
            atomic_write(item.found.path, new_bytes, expected=item.source.raw)
    except SourceError as exc:
        return FileResult(display, FAILED, outcome.targets, reason=str(exc))
    diff = unified_diff(item.source.raw, new_bytes, display) if options.diff else b""
    return FileResult(display, CHANGED, outcome.targets, diff=diff)
