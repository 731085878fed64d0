"""Test a Bot Framework bot the way the Bot Framework Emulator talks to it.

``BotTestClient`` sends emulator-shaped activities and collects the replies through a local
channel stand-in; ``frmk.testing.services`` starts a generated project's services for end-to-end
runs. Names are loaded on first use so that importing this package does not import aiohttp.
"""

from __future__ import annotations

from frmk.utils.lazy_exports import lazy_getattr

_EXPORTS = {
    "BotTestClient": "frmk.testing.client",
    "PostResult": "frmk.testing.client",
    "reply_texts": "frmk.testing.client",
    "ChannelStandIn": "frmk.testing.channel",
    "EmulatorSession": "frmk.testing.activities",
    "BotTestError": "frmk.testing.errors",
    "BotUnreachableError": "frmk.testing.errors",
    "BotRejectedError": "frmk.testing.errors",
    "NoReplyError": "frmk.testing.errors",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS)
