"""`goalgen generate`: turn a goal spec into a runnable, untraced multi-agent project."""

from __future__ import annotations

from pathlib import Path

import click

from goalgen.cli.terminal import Terminal, pass_terminal


@click.command("generate")
@click.option(
    "--spec",
    "spec_path",
    required=True,
    type=click.Path(dir_okay=True, path_type=Path),
    help="The goal spec (JSON).",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to create the project in.",
)
@click.option("--force", is_flag=True, help="Replace --out if it is not empty.")
@click.option(
    "--dry-run", is_flag=True, help="List the files that would be written; write nothing."
)
@pass_terminal
def generate(terminal: Terminal, spec_path: Path, out: Path, force: bool, dry_run: bool) -> None:
    """Generate a Teams bot + FastAPI orchestrator + LangGraph workflow project from SPEC."""
    from goalgen.generator import (
        OutputError,
        RuntimeMetadataError,
        check_output,
        render_project,
        write_project,
    )
    from goalgen.spec import SpecError, load_spec

    try:
        loaded = load_spec(spec_path)
    except SpecError as exc:
        for issue in exc.warnings:
            terminal.warn(str(issue))
        for issue in exc.issues:
            terminal.error(str(issue))
        count = len(exc.issues)
        terminal.abort(f"{spec_path}: {count} error{'s' if count != 1 else ''}; nothing written")
    for issue in loaded.warnings:
        terminal.warn(str(issue))
    spec = loaded.spec
    try:
        files = render_project(spec)
    except RuntimeMetadataError as exc:
        terminal.abort(str(exc))
    try:
        replacing = check_output(out, force)
    except OutputError as exc:
        terminal.abort(str(exc))
    if dry_run:
        for item in files:
            terminal.write(f"{item.size:>8}  {item.path.as_posix()}\n")
        verb = "replace" if replacing else "create"
        terminal.info(
            f"dry run: would {verb} {out} with {len(files)} files "
            f"({sum(f.size for f in files)} bytes); nothing written"
        )
        return
    try:
        result = write_project(files, out, force)
    except (OutputError, OSError) as exc:
        terminal.abort(str(exc))
    agents = ", ".join(agent.name for agent in spec.agents)
    terminal.info(
        f"generated {spec.title!r} in {out} ({result.files} files; supervisor "
        f"{spec.supervisor.name}, agents: {agents})\n"
        f"next: cd {out} && pip install -r requirements.txt && python -m pytest"
    )
