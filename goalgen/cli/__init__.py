"""The `goalgen` command: the one place that wires the generator, instrument engine and runtime.

One module per command, listed in ``_COMMANDS`` and imported only when it runs.
"""

from __future__ import annotations

import importlib

import click

import goalgen
from goalgen.cli.terminal import Terminal

# Sub-command name -> module under goalgen.cli that defines a click command of that name.
# Modules are imported only when their command runs (or help lists them), so `goalgen traces`
# does not pay for importing LibCST.
_COMMANDS = {
    "generate": "generate",
    "instrument": "instrument",
    "traces": "traces",
    "bot": "bot",
}


class _LazyGroup(click.Group):
    """A click group that imports each sub-command's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(_COMMANDS) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _COMMANDS.get(cmd_name)
        if module is None:
            return super().get_command(ctx, cmd_name)
        return getattr(importlib.import_module(f"goalgen.cli.{module}"), cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, _param, value: _print_version(ctx) if value else None,
    help="Show the version and exit.",
)
@click.option(
    "--color/--no-color",
    default=None,
    envvar="GOALGEN_COLOR",
    show_envvar=True,
    help="Force or disable colour (default: on a terminal, unless NO_COLOR is set).",
)
@click.pass_context
def cli(ctx: click.Context, color: bool | None) -> None:
    """GoalGen: generate multi-agent projects and add distributed tracing to them."""
    ctx.obj = Terminal(color)


def _print_version(ctx: click.Context) -> None:
    click.echo(f"goalgen, version {goalgen.__version__}")
    ctx.exit()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status instead of exiting (for tests and __main__)."""
    try:
        cli.main(args=argv, prog_name="goalgen", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        return code if isinstance(code, int) else 1
    return 0
