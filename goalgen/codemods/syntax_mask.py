"""The LibCST side of :mod:`goalgen.codemods.syntax`: a same-layout copy of a file with the syntax this
Python cannot read blanked out, so ``ast`` reads the rest at the same lines and columns.

Imported only when ``ast`` fails on a file (LibCST costs ~0.2 s to import and about a
millisecond a line to parse with positions).
"""

from __future__ import annotations

import ast
import functools
import re
import warnings
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

_LINE_START = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Feature:
    """A construct this Python may not read: where it is, the Python that added it, its name."""

    first_line: int
    last_line: int
    version: tuple[int, int]
    name: str


@functools.lru_cache(maxsize=8)
def mask(source: str) -> tuple[str, tuple[Feature, ...]]:
    """The masked copy of ``source`` and the newer constructs in it (none when LibCST cannot
    read it). Cached: a run reads each file several times (index, syntax check, scan), and
    LibCST with positions costs about a millisecond a line."""
    try:
        module = cst.parse_module(source)
    except Exception:  # noqa: BLE001 - any failure means LibCST cannot read it
        return source, ()
    masker = _Masker(source)
    MetadataWrapper(module, unsafe_skip_copy=True).visit(masker)
    return masker.masked(), tuple(masker.features)


def _blank(text: str, continued: bool) -> str:
    """``text`` as spaces of the same UTF-8 length, line breaks kept (after a ``\\`` when
    ``continued``, so a statement head goes on across them)."""
    out: list[str] = []
    for char in text:
        if char not in "\r\n":
            out.append(" " * len(char.encode("utf-8", "surrogatepass")))
            continue
        if continued and not (char == "\n" and out and out[-1] == "\r"):
            if out and out[-1] not in "\r\n":
                out[-1] = "\\" + out[-1][1:]  # in place of a blank: the line keeps its length
            else:
                out.append("\\")  # an empty line: nothing on it moves
        out.append(char)
    return "".join(out)


class _Masker(cst.CSTVisitor):
    """Collects the masks for one module and the newer constructs it holds."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        self.line_starts = [0] + [m.end() for m in _LINE_START.finditer(source)]
        self.features: list[Feature] = []
        self.edits: list[tuple[int, int, str]] = []  # (start, end, replacement), offsets in str

    def masked(self) -> str:
        parts, at = [], 0
        for start, end, text in sorted(self.edits):
            parts += [self.source[at:start], text]
            at = end
        parts.append(self.source[at:])
        return "".join(parts)

    def _span(self, node: cst.CSTNode) -> tuple[int, int]:
        where = self.get_metadata(PositionProvider, node)
        start = self.line_starts[where.start.line - 1] + where.start.column
        return start, self.line_starts[where.end.line - 1] + where.end.column

    def _note(self, node: cst.CSTNode, version: tuple[int, int], name: str) -> None:
        where = self.get_metadata(PositionProvider, node)
        self.features.append(Feature(where.start.line, where.end.line, version, name))

    def visit_TypeParameters(self, node: cst.TypeParameters) -> bool:
        self._note(node, (3, 12), "type parameters")
        if any(param.default is not None for param in node.params):
            self._note(node, (3, 13), "type parameter defaults")
        start, end = self._span(node)
        self.edits.append((start, end, _blank(self.source[start:end], continued=True)))
        return False

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        """``type X[T] = v`` -> ``X`` where ``type`` began, then blanks, then ``= v``."""
        self._note(node, (3, 12), "type statement")
        start, _ = self._span(node)
        _, name_end = self._span(node.name)
        name = node.name.value
        blanked = _blank(self.source[start:name_end], continued=True)
        size = len(name.encode("utf-8"))
        if blanked[:size] == " " * size:  # else the name does not fit: ``ast`` stops here
            self.edits.append((start, name_end, name + blanked[size:]))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if isinstance(node.type, cst.Tuple) and not node.type.lpar:
            self._note(node, (3, 14), "except without parentheses")

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._note(node, (3, 11), "except*")
        if isinstance(node.type, cst.Tuple) and not node.type.lpar:
            self._note(node, (3, 14), "except without parentheses")

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        return self._string(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        return self._string(node)

    def visit_TemplatedString(self, node: cst.TemplatedString) -> bool:
        return self._string(node)

    def _string(self, node: cst.BaseExpression) -> bool:
        """Mask a string this Python cannot read as the tuple of its expressions, each kept in
        place with a comma after it; then look inside those expressions for more."""
        start, end = self._span(node)
        if _reads(self.source[start:end]):
            return False
        template = any(isinstance(s, cst.TemplatedString) for s in _strings(node))
        self._note(node, (3, 14) if template else (3, 12), "t-string" if template else "f-string")
        at = start + 1
        self.edits.append((start, at, "("))
        expressions = [e for s in _strings(node) for e in _expressions(getattr(s, "parts", ()))]
        for expression in expressions:
            expr_start, expr_end = self._span(expression)
            comma = _first_inline(self.source, expr_end)
            self.edits.append((at, expr_start, _blank(self.source[at:expr_start], False)))
            blanked = _blank(self.source[expr_end : comma + 1], False)
            self.edits.append((expr_end, comma + 1, blanked[:-1] + ","))
            at = comma + 1
            expression.visit(self)
        self.edits.append((at, end, _blank(self.source[at : end - 1], False) + ")"))
        return False


def _strings(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The strings a (possibly concatenated) string is made of, in order."""
    if isinstance(node, cst.ConcatenatedString):
        return [*_strings(node.left), *_strings(node.right)]
    return [node]


def _expressions(parts) -> list[cst.BaseExpression]:
    """The expressions of an f-string's or t-string's fields, format specs included, in order."""
    found: list[cst.BaseExpression] = []
    for part in parts:
        if isinstance(part, cst.FormattedStringExpression | cst.TemplatedStringExpression):
            found.append(part.expression)
            found += _expressions(part.format_spec or ())
    return found


def _first_inline(source: str, at: int) -> int:
    """Index of the first character at or after ``at`` that is not a line break."""
    while source[at] in "\r\n":
        at += 1
    return at


def _reads(text: str) -> bool:
    """Whether this Python reads the string expression ``text`` as it is."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(f"({text})", mode="eval")
        except SyntaxError:
            return False
    return True
