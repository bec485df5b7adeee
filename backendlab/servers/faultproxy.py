"""A fault-injecting TCP proxy between two services on 127.0.0.1, in the spirit of Shopify's toxiproxy: added latency,
error responses, dropped connections, hung requests, slow bodies, and a downstream that refuses connections.

    from backendlab.servers.faultproxy import fault_proxy
    proxy = fault_proxy(8001, name="payments")        # listens on 127.0.0.1:<free port>, forwards to 127.0.0.1:8001
    client = httpx.Client(base_url=proxy.url)
    proxy.set(latency_ms=300, after=20)               # every request after the 20th observed one waits 300 ms
    proxy.set(error_rate=0.5, seed=1)                 # half the requests get a 503 problem+json (seeded, repeatable)
    proxy.set(rule=lambda i: "error" if (i // 10) % 2 else None)   # flapping: 10 good, 10 bad, ...
    proxy.set(rule=lambda i: "lose" if i == 0 else None)   # the upstream does the work, the reply never arrives
    proxy.down(); proxy.up()                          # connection refused, then back
    proxy.clear(); proxy.stats; proxy.stop()

Faults are decided per request, in the order requests are observed (a chunk from the client that starts with an
HTTP method), never from wall-clock time, so a story holds on a slow machine. `after=N` and `rule(i)` count the
requests observed since that set() call (i = 0 is the first request after it). "lose" forwards the request, lets the
upstream answer, and resets the client's connection instead of passing the answer on: the work is done, the reply
is lost — what makes a retry without an idempotency key charge twice. Every fault is bounded: a hung
request is closed after `max_hang_s`, and stop() (or kernel exit) ends every connection.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

KINDS = ("error", "drop", "hang", "lose")
METHOD = re.compile(rb"^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) ")
MAX_HANG_S = 30.0
REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


class FaultProxyError(RuntimeError):
    """The proxy could not start or was asked something it cannot do; the message says why."""


@dataclass(frozen=True)
class Faults:
    """What the proxy does to each request after the first `after` observed ones (probabilities are per request)."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    error_status: int = 503
    retry_after_s: int | None = None
    drop_rate: float = 0.0
    hang_rate: float = 0.0
    bytes_per_s: int | None = None
    after: int = 0
    seed: int | None = None
    rule: Callable[[int], str | None] | None = None  # request index since set() -> "error" | "drop" | "hang" | "lose" | None

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate", "hang_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise FaultProxyError(f"{name} is a probability per request: between 0 and 1, got {getattr(self, name)!r}")
        if self.latency_ms < 0 or self.jitter_ms < 0 or self.after < 0:
            raise FaultProxyError("latency_ms, jitter_ms and after must not be negative")
        if self.bytes_per_s is not None and self.bytes_per_s <= 0:
            raise FaultProxyError("bytes_per_s must be a positive number of bytes per second (or None: full speed)")
        if self.error_status not in REASONS and not 400 <= self.error_status <= 599:
            raise FaultProxyError(f"error_status must be a 4xx or 5xx status, got {self.error_status!r}")


@dataclass
class Stats:
    connections: int = 0
    requests: int = 0
    forwarded: int = 0
    delayed: int = 0
    errors: int = 0
    drops: int = 0
    hangs: int = 0
    lost: int = 0
    log: list[tuple[int, float, str]] = field(default_factory=list)  # (request index, seconds since start, what happened)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if k != "log"}


def _nodelay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # PITFALLS: else ~40 ms per small write


