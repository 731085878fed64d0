"""The one registry of target kinds: each module in ``goalgen/codemods/kinds/`` describes its kind.

A kind module ends with ``KIND = Kind(...)``: everything about its kind lives there (what it
matches, the prefilter words and call names, the base classes that make a class one of its
targets, the facts it keeps per module in the project index, the plan it makes, its span-name
prefix, the names it inserts, and the client arguments, statements or callee wrappers
``--remove`` must recognise). The registry finds the modules with ``pkgutil``, so adding a kind is adding one
file (plus its tests). Nothing else in ``codemods`` names a kind.

Several modules may describe one kind (``bot``: botbuilder's handler classes in
``bot_handlers``, the route decorators of the Microsoft 365 Agents and Teams SDKs in
``bot_routes``): each ends with its own ``KIND = Kind(name="bot", ...)``, and :func:`merge`
makes them one kind — their plans run one after another, in module-name order, and what they
match is the union of what each matches. So the rest of the code still sees one kind per name.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from goalgen.codemods.index import ProjectIndex
    from goalgen.codemods.plan import Context
    from goalgen.codemods.scan import ModuleScan

# The names every kind may insert (a decorator, or a with-block), and where they live.
COMMON_RUNTIME: Mapping[str, str] = MappingProxyType(
    {"trace_span": "frmk.utils.tracing", "TraceSpan": "frmk.utils.tracing"}
)


@dataclass(frozen=True)
class Kind:
    """How one kind of target is found, traced and recognised again.

    ``plan`` reads the module scan and the index through a :class:`~goalgen.codemods.plan.Context` and
    records edits and targets. ``summarize`` (optional) reduces a module scan to the plain,
    picklable facts other modules need (kept in ``ModuleSummary.facts[name]``).
    ``index_names`` (optional) lists short names whose mention in a file makes it worth
    scanning (a router's name, a node function's name). ``bases``: ``(package prefix, class
    names)`` pairs; a class deriving from one of them (through any project subclass) is of
    this kind.
    """

    name: str
    order: int  # position in reports (and the order plans run: the first kind takes a function)
    plan: Callable[[Context], None]
    span_prefix: str = ""  # span names it gives start with this ("" when it gives none)
    words: tuple[str, ...] = ()  # a file without any of these (or index names) is skipped
    call_names: frozenset[str] = frozenset()  # calls the scan records for it (last name part)
    bases: tuple[tuple[str, frozenset[str]], ...] = ()
    summarize: Callable[[ModuleScan], Any] | None = None
    index_names: Callable[[ProjectIndex], Iterable[str]] | None = None
    runtime: Mapping[str, str] = field(default_factory=dict)  # names it inserts -> module
    client_args: Mapping[str, str] = field(default_factory=dict)  # keyword -> runtime function
    statements: tuple[tuple[str, str], ...] = ()  # (method, runtime argument) lines it adds
    wrappers: tuple[str, ...] = ()  # runtime functions it wraps callees in: `w(X)(args)`
    # Its own runtime decorator, written instead of trace_span (``@trace_tool("search")``): its
    # marked uses are this kind's, whatever their argument.
    decorator: str = ""


@cache
def kinds() -> tuple[Kind, ...]:
    """Every kind, discovered in ``goalgen.codemods.kinds``, in report order (one per name: the modules
    describing the same kind are merged)."""
    from goalgen.codemods import kinds as package

    parts: dict[str, list[Kind]] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, Kind):
            parts.setdefault(kind.name, []).append(kind)
    return tuple(sorted(map(merge, parts.values()), key=lambda k: (k.order, k.name)))


@dataclass(frozen=True)
class _Plans:
    """The plans of a kind's modules, run one after another."""

    steps: tuple[Callable[[Context], None], ...]

    def __call__(self, ctx: Context) -> None:
        for step in self.steps:
            step(ctx)


@dataclass(frozen=True)
class _IndexNames:
    """The index names of a kind's modules, together."""

    steps: tuple[Callable[[ProjectIndex], Iterable[str]], ...]

    def __call__(self, index: ProjectIndex) -> list[str]:
        return [name for step in self.steps for name in step(index)]


