"""frmk.bot.service_url: which serviceUrls a bot's replies may go to, in local and app-id mode."""

import pytest

from frmk.bot.service_url import service_url_problem

EVERY_MODE = [
    pytest.param("http://localhost:5000", id="localhost"),
    pytest.param("HTTP://LOCALHOST:5000/", id="upper case"),
    pytest.param("http://127.0.0.1:5000/", id="ipv4 loopback"),
    pytest.param("https://127.0.0.1:5000/base/", id="https with a path"),
    pytest.param("http://[::1]:5000", id="ipv6 loopback"),
    pytest.param("http://127.0.0.1:5000/?q=1#frag", id="query and fragment"),
]

LOCAL_REFUSED = [
    pytest.param("https://smba.trafficmanager.net/amer/", id="the teams connector"),
    pytest.param("http://10.0.0.5", id="private address"),
    pytest.param("http://127.1/", id="short ipv4 form"),
    pytest.param("http://localhost.attacker.example/", id="localhost as a label"),
]

EVERY_MODE_REFUSED = [
    pytest.param(None, "no serviceUrl", id="missing"),
    pytest.param(5, "no serviceUrl", id="not a string"),
    pytest.param("", "no serviceUrl", id="empty"),
    pytest.param("http://127.0.0.1/" + "a" * 2048, "longer than", id="too long"),
    pytest.param("http://127.0.0.2:9999\\@127.0.0.1:1", "'\\\\'", id="backslash"),
    pytest.param("http://attacker.example\\@127.0.0.1/", "'\\\\'", id="backslash remote"),
    pytest.param("http://127.0.0.1\t.x/", "'\\t'", id="tab"),
    pytest.param("http://127.0.0.2\r\n@127.0.0.1/", "'\\r'", id="line break"),
    pytest.param(" http://127.0.0.1/", "' '", id="space"),
    pytest.param("http://127.0.0.2\uff0f@127.0.0.1/", "'\uff0f'", id="non-ascii"),
    pytest.param("http://127.0.0.1:1/{0}", "'{'", id="braces"),
    pytest.param("http://user@127.0.0.1/", "user info", id="user info"),
    pytest.param("http://127.0.0.2:1@127.0.0.1/", "user info", id="host in user info"),
    pytest.param("http://%31%32%37.0.0.1/", "different host", id="percent-encoded host"),
    pytest.param("ftp://127.0.0.1/", "http or https", id="other scheme"),
    pytest.param("//127.0.0.1/", "http or https", id="no scheme"),
    pytest.param("http:/127.0.0.1/", "http or https", id="no authority"),
    pytest.param("http://127.0.0.1:99999/", "valid host and port", id="port out of range"),
    pytest.param("http://127.0.0.1:5%2f/", "valid host and port", id="encoded port"),
]


@pytest.mark.parametrize("url", EVERY_MODE)
@pytest.mark.parametrize("local", [True, False], ids=["local", "app id"])
def test_allowed(url: str, local: bool) -> None:
    assert service_url_problem(url, local=local) is None


@pytest.mark.parametrize("url", LOCAL_REFUSED)
def test_refused_in_local_mode_only(url: str) -> None:
    assert service_url_problem(url, local=True) == (
        "local mode only replies to a loopback serviceUrl"
    )
    assert service_url_problem(url, local=False) is None


@pytest.mark.parametrize(("url", "reason"), EVERY_MODE_REFUSED)
@pytest.mark.parametrize("local", [True, False], ids=["local", "app id"])
def test_refused_in_every_mode(url: object, reason: str, local: bool) -> None:
    problem = service_url_problem(url, local=local)

    assert problem is not None and reason in problem
