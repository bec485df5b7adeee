"""HTTP caching, measured: an origin that sends Cache-Control and a strong ETag (and answers If-None-Match with 304),
and a small shared cache (what a CDN or reverse proxy does) that follows max-age and stale-while-revalidate on a
simulated clock (RFC 9111, HTTP Caching; RFC 5861, stale-while-revalidate)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Header, Response


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def make_origin_app(prices: dict[int, float], cache_control: str = "public, max-age=5, stale-while-revalidate=30") -> FastAPI:
    """GET /prices/{id}: JSON, `Cache-Control: <cache_control>`, a strong ETag; If-None-Match that matches gives 304 and
    no body. GET /origin-stats: how many requests, full bodies and 304s the origin sent, and the body bytes."""
    app = FastAPI(title="origin")
    app.state.cache_control = cache_control
    app.state.stats = {"requests": 0, "full": 0, "not_modified": 0, "body_bytes": 0}

    @app.get("/prices/{item_id}")
    def price(item_id: int, if_none_match: str | None = Header(default=None)) -> Response:
        stats = app.state.stats
        stats["requests"] += 1
        body = json.dumps({"id": item_id, "price": prices.get(item_id), "notes": "x" * 2000}).encode()
        tag = strong_etag(body)
        headers = {"ETag": tag, "Cache-Control": app.state.cache_control}
        if if_none_match and tag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]:
            stats["not_modified"] += 1
            return Response(status_code=304, headers=headers)
        stats["full"] += 1
        stats["body_bytes"] += len(body)
        return Response(content=body, media_type="application/json", headers=headers)

    @app.get("/origin-stats")
    def origin_stats() -> dict[str, int]:
        return dict(app.state.stats)

    return app


def parse_cache_control(value: str) -> dict[str, Any]:
    """{'max-age': 5, 'public': True, ...} from a Cache-Control header (directive names are case-insensitive)."""
    out: dict[str, Any] = {}
    for part in value.split(","):
        name, _, arg = part.strip().partition("=")
        if not name:
            continue
        arg = arg.strip().strip('"')
        out[name.lower()] = int(arg) if arg.isdigit() else (arg or True)
    return out


@dataclass
class Entry:
    body: bytes
    etag: str | None
    stored_at: float
    max_age: int
    swr: int


@dataclass
class SharedCache:
    """A shared HTTP cache in front of `origin` (an httpx.Client): fresh entries are served from the cache; stale ones
    within stale-while-revalidate are served at once and revalidated in the background (here: right after); older
    ones are revalidated before answering (If-None-Match, so an unchanged resource costs a 304, not a body).
    `private` and `no-store` responses are never stored. Time comes from clock()."""

    origin: httpx.Client
    clock: Callable[[], float]
    entries: dict[str, Entry] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)

    def _fetch(self, path: str, entry: Entry | None) -> tuple[Entry | None, int]:
        headers = {"If-None-Match": entry.etag} if entry is not None and entry.etag else {}
        r = self.origin.get(path, headers=headers)
        cc = parse_cache_control(r.headers.get("cache-control", ""))
        storable = not cc.get("no-store") and not cc.get("private")
        max_age, swr = int(cc.get("max-age", 0)), int(cc.get("stale-while-revalidate", 0))
        if r.status_code == 304 and entry is not None:  # unchanged: keep the body, restart its age
            fresh = Entry(entry.body, entry.etag, self.clock(), max_age, swr)
        else:
            fresh = Entry(r.content, r.headers.get("etag"), self.clock(), max_age, swr)
        if storable:
            self.entries[path] = fresh
        return fresh, r.status_code

    def get(self, path: str) -> tuple[str, bytes]:
        """(what the cache did, the body): HIT, STALE (served, then revalidated), REVALIDATED, or MISS."""
        entry = self.entries.get(path)
        now = self.clock()
        if entry is None:
            fetched, status = self._fetch(path, None)
            outcome, body = "MISS", fetched.body if fetched else b""
        else:
            age = now - entry.stored_at
            if age < entry.max_age:
                outcome, body, status = "HIT", entry.body, 0
            elif age < entry.max_age + entry.swr:
                outcome, body = "STALE", entry.body  # the client gets this at once; the origin is asked afterwards
                _, status = self._fetch(path, entry)
            else:
                fetched, status = self._fetch(path, entry)
                outcome, body = "REVALIDATED", fetched.body if fetched else b""
        self.log.append({"t_s": now, "outcome": outcome, "origin_status": status or "-"})
        return outcome, body
