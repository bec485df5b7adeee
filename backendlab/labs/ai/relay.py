"""Streaming an LLM's answer through the backend: reading server-sent events, the reference relay (exercise 6), a naive
one to measure against, and a client that retries 429 and 503 the way providers ask."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from backendlab.labs.ai.llm import sse


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(min_length=1, max_length=4000)


def _events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    event, data = "message", []
    for line in lines:
        if line == "":
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", []
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)


def parse_sse(text: str) -> list[tuple[str, Any]]:
    """(event, JSON data) for every event of a complete text/event-stream body."""
    return list(_events(iter(text.splitlines())))


async def aiter_sse(response: httpx.Response) -> AsyncIterator[tuple[str, Any]]:
    """(event, JSON data) for each server-sent event of a streaming httpx response, as soon as its blank line arrives."""
    event, data = "message", []
    async for line in response.aiter_lines():
        if line == "":
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", []
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)


def read_stream(client: httpx.Client, url: str, body: dict[str, Any], max_events: int | None = None) -> list[tuple[str, Any, float]]:
    """POST and read server-sent events as they arrive: (event, data, seconds since the request). Stops after max_events
    (closing the connection, as a browser tab that is closed does) or at the end of the stream."""
    got: list[tuple[str, Any, float]] = []
    t0 = time.perf_counter()
    with client.stream("POST", url, json=body) as response:
        response.raise_for_status()
        for event, data in _events(response.iter_lines()):
            got.append((event, data, time.perf_counter() - t0))
            if max_events is not None and len(got) >= max_events:
                break
    return got


def _pooled_client_lifespan(timeout_s: float) -> Callable[[FastAPI], Any]:
    """One httpx.AsyncClient per app, opened at startup and closed at shutdown (building one loads the CA bundle:
    tens to hundreds of milliseconds, too slow to pay on every request)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            app.state.upstream_client = client
            yield

    return lifespan


def make_relay_app(upstream_url: str, deadline_s: float) -> FastAPI:
    """Reference answer of exercise 4: relay tokens as they arrive, end on "done" or at the deadline, and close the
    upstream request on the deadline and when the client goes away (the `async with` block does, on cancellation too)."""
    app = FastAPI(title="chat relay", lifespan=_pooled_client_lifespan(deadline_s + 5))

    @app.post("/chat")
    async def chat(body: ChatIn, request: Request) -> StreamingResponse:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + deadline_s
        client: httpx.AsyncClient = request.app.state.upstream_client

        async def events() -> AsyncIterator[str]:
            reason = "deadline"
            async with client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True}) as upstream:
                stream = aiter_sse(upstream)
                while (remaining := deadline - loop.time()) > 0:
                    try:
                        event, data = await asyncio.wait_for(anext(stream), remaining)
                    except (TimeoutError, StopAsyncIteration):
                        break
                    if event == "token":
                        yield sse("token", data)
                    elif event == "done":
                        reason = "done"
                        break
            yield sse("end", {"reason": reason})

        return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    return app


def make_naive_relay_app(upstream_url: str) -> FastAPI:
    """What a first version often looks like: waits for the whole answer, then sends it; no deadline of its own."""
    app = FastAPI(title="naive chat relay", lifespan=_pooled_client_lifespan(30.0))

    @app.post("/chat")
    async def chat(body: ChatIn, request: Request) -> StreamingResponse:
        client: httpx.AsyncClient = request.app.state.upstream_client
        text = (await client.post(f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True})).text

        async def events() -> AsyncIterator[str]:
            for event, data in parse_sse(text):
                if event == "token":
                    yield sse("token", data)
            yield sse("end", {"reason": "done"})

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


@dataclass
class Attempt:
    status: int
    waited_s: float
    why: str


@dataclass
class RetryingClient:
    """Calls the provider; retries 429 after Retry-After and 5xx with capped exponential backoff and full jitter
    (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015); never retries other 4xx; at most max_attempts."""

    client: httpx.Client
    max_attempts: int = 4
    base_s: float = 0.25
    cap_s: float = 4.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    log: list[Attempt] = field(default_factory=list)

    def complete(self, body: dict[str, Any], api_key: str = "demo") -> httpx.Response:
        response = None
        for attempt in range(self.max_attempts):
            response = self.client.post("/v1/chat", json=body, headers={"Authorization": f"Bearer {api_key}"})
            if response.status_code < 400 or attempt == self.max_attempts - 1:
                self.log.append(Attempt(response.status_code, 0.0, "done" if response.status_code < 400 else "gave up"))
                return response
            if response.status_code == 429 and response.headers.get("Retry-After", "").isdigit():
                wait, why = float(response.headers["Retry-After"]), "429: waited Retry-After"
            elif response.status_code == 429 or response.status_code >= 500:
                wait, why = self.rng.uniform(0, min(self.cap_s, self.base_s * 2 ** attempt)), "backoff with full jitter"
            else:
                self.log.append(Attempt(response.status_code, 0.0, "not retryable"))
                return response
            self.log.append(Attempt(response.status_code, wait, why))
            self.sleep(wait)
        assert response is not None
        return response


@dataclass
class TokenBudget:
    """A spending cap per tenant per day, in tokens: a request may use at most what is left (max_tokens is capped)."""

    per_day: int
    clock: Callable[[], float] = time.time
    spent: dict[tuple[str, int], int] = field(default_factory=dict)

    def allowance(self, tenant: str, wanted: int) -> int:
        day = int(self.clock() // 86_400)
        return max(0, min(wanted, self.per_day - self.spent.get((tenant, day), 0)))

    def charge(self, tenant: str, tokens: int) -> None:
        day = int(self.clock() // 86_400)
        self.spent[(tenant, day)] = self.spent.get((tenant, day), 0) + tokens
