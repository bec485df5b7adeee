"""The Orders API contract: load it, extend it (exercise 1), validate it, and walk its operations."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from backendlab import course

CONTRACT_FILE = "orders-api.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# ---------------------------------------------------------------------------------------------------------------
# The contract: load, extend, validate, navigate
# ---------------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _contract_text(name: str) -> str:
    return (course.datasets_dir() / name).read_text(encoding="utf-8")


def contract_text(name: str = CONTRACT_FILE) -> str:
    """The contract's YAML source, as written in datasets/."""
    return _contract_text(name)


def load_contract(name: str = CONTRACT_FILE) -> dict[str, Any]:
    """The Orders API contract (OpenAPI 3.1) from datasets/, as a fresh dict you may change."""
    return yaml.safe_load(_contract_text(name))


CANCEL_PATH = "/v1/orders/{order_id}/cancel"
CANCEL_YAML = """\
path:
  parameters:
    - $ref: '#/components/parameters/OrderId'
  post:
    operationId: cancelOrder
    summary: Cancel an order that has not shipped yet.
    tags: [orders]
    requestBody:
      required: true
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/CancelRequest'
    responses:
      '200':
        description: The cancelled order.
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Order'
      '400':
        $ref: '#/components/responses/BadRequest'
      '404':
        $ref: '#/components/responses/NotFound'
      '409':
        $ref: '#/components/responses/Conflict'
      '422':
        $ref: '#/components/responses/ValidationFailed'
schema:
  type: object
  required: [reason]
  properties:
    reason:
      $ref: '#/components/schemas/CancelReason'
  additionalProperties: false
"""


def add_cancel_operation(spec: dict[str, Any]) -> dict[str, Any]:
    """Reference answer of exercise 1: a copy of `spec` with POST /v1/orders/{order_id}/cancel, version 1.1.0."""
    new = copy.deepcopy(spec)
    parts = yaml.safe_load(CANCEL_YAML)
    new["paths"][CANCEL_PATH] = parts["path"]
    new["components"]["schemas"]["CancelRequest"] = parts["schema"]
    new["info"]["version"] = "1.1.0"
    return new


def full_contract() -> dict[str, Any]:
    """The contract the reference service implements: the dataset's contract plus the cancel operation."""
    return add_cancel_operation(load_contract())


SECURITY_YAML = """\
securitySchemes:
  bearerAuth:
    type: http
    scheme: bearer
    bearerFormat: JWT
    description: An OAuth 2.0 access token (RFC 6750) from the shop's authorization server; module 05 verifies them.
responses:
  Unauthorized:
    description: No valid access token (missing, expired or badly signed).
    headers:
      WWW-Authenticate:
        description: The scheme and error, e.g. `Bearer error="invalid_token"` (RFC 6750 §3).
        required: true
        schema:
          type: string
    content:
      application/problem+json:
        schema:
          $ref: '#/components/schemas/Problem'
  Forbidden:
    description: The token is valid but lacks the scope this operation needs (e.g. orders:write).
    content:
      application/problem+json:
        schema:
          $ref: '#/components/schemas/Problem'
  TooManyRequests:
    description: Rate limit exceeded; retry after the number of seconds in Retry-After (RFC 6585 §4, RFC 9110 §10.2.3).
    headers:
      Retry-After:
        required: true
        schema:
          type: integer
          minimum: 0
    content:
      application/problem+json:
        schema:
          $ref: '#/components/schemas/Problem'
"""


