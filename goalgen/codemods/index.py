"""The cross-module facts the codemods need, gathered with ``ast`` (never importing the code).

``build_index({"app.bots": source, ...})`` summarises each module: the facts every kind shares
(its imports, classes with their resolved bases, top-level functions, module-level string
constants) plus, under
``facts[<kind>]``, whatever each kind's ``summarize`` keeps (a FastAPI router's prefix, the
functions another module passes to ``add_node``). The index then answers questions across
modules: does ``app.bots.EchoBot`` derive from botbuilder's ``ActivityHandler`` through project
subclasses and re-exports? Kinds ask their own questions with :meth:`ProjectIndex.memo` over
their facts. The index is plain data (picklable), so the engine can ship it to worker processes
and fingerprint it for the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from goalgen.codemods import registry
from goalgen.codemods.scan import ModuleScan, scan_module
from goalgen.codemods.static_strings import module_constants


@dataclass
class ModuleSummary:
    """What other modules may need to know about one module."""

    is_package: bool = False
    imports: dict[str, str] = field(default_factory=dict)
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # qualname -> bases
    functions: frozenset[str] = frozenset()  # top-level function names
    constants: dict[str, str] = field(default_factory=dict)  # module-level string constants
    facts: dict[str, Any] = field(default_factory=dict)  # kind -> what its summarize keeps


def summarize(scan: ModuleScan, is_package: bool) -> ModuleSummary:
    """Reduce a module scan to the facts the index keeps."""
    facts = {}
    for kind in registry.kinds():
        if kind.summarize is not None:
            value = kind.summarize(scan)
            if value:
                facts[kind.name] = value
    return ModuleSummary(
        is_package=is_package,
        imports=dict(scan.imports.names),
        classes={c.qualname: tuple(c.bases) for c in scan.classes.values()},
        functions=frozenset(f.name for f in scan.funcs.values() if f.scope_key == ""),
        constants=module_constants(scan.tree),
        facts=facts,
    )


@dataclass
class ProjectIndex:
    """Cross-module facts for one project; see the module docstring."""

    modules: dict[str, ModuleSummary] = field(default_factory=dict)
    _kinds: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # What was read to compute each cached answer, and the reads being collected now (a
    # stack: an answer computed while another one is being computed adds to both).
    _deps: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    _reading: list[set[str]] = field(default_factory=list, repr=False, compare=False)

    # -- what a caller's answers depended on ------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[set[str]]:
        """Collect what the index is asked about inside the block, as dependency names:
        ``m:<module>`` (its summary, or its absence), ``k:<kind>`` (every module's facts of
        that kind). The engine's cache re-checks a file only when one of those changed."""
        reads: set[str] = set()
        self._reading.append(reads)
        try:
            yield reads
        finally:
            self._reading.pop()

    def _read(self, dep: str) -> None:
        if self._reading:
            self._reading[-1].add(dep)

    def _cached(self, table: dict[str, Any], key: str, compute: Callable[[], Any]) -> Any:
        """``table[key]``, computed once; its reads are replayed to every later asker."""
        tag = f"{id(table)}:{key}"
        if key in table:
            if self._reading:
                self._reading[-1].update(self._deps.get(tag, ()))
            return table[key]
        self._reading.append(set())
        try:
            value = compute()
        finally:
            reads = self._reading.pop()
        table[key] = value
        self._deps[tag] = frozenset(reads)
        if self._reading:
            self._reading[-1].update(reads)
        return value

    # -- names --------------------------------------------------------------------------
    def split(self, qualified: str) -> tuple[str, str] | None:
        """(project module, rest) for a qualified name inside the project, else None."""
        parts = qualified.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if self._reading:
                self._reading[-1].add("m:" + module)
            if module in self.modules:
                return module, ".".join(parts[cut:])
        return None

    def resolve(self, qualified: str) -> str:
        """Follow re-exports (``from .bots import EchoBot`` in a package) to the definition."""
        for _ in range(32):
            hit = self.split(qualified)
            if hit is None or not hit[1]:
                return qualified
            module, rest = hit
            head, _, tail = rest.partition(".")
            target = self.modules[module].imports.get(head)
            if target is None:
                return qualified
            qualified = f"{target}.{tail}" if tail else target
        return qualified

    def is_function(self, qualified: str) -> bool:
        """Is ``qualified`` (resolved) a top-level function of a project module?"""
        hit = self.split(self.resolve(qualified))
        return hit is not None and hit[1] in self.modules[hit[0]].functions

    def constant(self, qualified: str) -> str | None:
        """The value of a module-level string constant of the project (through re-exports)."""
        hit = self.split(self.resolve(qualified))
        return self.modules[hit[0]].constants.get(hit[1]) if hit else None

    # -- classes ------------------------------------------------------------------------
    def class_kinds(self, qualified: str) -> frozenset[str]:
        """The kinds (and "protocol") the class derives from, transitively."""
        resolved = self.resolve(qualified)
        return self._cached(self._kinds, resolved, lambda: self._class_kinds(resolved))

    def _class_kinds(self, resolved: str) -> frozenset[str]:
        self._kinds[resolved] = frozenset()  # cycle guard, replaced by _cached
        kinds = set(registry.base_kinds(resolved))
        hit = self.split(resolved)
        if hit is not None:
            module, rest = hit
            for base in self.modules[module].classes.get(rest, ()):
                kinds |= self.class_kinds(base)
        del self._kinds[resolved]
        return frozenset(kinds)

    # -- what the kinds keep ----------------------------------------------------------------
    def facts(self, kind: str) -> Iterator[tuple[str, Any]]:
        """``(module, facts)`` for every module where ``kind``'s summarize kept something."""
        self._read("k:" + kind)
        for module, summary in self.modules.items():
            value = summary.facts.get(kind)
            if value:
                yield module, value

    def memo(self, key: str, build: Callable[[ProjectIndex], Any]) -> Any:
        """A table derived from the whole index, built once (kinds use it for joins)."""
        return self._cached(self._memo, key, lambda: build(self))

    # -- prefilter support ---------------------------------------------------------------
    def relevant_names(self) -> frozenset[str]:
        """Short names whose mention makes a file worth scanning (project bases, routers...)."""

        def build(index: ProjectIndex) -> frozenset[str]:
            names: set[str] = set()
            for module, summary in index.modules.items():
                for qualname in summary.classes:
                    if index.class_kinds(f"{module}.{qualname}") - {"protocol"}:
                        names.add(qualname.rpartition(".")[2])
            for kind in registry.kinds():
                if kind.index_names is not None:
                    names.update(kind.index_names(index))
            return frozenset(names)

        return self.memo("relevant_names", build)

    def with_module(self, module: str, summary: ModuleSummary) -> ProjectIndex:
        """This index with ``module``'s summary replaced (a copy; the original is untouched)."""
        if self.modules.get(module) == summary:
            return self
        # The copy shares the reading stack, so what it is asked is still recorded.
        return ProjectIndex({**self.modules, module: summary}, _reading=self._reading)


def is_package_name(module: str, modules: Mapping[str, object]) -> bool:
    prefix = module + "."
    return any(name.startswith(prefix) for name in modules)


def scan_source(code: str, module: str, is_package: bool) -> ModuleScan:
    """Scan a module's source (a BOM is skipped); raises SyntaxError when it does not parse."""
    return scan_module(code.removeprefix("\ufeff"), module, is_package)


def summarize_source(code: str, module: str, is_package: bool) -> ModuleSummary | None:
    """The summary of one module's source, or None when ``ast`` cannot parse it."""
    try:
        scan = scan_source(code, module, is_package)
    except (SyntaxError, ValueError, RecursionError):
        return None
    return summarize(scan, is_package)


def build_index(modules: Mapping[str, str]) -> ProjectIndex:
    """Index ``{dotted module name: source}``; modules ``ast`` cannot parse are left out."""
    summaries: dict[str, ModuleSummary] = {}
    for module, code in modules.items():
        summary = summarize_source(code, module, is_package_name(module, modules))
        if summary is not None:
            summaries[module] = summary
    return ProjectIndex(summaries)
