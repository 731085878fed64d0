"""The ast scan: calls of subscripted (generic) classes are recorded apart from plain calls."""

from __future__ import annotations

from codemod_cases import dedent

from goalgen.codemods.scan import scan_module


def test_generic_class_call_is_recorded_without_shifting_plain_call_ordinals() -> None:
    code = dedent(
        """
        from microsoft_agents.hosting.core import AgentApplication as AA, TurnState

        first = AA[TurnState](storage=None)
        second = AA(storage=None)
        """
    )
    scan = scan_module(code, "app.main")
    calls = [(c.callee, c.qualified, c.ordinal) for c in scan.calls]
    assert calls == [
        ("AA[]", "microsoft_agents.hosting.core.AgentApplication", 0),
        ("AA", "microsoft_agents.hosting.core.AgentApplication", 0),
    ]
    assert [target for target, _ in scan.assigns] == ["first", "second"]
