"""The redactor's rules, case by case: secret keys, content keys, values scanned for credentials."""

from __future__ import annotations

import json

import pytest

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan
from frmk.utils.tracing.redact import MASK, redact_text, sanitize

SECRET_KEYS = [
    pytest.param("Authorization", id="authorization"),
    pytest.param("auth", id="auth"),
    pytest.param("X-Auth", id="x-auth"),
    pytest.param("authHeader", id="camel-auth"),
    pytest.param("bearer", id="bearer"),
    pytest.param("key", id="key"),
    pytest.param("x-api-key", id="x-api-key"),
    pytest.param("apiKey", id="camel-api-key"),
    pytest.param("OPENAI_API_KEY", id="env-api-key"),
    pytest.param("apikey", id="apikey"),
    pytest.param("access_key_id", id="access-key"),
    pytest.param("pwd", id="pwd"),
    pytest.param("db_pw", id="pw"),
    pytest.param("user_password", id="password"),
    pytest.param("passwd", id="passwd"),
    pytest.param("pass", id="pass"),
    pytest.param("client_secret", id="secret"),
    pytest.param("accessToken", id="token"),
    pytest.param("refresh_token", id="refresh-token"),
    pytest.param("session_cookie", id="cookie"),
    pytest.param("Set-Cookie", id="set-cookie"),
    pytest.param("credentials", id="credentials"),
    pytest.param("session-id", id="session-id"),
    pytest.param("private_key", id="private-key"),
    pytest.param("signature", id="signature"),
    pytest.param("sig", id="sig"),
]

PLAIN_KEYS = [
    pytest.param("author", id="author"),
    pytest.param("keyword", id="keyword"),
    pytest.param("monkey", id="monkey"),
    pytest.param("max_tokens", id="token-count"),
    pytest.param("prompt_tokens", id="prompt-token-count"),
    pytest.param("passenger_count", id="passenger"),
    pytest.param("compass", id="compass"),
    pytest.param("thread_id", id="thread-id"),
]


@pytest.mark.parametrize("key", SECRET_KEYS)
def test_secret_keys_are_masked_whatever_the_value(key):
    for value in ("s3cr3t", ["Bearer abc"], {"nested": "x"}, 12345):
        assert sanitize({key: value}, record_content=True) == {str(key): MASK}


@pytest.mark.parametrize("key", PLAIN_KEYS)
def test_plain_keys_are_kept(key):
    assert sanitize({key: "v"}, record_content=False) == {key: "v"}


CONTENT_KEYS = [
    pytest.param(key, id=key)
    for key in ("message", "text", "content", "prompt", "completion", "input", "output",
                "query", "question", "answer", "reply", "response", "body", "payload",
                "messages", "user_message", "userMessage", "search_query", "request_body")
]


@pytest.mark.parametrize("key", CONTENT_KEYS)
def test_content_keys_are_dropped_unless_recorded(key):
    assert sanitize({key: "my travel plans"}, False) == {key: "<15 chars, not recorded>"}
    assert sanitize({key: "my travel plans"}, True) == {key: "my travel plans"}


GENAI_NUMBERS = [
    pytest.param(key, id=key)
    for key in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
                "gen_ai.usage.cache_read.input_tokens", "gen_ai.request.max_tokens",
                "goalgen.gen_ai.time_to_first_token_ms")
]


@pytest.mark.parametrize("key", GENAI_NUMBERS)
def test_genai_token_counts_are_kept_as_numbers(key):
    assert sanitize({key: 1234}, record_content=False) == {key: 1234}


def test_genai_token_type_is_not_a_secret():
    assert sanitize({"gen_ai.token.type": "input"}, False) == {"gen_ai.token.type": "input"}


GENAI_CONTENT = [
    pytest.param(key, id=key)
    for key in ("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.prompt",
                "gen_ai.completion", "gen_ai.system_instructions", "gen_ai.tool.call.arguments",
                "gen_ai.tool.call.result")
]
MESSAGES = [{"role": "user", "parts": [{"type": "text", "content": "Authorization: Bearer "
                                        "eyJhbGciOi.eyJzdWIi.sig " + "x" * 2000}]}]


@pytest.mark.parametrize("key", GENAI_CONTENT)
def test_genai_content_is_recorded_only_when_asked(key):
    text = json.dumps(MESSAGES)
    assert sanitize({key: text}, False) == {key: f"<{len(text)} chars, not recorded>"}
    assert sanitize({key: MESSAGES}, False) == {key: "<1 items, not recorded>"}
    recorded = sanitize({key: text}, True)[key]
    assert recorded.startswith('[{"role": "user"') and "eyJ" not in recorded  # scanned
    assert len(recorded) < 1100 and recorded.endswith(" chars)")  # cut at 1024
    (message,) = sanitize({key: MESSAGES}, True)[key]
    part = message["parts"][0]["content"]
    assert part.startswith("Authorization: Bearer ***") and len(part) < 1100


