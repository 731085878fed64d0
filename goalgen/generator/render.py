"""Render the project templates for a goal spec into an in-memory list of files.

`goalgen/templates/project/` mirrors the generated layout: `<path>.j2` renders to `<path>`,
`dot.<name>.j2` to `.<name>`, and `__agent__.py.j2` once per agent (supervisor included) as
`<agent ident>.py`. Templates under `_partials/` are pieces other templates include; a
template that renders to nothing but whitespace does not apply to the spec and is skipped.
The spec's `domain_module` (read by the loader) is copied as it is to `workflow/domain`.
The runtime wheel the project installs from (`vendor/`, see `runtime_wheel`) is one more file.
Nothing touches the disk here, so a dry run and a real run see exactly the same files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from goalgen import __version__
from goalgen.generator.literals import py_docstring_text, py_literal, py_text
from goalgen.generator.runtime_wheel import build_runtime_wheel, runtime_metadata
from goalgen.spec.model import AgentSpec, DomainModule, GoalSpec

# Where the generated agents find a domain module's offline answers (spec `domain_module`).
LOCAL_REPLIES = "workflow.domain:offline_reply"
PER_AGENT_STEM = "__agent__"
# Hidden files are stored as `dot.<name>.j2`: packaging globs skip names starting with a dot.
DOT_PREFIX = "dot."
# Templates under `_partials/` are only rendered through {% include %}.
PARTIALS_DIR = "_partials"
EXECUTABLE_SUFFIXES = (".sh",)


@dataclass(frozen=True)
class RenderedFile:
    """One generated file: its path relative to the project root and its bytes."""

    path: PurePosixPath
    content: bytes
    executable: bool = False

    @property
    def size(self) -> int:
        return len(self.content)


def template_root() -> Path:
    """The folder holding the project templates (shipped as package data of `goalgen.templates`)."""
    return Path(str(resources.files("goalgen.templates"))) / "project"


def _environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["py"] = py_literal
    env.filters["pytext"] = py_text
    env.filters["doc"] = py_docstring_text
    return env


def agent_config(agent: AgentSpec, domain: DomainModule | None = None) -> dict[str, Any]:
    """The agent's entry from the spec as its module keeps it (`BaseAgent.config`); a domain
    module with offline answers adds `local_replies` to a worker's `llm_config` (read by the
    local LLM only)."""
    config: dict[str, Any] = {"kind": agent.kind, "max_loop": agent.max_loop}
    if agent.kind == "supervisor":
        config["policy"] = agent.policy
    else:
        config["tools"] = list(agent.tools)
    llm_config = dict(agent.llm_config)
    if agent.kind != "supervisor" and domain is not None and "offline_reply" in domain.hooks:
        llm_config["local_replies"] = LOCAL_REPLIES
    if llm_config:
        config["llm_config"] = llm_config
    return config


def render_project(spec: GoalSpec, root: Path | None = None) -> list[RenderedFile]:
    """Render every template for ``spec``; returns files sorted by path."""
    root = root or template_root()
    env = _environment(root)
    runtime = runtime_metadata()
    wheel_name, wheel = build_runtime_wheel(meta=runtime)
    base = {
        "spec": spec,
        "goalgen_version": __version__,
        "runtime": runtime,
        "runtime_wheel": f"vendor/{wheel_name}",
        "agent_config": lambda agent: agent_config(agent, spec.domain),
        "context_fields": {field.ident: field.description for field in spec.context_fields},
        "tool_env_vars": sorted({var for tool in spec.tools for var in tool.env_vars}),
        "domain_hooks": spec.domain.hooks if spec.domain else frozenset(),
    }
    rendered: list[RenderedFile | None] = []
    for template_path in sorted(root.rglob("*.j2")):
        relative = PurePosixPath(template_path.relative_to(root).as_posix())
        if relative.parts[0] == PARTIALS_DIR:
            continue
        template = env.get_template(relative.as_posix())
        target = relative.with_suffix("")  # drop .j2
        if target.name.startswith(DOT_PREFIX):  # dot.gitignore -> .gitignore
            target = target.with_name("." + target.name[len(DOT_PREFIX):])
        if target.stem == PER_AGENT_STEM:
            for agent in [spec.supervisor, *spec.agents]:
                path = target.with_name(f"{agent.ident}{target.suffix}")
                rendered.append(_file(path, template.render(**base, agent=agent)))
        else:
            rendered.append(_file(target, template.render(**base)))
    for path, text in spec.domain.files if spec.domain else ():
        rendered.append(_file(path, text))
    document = json.dumps(spec.document, indent=2, ensure_ascii=False) + "\n"
    rendered.append(_file(PurePosixPath("goal_spec.json"), document))
    rendered.append(RenderedFile(PurePosixPath("vendor", wheel_name), wheel))
    files = [item for item in rendered if item is not None]
    return sorted(files, key=lambda f: f.path.as_posix())


def _file(path: PurePosixPath, text: str) -> RenderedFile | None:
    """A rendered file, or None when the template rendered nothing (it does not apply)."""
    if not text.strip():
        return None
    return RenderedFile(path, text.encode("utf-8"), path.suffix in EXECUTABLE_SUFFIXES)
