"""The `goalgen` command: the one place that wires the generator, instrument engine and runtime.

One module per command; each registers itself here with ``add_command``.
"""

from __future__ import annotations

import importlib

import click

from goalgen import __version__

# (module under goalgen.cli, attribute) for each sub-command; a missing module is skipped so
# the CLI keeps working while commands are being built.
_COMMANDS = [
    ("generate", "generate"),
    ("instrument", "instrument"),
    ("traces", "traces"),
    ("bot", "bot"),
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="goalgen")
def cli() -> None:
    """GoalGen: generate multi-agent projects and add distributed tracing to them."""


for _module, _attr in _COMMANDS:
    try:
        _mod = importlib.import_module(f"goalgen.cli.{_module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"goalgen.cli.{_module}":
            raise
        continue
    cli.add_command(getattr(_mod, _attr))


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
