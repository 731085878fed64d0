"""Guards for a Bot Framework bot served on aiohttp, with botbuilder or the Microsoft 365 Agents SDK.

botbuilder (``CloudAdapter`` from botbuilder.integration.aiohttp):

    adapter = CloudAdapter(GuardedAuthentication(config, local=not authenticated))
    try:
        await check_activity_request(request)                  # 400 / 413 / 415
        response = await adapter.process(request, bot)          # 401 / 403 from the guards
    except ActivityRefused as refused:
        ...answer refused.status with refused.reason

Agents SDK (``CloudAdapter`` from microsoft_agents.hosting.aiohttp):

    adapter = CloudAdapter(channel_service_client_factory=GuardedClientFactory(connections, local=...))
    await check_agents_activity_request(request)                # 400 / 413 / 415, 401 local token

``service_url_problem`` says which reply URLs are allowed. Names are loaded on first use, so a
project on one SDK never imports the other.
"""

from __future__ import annotations

from frmk.utils.lazy_exports import lazy_getattr

_EXPORTS = {
    "MAX_DEPTH": "frmk.bot.request_body",
    "ActivityRefused": "frmk.bot.errors",
    "LOCAL_MODE_TOKEN": "frmk.bot.errors",
    "service_url_problem": "frmk.bot.service_url",
    "check_activity_request": "frmk.bot.activity_request",
    "GuardedAuthentication": "frmk.bot.authentication",
    "ReplyConnectorFactory": "frmk.bot.authentication",
    "GuardedClientFactory": "frmk.bot.agents_sdk",
    "check_agents_activity_request": "frmk.bot.agents_sdk",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS)
