"""A downstream that fails on purpose and counts every attempt: the live service module 07's clients are graded against.

    flaky = FlakyService()
    svc = serve(flaky.app, name="flaky")
    httpx.get(f"{svc.url}/orders-1?fail=2&status=503&retry_after=1")   # the first 2 attempts at key orders-1 get 503
    flaky.attempts["orders-1"]                                          # how many attempts reached the service
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]


class FlakyService:
    """Per key (the URL path), the first `fail` attempts answer `status` (with `Retry-After: retry_after` when given),
    later ones 200; `delay_ms` slows every attempt down. Every attempt is counted, with its method and headers."""

    def __init__(self) -> None:
        self.attempts: Counter[str] = Counter()
        self.log: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.app = self._make_app()

    def reset(self) -> None:
        with self._lock:
            self.attempts.clear()
            self.log.clear()

    def attempts_for(self, key: str) -> int:
        return self.attempts[key]

    def _make_app(self) -> FastAPI:
        app = FastAPI(title="flaky downstream", docs_url=None, redoc_url=None, openapi_url=None)
        service = self

        @app.api_route("/{key}", methods=METHODS)
        async def attempt(key: str, request: Request, fail: int = 0, status: int = 503, retry_after: str | None = None,
                          delay_ms: int = 0) -> Response:
            with service._lock:
                service.attempts[key] += 1
                n = service.attempts[key]
                service.log.append({"key": key, "attempt": n, "method": request.method,
                                    "idempotency_key": request.headers.get("idempotency-key")})
            if delay_ms > 0:
                await asyncio.sleep(min(delay_ms, 10_000) / 1000)
            if n <= fail:
                headers = {"retry-after": retry_after} if retry_after is not None else {}
                body = {"type": "about:blank", "title": "injected failure", "status": status, "attempt": n}
                return JSONResponse(body, status_code=status, headers=headers, media_type="application/problem+json")
            return JSONResponse({"key": key, "attempt": n, "method": request.method})

        return app
