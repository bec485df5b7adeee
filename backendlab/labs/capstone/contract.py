"""The capstone's OpenAPI 3.1 contract (bookings-api.yaml): loading it, listing its operations, and checking one
response against what it documents (status, content type, required headers, body schema)."""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import yaml

CONTRACT_FILE = Path(__file__).with_name("bookings-api.yaml")
METHODS = ("get", "put", "post", "delete", "patch")


def contract_path() -> Path:
    """Where the contract lives (open it in JupyterLab, or paste it into an OpenAPI viewer)."""
    return CONTRACT_FILE


def contract_text() -> str:
    return CONTRACT_FILE.read_text(encoding="utf-8")


@functools.cache
def _spec() -> dict[str, Any]:
    return yaml.safe_load(contract_text())


def load_contract() -> dict[str, Any]:
    """The contract as a dict (a fresh copy: change it freely)."""
    return copy.deepcopy(_spec())


def validate_contract(spec: dict[str, Any] | None = None) -> None:
    """Raise if the contract is not a valid OpenAPI 3.1 document (openapi-spec-validator)."""
    from openapi_spec_validator import validate

    validate(spec or _spec())


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # the template, e.g. /bookings/{booking_id}
    operation_id: str
    summary: str
    statuses: tuple[str, ...]
    public: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def operations(spec: dict[str, Any] | None = None) -> list[Operation]:
    spec = spec or _spec()
    found = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            public = op.get("security", spec.get("security")) == []
            found.append(Operation(method.upper(), path, op["operationId"], op.get("summary", ""), tuple(op["responses"]), public))
    return found


def operation_table(spec: dict[str, Any] | None = None) -> str:
    rows = [(op.method, op.path, "public" if op.public else "bearer", ", ".join(op.statuses), op.summary) for op in operations(spec)]
    widths = [max(len(str(r[i])) for r in rows + [("method", "path", "auth", "statuses", "")]) for i in range(4)]
    head = "  ".join(h.ljust(w) for h, w in zip(("method", "path", "auth", "statuses"), widths, strict=True)) + "  summary"
    return "\n".join([head] + ["  ".join(str(c).ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4] for r in rows])


def _resolve(node: Any) -> Any:
    """Follow a local $ref in the contract (responses, headers, parameters)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = _spec()
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


@functools.lru_cache(maxsize=256)
def _compiled(schema_json: str) -> Any:
    schema = json.loads(schema_json)
    if "$ref" in schema:  # a reference into the contract: validate against it with the contract's components
        schema = {**schema, "components": _spec()["components"]}
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _validator(schema: dict[str, Any]) -> Any:
    """A JSON Schema 2020-12 validator (jsonschema-rs: fast to import and to run) for a schema of the contract."""
    return _compiled(json.dumps(schema, sort_keys=True))


def documented(method: str, path: str, status: int) -> dict[str, Any] | None:
    """The contract's response object for (method, path template, status), or None when that status is undocumented."""
    op = _spec()["paths"].get(path, {}).get(method.lower())
    if op is None:
        return None
    found = op["responses"].get(str(status))
    return _resolve(found) if found is not None else None


def response_problems(method: str, path: str, response: httpx.Response) -> list[str]:
    """What is wrong with `response` to (method, path template) according to the contract; [] when it conforms."""
    doc = documented(method, path, response.status_code)
    if doc is None:
        return [f"status {response.status_code} is not documented for {method} {path}"]
    problems = []
    for name, header in (doc.get("headers") or {}).items():
        header = _resolve(header)
        if header.get("required") and name.lower() not in {k.lower() for k in response.headers}:
            problems.append(f"required header {name} is missing")
        elif name.lower() in {k.lower() for k in response.headers} and "schema" in header:
            value = response.headers[name]
            for err in _validator(header["schema"]).iter_errors(value):
                problems.append(f"header {name}: {err.message[:120]}")
                break
    content = doc.get("content") or {}
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not content:
        return problems
    if media not in content:
        return [*problems, f"content type {media or 'none'!r}; the contract says {', '.join(content)}"]
    try:
        body = response.json()
    except ValueError:
        return [*problems, "the body is not JSON"]
    schema = content[media].get("schema")
    if schema is not None:
        for err in list(_validator(schema).iter_errors(body))[:3]:
            where = "/".join(str(p) for p in err.instance_path) or "(root)"
            problems.append(f"body at {where}: {err.message[:160]}")
    return problems
