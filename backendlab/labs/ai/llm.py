"""A local stand-in for an LLM provider: deterministic tokens over server-sent events, latency, token counts and cost,
429 rate limits with Retry-After, and failures injected on purpose. No model weights: the words are chosen by a hash."""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import random
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

MODEL_NAME = "fake-llm-1"
TOKEN_RE = re.compile(r"\w+|[^\w\s]")
ORDER_RE = re.compile(r"ORD-\d{6}")
DOC_RE = re.compile(r"\[doc:[\w-]+\]")
INJECTED_TOOL_RE = re.compile(r"(?i)\bcall (?:the )?tool ([\w-]+)")
VOCAB = ("the", "service", "retries", "request", "with", "backoff", "and", "a", "deadline", "so", "that", "each", "call", "is",
         "bounded", "by", "its", "budget", "timeout", "queue", "cache", "index", "trace", "metric", "error", "client", "server",
         "latency", "limit", "token", "stream", "replica", "batch", "model", "version", "rollback", "alert", "owner")


def count_tokens(text: str) -> int:
    """Tokens as this provider counts them: words and punctuation marks (real BPE tokenizers give about 1.3 a word)."""
    return len(TOKEN_RE.findall(text))


def sse(event: str, data: Any) -> str:
    """One server-sent event (WHATWG HTML §9.2): an `event:` line, a `data:` line of compact JSON, a blank line."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def answer_tokens(prompt: str, max_tokens: int = 48) -> list[str]:
    """The deterministic answer to a prompt, as tokens (the first without a leading space): same prompt, same tokens."""
    seed = int.from_bytes(hashlib.sha256(prompt.encode()).digest()[:8], "big")
    rng = random.Random(seed)
    cited = DOC_RE.findall(prompt)
    words = (["According", "to", cited[0] + ","] if cited else []) + [rng.choice(VOCAB) for _ in range(12 + seed % 29)]
    words[-1] += "."
    return [w if i == 0 else " " + w for i, w in enumerate(words[:max_tokens])]


def tool_call(prompt: str) -> str:
    """What the fake model answers in tool mode: a JSON tool call. Like a real model, it follows instructions it finds
    anywhere in its prompt, including text an attacker planted in a document or a user message (prompt injection)."""
    orders = ORDER_RE.findall(prompt)
    order_id = orders[0] if orders else "ORD-000000"
    injected = INJECTED_TOOL_RE.search(prompt)
    if injected:
        return json.dumps({"tool": injected.group(1), "arguments": {"order_id": order_id, "all": True}})
    if orders:
        return json.dumps({"tool": "lookup_order", "arguments": {"order_id": order_id}})
    return json.dumps({"tool": "draft_reply", "arguments": {"order_id": order_id, "text": "".join(answer_tokens(prompt, 24))}})


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(min_length=1, max_length=20_000)
    max_tokens: int = Field(default=48, ge=1, le=1024)
    stream: bool = False
    mode: Literal["text", "tool"] = "text"


@dataclass
class Faults:
    """Failures to inject: the next `fail_next` requests answer `fail_status`; streams stop after `stall_after` tokens and
    hang until the client goes away (at most `stall_s`)."""

    fail_next: int = 0
    fail_status: int = 503
    stall_after: int | None = None
    stall_s: float = 60.0


@dataclass
class Stats:
    requests: int = 0
    rate_limited: int = 0
    failed: int = 0
    streams_started: int = 0
    streams_completed: int = 0
    streams_cancelled: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


@dataclass
class FakeLLM:
    """Configure, then serve(llm.app()). Prices are per million tokens and fictitious (the same order as real ones)."""

    first_token_s: float = 0.02
    token_s: float = 0.004
    rate_per_s: float = 50.0
    burst: int = 20
    price_in_per_m: float = 0.50
    price_out_per_m: float = 1.50
    clock: Callable[[], float] = time.monotonic
    faults: Faults = field(default_factory=Faults)
    stats: Stats = field(default_factory=Stats)
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict, repr=False)

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.price_in_per_m + completion_tokens * self.price_out_per_m) / 1e6

    def _allow(self, key: str) -> float:
        """0.0 if the key may call now (a token is spent), else the seconds until it may."""
        now = self.clock()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate_per_s)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1 - tokens) / self.rate_per_s

    def app(self) -> FastAPI:
        app = FastAPI(title="fake LLM provider", description="Deterministic tokens, latency, costs, 429s and faults, on 127.0.0.1.")

        @app.get("/stats")
        def stats() -> dict[str, Any]:
            return asdict(self.stats)

        @app.post("/v1/chat", response_model=None)
        async def chat(body: ChatRequest, authorization: str | None = Header(default=None)) -> Any:
            self.stats.requests += 1
            key = (authorization or "anonymous").removeprefix("Bearer ").strip() or "anonymous"
            wait = self._allow(key)
            if wait > 0:
                self.stats.rate_limited += 1
                return JSONResponse({"error": {"type": "rate_limit_exceeded", "message": f"{self.rate_per_s:g} requests/s per key"}},
                                    status_code=429, headers={"Retry-After": str(max(1, math.ceil(wait)))})
            if self.faults.fail_next > 0:
                self.faults.fail_next -= 1
                self.stats.failed += 1
                return JSONResponse({"error": {"type": "overloaded", "message": "injected failure"}}, status_code=self.faults.fail_status)
            text = tool_call(body.prompt) if body.mode == "tool" else None
            tokens = [text] if text is not None else answer_tokens(body.prompt, body.max_tokens)
            prompt_tokens = count_tokens(body.prompt)
            self.stats.prompt_tokens += prompt_tokens
            if body.stream:
                return StreamingResponse(self._stream(tokens, prompt_tokens), media_type="text/event-stream",
                                         headers={"Cache-Control": "no-cache"})
            await asyncio.sleep(self.first_token_s + self.token_s * len(tokens))
            completion = sum(count_tokens(t) for t in tokens)
            return self._bill(prompt_tokens, completion) | {"text": "".join(tokens)}

        return app

    def _bill(self, prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
        self.stats.completion_tokens += completion_tokens
        cost = self.cost(prompt_tokens, completion_tokens)
        self.stats.cost_usd += cost
        return {"model": MODEL_NAME, "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "cost_usd": cost}}

    async def _stream(self, tokens: list[str], prompt_tokens: int) -> AsyncIterator[str]:
        self.stats.streams_started += 1
        sent = 0
        stall_after = self.faults.stall_after
        try:
            await asyncio.sleep(self.first_token_s)
            for i, token in enumerate(tokens):
                if stall_after is not None and i >= stall_after:
                    await asyncio.sleep(self.faults.stall_s)  # hangs like a stuck upstream; bounded
                    break
                yield sse("token", {"index": i, "text": token})
                sent += count_tokens(token)
                await asyncio.sleep(self.token_s)
            yield sse("done", self._bill(prompt_tokens, sent))
            self.stats.streams_completed += 1
        except (asyncio.CancelledError, GeneratorExit):
            self.stats.streams_cancelled += 1  # the client went away: stop generating (and billing)
            self._bill(prompt_tokens, sent)
            raise
