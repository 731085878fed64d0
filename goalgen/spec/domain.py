"""Read the Python a spec's ``domain_module`` names: the project's own domain knowledge.

``domain_module`` is a path, relative to the spec file, to a ``.py`` file or a package folder.
The generator copies it into the generated project as ``workflow/domain.py`` (a file) or
``workflow/domain/`` (a package, its ``.py`` files only), and the generated code uses the hooks
it defines at its top level (see :data:`HOOKS`). The code is parsed here, never run: a
missing file, invalid Python or a module without any hook is a spec error naming the file.
"""

from __future__ import annotations

import ast
from pathlib import Path, PurePosixPath

from goalgen.spec.model import DomainModule, Issue

# What generated code takes from a domain module, when the module defines it.
HOOKS = ("extract_context", "offline_reply", "ROUTING_CONCEPTS", "CONTEXT_EXAMPLES")
FIELD = "domain_module"


def read_domain_module(value: str, base: Path) -> tuple[DomainModule | None, list[Issue]]:
    """The domain module ``value`` names (relative to ``base``), or None and the problems."""
    path = (base / value).resolve()
    if path.is_dir():
        entry = path / "__init__.py"
        if not entry.is_file():
            return None, [Issue(FIELD, f"{value!r} is a folder without __init__.py ({path})")]
        sources = sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
        target = PurePosixPath("workflow/domain")
        files = [(target / p.relative_to(path).as_posix(), p) for p in sources]
    elif path.is_file() and path.suffix == ".py":
        entry = path
        files = [(PurePosixPath("workflow/domain.py"), path)]
    else:
        return None, [Issue(FIELD, f"no Python file or package {value!r} next to the spec "
                                   f"({path})")]
    texts: list[tuple[PurePosixPath, str]] = []
    for target_path, source in files:
        try:
            text = source.read_text(encoding="utf-8")
            tree = ast.parse(text, filename=str(source))
        except (OSError, UnicodeDecodeError) as exc:
            return None, [Issue(FIELD, f"cannot read {source}: {exc}")]
        except SyntaxError as exc:
            return None, [Issue(FIELD, f"{source} line {exc.lineno}: invalid Python: {exc.msg}")]
        if source == entry:
            hooks = frozenset(_top_level_names(tree)) & set(HOOKS)
        texts.append((target_path, text))
    if not hooks:
        return None, [Issue(FIELD, f"{entry} defines none of {', '.join(HOOKS)}")]
    return DomainModule(value, tuple(texts), hooks), []


def _top_level_names(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level: functions, classes, assignments, imports."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names