def add_security(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of `spec` that requires a bearer token for every operation and documents 401, 403 and 429 on each."""
    new = copy.deepcopy(spec)
    parts = yaml.safe_load(SECURITY_YAML)
    components = new.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(parts["securitySchemes"])
    components.setdefault("responses", {}).update(parts["responses"])
    new["security"] = [{"bearerAuth": []}]
    for item in (new.get("paths") or {}).values():
        for method in HTTP_METHODS:
            if method in item:
                responses = item[method].setdefault("responses", {})
                for status, name in (("401", "Unauthorized"), ("403", "Forbidden"), ("429", "TooManyRequests")):
                    responses.setdefault(status, {"$ref": f"#/components/responses/{name}"})
    return new


def validate_contract(spec: dict[str, Any]) -> None:
    """Raise (openapi-spec-validator's error) unless `spec` is a valid OpenAPI document."""
    from openapi_spec_validator import validate

    validate(spec)


def _pointer_get(doc: Any, pointer: str) -> Any:
    node = doc
    for raw in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def inline_refs(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of `spec` with every local `$ref` ("#/components/...") replaced by what it points to."""

    def walk(node: Any, trail: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [walk(x, trail) for x in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#"):
                raise ValueError(f"only local references are supported, not {ref!r}")
            if ref in trail:
                raise ValueError(f"recursive reference {ref!r} cannot be inlined")
            try:
                target = _pointer_get(spec, ref[1:])
            except (KeyError, IndexError, ValueError, TypeError):
                raise ValueError(f"$ref {ref!r} points to nothing") from None
            resolved = walk(copy.deepcopy(target), (*trail, ref))
            siblings = {k: walk(v, trail) for k, v in node.items() if k != "$ref"}
            return {**resolved, **siblings} if isinstance(resolved, dict) else resolved
        return {k: walk(v, trail) for k, v in node.items()}

    return walk(spec, ())


@dataclass
class Operation:
    """One documented operation, with path-level and operation-level parameters merged and $refs inlined."""

    method: str  # upper case, e.g. "GET"
    path: str
    spec: dict[str, Any] = field(repr=False)
    parameters: list[dict[str, Any]] = field(repr=False, default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def operation_id(self) -> str:
        return str(self.spec.get("operationId", self.key))

    @property
    def responses(self) -> dict[str, Any]:
        return {str(k): v for k, v in self.spec.get("responses", {}).items()}

    def params(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.parameters if p.get("in") == where]

    def param(self, where: str, name: str) -> dict[str, Any] | None:
        for p in self.params(where):
            if p["name"].lower() == name.lower():
                return p
        return None

    @property
    def request_schema(self) -> dict[str, Any] | None:
        """The JSON schema of the request body, or None when the operation takes no JSON body."""
        content = self.spec.get("requestBody", {}).get("content", {})
        media = content.get("application/json")
        return media.get("schema", {}) if media is not None else None

    @property
    def request_example(self) -> Any:
        media = self.spec.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "example" in media:
            return copy.deepcopy(media["example"])
        examples = media.get("examples") or {}
        for ex in examples.values():
            if isinstance(ex, dict) and "value" in ex:
                return copy.deepcopy(ex["value"])
        return None

    @property
    def success_status(self) -> int | None:
        codes = sorted(int(s) for s in self.responses if s.isdigit() and s.startswith("2"))
        return codes[0] if codes else None


def _json_schema_of(part: dict[str, Any]) -> dict[str, Any] | None:
    media = (part.get("content") or {}).get("application/json")
    return media.get("schema") if media is not None else None


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation of `spec` in document order (refs inlined, parameters merged)."""
    inlined = inline_refs(spec)
    result = []
    for path, item in (inlined.get("paths") or {}).items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            merged: dict[tuple[str, str], dict[str, Any]] = {}
            for p in [*shared, *op.get("parameters", [])]:
                name = p["name"].lower() if p.get("in") == "header" else p["name"]
                merged[(p.get("in", ""), name)] = p
            result.append(Operation(method.upper(), path, op, list(merged.values())))
    return result


def operation_table(spec: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Rows (method, path, operationId, documented statuses) for a quick look at a contract."""
    return [(op.method, op.path, op.operation_id, " ".join(op.responses)) for op in operations(spec)]


def format_table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> str:
    """A plain-text table (no pandas needed)."""
    body = [[str(c) for c in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in body)) if body else len(str(h)) for i, h in enumerate(headers)]
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line, sep, *("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body)])
