"""The kind registry: one kind per name, several modules may describe one kind (merged)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from codemod_cases import actions, dedent, remove, run

from goalgen.codemods import KINDS, kinds, registry
from goalgen.codemods.registry import Kind, merge


def _module_kinds() -> list[tuple[str, Kind]]:
    found = []
    for info in pkgutil.iter_modules(kinds.__path__):
        module = importlib.import_module(f"{kinds.__name__}.{info.name}")
        found.append((module.__name__, module.KIND))
    return found


def test_every_kind_module_describes_a_listed_kind() -> None:
    described = _module_kinds()
    assert described and all(isinstance(kind, Kind) for _, kind in described)
    for module, kind in described:
        assert kind.plan.__module__ == module
        assert kind.name in KINDS
        assert kind.words or kind.call_names or kind.bases, module
    assert KINDS == registry.names() == tuple(k.name for k in registry.kinds())
    assert len(set(KINDS)) == len(KINDS) == len({kind.name for _, kind in described})


def test_bot_is_described_by_two_modules_and_listed_once() -> None:
    parts = [module for module, kind in _module_kinds() if kind.name == "bot"]
    assert parts == ["goalgen.codemods.kinds.bot_handlers", "goalgen.codemods.kinds.bot_routes"]
    assert KINDS.count("bot") == 1
    bot = registry.get("bot")
    assert {"ActivityHandler", "AgentApplication"} <= set(bot.words)
    assert "AgentApplication" in registry.call_names()
    assert registry.span_kind("bot.on_message") == "bot"


def _recorder(log: list[str], tag: str):
    def plan(ctx) -> None:
        log.append(tag)

    return plan


def test_merge_runs_plans_in_order_and_unions_what_parts_match() -> None:
    log: list[str] = []
    first = Kind(
        "x", 3, _recorder(log, "first"), "x.", words=("A", "B"), call_names=frozenset({"f"}),
        bases=(("pkg", frozenset({"Base"})),), runtime={"r": "m"},
        index_names=lambda index: ["one"],
    )  # fmt: skip
    second = Kind(
        "x", 3, _recorder(log, "second"), words=("B", "C"), call_names=frozenset({"g"}),
        bases=(("other", frozenset({"Root"})),), summarize=lambda scan: {"kept": 1},
        runtime={"r": "m", "s": "n"}, statements=(("use", "s"),),
        index_names=lambda index: ["two"],
    )  # fmt: skip
    kind = merge([first, second])
    assert (kind.name, kind.order, kind.span_prefix) == ("x", 3, "x.")
    assert kind.words == ("A", "B", "C")
    assert kind.call_names == {"f", "g"}
    assert kind.bases == (("pkg", frozenset({"Base"})), ("other", frozenset({"Root"})))
    assert kind.summarize is second.summarize
    assert dict(kind.runtime) == {"r": "m", "s": "n"}
    assert kind.statements == (("use", "s"),)
    assert list(kind.index_names(None)) == ["one", "two"]
    kind.plan(None)
    assert log == ["first", "second"]


def test_a_kind_of_one_module_is_that_module_s_kind() -> None:
    only = Kind("y", 0, _recorder([], "y"))
    assert merge([only]) is only


def _noop(ctx) -> None:
    pass


@pytest.mark.parametrize(
    ("other", "message"),
    [
        pytest.param(Kind("x", 2, _noop), "different orders", id="order"),
        pytest.param(Kind("x", 1, _noop, "y."), "different span prefixes", id="span-prefix"),
        pytest.param(
            Kind("x", 1, _noop, summarize=lambda scan: 1), "keeps facts", id="two-summaries"
        ),
        pytest.param(Kind("x", 1, _noop, runtime={"r": "elsewhere"}), "runtime name", id="runtime"),
    ],
)
def test_merge_refuses_parts_that_disagree(other: Kind, message: str) -> None:
    base = Kind("x", 1, _noop, "x.", summarize=lambda scan: 1, runtime={"r": "m"})
    with pytest.raises(RuntimeError, match=message):
        merge([base, other])


def test_selecting_bot_runs_both_parts_and_remove_takes_both_out() -> None:
    code = dedent(
        """
        from botbuilder.core import ActivityHandler
        from microsoft_agents.hosting.core import AgentApplication

        app = AgentApplication()


        class EchoBot(ActivityHandler):
            async def on_message_activity(self, turn_context):
                pass


        @app.message("hi")
        async def greet(context, state):
            pass
        """
    )
    traced = run(code, kinds=("bot",))
    assert actions(traced) == [
        ("bot", "bot.EchoBot.on_message_activity", "added"),
        ("bot", "bot.greet", "added"),
    ]
    assert run(code, kinds=("api",)).code == code
    back = remove(traced.code)
    assert back.code == code
    assert [t.action for t in back.targets] == ["removed", "removed"]
