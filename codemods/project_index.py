"""The cross-module facts the codemods need, gathered with ``ast`` (never importing the code).

``build_index({"app.bots": source, ...})`` summarises each module (its imports, classes with their
resolved bases, top-level functions, FastAPI apps/routers, ``include_router`` prefixes and
``add_node`` references to imported functions), then answers questions across modules:
does ``app.bots.EchoBot`` derive from botbuilder's ``ActivityHandler`` through project
subclasses and re-exports? Which of this module's functions are LangGraph nodes registered
elsewhere, under which names? What prefix does the router ``app.routers.users.router`` end up
with? The index is plain data (picklable) so the engine can ship it to worker processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from codemods.scan import ModuleScan, scan_module

ROUTER_FACTORIES: dict[str, str] = {
    "fastapi.FastAPI": "app",
    "fastapi.applications.FastAPI": "app",
    "fastapi.APIRouter": "router",
    "fastapi.routing.APIRouter": "router",
}


def root_kinds(qualified: str) -> frozenset[str]:
    """Kinds a third-party or runtime base class gives its subclasses."""
    head, _, last = qualified.rpartition(".")
    kinds: set[str] = set()
    if head.startswith("botbuilder") and last in ("ActivityHandler", "TeamsActivityHandler"):
        kinds.add("bot")
    if head.startswith("frmk.agents") and last == "BaseAgent":
        kinds.add("agent")
    if head.startswith("frmk.conversation") and last in (
        "ConversationMapper", "HashMapper", "DatabaseMapper",
    ):  # fmt: skip
        kinds.add("mapper")
    if head in ("typing", "typing_extensions") and last == "Protocol":
        kinds.add("protocol")
    return frozenset(kinds)


@dataclass(frozen=True)
class RouterInfo:
    kind: str  # "app" | "router"
    prefix: str = ""


@dataclass
class ModuleSummary:
    """What other modules may need to know about one module."""

    is_package: bool = False
    imports: dict[str, str] = field(default_factory=dict)
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # qualname -> bases
    functions: frozenset[str] = frozenset()  # top-level function names
    routers: dict[str, RouterInfo] = field(default_factory=dict)  # module-level name -> info
    includes: list[tuple[str, str, str]] = field(default_factory=list)  # includer, router, prefix
    node_refs: list[tuple[str, str]] = field(default_factory=list)  # (function ref, node name)


def summarize(scan: ModuleScan, is_package: bool) -> ModuleSummary:
    """Reduce a module scan to the facts the index keeps."""
    from codemods.fastapi_routes import includes_of, routers_of
    from codemods.langgraph_nodes import foreign_node_refs

    return ModuleSummary(
        is_package=is_package,
        imports=dict(scan.imports.names),
        classes={c.qualname: tuple(c.bases) for c in scan.classes.values()},
        functions=frozenset(f.name for f in scan.funcs.values() if f.scope_key == ""),
        routers=routers_of(scan, module_level_only=True),
        includes=includes_of(scan),
        node_refs=foreign_node_refs(scan),
    )


@dataclass
class ProjectIndex:
    """Cross-module facts for one project; see the module docstring."""

    modules: dict[str, ModuleSummary] = field(default_factory=dict)
    _kinds: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    _nodes: dict[str, dict[str, set[str]]] | None = field(default=None, repr=False, compare=False)
    _included: dict[str, list[tuple[str, str]]] | None = field(
        default=None, repr=False, compare=False
    )

    # -- names --------------------------------------------------------------------------
    def split(self, qualified: str) -> tuple[str, str] | None:
        """(project module, rest) for a qualified name inside the project, else None."""
        parts = qualified.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
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

    # -- classes ------------------------------------------------------------------------
    def class_kinds(self, qualified: str) -> frozenset[str]:
        """{"bot", "agent", "mapper", "protocol"} the class derives from, transitively."""
        resolved = self.resolve(qualified)
        if resolved in self._kinds:
            return self._kinds[resolved]
        self._kinds[resolved] = frozenset()  # cycle guard
        kinds = set(root_kinds(resolved))
        hit = self.split(resolved)
        if hit is not None:
            module, rest = hit
            for base in self.modules[module].classes.get(rest, ()):
                kinds |= self.class_kinds(base)
        self._kinds[resolved] = frozenset(kinds)
        return self._kinds[resolved]

    # -- FastAPI ------------------------------------------------------------------------
    def router(self, qualified: str, _depth: int = 0) -> RouterInfo | None:
        """The app/router a name refers to, with the prefix of its (single) include_router."""
        resolved = self.resolve(qualified)
        hit = self.split(resolved)
        if hit is None or _depth > 8:
            return None
        info = self.modules[hit[0]].routers.get(hit[1])
        if info is None:
            return None
        if self._included is None:
            included: dict[str, list[tuple[str, str]]] = {}
            for summary in self.modules.values():
                for includer, router, prefix in summary.includes:
                    included.setdefault(self.resolve(router), []).append((includer, prefix))
            self._included = included
        parents = self._included.get(resolved, [])
        if len(parents) == 1:
            parent = self.router(parents[0][0], _depth + 1)
            outer = parent.prefix if parent else ""
            return RouterInfo(info.kind, outer + parents[0][1] + info.prefix)
        return info

    # -- LangGraph ----------------------------------------------------------------------
    def foreign_nodes(self, module: str) -> dict[str, set[str]]:
        """Top-level functions of ``module`` that other modules pass to add_node -> names."""
        if self._nodes is None:
            nodes: dict[str, dict[str, set[str]]] = {}
            for summary in self.modules.values():
                for ref, name in summary.node_refs:
                    hit = self.split(self.resolve(ref))
                    if hit is None or hit[1] not in self.modules[hit[0]].functions:
                        continue
                    nodes.setdefault(hit[0], {}).setdefault(hit[1], set()).add(name or hit[1])
            self._nodes = nodes
        return self._nodes.get(module, {})

    # -- prefilter support ---------------------------------------------------------------
    def relevant_names(self) -> frozenset[str]:
        """Short names whose mention makes a file worth parsing (project bases, routers...)."""
        names: set[str] = set()
        for module, summary in self.modules.items():
            for qualname in summary.classes:
                if self.class_kinds(f"{module}.{qualname}") - {"protocol"}:
                    names.add(qualname.rpartition(".")[2])
            names.update(summary.routers)
            names.update(self.foreign_nodes(module))
        return frozenset(names)

    def with_module(self, module: str, summary: ModuleSummary) -> ProjectIndex:
        """This index with ``module``'s summary replaced (a copy; the original is untouched)."""
        if self.modules.get(module) == summary:
            return self
        return ProjectIndex({**self.modules, module: summary})


def is_package_name(module: str, modules: Mapping[str, object]) -> bool:
    prefix = module + "."
    return any(name.startswith(prefix) for name in modules)


def build_index(modules: Mapping[str, str]) -> ProjectIndex:
    """Index ``{dotted module name: source}``; modules ``ast`` cannot parse are left out."""
    summaries: dict[str, ModuleSummary] = {}
    for module, code in modules.items():
        try:
            scan = scan_module(
                code.removeprefix("\ufeff"), module, is_package_name(module, modules)
            )
        except (SyntaxError, ValueError, RecursionError):
            continue
        summaries[module] = summarize(scan, is_package_name(module, modules))
    return ProjectIndex(summaries)
