"""Log records without credentials: the span redactor's value scan, as a logging filter.

For programs whose libraries log URLs or errors that may carry credentials (httpx logs every
request's URL at INFO)::

    redact_logs("httpx", __name__)

URL userinfo, secret ``name=value`` pairs and auth headers are masked as in span metadata
(see ``frmk.utils.tracing.redact``); a record is never dropped.
"""

from __future__ import annotations

import logging

from frmk.utils.tracing.redact import redact_text


class RedactingFilter(logging.Filter):
    """A logging filter that masks credentials in a record's message and traceback (it never
    drops a record). A filter on a logger sees only the records logged on that logger itself,
    not those of its children: name each logger that needs it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact_text(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:  # what a handler would print
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True


def redact_logs(*names: str) -> None:
    """Add a ``RedactingFilter`` to each named logger (once; calling again changes nothing)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
