"""Named loggers' records, with real logging, carry no credentials."""

from __future__ import annotations

import logging

from frmk.utils.logs import redact_logs


def test_redacted_loggers_log_no_credentials(caplog):
    redact_logs("test_redact.client", "test_redact.client")  # twice: still one filter
    logger = logging.getLogger("test_redact.client")
    with caplog.at_level(logging.INFO):
        logger.info("HTTP Request: POST %s", "http://u:SECRET@h/p?token=SECRET2&page=2")
        try:
            raise ConnectionError("cannot reach http://u:SECRET@h/")
        except ConnectionError:
            logger.exception("failed")

    assert len(logger.filters) == 1
    assert "POST http://u:***@h/p?token=***&page=2" in caplog.text
    assert "ConnectionError: cannot reach http://u:***@h/" in caplog.text
    assert "SECRET" not in caplog.text