class FaultProxy:
    """A proxy on 127.0.0.1:`port` (a free one by default) in front of 127.0.0.1:`upstream_port`."""

    def __init__(self, upstream_port: int, name: str = "proxy", port: int | None = None, max_hang_s: float = MAX_HANG_S):
        self.name, self.upstream_port, self.max_hang_s = name, int(upstream_port), float(max_hang_s)
        self.faults = Faults()
        self.stats = Stats()
        self._base = 0  # stats.requests when the faults were set: `after` and `rule(i)` count from there
        self._rng = random.Random()
        self._t0 = time.monotonic()
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(self._on_loop_error)
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task] = set()
        self._port = port or 0
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"faultproxy-{name}", daemon=True)
        self._thread.start()
        self._call(self._listen())

    # -- control, from the notebook's thread --------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._loop.is_closed()

    def set(self, **changes: Any) -> Faults:
        """Replace the faults (unnamed settings go back to none); `seed` makes the random choices repeatable."""
        faults = Faults(**changes)
        self._rng = random.Random(faults.seed)
        self._base = self.stats.requests
        self.faults = faults
        return faults

    def update(self, **changes: Any) -> Faults:
        """Change some settings and keep the others."""
        self.faults = replace(self.faults, **changes)
        return self.faults

    def clear(self) -> None:
        """No faults: a transparent proxy again (the counters keep counting; reset_stats() zeroes them)."""
        self.set()

    def reset_stats(self) -> None:
        self.stats = Stats()
        self._base = 0
        self._t0 = time.monotonic()

    def down(self) -> None:
        """Stop listening: new connections are refused (ECONNREFUSED), open ones are cut."""
        self._call(self._close_listener(cut=True))

    def up(self) -> None:
        """Listen again on the same port."""
        self._call(self._listen())

    def stop(self) -> None:
        """Close every connection and the listener, end the proxy's thread; safe to call twice."""
        if _running.get(self.name) is self:
            del _running[self.name]
        if not self.running:
            return
        with contextlib.suppress(Exception):
            self._call(self._close_listener(cut=True))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def describe(self) -> str:
        active = {k: v for k, v in self.faults.__dict__.items() if v not in (0, 0.0, None, 503) and k != "seed"}
        return f"fault proxy {self.name!r}: {self.url} -> 127.0.0.1:{self.upstream_port}; faults: {active or 'none'}"

    def _call(self, coro: Any, timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    # -- the proxy, on its own event loop ---------------------------------------------------------------------
    def _on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """A connection the proxy cut (or the client reset) is what a fault looks like, not an error: note it rather than
        let asyncio print it on stderr later, in whatever cell runs then (nbgrader scores a cell that writes there 0)."""
        exc = context.get("exception")
        pending = "destroyed but it is pending" in str(context.get("message", ""))
        if isinstance(exc, (ConnectionError, asyncio.CancelledError, OSError)) or pending:
            self._note(-1, f"connection ended: {context.get('message', '')} {type(exc).__name__ if exc else ''}".strip())
            return
        loop.default_exception_handler(context)

    async def _listen(self) -> None:
        if self._server is not None:
            return
        try:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", self._port, reuse_address=True)
        except OSError as exc:
            raise FaultProxyError(f"the fault proxy cannot listen on 127.0.0.1:{self._port} ({exc}); pick another port") from exc
        self._port = self._server.sockets[0].getsockname()[1]

    async def _close_listener(self, cut: bool) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if cut:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.sleep(0)

    def _note(self, index: int, what: str) -> None:
        self.stats.log.append((index, round(time.monotonic() - self._t0, 4), what))
        if len(self.stats.log) > 10_000:  # bounded memory on a long run
            del self.stats.log[:5_000]

    def _decide(self, index: int, faults: Faults) -> str | None:
        if index < faults.after:
            return None
        if faults.rule is not None:
            kind = faults.rule(index)
            if kind is not None and kind not in KINDS:
                raise FaultProxyError(f"a rule returns one of {KINDS} or None, got {kind!r}")
            return kind
        draw = self._rng.random()
        for kind, rate in (("error", faults.error_rate), ("drop", faults.drop_rate), ("hang", faults.hang_rate)):
            if draw < rate:
                return kind
            draw -= rate
        return None

    def _error_response(self, faults: Faults) -> bytes:
        status = faults.error_status
        body = json.dumps(
            {
                "type": "about:blank",
                "title": REASONS.get(status, "Injected fault"),
                "status": status,
                "detail": "injected by the course's fault proxy",
            }
        ).encode()
        headers = [
            f"HTTP/1.1 {status} {REASONS.get(status, 'Injected Fault')}",
            "content-type: application/problem+json",
            f"content-length: {len(body)}",
            "connection: close",
        ]
        if faults.retry_after_s is not None:
            headers.append(f"retry-after: {faults.retry_after_s}")
        return ("\r\n".join(headers) + "\r\n\r\n").encode() + body

    async def _handle(self, creader: asyncio.StreamReader, cwriter: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self.stats.connections += 1
        _nodelay(cwriter)
        uwriter: asyncio.StreamWriter | None = None
        try:
            try:
                ureader, uwriter = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.upstream_port), 5)
            except (TimeoutError, OSError):
                cwriter.transport.abort()  # the upstream is down: the client sees its connection reset
                return
            _nodelay(uwriter)
            rate: list[int | None] = [None]
            up = asyncio.ensure_future(self._client_to_upstream(creader, cwriter, uwriter, rate))
            down = asyncio.ensure_future(self._upstream_to_client(ureader, cwriter, rate))
            try:
                done, pending = await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
            finally:  # also when this handler is cancelled (down(), stop()): no orphaned child task
                for p in (up, down):
                    p.cancel()
                await asyncio.gather(up, down, return_exceptions=True)
            for d in done:  # a connection reset or a rule that raised ends this connection only; note it
                if not d.cancelled() and d.exception() is not None:
                    self._note(-1, f"connection ended: {type(d.exception()).__name__}: {d.exception()}")
        except asyncio.CancelledError:
            cwriter.transport.abort()
        finally:
            for writer in (uwriter, cwriter):
                if writer is not None:
                    with contextlib.suppress(Exception):
                        writer.close()
            if task is not None:
                self._tasks.discard(task)

    async def _client_to_upstream(self, creader: Any, cwriter: Any, uwriter: Any, rate: list[int | None]) -> None:
        while data := await creader.read(65536):
            if METHOD.match(data):
                faults = self.faults
                index = self.stats.requests - self._base
                self.stats.requests += 1
                kind = self._decide(index, faults)
                if kind == "error":
                    self.stats.errors += 1
                    self._note(index, f"error {faults.error_status}")
                    cwriter.write(self._error_response(faults))
                    await cwriter.drain()
                    return
                if kind == "drop":
                    self.stats.drops += 1
                    self._note(index, "drop")
                    cwriter.transport.abort()
                    return
                if kind == "hang":
                    self.stats.hangs += 1
                    self._note(index, "hang")
                    await asyncio.sleep(self.max_hang_s)
                    return
                delay = (faults.latency_ms + self._rng.uniform(0, faults.jitter_ms)) / 1000 if index >= faults.after else 0.0
                if delay > 0:
                    self.stats.delayed += 1
                    self._note(index, f"delay {delay * 1000:.0f} ms")
                    await asyncio.sleep(delay)
                rate[0] = faults.bytes_per_s if index >= faults.after else None
                if kind == "lose":
                    self.stats.lost += 1
                    self._note(index, "lose (forwarded, reply dropped)")
                    rate[0] = -1  # the other direction reads the reply and resets the client instead
                self.stats.forwarded += 1
            uwriter.write(data)
            await uwriter.drain()

    async def _upstream_to_client(self, ureader: Any, cwriter: Any, rate: list[int | None]) -> None:
        while data := await ureader.read(65536):
            bps = rate[0]
            if bps == -1:  # "lose": the upstream answered; the client gets a reset instead of the reply
                cwriter.transport.abort()
                return
            if not bps:
                cwriter.write(data)
                await cwriter.drain()
                continue
            step = max(1, bps // 20)  # 20 writes a second
            for i in range(0, len(data), step):
                cwriter.write(data[i : i + step])
                await cwriter.drain()
                await asyncio.sleep(len(data[i : i + step]) / bps)


_running: dict[str, FaultProxy] = {}


def fault_proxy(upstream_port: int, name: str = "proxy", port: int | None = None, max_hang_s: float = MAX_HANG_S) -> FaultProxy:
    """The kernel's proxy called `name` in front of 127.0.0.1:`upstream_port`: reused on a re-run (its faults
    cleared), replaced when the upstream changed; stopped when the kernel exits."""
    current = _running.get(name)
    if current is not None and current.running and current.upstream_port == int(upstream_port) and port in (None, current.port):
        current.clear()
        return current
    if current is not None:
        current.stop()
    proxy = FaultProxy(upstream_port, name=name, port=port, max_hang_s=max_hang_s)
    _running[name] = proxy
    return proxy


def running() -> dict[str, FaultProxy]:
    return {name: p for name, p in _running.items() if p.running}


def stop_all() -> None:
    for proxy in list(_running.values()):
        proxy.stop()


atexit.register(stop_all)
