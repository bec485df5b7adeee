"""Contract-driven fuzzing: a small, seeded, bounded stand-in for schemathesis."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from backendlab.labs.contracts.conformance import response_problems
from backendlab.labs.contracts.samples import ODD_STRINGS, _invalid_for, _mutate, value_from_schema
from backendlab.labs.contracts.spec import operations

# ---------------------------------------------------------------------------------------------------------------
# Fuzzing: generated requests, sent and checked
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class FuzzRequest:
    """One generated request."""

    operation: str
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    note: str = "valid"

    def describe(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.params.items())
        body = self.body.decode(errors="replace")[:160] if self.body is not None else ""
        return f"{self.method} {self.path}{'?' + query if query else ''} {body}  [{self.note}]".strip()


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def generate_requests(spec: dict[str, Any], n: int = 200, seed: int = 0, ids: Sequence[str] = ()) -> list[FuzzRequest]:
    """`n` seeded requests from the contract: about half valid, half broken in one place; path ids from `ids` or made up."""
    rng = random.Random(seed)
    ops = operations(spec)
    result = []
    for _ in range(n):
        op = rng.choice(ops)
        valid = rng.random() < 0.5
        notes = []
        path = op.path
        for p in op.params("path"):
            roll = rng.random()
            if ids and roll < 0.6:
                value = rng.choice(list(ids))
            elif roll < 0.8:
                value = "ord_" + "".join(rng.choice("0123456789abcdef") for _ in range(12))
            else:
                value = rng.choice(ODD_STRINGS[1:])
                notes.append(f"{p['name']}={value[:20]!r}")
            path = path.replace("{" + p["name"] + "}", quote(value, safe=""))
        params: dict[str, str] = {}
        for p in op.params("query"):
            if p.get("required") or rng.random() < 0.4:
                schema = p.get("schema", {})
                if valid or rng.random() < 0.5:
                    params[p["name"]] = _as_text(value_from_schema(schema, rng))
                else:
                    bad, how = _invalid_for(schema, rng)
                    params[p["name"]] = _as_text(bad)
                    notes.append(f"{p['name']}: {how}")
        headers: dict[str, str] = {}
        for p in op.params("header"):
            if p.get("required") or rng.random() < 0.5:
                text = _as_text(value_from_schema(p.get("schema", {}), rng))
                if p["name"].lower() == "idempotency-key" and rng.random() < 0.7:
                    text = f"fuzz-{rng.getrandbits(48):012x}"
                headers[p["name"]] = "".join(ch for ch in text if 33 <= ord(ch) < 127) or "x"
        body = None
        schema = op.request_schema
        if schema is not None:
            if rng.random() < 0.06:
                body = rng.choice([b'{"customer_id": ', b"not json", b"\xff\xfe", b"[]", b"null", b"{}" * 3])
                notes.append("raw body")
            else:
                value = value_from_schema(schema, rng)
                if not valid:
                    value, how = _mutate(value, schema, rng)
                    notes.append(how)
                body = json.dumps(value).encode()
        result.append(FuzzRequest(op.key, op.method, path, params, headers, body, "; ".join(notes) or "valid"))
    return result


@dataclass
class FuzzReport:
    """What a fuzzing run saw: every (request, status), counts, and answers the contract does not allow."""

    results: list[tuple[FuzzRequest, int]] = field(default_factory=list)
    violations: list[tuple[FuzzRequest, int, str]] = field(default_factory=list)
    elapsed_s: float = 0.0
    stopped_by_time: bool = False

    @property
    def statuses(self) -> Counter[int]:
        return Counter(status for _, status in self.results)

    @property
    def by_operation(self) -> dict[str, Counter[int]]:
        table: dict[str, Counter[int]] = {}
        for request, status in self.results:
            table.setdefault(request.operation, Counter())[status] += 1
        return table

    @property
    def server_errors(self) -> list[tuple[FuzzRequest, int]]:
        return [(r, s) for r, s in self.results if s >= 500]


def fuzz(
    target: str | httpx.Client,
    spec: dict[str, Any],
    *,
    n: int = 200,
    time_limit_s: float = 10.0,
    seed: int = 0,
    ids: Sequence[str] = (),
    timeout_s: float = 5.0,
) -> FuzzReport:
    """Send at most `n` generated requests (and stop after `time_limit_s`) to `target`; check each answer against the contract."""
    by_key = {op.key: op for op in operations(spec)}
    client = httpx.Client(base_url=target, timeout=timeout_s) if isinstance(target, str) else target
    report = FuzzReport()
    start = time.perf_counter()
    try:
        for request in generate_requests(spec, n=n, seed=seed, ids=ids):
            if time.perf_counter() - start > time_limit_s:
                report.stopped_by_time = True
                break
            headers = dict(request.headers)
            if request.body is not None:
                headers["Content-Type"] = "application/json"
            try:
                response = client.request(request.method, request.path, params=request.params, headers=headers, content=request.body)
            except httpx.HTTPError as exc:
                report.results.append((request, 599))
                report.violations.append((request, 599, f"no response: {type(exc).__name__}"))
                continue
            report.results.append((request, response.status_code))
            errors, _ = response_problems(by_key[request.operation], response)
            if errors:
                report.violations.append((request, response.status_code, errors[0]))
    finally:
        if isinstance(target, str):
            client.close()
    report.elapsed_s = time.perf_counter() - start
    return report
