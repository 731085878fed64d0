"""Generic reading of context fields from a user message, for any domain.

A generated supervisor fills its spec's context fields with what a message states; without a
domain module of its own it uses :func:`extract_fields`, which knows no domain words, only
three generic shapes:

- a field's name followed by ``:``, ``=``, ``is`` or ``are`` and a value:
  ``employee id: 4821``, ``device is a ThinkPad X1``, ``priority=high``;
- an identifier after the first word of an ``*_id`` / ``*_number`` field: ``ticket INC-4821``,
  ``order #1234``;
- ISO dates (``2026-12-20``) for fields whose name holds ``date``, in text order.

Deterministic, and linear in the text: every pattern is one left-to-right pass with values of
bounded length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["extract_fields"]

_MAX_VALUE = 120  # characters a labelled value may run to
_VALUE_END = r"(?=\s*(?:[;,\n!?]|\.(?:\s|$)|$))"
_ID_SUFFIXES = ("_id", "_number", "_no", "_ref")
_ISO_DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_ARTICLES = ("a ", "an ", "the ", "my ", "our ")


def extract_fields(text: str, fields: Iterable[str]) -> dict[str, str]:
    """The values ``text`` gives for ``fields`` (field names), in field order; the first
    mention of a field wins. Fields the text does not mention are left out."""
    names = [name for name in dict.fromkeys(fields) if name]
    found: dict[str, str] = {}
    labelled = _labelled_values(text, names)
    for name in names:
        value = labelled.get(name) or _identifier(text, name)
        if value:
            found[name] = value
    dates = iter(m.group(0) for m in _ISO_DATE_RE.finditer(text))
    for name in names:
        if "date" in name.lower() and name not in found:
            date = next(dates, None)
            if date is None:
                break
            found[name] = date
    return {name: found[name] for name in names if name in found}


def _labels(name: str) -> list[str]:
    """How a text may spell a field name: ``ticket_id`` as ticket_id, ticket id, ticket-id."""
    words = [w for w in re.split(r"[_\s-]+", name.strip()) if w]
    return list(dict.fromkeys([name, " ".join(words), "-".join(words), "_".join(words)]))


def _labelled_values(text: str, names: list[str]) -> dict[str, str]:
    by_label = {label.lower(): name for name in names for label in _labels(name)}
    if not by_label:
        return {}
    alternatives = "|".join(re.escape(label) for label in sorted(by_label, key=len, reverse=True))
    pattern = re.compile(
        rf"(?<![\w-])({alternatives})\s*(?::|=|\bis\b|\bare\b)\s*([^\n;,]{{1,{_MAX_VALUE}}}?)"
        + _VALUE_END,
        re.IGNORECASE,
    )
    values: dict[str, str] = {}
    for match in pattern.finditer(text):
        value = match.group(2).strip().strip("\"'")
        for article in _ARTICLES:
            if value.lower().startswith(article) and len(value) > len(article):
                value = value[len(article):]
                break
        values.setdefault(by_label[match.group(1).lower()], value)
    return values


def _identifier(text: str, name: str) -> str | None:
    """``ticket INC-4821`` for a field ``ticket_id``: a token with a digit after its first word."""
    lowered = name.lower()
    if not lowered.endswith(_ID_SUFFIXES):
        return None
    stem = re.split(r"[_\s-]+", lowered)[0]
    if not stem or stem in ("id", "number", "no", "ref"):
        return None
    match = re.search(
        rf"(?<![\w-]){re.escape(stem)}s?\s+(?:(?:id|number|no\.?|ref)\s*)?[:#]?\s*"
        r"([A-Za-z]{0,10}-?\d[\w-]{0,40})",
        text,
        re.IGNORECASE,
    )
    return match.group(1) if match else None
