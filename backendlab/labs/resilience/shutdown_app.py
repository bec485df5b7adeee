"""The service module 07 shuts down gracefully: liveness, readiness and a slow endpoint, on Starlette (FastAPI's own
base: it starts in a fresh process in about a third of the time FastAPI takes). This file imports nothing from the
course, so a subprocess can load it on its own."""

from __future__ import annotations

import asyncio
import os
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


class ServiceState:
    """What the probes report: `ready` (readiness), requests in flight and served, since when the process runs."""

    def __init__(self) -> None:
        self.ready = True
        self.in_flight = 0
        self.served = 0
        self.started = time.monotonic()


def make_app() -> tuple[Starlette, ServiceState]:
    """The app and its state: GET /healthz (liveness: 200 while the process can answer), GET /readyz (readiness: 200
    while state.ready, else 503), GET /work?ms=N (answers after N ms, at most 60 s)."""
    state = ServiceState()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"alive": True, "pid": os.getpid()})

    async def readyz(request: Request) -> JSONResponse:
        return JSONResponse({"ready": state.ready, "in_flight": state.in_flight}, status_code=200 if state.ready else 503)

    async def work(request: Request) -> JSONResponse:
        ms = max(0, min(int(request.query_params.get("ms", "0")), 60_000))
        state.in_flight += 1
        try:
            await asyncio.sleep(ms / 1000)
        finally:
            state.in_flight -= 1
        state.served += 1
        return JSONResponse({"slept_ms": ms, "pid": os.getpid()})

    app = Starlette(routes=[Route("/healthz", healthz), Route("/readyz", readyz), Route("/work", work)])
    return app, state
