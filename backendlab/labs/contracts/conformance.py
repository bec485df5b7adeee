"""Conformance: probe a running service and check every answer against the contract."""

from __future__ import annotations

import copy
import json
import random
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema
from fastapi import FastAPI
from fastapi.routing import APIRoute

from backendlab.labs.contracts.samples import value_from_schema
from backendlab.labs.contracts.spec import Operation, format_table, operations

# ---------------------------------------------------------------------------------------------------------------
# Conformance: does the running service do what the contract says?
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Check:
    """One probe request and what the contract expected of its answer."""

    operation: str
    probe: str
    expected: int
    got: int | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Finding:
    """A difference between the contract and the service. severity: "error" (breaks clients) or "warning"."""

    severity: str
    operation: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity.upper():7} {self.operation}: {self.message}"


@dataclass
class ConformanceReport:
    """What check_conformance found: one Check per probe, and the findings."""

    checks: list[Check] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def table(self) -> str:
        rows = [(c.operation, c.probe, c.expected, c.got if c.got is not None else "-", "ok" if c.ok else "FAIL") for c in self.checks]
        return format_table(rows, ["operation", "probe", "expected", "got", "verdict"])

    def summary(self) -> str:
        passed = sum(c.ok for c in self.checks)
        return f"{passed}/{len(self.checks)} probes conform; {len(self.errors)} errors, {len(self.warnings)} warnings"


def _schema_validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def undocumented_fields(value: Any, schema: dict[str, Any], where: str = "") -> list[str]:
    """Paths of object members that `schema` does not describe (allowed by JSON Schema, but undocumented)."""
    found: list[str] = []
    if isinstance(value, dict) and isinstance(schema.get("properties"), dict):
        props = schema["properties"]
        for key, member in value.items():
            if key in props:
                found += undocumented_fields(member, props[key], f"{where}.{key}" if where else key)
            elif schema.get("additionalProperties") in (None, True):
                found.append(f"{where}.{key}" if where else key)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for member in value:
            found += undocumented_fields(member, schema["items"], f"{where}[]")
    return sorted(set(found))


def response_problems(op: Operation, response: httpx.Response) -> tuple[list[str], list[str]]:
    """Compare one response with what `op` documents: (errors, warnings)."""
    errors: list[str] = []
    warnings: list[str] = []
    status = str(response.status_code)
    documented = op.responses.get(status) or op.responses.get(f"{status[0]}XX") or op.responses.get("default")
    if documented is None:
        return [f"status {status} is not documented (documented: {', '.join(op.responses)})"], warnings
    for name, header in (documented.get("headers") or {}).items():
        if header.get("required") and name not in response.headers:
            errors.append(f"{status}: required header {name} is missing")
    content = documented.get("content") or {}
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not content:
        if response.content:
            errors.append(f"{status}: a body is sent but none is documented")
        return errors, warnings
    if media not in content:
        errors.append(f"{status}: content type {media or 'none'!r} is not documented (documented: {', '.join(content)})")
        return errors, warnings
    schema = content[media].get("schema")
    if schema is None:
        return errors, warnings
    try:
        body = response.json()
    except ValueError:
        return [*errors, f"{status}: the body is not JSON"], warnings
    for err in sorted(_schema_validator(schema).iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path])[:3]:
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        errors.append(f"{status}: body at {where}: {err.message[:160]}")
    extra = undocumented_fields(body, schema)
    if extra:
        warnings.append(f"{status}: undocumented fields {', '.join(extra[:5])}")
    return errors, warnings


def _tweaked(value: Any, schema: dict[str, Any]) -> Any:
    new = copy.deepcopy(value)
    if isinstance(new, dict):
        props = schema.get("properties", {})
        for key, member in new.items():
            sub = props.get(key, {})
            if isinstance(member, int) and not isinstance(member, bool):
                new[key] = member + 1 if member + 1 <= sub.get("maximum", member + 1) else member - 1
                return new
            if isinstance(member, list) and member and isinstance(member[0], dict):
                member[0] = _tweaked(member[0], sub.get("items", {}))
                return new
        for key, member in new.items():
            if isinstance(member, str) and "enum" not in props.get(key, {}) and "pattern" not in props.get(key, {}):
                new[key] = member + "!"
                return new
    return new


