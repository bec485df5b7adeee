"""Module 00 (orientation): reference answers to the warm-up exercises and the greeter app the first service is built on."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import httpx
from fastapi import FastAPI, Query

STATUS_CLASSES = {
    1: "informational",
    2: "success",
    3: "redirect",
    4: "client_error",
    5: "server_error",
}
SHOWN_CHARS = 80  # how much of a bad log line an error message quotes


def classify_status(code: int) -> str:
    """The class of an HTTP status code (RFC 9110 §15): its first digit; ValueError outside 100–599."""
    if not 100 <= code <= 599:
        raise ValueError(f"{code} is not an HTTP status code: RFC 9110 §15 defines 100–599")
    return STATUS_CLASSES[code // 100]


def build_query(base_url: str, params: dict[str, Any]) -> str:
    """base_url with params appended as a percent-encoded query string.

    Keys and values are encoded with urllib.parse.quote (a space becomes %20; & = + / ? # and non-ASCII
    are escaped). A list or tuple value repeats its key, None (as a value or list item) is dropped, other
    values go through str(). An existing query is kept and extended with '&'; a fragment stays at the end;
    with nothing to add, base_url comes back unchanged.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((str(key), str(v)) for v in values if v is not None)
    if not pairs:
        return base_url
    added = urlencode(pairs, quote_via=quote)
    parts = urlsplit(base_url)
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))


def _bad_line(line: str, why: str) -> ValueError:
    shown = line.strip()
    if len(shown) > SHOWN_CHARS:
        shown = shown[:SHOWN_CHARS] + "..."
    return ValueError(f"not a JSON log record ({why}): {shown!r}")


def parse_log_line(line: str) -> dict[str, Any]:
    """One JSON log line -> {'level': upper-cased str, 'message': str, 'duration_ms': float or None}.

    Surrounding whitespace is ignored. duration_ms may be a number or a numeric string (true and false are
    not numbers); absent or null gives None. A line that is not a JSON object, lacks 'level' or 'message'
    (null counts as absent), or has a non-numeric duration_ms raises ValueError whose message says why and
    quotes the start of the line.
    """
    text = line.strip()
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad_line(line, f"invalid JSON: {exc.msg}") from None
    if not isinstance(record, dict):
        raise _bad_line(line, f"a JSON {type(record).__name__}, not an object")
    for key in ("level", "message"):
        if key not in record:
            raise _bad_line(line, f"no {key!r} field")
        if record[key] is None:
            raise _bad_line(line, f"{key!r} is null")
    raw = record.get("duration_ms")
    if raw is None:
        duration = None
    elif isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise _bad_line(line, f"duration_ms {raw!r} is not a number")
    else:
        try:
            duration = float(raw)
        except ValueError:
            raise _bad_line(line, f"duration_ms {raw!r} is not a number") from None
    return {"level": str(record["level"]).upper(), "message": str(record["message"]), "duration_ms": duration}


def fetch_greeting(client: httpx.Client, name: str) -> str:
    """GET /greet?name=<name> through client (httpx encodes the name); the reply's 'message'.

    HTTPStatusError on anything but 2xx: 4xx, 5xx, and a 3xx redirect (httpx does not follow redirects unless asked).
    """
    response = client.get("/greet", params={"name": name})
    response.raise_for_status()
    return response.json()["message"]


def make_greeter_app() -> FastAPI:
    """A new greeter app: GET /health and GET /greet?name= (1–50 characters), nothing else."""
    app = FastAPI(title="greeter", version="1.0.0")

    @app.get("/health")
    def health() -> dict[str, str]:
        """Liveness: answers while the process can serve requests."""
        return {"status": "ok"}

    @app.get("/greet")
    def greet(name: str = Query(min_length=1, max_length=50)) -> dict[str, str]:
        """A greeting for `name`."""
        return {"message": f"Hello, {name}!"}

    return app
