"""``parse()``: the one way user code becomes an ``ast``, also for syntax newer than this Python.

The codemods decide everything on an ``ast`` scan, and ``ast`` only reads the grammar of the
running interpreter, while LibCST (which makes the edits) reads up to Python 3.14. When ``ast``
refuses a file that LibCST reads, the newer constructs are masked in place and ``ast`` reads the
masked copy. Every character a mask replaces becomes ASCII of the same UTF-8 length and every
line break stays, so each node outside the masks keeps its line and byte column::

    def first[T](xs: list[T]) -> T:      ->   def first   (xs: list[T]) -> T:
    type Pair[K, V] = tuple[K, V]        ->   Pair            = tuple[K, V]
    f"{d["k"]}: {n!r:>{w}}"              ->   (  d["k"],   n,    w, )

Type parameters carry nothing the codemods look at; an f-string or t-string that this Python
cannot read becomes the tuple of its expressions, so the calls in it stay visible. A line break
inside a masked head gets a ``\\`` continuation. What cannot be masked (``except A, B:``) raises
a SyntaxError saying which Python the file needs; code no grammar reads keeps ``ast``'s error.
"""

from __future__ import annotations

import ast
import sys


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse(source)``, reading syntax newer than this Python as described above."""
    tree = _parse(source, filename, "exec")
    assert isinstance(tree, ast.Module)
    return tree


def parse_expression(source: str) -> ast.expr:
    """The expression ``source`` (a string annotation), read like :func:`parse` reads a file."""
    tree = _parse(source, "<unknown>", "eval")
    assert isinstance(tree, ast.Expression)
    return tree.body


def _parse(source: str, filename: str, mode: str) -> ast.AST:
    try:
        return ast.parse(source, filename=filename, mode=mode)
    except SyntaxError as error:
        original = error
    from goalgen.codemods.syntax_mask import mask  # LibCST: loaded only for such files

    masked, features = mask(source)
    if not features:  # LibCST cannot read it either, or it holds nothing newer: ast is right
        raise original
    try:
        return ast.parse(masked, filename=filename, mode=mode)
    except SyntaxError as error:
        line = error.lineno or 0
        here = [f for f in features if f.first_line <= line <= f.last_line]
        if not here:  # a real mistake in a file that also uses newer syntax
            raise
        feature = max(here, key=lambda f: f.version)
        running = ".".join(map(str, sys.version_info[:3]))
        needed = ".".join(map(str, feature.version))
        message = (
            f"this file needs Python {needed}+ to read ({feature.name}); "
            f"goalgen runs on Python {running}"
        )
        raise SyntaxError(message, (filename, feature.first_line, None, None)) from None
