"""Guards for a Bot Framework bot served with botbuilder's aiohttp ``CloudAdapter``.

    from frmk.bot import ActivityRefused, GuardedAuthentication, check_activity_request

    adapter = CloudAdapter(GuardedAuthentication(config, local=not authenticated))
    try:
        await check_activity_request(request)                  # 400 / 413 / 415
        response = await adapter.process(request, bot)          # 401 / 403 from the guards
    except ActivityRefused as refused:
        ...answer refused.status with refused.reason

``service_url_problem`` says which reply URLs are allowed; replies never follow redirects.
"""

from frmk.bot.activity_request import MAX_DEPTH, check_activity_request
from frmk.bot.authentication import GuardedAuthentication, ReplyConnectorFactory
from frmk.bot.errors import ActivityRefused
from frmk.bot.service_url import service_url_problem

__all__ = [
    "MAX_DEPTH",
    "ActivityRefused",
    "GuardedAuthentication",
    "ReplyConnectorFactory",
    "check_activity_request",
    "service_url_problem",
]