def _union(kind: str, what: str, tables: Iterable[Mapping[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for table in tables:
        for key, value in table.items():
            if found.setdefault(key, value) != value:
                raise RuntimeError(f"kind {kind!r}: two modules map {what} {key!r} differently")
    return found


def merge(parts: Sequence[Kind]) -> Kind:
    """One kind out of the modules that describe it, in the order given (their plans run in that
    order). They must agree on ``order`` and on ``span_prefix`` (or give none); only one may keep
    facts (``summarize``), since facts are kept under the kind's name. Matching is the union:
    ``words``, ``call_names``, ``bases``, ``index_names``, ``runtime``, ``client_args`` and
    ``statements``, ``wrappers`` of every part; at most one ``decorator`` among them."""
    first = parts[0]
    if len(parts) == 1:
        return first
    name = first.name
    modules = ", ".join(part.plan.__module__ for part in parts)
    if len({part.order for part in parts}) != 1:
        raise RuntimeError(f"kind {name!r}: its modules ({modules}) give different orders")
    prefixes = {part.span_prefix for part in parts} - {""}
    if len(prefixes) > 1:
        raise RuntimeError(f"kind {name!r}: its modules ({modules}) give different span prefixes")
    decorators = {part.decorator for part in parts} - {""}
    if len(decorators) > 1:
        raise RuntimeError(f"kind {name!r}: its modules ({modules}) give different decorators")
    summaries = [part.summarize for part in parts if part.summarize is not None]
    index_names = tuple(part.index_names for part in parts if part.index_names is not None)
    if len(summaries) > 1:
        raise RuntimeError(f"kind {name!r}: more than one of its modules ({modules}) keeps facts")
    return replace(
        first,
        plan=_Plans(tuple(part.plan for part in parts)),
        span_prefix=next(iter(prefixes), ""),
        words=tuple(dict.fromkeys(word for part in parts for word in part.words)),
        call_names=frozenset().union(*(part.call_names for part in parts)),
        bases=tuple(dict.fromkeys(base for part in parts for base in part.bases)),
        summarize=summaries[0] if summaries else None,
        index_names=_IndexNames(index_names) if index_names else None,
        runtime=_union(name, "runtime name", (part.runtime for part in parts)),
        client_args=_union(name, "client argument", (part.client_args for part in parts)),
        statements=tuple(dict.fromkeys(pair for part in parts for pair in part.statements)),
        wrappers=tuple(dict.fromkeys(w for part in parts for w in part.wrappers)),
        decorator=next(iter(decorators), ""),
    )


@cache
def names() -> tuple[str, ...]:
    return tuple(k.name for k in kinds())


def get(name: str) -> Kind:
    for kind in kinds():
        if kind.name == name:
            return kind
    raise KeyError(name)


@cache
def runtime_names() -> Mapping[str, str]:
    """Every name the tool inserts -> the runtime module it is imported from."""
    table = dict(COMMON_RUNTIME)
    for kind in kinds():
        table.update(kind.runtime)
    return MappingProxyType(table)


@cache
def call_names() -> frozenset[str]:
    return frozenset().union(*(k.call_names for k in kinds()))


@cache
def words() -> tuple[str, ...]:
    """Prefilter words: any kind's, plus the names of the tool's own insertions and marker."""
    found = {w for k in kinds() for w in k.words} | set(runtime_names()) | {"goalgen"}
    return tuple(sorted(found))


@cache
def client_args() -> Mapping[str, tuple[str, str]]:
    """Client keyword -> (kind, runtime function) for every argument a kind appends."""
    return MappingProxyType(
        {kw: (k.name, fn) for k in kinds() for kw, fn in k.client_args.items()}
    )


@cache
def wrappers() -> Mapping[str, str]:
    """Runtime function a kind wraps callees in (``trace_llm``) -> its kind."""
    return MappingProxyType({name: k.name for k in kinds() for name in k.wrappers})


@cache
def statements() -> Mapping[tuple[str, str], str]:
    """(method, runtime argument) of an inserted statement -> its kind."""
    return MappingProxyType({pair: k.name for k in kinds() for pair in k.statements})


@cache
def decorators() -> Mapping[str, str]:
    """A kind's own runtime decorator -> that kind."""
    return MappingProxyType({k.decorator: k.name for k in kinds() if k.decorator})


def span_kind(span: str) -> str | None:
    """The kind whose span-name prefix ``span`` carries (the longest prefix wins)."""
    best: Kind | None = None
    for kind in kinds():
        if kind.span_prefix and span.startswith(kind.span_prefix):
            if best is None or len(kind.span_prefix) > len(best.span_prefix):
                best = kind
    return best.name if best else None


def base_kinds(qualified: str) -> frozenset[str]:
    """Kinds a third-party or runtime base class (by qualified name) gives its subclasses."""
    head, _, last = qualified.rpartition(".")
    found = {
        kind.name
        for kind in kinds()
        for package, classes in kind.bases
        if last in classes and (head == package or head.startswith(package + "."))
    }
    if head in ("typing", "typing_extensions") and last == "Protocol":
        found.add("protocol")  # not a kind: methods of a Protocol are never traced
    return frozenset(found)
