"""Which ``serviceUrl`` a bot may send its replies to.

A bot replies by POSTing to the activity's ``serviceUrl``, so in local mode (no app id, anyone on
the machine may post activities) a URL off the machine would make the bot a relay. botbuilder
hands the URL to msrest, which joins it with ``urllib.parse`` and sends it with requests, which
reads the host with ``urllib3.util.parse_url``. The two parsers disagree on some strings
(``http://127.0.0.2:9\\@127.0.0.1/``: urllib reads 127.0.0.1, urllib3 connects to 127.0.0.2), so
only URLs both read the same way pass: printable URL characters only (no backslash, space,
control, non-ASCII or ``{}``, which msrest would ``str.format``), no user info, an http or https
scheme, and the same scheme, host and port under both parsers.
"""

from __future__ import annotations

import ipaddress
import string
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

# RFC 3986 unreserved, reserved and "%": anything else is read differently by some parser.
URL_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
MAX_LENGTH = 2048


def service_url_problem(url: object, *, local: bool) -> str | None:
    """Why replies may not go to ``url``, or None when they may.

    Every mode needs a URL both parsers read alike; ``local`` mode also needs a loopback host
    (``localhost`` or a loopback address literal), the Bot Framework Emulator's case.
    """
    if not isinstance(url, str) or not url:
        return "the activity has no serviceUrl"
    if len(url) > MAX_LENGTH:
        return f"the serviceUrl is longer than {MAX_LENGTH} characters"
    odd = next((char for char in url if char not in URL_CHARACTERS), None)
    if odd is not None:
        return f"the serviceUrl has a character URLs may not carry: {odd!r}"
    try:
        split = urlsplit(url)
        split_port = split.port
        parsed = parse_url(url)
    except (ValueError, LocationParseError):
        return "the serviceUrl is not a URL with a valid host and port"
    if split.scheme not in ("http", "https") or not split.hostname:
        return "the serviceUrl is not an http or https URL with a host"
    if "@" in split.netloc:
        return "the serviceUrl may not carry user info (user@host)"
    host = (parsed.host or "").lower().removeprefix("[").removesuffix("]")
    if (parsed.scheme, host, parsed.port) != (split.scheme, split.hostname, split_port):
        return "the serviceUrl names a different host to different URL parsers"
    if local and not _is_loopback(host):
        return "local mode only replies to a loopback serviceUrl"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
