"""Redis Streams for module 07: an idempotent consumer with a dead-letter stream (the reference for exercise 3),
fresh stream names per experiment, and the crash injection its tests use."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Crash(BaseException):
    """A simulated process crash. Not an Exception: `except Exception` lets it through, as nothing in a process that
    gets SIGKILLed runs a handler."""


def fresh_names(prefix: str = "orders") -> tuple[str, str, str]:
    """(stream, group, dead-letter stream) names no earlier experiment used, so no cell depends on another."""
    tag = uuid.uuid4().hex[:8]
    return f"{prefix}:{tag}", f"{prefix}-workers:{tag}", f"{prefix}:{tag}:dead"


def new_stream(r: Any, prefix: str = "orders") -> tuple[str, str, str]:
    """Fresh names, with the stream and its consumer group created (the group starts at the stream's beginning)."""
    stream, group, dead = fresh_names(prefix)
    r.xgroup_create(stream, group, id="0", mkstream=True)
    return stream, group, dead


def publish(r: Any, stream: str, events: list[dict[str, Any]]) -> list[str]:
    """XADD each event (values as strings); return the entry IDs."""
    return [r.xadd(stream, {k: str(v) for k, v in e.items()}) for e in events]


def done_key(stream: str, group: str) -> str:
    return f"{stream}:{group}:done"


def consume_batch(r: Any, stream: str, group: str, consumer: str, apply: Callable[[dict, Any], None], *,
                  dead_letter: str, count: int = 10, min_idle_ms: int = 60_000) -> list[str]:
    """The course's reference answer to exercise 3 (the notebook states the contract)."""
    _, claimed, *_ = r.xautoclaim(stream, group, consumer, min_idle_ms, "0-0", count=count)
    entries = list(claimed)
    if len(entries) < count:
        for _, messages in r.xreadgroup(group, consumer, {stream: ">"}, count=count - len(entries)) or []:
            entries.extend(messages)
    done = done_key(stream, group)
    acked = []
    for entry_id, fields in entries:
        if not r.sismember(done, fields["event_id"]):
            pipe = r.pipeline()
            try:
                apply(fields, pipe)
            except ValueError as exc:
                pipe.reset()
                r.xadd(dead_letter, {**fields, "error": str(exc), "source_id": entry_id})
            else:
                pipe.sadd(done, fields["event_id"])
                pipe.execute()
        r.xack(stream, group, entry_id)
        acked.append(entry_id)
    return acked


class CrashingRedis:
    """A Redis client that "crashes" (raises Crash) right after the transaction that follows `arm()` commits: the
    effect is in Redis, nothing after it ran. Everything else goes to the real client."""

    def __init__(self, r: Any) -> None:
        self._r = r
        self.armed = False
        self.crashes = 0

    def arm(self) -> None:
        self.armed = True

    def pipeline(self, *args: Any, **kwargs: Any) -> _CrashingPipeline:
        return _CrashingPipeline(self, self._r.pipeline(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._r, name)


class _CrashingPipeline:
    def __init__(self, owner: CrashingRedis, pipe: Any) -> None:
        self._owner, self._pipe = owner, pipe

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        result = self._pipe.execute(*args, **kwargs)
        if self._owner.armed:
            self._owner.armed = False
            self._owner.crashes += 1
            raise Crash("the consumer crashed right after its transaction committed")
        return result

    def __enter__(self) -> _CrashingPipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pipe.reset()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._pipe, name)
        if callable(attr) and name not in ("execute", "reset", "watch", "unwatch", "multi"):
            def queued(*args: Any, **kwargs: Any) -> Any:
                out = attr(*args, **kwargs)
                return self if out is self._pipe else out  # keep chaining on the wrapper
            return queued
        return attr


@dataclass
class Ledger:
    """The effect the tests and demos apply: credit an account once per event, counted per event in a Redis hash."""

    key: str
    calls: dict[str, int]

    @classmethod
    def fresh(cls) -> Ledger:
        return cls(f"ledger:{uuid.uuid4().hex[:8]}", {})

    def apply(self, fields: dict, pipe: Any) -> None:
        """Queue the effect of one event on `pipe`; ValueError for an amount that is not an integer (a poison message)."""
        event_id = fields["event_id"]
        self.calls[event_id] = self.calls.get(event_id, 0) + 1
        pipe.hincrby(self.key, f"applied:{event_id}", 1)
        pipe.hincrby(self.key, f"balance:{fields.get('account', 'acc-1')}", int(fields["amount"]))

    def applied(self, r: Any) -> dict[str, int]:
        """event_id -> how many times its effect is in Redis."""
        return {k.split(":", 1)[1]: int(v) for k, v in r.hgetall(self.key).items() if k.startswith("applied:")}

    def balances(self, r: Any) -> dict[str, int]:
        return {k.split(":", 1)[1]: int(v) for k, v in r.hgetall(self.key).items() if k.startswith("balance:")}


def pending_count(r: Any, stream: str, group: str) -> int:
    return int(r.xpending(stream, group)["pending"])


def keys_holding(r: Any, values: set[str], skip: set[str]) -> set[str]:
    """Which of `values` appear in some key of the database (a set, hash field, list, sorted set member, a string's
    value or a key's name), other than the keys in `skip`: where a consumer may keep what it has processed."""
    found: set[str] = set()
    for key in r.scan_iter(count=500):
        if key in skip:
            continue
        found |= {v for v in values if v in key}
        kind = r.type(key)
        if kind == "set":
            found |= values & set(r.smembers(key))
        elif kind == "hash":
            data = r.hgetall(key)
            found |= {v for v in values if v in data or any(v in str(x) for x in data.values())}
        elif kind == "zset":
            found |= values & set(r.zrange(key, 0, -1))
        elif kind == "list":
            found |= values & set(r.lrange(key, 0, -1))
        elif kind == "string":
            text = r.get(key) or ""
            found |= {v for v in values if v in text}
    return found
