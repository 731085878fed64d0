"""Split a module's text at top-level statements so LibCST parses only the parts that change.

LibCST's parse and code generation dominate a rewrite, and a file usually has a few targets in
a few top-level statements. Each chunk is the text from one top-level statement's first line
(its first decorator) up to the next one's; any such slice is a valid module by itself, so it
parses alone, and joining the slices gives back the file byte for byte. The first chunk also
holds the header comments and the leading docstring and import block, where imports go.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst

from goalgen.codemods.lines import split_lines
from goalgen.codemods.scan import body_without_docstring


@dataclass
class Chunk:
    first_root: int  # index of its first top-level statement
    end_root: int  # one past its last
    text: str


def is_docstring(stmt: cst.BaseStatement) -> bool:
    """The LibCST twin of ``scan.body_without_docstring``'s test: a line holding one string
    literal (not bytes, not an f-string)."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return False
    expr = stmt.body[0]
    return (
        isinstance(expr, cst.Expr)
        and isinstance(expr.value, cst.SimpleString | cst.ConcatenatedString)
        and isinstance(expr.value.evaluated_value, str)
    )


def top_block_end(tree: ast.Module) -> int:
    """Index of the first top-level statement after the docstring and leading imports."""
    body = tree.body
    i = len(body) - len(body_without_docstring(body))
    while i < len(body) and isinstance(body[i], ast.Import | ast.ImportFrom):
        i += 1
    return i


def split_chunks(source: str, tree: ast.Module) -> list[Chunk]:
    """Chunks of ``source`` (parsed as ``tree``); the leading import block stays in chunk 0."""
    body = tree.body
    if not body:
        return [Chunk(0, 0, source)]
    keep_with_first = top_block_end(tree)
    starts: list[tuple[int, int]] = []  # (first line, first root)
    last_end = 0
    for root, stmt in enumerate(body):
        decorators = getattr(stmt, "decorator_list", None) or []
        line = min([stmt.lineno, *(d.lineno for d in decorators)])
        if root == 0:
            starts.append((1, 0))
        elif line > last_end and root >= keep_with_first:  # not `a; b` on one line
            starts.append((line, root))
        last_end = max(last_end, stmt.end_lineno or stmt.lineno)
    lines = split_lines(source)
    chunks = []
    for k, (line, root) in enumerate(starts):
        next_line, next_root = starts[k + 1] if k + 1 < len(starts) else (len(lines) + 1, len(body))
        chunks.append(Chunk(root, next_root, "".join(lines[line - 1 : next_line - 1])))
    return chunks


def chunk_text(module: cst.Module) -> str:
    """A chunk's new code; "" when everything in it was removed (LibCST would print a newline)."""
    return module.code if module.header or module.body or module.footer else ""
