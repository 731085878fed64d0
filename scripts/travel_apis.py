"""Loopback stand-ins for the travel sample's flight and hotel APIs, so its tools make real HTTP
calls in the demo and the load check (offline, deterministic).

The sample spec's tools call ``${FLIGHT_API_URL}/search`` (POST, JSON body) and
``${HOTEL_API_URL}/hotels`` (GET, query parameters). :class:`TravelApis` serves both from one
``ThreadingHTTPServer`` on a free loopback port, in a daemon thread of the calling process; the
answers are built from the request (origin, destination, dates), never random, and say they are
sample data. Anything else is a 404.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["TravelApis"]

_AIRLINES = ("Aurora Air", "Blue Meridian", "Coastline Airways")
_ROUTE = (("from", "origin"), ("to", "destination"), ("date", "departure_date"))
_HOTELS = ("Grand Central Hotel", "Riverside Suites", "The Old Town Inn")


def flights(query: dict[str, Any]) -> dict[str, Any]:
    """Three sample flights for the request's route and date."""
    route = {key: str(query[field]) for key, field in _ROUTE if query.get(field)}
    offers = [
        {"airline": airline, **route, "departs": f"{8 + 4 * i:02d}:15", "price_usd": 420 + 85 * i}
        for i, airline in enumerate(_AIRLINES)
    ]
    return {"source": "sample data", "flights": offers}


def hotels(query: dict[str, Any]) -> dict[str, Any]:
    """Three sample hotels in the request's destination."""
    city = str(query.get("destination") or "your destination")
    offers = [
        {"name": name, "city": city, "stars": 3 + i % 3, "price_per_night_usd": 140 + 60 * i}
        for i, name in enumerate(_HOTELS)
    ]
    return {"source": "sample data", "hotels": offers}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server naming
        if urlsplit(self.path).path != "/search":
            self._answer(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._answer(400, {"error": "the body is not JSON"})
            return
        self._answer(200, flights(body if isinstance(body, dict) else {}))

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/hotels":
            self._answer(404, {"error": "not found"})
            return
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        self._answer(200, hotels(query))

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the demo prints its own
        pass


class TravelApis:
    """Both stand-in APIs on one free loopback port; a context manager (starts and stops)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._server = ThreadingHTTPServer((host, 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def env(self) -> dict[str, str]:
        """The variables the sample's tools read their URLs from."""
        return {"FLIGHT_API_URL": self.url, "HOTEL_API_URL": self.url}

    def __enter__(self) -> TravelApis:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
