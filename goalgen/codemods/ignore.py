"""``# goalgen: ignore``: the opt-out a person writes next to the code, honoured by every kind.

- on a ``def`` or ``class`` line (or a decorator line of it), or as a comment line of its own
  directly above the ``def``/``class`` or its first decorator: nothing in it is traced (for a
  class: none of its methods), and no call inside it is touched;
- at the end of a line holding a call (or of the first line of its statement), or as a comment
  line directly above that statement: the call is not touched (client arguments, a mapper call
  wrapped in a span, the app's middleware);
- as a comment line of its own before the first statement of a file (among its header
  comments): nothing in the file is touched.

Each such target is reported as skipped, with the reason :data:`REASON`. ``--remove`` still
takes the tool's marked edits out of ignored code: the marker is the tool's, not the person's.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

REASON = "goalgen: ignore"
_COMMENT = re.compile(r"#\s*goalgen:\s*ignore(?=\s|$)")


@dataclass
class Ignores:
    """Where a module's ``# goalgen: ignore`` comments are (1-based lines)."""

    lines: set[int] = field(default_factory=set)  # lines ending with the comment
    own: set[int] = field(default_factory=set)  # of those, lines holding only the comment
    file: bool = False  # one stands before the first statement

    def covers_definition(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    ) -> bool:
        """Does a comment on its decorator/``def`` lines, or one directly above, opt it out?"""
        if not self.lines:
            return False
        top = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        return top - 1 in self.own or any(top <= n <= node.lineno for n in self.lines)

    def covers_call(self, call: ast.Call, stmt: ast.stmt) -> bool:
        """Does a comment on the call's lines, its statement's first line or the line above the
        statement opt the call out?"""
        if not self.lines:
            return False
        end = call.end_lineno or call.lineno
        return (
            stmt.lineno in self.lines
            or stmt.lineno - 1 in self.own
            or any(call.lineno <= n <= end for n in self.lines)
        )


def find_ignores(code: str, tree: ast.Module) -> Ignores:
    """The ``# goalgen: ignore`` comments of ``code`` (parsed as ``tree``); cheap when none.

    Comments are found with ``tokenize``, so the words inside a string do not count.
    """
    found = Ignores()
    if not _COMMENT.search(code):
        return found
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.COMMENT and _COMMENT.search(tok.string):
                line = tok.start[0]
                found.lines.add(line)
                if not tok.line[: tok.start[1]].strip():
                    found.own.add(line)
    except (tokenize.TokenError, SyntaxError):  # ast parsed it: tokenize disagreeing is rare
        return Ignores()
    if tree.body:
        first = tree.body[0]
        top = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", ()))])
        found.file = any(line < top for line in found.own)
    else:
        found.file = bool(found.own)
    return found
