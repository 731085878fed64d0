"""Bot routes: handlers registered by decorators on a Microsoft 365 Agents SDK or Teams SDK app.

An app is an ``AgentApplication`` of ``microsoft_agents`` (hosting-core; also written
``AgentApplication[TurnState](...)``) or an ``App`` of the Teams SDK (``microsoft_teams.apps``,
``microsoft.teams.apps`` before 2.1) — imported under any alias, made in the same module (also
inside a function, also assigned more than once), imported from another project module, or a
parameter annotated with the app class. A function decorated with one of its route decorators,
bare (``@app.error``) or called (``@app.message("hi")``), gets a span ``bot.<function name>``
under the route decorators, so the SDK registers the traced function; the traced function takes
and returns what the handler does (``before_turn``'s bool decides whether the turn goes on).

The span's ``route`` metadata names what the handler was registered for: the decorator (``on_``
dropped) and its selector as written in the source — a string (or a module or imported string
constant), a ``re.compile(...)`` pattern as ``/pattern/``, any other expression as its source
text — never what a user sends. Several route decorators join with `` | ``::

    app = AgentApplication[TurnState](...)           app = AgentApplication[TurnState](...)

    @app.message(re.compile(r"^hi"))          ->      @app.message(re.compile(r"^hi"))
    async def greet(context, state):                  @trace_span("bot.greet", route="message:/^hi/")  # goalgen: instrument
        ...                                           async def greet(context, state):
                                                          ...

Handlers registered by calls (``app.add_route(selector, fn)``, ``app.on_message(fn)``) are not
followed. The handlers' replies get client spans, as ``bot_handlers`` describes.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from goalgen.codemods.imports import dotted_name
from goalgen.codemods.kinds.bot_handlers import trace_replies
from goalgen.codemods.plan import Context
from goalgen.codemods.registry import Kind
from goalgen.codemods.scan import FuncInfo, ModuleScan
from goalgen.codemods.static_strings import template

if TYPE_CHECKING:
    from goalgen.codemods.index import ProjectIndex

# Route decorators of hosting-core's AgentApplication (1.9), and of its `adaptive_card`.
AGENTS_ROUTES = frozenset(
    {
        "activity", "message", "conversation_update", "members_added", "members_removed",
        "message_reaction", "message_reaction_added", "message_reactions_removed",
        "message_update", "invoke", "event", "end_of_conversation", "installation_update",
        "handoff", "error", "before_turn", "after_turn", "on_sign_in_success",
        "on_sign_in_failure",
    }
)  # fmt: skip
CARD_ROUTES = frozenset({"action_execute", "action_submit", "search"})
# The Teams App registers with every `on_*` method, plus app events and remote functions.
TEAMS_ROUTES = frozenset({"event", "func"})
# App class -> the packages it may come from.
APP_CLASSES = {
    "AgentApplication": ("microsoft_agents",),
    "App": ("microsoft_teams.apps", "microsoft.teams.apps"),
}
# Keywords that carry a route decorator's selector when it is not the first positional argument.
SELECTOR_KEYWORDS = (
    "select", "activity_type", "type", "verb", "dataset", "pattern",
    "dialog_id_or_handler", "action_or_handler", "func_or_event_type", "name_or_func",
)  # fmt: skip
MAX_SELECTOR_CHARS = 80


def app_sdk(qualified: str) -> str | None:
    """``"agents"`` or ``"teams"`` when ``qualified`` names one of the SDKs' app classes."""
    head, _, last = qualified.rpartition(".")
    packages = APP_CLASSES.get(last, ())
    if any(head == p or head.startswith(p + ".") for p in packages):
        return "agents" if last == "AgentApplication" else "teams"
    return None


def route_name(sdk: str, path: str) -> str | None:
    """The route a decorator ``app.<path>`` registers (``message``, ``adaptive_card.search``,
    ``sign_in_success``), or None when ``path`` is not one of the SDK's route decorators."""
    owner, _, name = path.rpartition(".")
    if sdk == "agents":
        known = (owner == "" and name in AGENTS_ROUTES) or (
            owner == "adaptive_card" and name in CARD_ROUTES
        )
    else:
        known = owner == "" and (name.startswith("on_") or name in TEAMS_ROUTES)
    if not known:
        return None
    return path.removeprefix("on_")


def summarize(scan: ModuleScan) -> dict[str, str]:
    """Module-level names bound to a call of a class named like an app: name -> class."""
    return {
        scan.imports.resolve(target): call.qualified
        for target, call in scan.assigns
        if not call.scope_key and call.qualified.rpartition(".")[2] in APP_CLASSES
    }


def _all_apps(index: ProjectIndex) -> dict[str, str]:
    """Every module-level app of the project: qualified name -> sdk."""
    found = {}
    for _, facts in index.facts("bot"):
        for name, cls in facts.items():
            sdk = app_sdk(index.resolve(cls))
            if sdk is not None:
                found[name] = sdk
    return found


