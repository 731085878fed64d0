"""Pick one option (an agent name) for a request: the supervisor's routing decision.

With the local LLM the choice is a deterministic keyword score between the request and each
option's name and description: words are stemmed, and words a concept table lists under one
concept count as that concept. The built-in table knows no domain; ``concepts`` adds one's
(``{"network": ("vpn", "wifi", ...)}``). With a real LLM, the model is asked for exactly one option name;
its answer is parsed leniently (quotes, case, extra words) and the keyword score decides when the
answer names no option or the call fails.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from frmk.llm.local import LocalLLM

__all__ = ["Concepts", "choose", "keyword_scores", "parse_choice", "routing_messages"]

log = logging.getLogger(__name__)

# Words that mean the same thing for routing, for any domain; a project adds its own domain's
# words with ``concepts=`` (the generated supervisor passes its domain module's table).
_CONCEPTS = {
    "evaluate": ("evaluate", "evaluation", "review", "check", "verify", "assess", "quality"),
}
Concepts = Mapping[str, Iterable[str]]
_STOPWORDS = frozenset(
    "a an the and or but to of in on at for with from by about into is are was be been i me my "
    "we our us you your it its this that these those please can could would should will shall "
    "need want like help find get search look looking some any what which how when where who "
    "does did there here just also agent agents assistant tool tools using use between".split()
)
_NAME_WEIGHT = 2.0


def keyword_scores(
    request: str, options: Mapping[str, str], concepts: Concepts | None = None
) -> dict[str, float]:
    """Score each option by the request's concepts found in its name (x2) and description.

    A concept shared by several options counts less (1/number of options having it), so words
    like "search" that every description uses do not decide anything. ``concepts`` (concept ->
    words) extends the built-in table.
    """
    canonical = _canonical(concepts)
    wanted = set(_concepts(request, canonical))
    by_option = {
        name: (set(_concepts(name, canonical)), set(_concepts(description or "", canonical)))
        for name, description in options.items()
    }
    frequency: dict[str, int] = {}
    for name_concepts, text_concepts in by_option.values():
        for concept in name_concepts | text_concepts:
            frequency[concept] = frequency.get(concept, 0) + 1
    scores: dict[str, float] = {}
    for option, (name_concepts, text_concepts) in by_option.items():
        score = 0.0
        for concept in wanted:
            weight = _NAME_WEIGHT if concept in name_concepts else 1.0
            if concept in name_concepts or concept in text_concepts:
                score += weight / frequency[concept]
        scores[option] = score
    return scores


def routing_messages(request: str, options: Mapping[str, str]) -> list[dict[str, str]]:
    """The prompt asking a real LLM for exactly one option name."""
    listing = "\n".join(f"- {name}: {desc or name}" for name, desc in options.items())
    system = (
        "You route a user's request to exactly one of these options:\n"
        f"{listing}\n"
        "Answer with the option name only, exactly as written, and nothing else."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": request}]


def parse_choice(answer: str, options: Mapping[str, str]) -> str | None:
    """The option an LLM's answer names, or None; tolerant of quotes, case and extra words."""
    cleaned = answer.strip().strip("`'\"*.:;!- \n").strip()
    if cleaned in options:
        return cleaned
    folded = {_fold(name): name for name in options}
    if _fold(cleaned) in folded:
        return folded[_fold(cleaned)]
    text = answer.lower()
    mentions: list[tuple[int, int, str]] = []
    for key, name in folded.items():
        words = r"[\s_-]+".join(re.escape(part) for part in key.split("_") if part)
        match = re.search(rf"(?<![a-z0-9_]){words}(?![a-z0-9_])", text)
        if match:
            mentions.append((match.start(), -len(key), name))
    return min(mentions)[2] if mentions else None


async def choose(
    llm: Any,
    request: str,
    options: Mapping[str, str],
    *,
    default: str | None = None,
    concepts: Concepts | None = None,
) -> str:
    """Return one key of ``options`` (name -> description) that should handle ``request``.

    ``default`` (else the first option) wins when nothing in the request matches any option;
    ``concepts`` adds a domain's synonyms to the keyword scoring (see :func:`keyword_scores`).
    """
    if not options:
        raise ValueError("choose() needs at least one option")
    names = list(options)
    if default is not None and default not in options:
        raise ValueError(f"default {default!r} is not one of the options: {', '.join(names)}")
    if len(names) == 1:
        return names[0]
    if llm is not None and not isinstance(llm, LocalLLM):
        try:
            answer = await llm.complete(routing_messages(request, options))
        except Exception as exc:  # a routing call must not take the conversation down
            log.warning("routing LLM call failed (%s: %s); using keyword routing",
                        type(exc).__name__, exc)
        else:
            picked = parse_choice(str(answer), options)
            if picked is not None:
                return picked
            log.info("routing answer %r names no option; using keyword routing", answer)
    scores = keyword_scores(request, options, concepts)
    best = max(scores.values())
    if best <= 0:
        return default if default is not None else names[0]
    return next(name for name in names if scores[name] == best)


def _canonical(concepts: Concepts | None) -> dict[str, str]:
    """Word -> concept for the built-in table and ``concepts`` (whose words win)."""
    table = {word: concept for concept, words in _CONCEPTS.items() for word in words}
    for concept, words in (concepts or {}).items():
        table[concept.lower()] = concept.lower()
        table.update((word.lower(), concept.lower()) for word in words)
    return table


def _concepts(text: str, canonical: Mapping[str, str]) -> list[str]:
    result = []
    for word in re.findall(r"[a-z0-9][a-z0-9-]*", text.lower().replace("_", " ")):
        if word in _STOPWORDS or len(word) < 2:
            continue
        stem = _stem(word)
        result.append(canonical.get(word) or canonical.get(stem) or stem)
    return result


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _fold(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())