def _conflicting(value: Any, schema: dict[str, Any]) -> Any:
    """`value` with its first enum member (or, failing that, the first tweakable member) changed to another allowed value."""
    if isinstance(value, dict):
        for key, member in value.items():
            choices = [v for v in schema.get("properties", {}).get(key, {}).get("enum", []) if v != member]
            if choices:
                return {**value, key: choices[0]}
    return _tweaked(value, schema)


class _Prober:
    def __init__(self, client: httpx.Client, spec: dict[str, Any]) -> None:
        self.client = client
        self.ops = operations(spec)
        self.report = ConformanceReport()
        self.counter = 0

    def key(self) -> str:
        """A fresh Idempotency-Key: unique across runs, so a second check never replays the first one's requests."""
        self.counter += 1
        return f"conformance-{self.counter:04d}-{uuid.uuid4().hex[:16]}"

    def creator(self) -> Operation | None:
        for op in self.ops:
            if op.method == "POST" and not op.params("path") and op.request_schema is not None and op.success_status:
                return op
        return None

    def body_for(self, op: Operation) -> Any:
        example = op.request_example
        if example is not None:
            return example
        return value_from_schema(op.request_schema or {}, random.Random(7), prefer_examples=True, optional=False)

    def send(self, op: Operation, path_values: dict[str, str], *, params: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None, body: Any = None, raw: bytes | None = None) -> httpx.Response | str:
        path = op.path
        for name, value in path_values.items():
            path = path.replace("{" + name + "}", quote(value, safe=""))
        hdrs = dict(headers or {})
        idem = op.param("header", "Idempotency-Key")
        if idem is not None and "Idempotency-Key" not in hdrs:
            hdrs["Idempotency-Key"] = self.key()
        kwargs: dict[str, Any] = {"params": params or {}, "headers": hdrs}
        if raw is not None:
            kwargs["content"] = raw
            hdrs["Content-Type"] = "application/json"
        elif body is not None:
            kwargs["json"] = body
        try:
            return self.client.request(op.method, path, **kwargs)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"

    def record(self, op: Operation, probe: str, expected: int, response: httpx.Response | str) -> httpx.Response | None:
        if isinstance(response, str):
            self.report.checks.append(Check(op.key, probe, expected, None, [f"no response ({response})"]))
            self.report.findings.append(Finding("error", op.key, f"{probe}: no response ({response})"))
            return None
        errors, warnings = response_problems(op, response)
        if response.status_code != expected:
            hint = " (is the route implemented?)" if response.status_code in (404, 405) and expected < 300 else ""
            errors.insert(0, f"expected {expected}, got {response.status_code}{hint}")
        self.report.checks.append(Check(op.key, probe, expected, response.status_code, errors))
        self.report.findings += [Finding("error", op.key, f"{probe}: {e}") for e in errors]
        self.report.findings += [Finding("warning", op.key, f"{probe}: {w}") for w in warnings]
        return response

    def fresh_id(self) -> str | None:
        op = self.creator()
        if op is None:
            return None
        response = self.send(op, {}, body=self.body_for(op))
        if isinstance(response, str) or response.status_code >= 300:
            return None
        try:
            value = response.json().get("id")
        except (ValueError, AttributeError):
            return None
        return value if isinstance(value, str) else None

    def run(self) -> ConformanceReport:
        for op in self.ops:
            self.probe(op)
        return self.report

    def probe(self, op: Operation) -> None:
        documented = set(op.responses)
        probed: set[str] = set()
        path_names = [p["name"] for p in op.params("path")]
        path_values: dict[str, str] = {}
        if path_names:
            fresh = self.fresh_id()
            if fresh is None:
                message = "could not create a resource to probe with (the create operation failed)"
                self.report.findings.append(Finding("error", op.key, message))
                return
            path_values = dict.fromkeys(path_names, fresh)
        body = self.body_for(op) if op.request_schema is not None else None
        success = op.success_status
        if success is not None:
            probed.add(str(success))
            response = self.record(op, "valid request", success, self.send(op, path_values, body=body))
            etag = response.headers.get("etag") if response is not None else None
            if "304" in documented and op.param("header", "If-None-Match") is not None and etag:
                probed.add("304")
                self.record(op, "If-None-Match with the ETag", 304, self.send(op, path_values, headers={"If-None-Match": etag}))
            if "409" in documented and path_values:
                # A retry of a request that got through must succeed again (the client may have lost the answer);
                # the conflict is the same operation with a different body on the resource it already changed.
                probed.add("409")
                self.record(op, "the same request again (a retry)", success, self.send(op, path_values, body=body))
                other = _conflicting(body, op.request_schema or {})
                self.record(op, "again with a different body", 409, self.send(op, path_values, body=other))
        if "404" in documented and path_values:
            probed.add("404")
            missing = {k: re.sub(r"(?<=_)[0-9a-zA-Z]+$", lambda m: "f" * len(m.group()), v) if "_" in v else v + "-missing"
                       for k, v in path_values.items()}
            self.record(op, "unknown id", 404, self.send(op, missing, body=body))
        if "400" in documented:
            if op.request_schema is not None:
                probed.add("400")
                self.record(op, "malformed JSON body", 400, self.send(op, path_values, raw=b'{"customer_id": "cus_'))
            elif op.param("query", "cursor") is not None:
                probed.add("400")
                self.record(op, "a cursor the server never issued", 400, self.send(op, path_values, params={"cursor": "bm90LWEtY3Vyc29y"}))
        if "422" in documented:
            bounded = [p for p in op.params("query") if "minimum" in p.get("schema", {})]
            if op.request_schema is not None:
                probed.add("422")
                self.record(op, "body missing required fields", 422, self.send(op, path_values, body={}))
            elif bounded:
                probed.add("422")
                p = bounded[0]
                value = p["schema"]["minimum"] - 1
                self.record(op, f"{p['name']}={value} (below minimum)", 422, self.send(op, path_values, params={p["name"]: value}))
        if op.param("header", "Idempotency-Key") is not None and success is not None and body is not None:
            self.idempotency(op, path_values, body, documented, probed)
        for status in sorted(documented - probed):
            self.report.findings.append(Finding("warning", op.key, f"documented status {status} was not exercised by any probe"))

    def idempotency(self, op: Operation, path_values: dict[str, str], body: Any, documented: set[str], probed: set[str]) -> None:
        key = self.key()
        first = self.send(op, path_values, body=body, headers={"Idempotency-Key": key})
        replay = self.record(op, "replay with the same Idempotency-Key", op.success_status or 200,
                             self.send(op, path_values, body=body, headers={"Idempotency-Key": key}))
        if not isinstance(first, str) and replay is not None and replay.status_code == first.status_code:
            if replay.content != first.content and _json_or_none(replay) != _json_or_none(first):
                self.report.checks[-1].problems.append("the replay returned a different body (a second resource was created?)")
                self.report.findings.append(Finding("error", op.key, "replay with the same Idempotency-Key: a different body came back"))
        reuse_status = next(
            (s for s in ("422", "409") if s in documented and "idempotency" in json.dumps(op.responses[s]).lower()),
            "422" if "422" in documented else "409" if "409" in documented else None,
        )
        if reuse_status is not None:
            probed.add(reuse_status)
            self.record(op, "same Idempotency-Key, different body", int(reuse_status),
                        self.send(op, path_values, body=_tweaked(body, op.request_schema or {}), headers={"Idempotency-Key": key}))


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def check_conformance(
    target: str | httpx.Client, spec: dict[str, Any], *, app: FastAPI | None = None, timeout_s: float = 5.0
) -> ConformanceReport:
    """Probe a running service with requests derived from `spec` and check every answer against the contract.

    For each documented operation: a valid request (body from the contract's example), and the documented error
    statuses it knows how to provoke (unknown id 404, malformed JSON 400, invalid input 422, If-None-Match 304,
    repeat 409, Idempotency-Key replay and reuse). Each answer must have a documented status, content type,
    required headers and a body that validates against the schema; undocumented fields are warnings. With
    `app`, routes the contract does not document are errors too. `target` is a base URL or an httpx.Client.
    """
    client = httpx.Client(base_url=target, timeout=timeout_s) if isinstance(target, str) else target
    try:
        report = _Prober(client, spec).run()
    finally:
        if isinstance(target, str):
            client.close()
    if app is not None:
        documented = {op.key for op in operations(spec)}
        for route in app.routes:
            # include_in_schema=False marks pages about the API (/docs, /redoc), not operations of it
            if isinstance(route, APIRoute) and route.include_in_schema:
                for method in sorted(route.methods - {"HEAD"}):
                    if f"{method} {route.path}" not in documented:
                        message = "the service has this route but the contract does not document it"
                        report.findings.append(Finding("error", f"{method} {route.path}", message))
    return report