def project_apps(index: ProjectIndex) -> dict[str, str]:
    return index.memo("bot.apps", _all_apps)


def _index_names(index: ProjectIndex) -> set[str]:
    return {name.rpartition(".")[2] for name in project_apps(index)}


class _Apps:
    """Which dotted names written in a module are apps, and of which SDK."""

    def __init__(self, ctx: Context) -> None:
        self.scan, self.index = ctx.scan, ctx.index
        self.local: dict[tuple[str, str], str] = {}  # (scope key, name) -> sdk
        for target, call in self.scan.assigns:
            sdk = self._sdk(call.qualified)
            if sdk is not None:
                self.local[(call.scope_key, target)] = sdk

    def _sdk(self, qualified: str) -> str | None:
        if qualified.rpartition(".")[2] not in APP_CLASSES:
            return None
        return app_sdk(qualified) or app_sdk(self.index.resolve(qualified))

    def sdk(self, text: str, scope_key: str) -> str | None:
        """The SDK of the app ``text`` refers to from ``scope_key``, or None."""
        scope = self.scan.scopes[scope_key]
        while scope is not None:
            sdk = self.local.get((scope.key, text))
            if sdk is not None:
                return sdk
            if text.partition(".")[0] in scope.params:
                return self._parameter(scope.key, text)
            scope = scope.parent
        qualified = self.index.resolve(self.scan.imports.resolve(text))
        return project_apps(self.index).get(qualified)

    def _parameter(self, func_key: str, text: str) -> str | None:
        """A parameter annotated with an app class (``app: AgentApplication[TurnState]``)."""
        args = self.scan.funcs[func_key].node.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if arg.arg == text and arg.annotation is not None:
                node = arg.annotation
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    return self._sdk(self.scan.imports.resolve(node.value.partition("[")[0]))
                if isinstance(node, ast.Subscript):
                    node = node.value
                name = dotted_name(node)
                return self._sdk(self.scan.imports.resolve(name)) if name else None
        return None


def _selector(decorator: ast.Call) -> ast.expr | None:
    """The selector argument of a called route decorator (``None`` written out counts as none)."""
    if decorator.args:
        node = decorator.args[0]
    else:
        node = next((kw.value for kw in decorator.keywords if kw.arg in SELECTOR_KEYWORDS), None)
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    return node


def selector_text(node: ast.expr, ctx: Context, scope_key: str) -> str:
    """A selector as the source says it: strings (constants looked up), ``/regex/``, else the
    expression's text; lists joined with commas."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return ",".join(selector_text(element, ctx, scope_key) for element in node.elts)
    if isinstance(node, ast.Call) and node.args:
        callee = dotted_name(node.func)
        if callee and ctx.scan.imports.resolve(callee) == "re.compile":
            return "/" + selector_text(node.args[0], ctx, scope_key) + "/"
    params = set()
    scope = ctx.scan.scopes[scope_key]
    while scope is not None:
        params |= scope.params
        scope = scope.parent

    def qualify(text: str) -> str | None:
        return None if text.partition(".")[0] in params else ctx.scan.imports.resolve(text)

    parts = []
    for part in template(node, qualify):
        if isinstance(part, str):
            parts.append(part)
        else:
            value = ctx.index.constant(part.qualified) if part.qualified else None
            parts.append(part.text if value is None else value)
    text = "".join(parts)
    return text if len(text) <= MAX_SELECTOR_CHARS else text[:MAX_SELECTOR_CHARS] + "..."


def routes(func: FuncInfo, apps: _Apps, ctx: Context) -> list[str]:
    """The routes ``func``'s decorators register it for, top to bottom."""
    found: list[str] = []
    for decorator in func.node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call is not None else decorator
        if not isinstance(target, ast.Attribute):
            continue
        text = dotted_name(target)
        if text is None:
            continue
        for cut in (1, 2):  # `app.message`, `app.adaptive_card.search`
            parts = text.rsplit(".", cut)
            if len(parts) <= cut:
                continue
            sdk = apps.sdk(parts[0], func.scope_key)
            name = route_name(sdk, ".".join(parts[1:])) if sdk else None
            if name is not None:
                selector = _selector(call) if call is not None else None
                if selector is not None:
                    name += ":" + selector_text(selector, ctx, func.scope_key)
                found.append(name)
                break
    return list(dict.fromkeys(found))


def trace_bot_routes(ctx: Context) -> None:
    apps = _Apps(ctx)
    for func in ctx.scan.funcs.values():
        if not func.node.decorator_list:
            continue
        found = routes(func, apps, ctx)
        if found:
            metadata = (("route", " | ".join(found)),)
            ctx.trace_function(func, "bot", f"bot.{func.name}", metadata=metadata)
            trace_replies(ctx, func)


KIND = Kind(
    name="bot",
    order=0,
    plan=trace_bot_routes,
    span_prefix="bot.",
    words=("AgentApplication", "microsoft_teams", "microsoft.teams"),
    call_names=frozenset(APP_CLASSES),
    summarize=summarize,
    index_names=_index_names,
)
