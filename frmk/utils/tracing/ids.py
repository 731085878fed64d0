"""W3C-sized random ids: 32 lowercase hex for a trace, 16 for a span.

A private ``random.Random`` seeded from the OS is several times cheaper than ``os.urandom`` per
id and is reseeded in a forked child so two processes never share a sequence.
"""

from __future__ import annotations

import os
import random

_rng = random.Random(os.urandom(16))
_bits = _rng.getrandbits


def _reseed() -> None:
    _rng.seed(os.urandom(16))


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reseed)


def new_trace_id() -> str:
    """A non-zero 128-bit id as 32 lowercase hex digits."""
    return "%032x" % (_bits(128) or 1)


def new_span_id() -> str:
    """A non-zero 64-bit id as 16 lowercase hex digits."""
    return "%016x" % (_bits(64) or 1)


def sample(rate: float) -> bool:
    """True with probability ``rate`` (decided once per trace, at its root)."""
    return rate >= 1.0 or (rate > 0.0 and _rng.random() < rate)