CASES = [
    # Secrets nested in dicts, lists and (name, value) pairs.
    pytest.param({"headers": {"Authorization": "Bearer abc"}},
                 {"headers": {"Authorization": MASK}}, id="nested-dict"),
    pytest.param({"headers": [("Authorization", "Bearer abc"), ("Accept", "json")]},
                 {"headers": [["Authorization", MASK], ["Accept", "json"]]},
                 id="authorization-as-pair-list"),
    pytest.param({"Authorization": ["Bearer abc", "Basic eHl6OmFiYw=="]},
                 {"Authorization": MASK}, id="authorization-as-list"),
    pytest.param({"calls": [{"request": {"headers": {"x-api-key": "k"}}}]},
                 {"calls": [{"request": {"headers": {"x-api-key": MASK}}}]}, id="deep-in-list"),
    pytest.param({"a": {"b": {"c": {"d": {"e": {"f": {"g": {"password": "x"}}}}}}}},
                 {"a": {"b": {"c": {"d": {"e": {"f": {"g": "<1 items, too deep>"}}}}}}},
                 id="too-deep-is-not-repr"),
    # Content nested, or in lists, or not a string.
    pytest.param({"request": {"body": "hello", "size": 5}},
                 {"request": {"body": "<5 chars, not recorded>", "size": 5}}, id="nested-body"),
    pytest.param({"messages": [{"role": "user", "content": "hi"}]},
                 {"messages": "<1 items, not recorded>"}, id="message-list"),
    pytest.param({"history": [{"role": "user", "content": "hi"}]},
                 {"history": [{"role": "user", "content": "<2 chars, not recorded>"}]},
                 id="content-in-list"),
    pytest.param({"input": {"question": "why?"}}, {"input": "<1 items, not recorded>"},
                 id="content-dict"),
    pytest.param({"pairs": [("query", "cheap flights")]},
                 {"pairs": [["query", "<13 chars, not recorded>"]]}, id="content-as-pair"),
    pytest.param({"output": 3, "input": None}, {"output": 3, "input": None},
                 id="content-numbers-kept"),
    # Credentials inside values.
    pytest.param({"dsn": "postgresql://u:pw@h/db"}, {"dsn": "postgresql://u:***@h/db"},
                 id="dsn-userinfo"),
    pytest.param({"url": "https://u:pw@h"}, {"url": "https://u:***@h"}, id="url-userinfo"),
    pytest.param({"url": "https://ghp_abc123@github.com/x.git"},
                 {"url": "https://***@github.com/x.git"}, id="url-user-only"),
    pytest.param({"url": "https://h/p?token=abc&api_key=def&page=2"},
                 {"url": "https://h/p?token=***&api_key=***&page=2"}, id="query-params"),
    pytest.param({"url": "https://h/b?sv=2024&sig=abc%2Fdef"},
                 {"url": "https://h/b?sv=2024&sig=***"}, id="sas-signature"),
    pytest.param({"conn": "host=h user=u password=pw dbname=d"},
                 {"conn": "host=h user=u password=*** dbname=d"}, id="libpq-dsn"),
    pytest.param({"conn": "Server=h;Database=d;Password=pw;"},
                 {"conn": "Server=h;Database=d;Password=***;"}, id="odbc-connection-string"),
    pytest.param({"obj": "Settings(api_key='sk-1', model='m')"},
                 {"obj": "Settings(api_key='***', model='m')"}, id="repr-keyword"),
    pytest.param({"raw": '{"password": "pw", "user": "u"}'},
                 {"raw": '{"password": "***", "user": "u"}'}, id="json-text"),
    pytest.param({"line": "Authorization: Bearer eyJhbGci.eyJzdWIi.sig"},
                 {"line": "Authorization: Bearer ***"}, id="bearer-in-text"),
    pytest.param({"hdr": "Basic dXNlcjpTRUNSRVQ="}, {"hdr": "Basic ***"}, id="basic-in-text"),
    pytest.param({"urls": ["http://a:b@h1", {"next": "http://c:d@h2"}]},
                 {"urls": ["http://a:***@h1", {"next": "http://c:***@h2"}]},
                 id="urls-in-containers"),
    # Ordinary values stay as they are.
    pytest.param({7: "v"}, {"7": "v"}, id="non-str-key-as-text"),
    pytest.param({"plan": "Basic plan", "path": "/api/v1/message", "x": "a=b", "email": "a@b.c"},
                 {"plan": "Basic plan", "path": "/api/v1/message", "x": "a=b", "email": "a@b.c"},
                 id="ordinary-text-kept"),
    pytest.param({"url": "http://127.0.0.1:8000/api/v1/message?page=2"},
                 {"url": "http://127.0.0.1:8000/api/v1/message?page=2"}, id="clean-url-kept"),
]


@pytest.mark.parametrize(("metadata", "expected"), CASES)
def test_sanitize(metadata, expected):
    assert sanitize(metadata, record_content=False) == expected


def test_recorded_content_is_still_scanned():
    text = "use https://u:pw@h please"
    assert sanitize({"message": text}, record_content=True) == {
        "message": "use https://u:***@h please"
    }


def test_a_long_value_is_scanned_before_it_is_cut():
    value = "x" * 1020 + " https://u:SECRETSECRET@h"
    assert "SECRET" not in json.dumps(sanitize({"v": value}, False))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Client error '401' for url 'http://u:SECRET@h/x'",
                     "Client error '401' for url 'http://u:***@h/x'", id="url"),
        pytest.param("no credentials here", "no credentials here", id="unchanged"),
    ],
)
def test_redact_text(text, expected):
    assert redact_text(text) == expected


def test_span_file_carries_no_credentials(tmp_path):
    out = tmp_path / "spans.jsonl"
    tracing.configure(output=str(out))
    try:
        with pytest.raises(ConnectionError):
            with TraceSpan("x", url="http://u:SECRET@h/?token=SECRET2", query="SECRET3"):
                raise ConnectionError("cannot reach http://u:SECRET@h/")
        tracing.flush()
    finally:
        tracing.configure(output="none")
    text = out.read_text()
    assert json.loads(text)["error"]["message"] == "cannot reach http://u:***@h/"
    assert "SECRET" not in text

