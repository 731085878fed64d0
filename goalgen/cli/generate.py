"""`goalgen generate`: turn a goal spec into a runnable, untraced multi-agent project."""

from __future__ import annotations

from pathlib import Path

import click

from goalgen.cli import terminal


@click.command("generate")
@click.option("--spec", "spec_path", required=True, type=click.Path(dir_okay=True, path_type=Path),
              help="The goal spec (JSON).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder to create the project in.")
@click.option("--force", is_flag=True, help="Replace --out if it is not empty.")
@click.option("--dry-run", is_flag=True, help="List the files that would be written; write nothing.")
def generate(spec_path: Path, out: Path, force: bool, dry_run: bool) -> None:
    """Generate a Teams bot + FastAPI orchestrator + LangGraph workflow project from SPEC."""
    from goalgen.generator import OutputError, check_output, render_project, write_project
    from goalgen.spec import SpecError, load_spec

    try:
        loaded = load_spec(spec_path)
    except SpecError as exc:
        for issue in exc.warnings:
            terminal.warn(_escape(str(issue)))
        for issue in exc.issues:
            terminal.err().print(f"[red]error:[/red] {_escape(str(issue))}", markup=True)
        count = len(exc.issues)
        terminal.abort(f"{spec_path}: {count} error{'s' if count != 1 else ''}; nothing written")
    for issue in loaded.warnings:
        terminal.warn(_escape(str(issue)))
    spec = loaded.spec
    files = render_project(spec)
    try:
        replacing = check_output(out, force)
    except OutputError as exc:
        terminal.abort(_escape(str(exc)))
    if dry_run:
        for item in files:
            terminal.out().print(f"{item.size:>8}  {item.path.as_posix()}", markup=False)
        verb = "replace" if replacing else "create"
        terminal.err().print(f"dry run: would {verb} {out} with {len(files)} files "
                             f"({sum(f.size for f in files)} bytes); nothing written",
                             markup=False)
        return
    try:
        result = write_project(files, out, force)
    except (OutputError, OSError) as exc:
        terminal.abort(_escape(str(exc)))
    agents = ", ".join(agent.name for agent in spec.agents)
    terminal.err().print(
        f"generated {spec.title!r} in {out} ({result.files} files; supervisor "
        f"{spec.supervisor.name}, agents: {agents})\n"
        f"next: cd {out} && pip install -r requirements.txt && python -m pytest",
        markup=False,
    )


def _escape(text: str) -> str:
    """Keep rich from reading `[...]` in user text (paths, JSON) as markup."""
    from rich.markup import escape

    return escape(text)
