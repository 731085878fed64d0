"""The ``instrument`` pipeline: summarise every file into one project index, decide each file,
then diff, check or write -- and return one ``Report``.

1. Every file is summarised for the index: from the cache when its mtime and size (or its
   hash) are as recorded, else read, decoded and scanned with ``ast``. A file that cannot be
   decoded or parsed is reported (exit 123) and left untouched; every other file goes on.
2. Every file is decided: from the cache when its answer's dependencies are unchanged, else by
   the codemods' plan. ``--check`` (with any ``--format``) stops there: LibCST runs only to
   write or to print a diff. Cold files are summarised and decided on forked workers that
   keep each file's tree (``goalgen.instrument.forked``) when there are enough of them.
3. Changed files are written atomically or diffed; the cache learns the new content's answer,
   so the run after a write is answered without reading those files.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goalgen import codemods
from goalgen.instrument import forked
from goalgen.instrument.cache import Cache, Entry, Result, file_hash, fingerprint
from goalgen.instrument.diff import unified_diff
from goalgen.instrument.files import FoundFile, OptionsFor, find_python_files
from goalgen.instrument.import_settings import import_style_for
from goalgen.instrument.options import Mode, Options
from goalgen.instrument.report import CHANGED, FAILED, UNCHANGED, FileResult, Report
from goalgen.instrument.source import (
    DecodedSource,
    SourceError,
    atomic_write,
    check_syntax,
    decode,
    encode,
    read_bytes,
)
from goalgen.instrument.transform import NAMES_DEP, Outcome, transform

# Below this many files to rewrite, worker processes cost more than they save (a pool starts in
# ~0.1 s and each worker unpickles the index; LibCST rewrites ~50-100 files/s per core).
PARALLEL_MIN_FILES = 20
# Below this many files to parse, forked workers (instrument.forked) cost more than they save:
# forking and sending summaries and the index back and forth take ~30-60 ms, and ast parses
# and scans ~300 files/s.
FORKED_MIN_FILES = 40

Progress = Callable[[int, int], None]


@dataclass
class _File:
    """One file on its way through the run."""

    found: FoundFile
    module: str
    options: Options  # the run's options with this file's directory's style and kinds
    is_package: bool = False
    stat: os.stat_result | None = None
    raw: bytes | None = None  # None until read (a cache hit by stat never reads it)
    source: DecodedSource | None = None
    entry: Entry | None = None
    error: str = ""
    scan: Any = None  # the module scan, kept for the plan when it was made this run


def run(
    paths: Sequence[Path],
    options: Options,
    cwd: Path | None = None,
    cache_directory: Path | None = None,
    progress: Progress | None = None,
    options_for: OptionsFor | None = None,
) -> Report:
    """Instrument (or, with ``options.remove``, un-instrument) the Python files under ``paths``.

    ``progress(done, total)`` is called as files are decided or rewritten (a progress bar).
    ``options_for(directory)`` gives the options for the files in a directory (a nested
    project's settings); only their per-file fields (style, kinds, exclude, exclude_root) are
    read. Without it, ``options`` applies everywhere.
    """
    found, skipped = find_python_files(
        paths, options_for or (lambda _: options), cwd, options.gitignore
    )
    report = Report(mode=options.mode, remove=options.remove, skipped=skipped)
    cache = Cache.load(_tool_version(), cache_directory) if options.use_cache else None
    files = _files(found, options)
    workers = _summarize_all(files, cache, options)
    index = codemods.ProjectIndex(
        {f.module: f.entry.summary for f in files if f.entry and f.entry.summary is not None}
    )
    prints = _Fingerprints(index, {f.module: f.entry.summary_fp for f in files if f.entry})
    keys = {o: fingerprint(*o.cache_key_parts()) for o in {f.options for f in files}}
    apply = options.mode is Mode.WRITE or options.diff

    results: dict[Path, FileResult] = {}
    todo: list[_File] = []
    for item in files:
        answer = item.entry.result(keys[item.options]) if item.entry else None
        if item.error:
            results[item.found.path] = FileResult(item.found.display, FAILED, reason=item.error)
        elif answer is not None and prints.same(answer.deps) and not (apply and answer.changes):
            status = CHANGED if answer.changes else UNCHANGED
            results[item.found.path] = FileResult(
                item.found.display, status, list(answer.targets), cached=True
            )
        else:
            todo.append(item)

    outcomes = _decide_all(todo, index, options, apply, progress or _no_progress, workers)
    written: list[tuple[_File, Outcome]] = []
    for item, outcome in zip(todo, outcomes, strict=True):
        results[item.found.path] = _finish(item, outcome, options, apply)
        key = keys[item.options]
        if cache is not None and not _learn(cache, item, outcome, key, prints, options):
            written.append((item, outcome))
    if cache is not None and written:
        _learn_written(cache, written, keys, prints, options)

    if cache is not None:
        cache.forget_missing({str(f.found.path) for f in files}, _walked_roots(paths, cwd))
        cache.save()
    report.files = [results[f.found.path] for f in files]
    return report


# -- 1. summaries -------------------------------------------------------------------------
def _files(found: Sequence[FoundFile], options: Options) -> list[_File]:
    """Unique module names (a path-derived one when two files claim a name), which modules
    are packages (others live under them), and each file's options."""
    files: list[_File] = []
    taken: set[str] = set()
    for item in found:
        name = item.module
        if name in taken:
            base = item.display.removesuffix(".py").replace("/", ".").lstrip(".")
            name, n = base, 1
            while name in taken:
                n += 1
                name = f"{base}_{n}"
        taken.add(name)
        mine = item.options
        if (mine.style, mine.kinds) != (options.style, options.kinds):
            mine = dataclasses.replace(options, style=mine.style, kinds=mine.kinds)
        else:
            mine = options
        files.append(_File(item, name, mine))
    parents = {m.rpartition(".")[0] for m in taken}
    for item in files:
        item.is_package = item.module in parents
    return files


def _summarize_all(
    files: list[_File], cache: Cache | None, options: Options
) -> forked.Workers | None:
    """Give every file a current cache entry (its summary, or why it cannot be read). Files
    the cache does not know are parsed on forked workers when there are enough of them; the
    workers are returned, waiting to decide the files whose trees they hold."""
    misses = [i for i, item in enumerate(files) if not _lookup(item, cache)]
    workers = None
    count = min(options.jobs, len(misses) // (FORKED_MIN_FILES // 2) or 1)
    if len(misses) >= FORKED_MIN_FILES and count > 1 and forked.available():
        workers = forked.Workers(
            files, misses, count, lambda f: len(f.raw or b""), _new_entry, _decide_forked
        )
        for i, entry in workers.first_results().items():
            files[i].entry = entry
    else:
        for i in misses:
            files[i].entry = _new_entry(files[i])
    for i in misses:
        item = files[i]
        if item.entry is None:  # unreadable: nothing to remember
            continue
        item.error = item.entry.error
        if cache is not None:
            cache.store(item.found.path, item.entry)
    return workers


def _lookup(item: _File, cache: Cache | None) -> bool:
    """Stat and read as little as needed to find a current cache entry; False: none."""
    path = item.found.path
    try:
        item.stat = os.stat(path)
    except OSError as exc:
        item.error = f"unreadable: {exc.strerror or exc}"
        return True
    entry = cache.lookup(path, item.stat, None) if cache is not None else None
    if entry is None:
        try:
            item.raw = read_bytes(path)
        except SourceError as exc:
            item.error = str(exc)
            return True
        entry = cache.lookup(path, item.stat, item.raw) if cache is not None else None
    if entry is not None and (entry.module, entry.is_package) == (item.module, item.is_package):
        item.entry, item.error = entry, entry.error
        return True
    return False


def _new_entry(item: _File) -> Entry:
    assert item.raw is not None and item.stat is not None
    entry = Entry(
        item.stat.st_mtime_ns, item.stat.st_size, file_hash(item.raw), item.module,
        item.is_package, None,
    )  # fmt: skip
    try:
        item.source = decode(item.raw)
        item.scan = codemods.scan_source(item.source.text, item.module, item.is_package)
    except SourceError as exc:
        entry.error = str(exc)
        return entry
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        entry.error = _syntax_reason(item, exc)
        return entry
    entry.summary = codemods.summarize(item.scan, item.is_package)
    entry.summary_fp = fingerprint(entry.summary)
    return entry


def _syntax_reason(item: _File, exc: BaseException) -> str:
    assert item.source is not None
    try:
        check_syntax(item.source.text, item.found.display)
    except SourceError as named:
        return str(named)
    return f"cannot parse: {type(exc).__name__}: {exc}"


class _Fingerprints:
    """The current fingerprint of each dependency a cached answer may have read."""

    def __init__(self, index: Any, summaries: dict[str, str]) -> None:
        self.index = index
        self.summaries = summaries
        self.memo: dict[str, str] = {}

    def of(self, deps: Sequence[str] | frozenset[str]) -> dict[str, str]:
        return {dep: self.get(dep) for dep in deps}

    def same(self, recorded: dict[str, str]) -> bool:
        return all(self.get(dep) == value for dep, value in recorded.items())

    def get(self, dep: str) -> str:
        if dep.startswith("m:"):
            return self.summaries.get(dep[2:], "-") if dep[2:] in self.index.modules else "-"
        value = self.memo.get(dep)
        if value is None:
            if dep.startswith("k:"):  # that kind's facts only: a new function elsewhere is not one
                value = fingerprint(sorted(self.index.facts(dep[2:]), key=lambda mf: mf[0]))
            elif dep == NAMES_DEP:
                value = fingerprint(sorted(self.index.relevant_names()))
            else:
                value = "?"  # unknown: never matches a recorded value twice
            self.memo[dep] = value
        return value


# -- 2. deciding ---------------------------------------------------------------------------
def _read(item: _File) -> DecodedSource:
    """The file's text, read now if the cache let the summary step skip it."""
    if item.source is None:
        item.raw = item.raw if item.raw is not None else read_bytes(item.found.path)
        item.source = decode(item.raw)
    return item.source


def _decide_forked(item: _File, index: Any) -> Outcome:
    """On a forked worker: decide one file (``--check``), with the tree made there if any.
    The text is not sent back (the parent has it on disk; deciding does not change it)."""
    try:
        text = _read(item).text
    except SourceError as exc:
        return Outcome(None, error=str(exc))
    outcome = transform(text, item.module, index, item.options, False, scan=item.scan)
    item.scan = None
    if outcome.new_text is not None:
        outcome.new_text = ""
    return outcome


def _decide_all(
    todo: Sequence[_File],
    index: Any,
    options: Options,
    apply: bool,
    progress: Progress,
    workers: forked.Workers | None = None,
) -> list[Outcome]:
    if workers is not None:
        if not apply:
            position = {id(item): i for i, item in enumerate(workers.items)}
            done = workers.second([position[id(item)] for item in todo], index)
            progress(len(todo), len(todo))
            return [done[position[id(item)]] for item in todo]
        workers.close()
    outcomes: list[Outcome | None] = [None] * len(todo)
    jobs: list[tuple[int, str, str, codemods.ImportStyle, Options]] = []
    styles: dict[Path, codemods.ImportStyle] = {}
    for i, item in enumerate(todo):
        try:
            text = _read(item).text
            style = import_style_for(item.found.path, styles)
        except SourceError as exc:  # changed since the summary step, or bad isort settings
            outcomes[i] = Outcome(None, error=str(exc))
            continue
        jobs.append((i, text, item.module, style, item.options))
    workers = min(options.jobs, len(jobs))
    if apply and len(jobs) >= PARALLEL_MIN_FILES and workers > 1:
        from goalgen.instrument.concurrency import transform_parallel

        done = transform_parallel([job[1:] for job in jobs], index, workers, progress)
        for job, outcome in zip(jobs, done, strict=True):
            outcomes[job[0]] = outcome
    else:
        for n, (i, text, module, style, mine) in enumerate(jobs, 1):
            outcomes[i] = transform(text, module, index, mine, apply, style, todo[i].scan)
            todo[i].scan = None  # the tree is large; nothing needs it after its plan
            progress(n, len(jobs))
    return [o if o is not None else Outcome(None, error="not processed") for o in outcomes]


# -- 3. writing, diffing, remembering -----------------------------------------------------------
def _finish(item: _File, outcome: Outcome, options: Options, apply: bool) -> FileResult:
    """Turn one decision into a result: diff it, check it, or write it."""
    display = item.found.display
    if outcome.new_text is None:
        return FileResult(display, FAILED, outcome.targets, reason=outcome.error)
    if not outcome.changes:
        return FileResult(display, UNCHANGED, outcome.targets)
    if not apply:  # decided only (--check): it would change
        return FileResult(display, CHANGED, outcome.targets)
    source = _read(item)
    try:
        new_bytes = encode(outcome.new_text, source.encoding)
        if options.mode is Mode.WRITE:
            atomic_write(item.found.path, new_bytes, expected=source.raw)
            item.raw = new_bytes
    except SourceError as exc:
        return FileResult(display, FAILED, outcome.targets, reason=str(exc))
    diff = unified_diff(source.raw, new_bytes, display) if options.diff else b""
    return FileResult(display, CHANGED, outcome.targets, diff=diff)


def _learn(
    cache: Cache, item: _File, outcome: Outcome, key: str, prints: _Fingerprints, options: Options
) -> bool:
    """Keep the answer for the content decided; False for a file written (see below)."""
    if item.entry is None or outcome.new_text is None:
        return True
    if options.mode is Mode.WRITE and outcome.changes:
        return False
    item.entry.keep(key, Result(outcome.changes, outcome.targets, prints.of(outcome.deps)))
    cache.touch()
    return True


def _learn_written(
    cache: Cache,
    written: list[tuple[_File, Outcome]],
    keys: dict[Options, str],
    prints: _Fingerprints,
    options: Options,
) -> None:
    """Keep, for each file written, its new content's summary and answer, with dependencies
    fingerprinted as the files now are (the written ones' new summaries included)."""
    fresh: dict[str, str] = dict(prints.summaries)
    entries: list[tuple[_File, Entry, Outcome]] = []
    for item, outcome in written:
        if outcome.after is None or item.raw is None:
            continue
        try:
            stat = os.stat(item.found.path)
        except OSError:
            continue
        summary = outcome.after[0]
        new = Entry(
            stat.st_mtime_ns, stat.st_size, file_hash(item.raw), item.module, item.is_package,
            summary, fingerprint(summary),
        )  # fmt: skip
        fresh[item.module] = new.summary_fp
        entries.append((item, new, outcome))
    now = _Fingerprints(prints.index, fresh)
    for item, new, outcome in entries:
        assert outcome.after is not None
        _, targets, deps = outcome.after
        if not options.remove:
            new.keep(keys[item.options], Result(False, targets, now.of(deps)))
        cache.store(item.found.path, new)


def _walked_roots(paths: Sequence[Path], cwd: Path | None) -> list[Path]:
    base = cwd or Path.cwd()
    return [(base / p).resolve() for p in paths if (base / p).is_dir()]


def _tool_version() -> str:
    """A hash of the codemods' and engine's own source files: what decides every answer, so an
    edited codemod (same version number during development) never reuses an old cache."""
    here = Path(__file__).parent
    sources = sorted([*Path(codemods.__file__).parent.rglob("*.py"), *here.glob("*.py")])
    return fingerprint(*(file_hash(p.read_bytes()) for p in sources))


def _no_progress(done: int, total: int) -> None:
    return None
