"""Contract-first APIs (module 02): the Orders API contract, reference service, conformance, fuzzing, client."""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import importlib.util
import json
import keyword
import logging
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, NamedTuple
from urllib.parse import quote

import httpx
import jsonschema
import yaml
from fastapi import FastAPI, Header, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from backendlab import course

CONTRACT_FILE = "orders-api.yaml"
PROBLEM_JSON = "application/problem+json"
IDEMPOTENCY_KEY_REUSED = "https://orders.example/problems/idempotency-key-reused"
VALIDATION_FAILED = "https://orders.example/problems/validation-failed"  # RFC 9457 §3: an `errors` list needs its own type
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
log = logging.getLogger(__name__)

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


# ---------------------------------------------------------------------------------------------------------------
# RFC 9457 problem details
# ---------------------------------------------------------------------------------------------------------------

TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}  # RFC 9110 names where Python 3.11 has older ones


def status_title(status: int) -> str:
    """The RFC 9110 reason phrase of a status code."""
    if status in TITLES:
        return TITLES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(
    status: int,
    detail: str | None = None,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    instance: str | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    """An RFC 9457 problem details object (a dict)."""
    body: dict[str, Any] = {"type": type_, "title": title or status_title(status), "status": status}
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    body.update({k: v for k, v in extensions.items() if v is not None})
    return body


def problem_response(status: int, detail: str | None = None, *, headers: dict[str, str] | None = None, **kwargs: Any) -> JSONResponse:
    """A JSONResponse with a problem details body and Content-Type application/problem+json."""
    return JSONResponse(problem(status, detail, **kwargs), status_code=status, headers=headers, media_type=PROBLEM_JSON)


def json_pointer(parts: Iterable[Any]) -> str:
    """A JSON Pointer URI fragment (RFC 6901): ("items", 0, "sku") -> "#/items/0/sku"; () -> "#"."""
    return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def validation_errors(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """Map FastAPI/Pydantic errors to problem `errors` entries: {"detail", "pointer"} for the body, {"detail", "parameter"} otherwise."""
    result = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        entry = {"detail": str(err.get("msg", "invalid"))}
        if loc and loc[0] == "body":
            entry["pointer"] = json_pointer(loc[1:])
        elif len(loc) >= 2:
            entry["parameter"] = str(loc[1])
        elif loc:
            entry["parameter"] = str(loc[0])
        result.append(entry)
    return result


def instance_of(request: Request) -> str:
    """The request's path as a URI reference (percent-encoded), for a problem's `instance`."""
    return quote(request.url.path, safe="/")


async def _http_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem_response(exc.status_code, detail, instance=instance_of(request), headers=exc.headers)


async def _validation_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem_response(400, "The request body is not valid JSON.", instance=instance_of(request))
    return problem_response(
        422, "The request has invalid input; see errors.", type_=VALIDATION_FAILED, instance=instance_of(request),
        errors=validation_errors(errors),
    )


class ServerErrorProblems:
    """ASGI middleware: an unhandled exception becomes a 500 problem (no traceback sent), counted in app.state."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            log.info("unhandled %s on %s %s", type(exc).__name__, scope.get("method"), scope.get("path"))
            app = scope.get("app")
            if app is not None:
                app.state.unhandled_errors = getattr(app.state, "unhandled_errors", 0) + 1
            response = problem_response(500, "An unexpected error occurred.", instance=quote(scope.get("path", "/"), safe="/"))
            await response(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    """Reference answer of exercise 3: every 4xx/5xx error of `app` becomes an RFC 9457 problem (application/problem+json).

    HTTPException -> its status; malformed JSON -> 400; validation failure -> 422 with `errors` and the problem
    type VALIDATION_FAILED (RFC 9457 §3: members beyond the standard five belong to a type, not to about:blank);
    a crash -> 500.
    """
    app.add_exception_handler(StarletteHTTPException, _http_problem)
    app.add_exception_handler(RequestValidationError, _validation_problem)
    app.add_middleware(ServerErrorProblems)


# ---------------------------------------------------------------------------------------------------------------
# Conditional requests
# ---------------------------------------------------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """JSON with sorted keys and no spaces: equal values give equal bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def etag_of(representation: Any) -> str:
    """A strong ETag (RFC 9110 §8.8.3) for a JSON representation: a quoted hash of its canonical bytes."""
    return '"' + hashlib.sha256(canonical_json(representation)).hexdigest()[:20] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Does If-None-Match match `etag`? Weak comparison (RFC 9110 §13.1.2): a list of tags, W/ prefixes, or "*"."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


# ---------------------------------------------------------------------------------------------------------------
# Cursor pagination
# ---------------------------------------------------------------------------------------------------------------

CURSOR_RE = re.compile(r"[A-Za-z0-9_-]{1,400}")


def encode_cursor(created_at: str, order_id: str) -> str:
    """Reference answer of exercise 4: an opaque, URL-safe cursor for the position (created_at, order_id)."""
    raw = canonical_json({"v": 1, "t": created_at, "id": order_id})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, order_id) inside a cursor from encode_cursor; ValueError for anything else."""
    if not isinstance(cursor, str) or not CURSOR_RE.fullmatch(cursor):
        raise ValueError("invalid cursor")
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        data = json.loads(raw)
    except (binascii.Error, ValueError):
        raise ValueError("invalid cursor") from None
    if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("t"), str) or not isinstance(data.get("id"), str):
        raise ValueError("invalid cursor")
    return data["t"], data["id"]


def page_of(orders: Iterable[dict[str, Any]], limit: int, cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """Reference answer of exercise 4: one page of `orders`, newest first by (created_at, id), and the next cursor.

    Keyset pagination: the cursor remembers the last (created_at, id) seen, so inserts never shift a page.
    next_cursor is None exactly when no order follows the page.
    """
    ordered = sorted(orders, key=lambda o: (o["created_at"], o["id"]), reverse=True)
    if cursor is not None:
        position = decode_cursor(cursor)
        ordered = [o for o in ordered if (o["created_at"], o["id"]) < position]
    page = ordered[:limit]
    more = len(ordered) > limit
    return page, (encode_cursor(page[-1]["created_at"], page[-1]["id"]) if more and page else None)


# ---------------------------------------------------------------------------------------------------------------
# Idempotency keys
# ---------------------------------------------------------------------------------------------------------------


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was used before with a different request body."""


class IdempotencyStore:
    """Reference answer of exercise 5: the first response per Idempotency-Key, replayed for retries with the same body."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, Any]] = {}
        self._lock = threading.Lock()

    def handle(self, key: str | None, payload: Any, create: Callable[[Any], tuple[int, Any]]) -> tuple[int, Any]:
        """Return create(payload) once per key; the same key again returns the stored (status, body) without calling create.

        The same key with a different payload raises IdempotencyKeyReused. No key: no idempotency.
        """
        if key is None:
            return create(payload)
        fingerprint = hashlib.sha256(canonical_json(payload)).hexdigest()
        with self._lock:  # one request per key at a time: a concurrent retry waits, then replays
            if key in self._seen:
                seen_fingerprint, response = self._seen[key]
                if seen_fingerprint != fingerprint:
                    raise IdempotencyKeyReused(key)
                return copy.deepcopy(response)
            response = create(payload)
            self._seen[key] = (fingerprint, copy.deepcopy(response))
            return response

    def __len__(self) -> int:
        return len(self._seen)


# ---------------------------------------------------------------------------------------------------------------
# The order store and the reference service
# ---------------------------------------------------------------------------------------------------------------


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with microseconds, fixed width, so that text order is time order: 2025-01-01T12:00:00.000000Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FakeClock:
    """A clock for tests: each call returns the next instant, `step` apart."""

    def __init__(self, start: datetime | None = None, step: timedelta = timedelta(seconds=1)) -> None:
        self.now = start or datetime(2025, 1, 1, tzinfo=UTC)
        self.step = step

    def __call__(self) -> datetime:
        current = self.now
        self.now += self.step
        return current


SAMPLE_CUSTOMERS = ("cus_ada01", "cus_bob02", "cus_cy03", "cus_dee04", "cus_eve05")
SAMPLE_SKUS = ("BOOK-42", "MUG-7", "PEN-3", "LAMP-11", "DESK-1", "CABLE-USB")
PRICES = (250, 499, 1250, 3999, 12900)


class OrderStore:
    """Orders in memory, safe to use from FastAPI's worker threads. Ids are ord_ + 12 hex digits, in creation order."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self._orders: dict[str, dict[str, Any]] = {}
        self._counter = 0
        self._lock = threading.Lock()

    def create(self, new_order: dict[str, Any], status: str = "pending") -> dict[str, Any]:
        """Store a NewOrder (a dict) as an Order and return it: id, status, total and created_at are set here."""
        items = [dict(item) for item in new_order["items"]]
        with self._lock:
            self._counter += 1
            order: dict[str, Any] = {
                "id": f"ord_{self._counter:012x}",
                "customer_id": new_order["customer_id"],
                "status": status,
                "currency": new_order["currency"],
                "items": items,
                "total_cents": sum(i["quantity"] * i["unit_price_cents"] for i in items),
                "created_at": format_timestamp(self.clock()),
            }
            if new_order.get("note") is not None:
                order["note"] = new_order["note"]
            self._orders[order["id"]] = order
            return copy.deepcopy(order)

    def get(self, order_id: str) -> dict[str, Any] | None:
        """A copy of the order, or None."""
        with self._lock:
            order = self._orders.get(order_id)
            return copy.deepcopy(order) if order is not None else None

    def update(self, order_id: str, **changes: Any) -> dict[str, Any]:
        """Change fields of an order (KeyError if it does not exist) and return the new version."""
        with self._lock:
            order = self._orders[order_id]
            order.update(changes)
            return copy.deepcopy(order)

    def all(self, status: str | None = None, customer_id: str | None = None) -> list[dict[str, Any]]:
        """Copies of all orders, optionally filtered."""
        with self._lock:
            return [
                copy.deepcopy(o)
                for o in self._orders.values()
                if (status is None or o["status"] == status) and (customer_id is None or o["customer_id"] == customer_id)
            ]

    def __len__(self) -> int:
        with self._lock:
            return len(self._orders)

    def seed(self, count: int, seed: int = 0) -> list[dict[str, Any]]:
        """Add `count` plausible orders (deterministic for a seed) and return them."""
        rng = random.Random(seed)
        made = []
        for _ in range(count):
            items = [
                {"sku": rng.choice(SAMPLE_SKUS), "quantity": rng.randint(1, 5), "unit_price_cents": rng.choice(PRICES)}
                for _ in range(rng.randint(1, 3))
            ]
            status = rng.choices(["pending", "paid", "shipped", "cancelled"], weights=[3, 3, 3, 1])[0]
            currency = rng.choice(["EUR", "EUR", "USD", "GBP"])
            data: dict[str, Any] = {"customer_id": rng.choice(SAMPLE_CUSTOMERS), "currency": currency, "items": items}
            order = self.create(data, status=status)
            if status == "cancelled":
                order = self.update(order["id"], cancel_reason=rng.choice(["customer_request", "out_of_stock"]))
            made.append(order)
        return made


OrderStatus = Literal["pending", "paid", "shipped", "cancelled"]
CancelReason = Literal["customer_request", "out_of_stock", "suspected_fraud"]


class OrderItemIn(BaseModel):
    """An item of a NewOrder (the contract's OrderItem)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    sku: str = Field(pattern=r"^[A-Z0-9-]{3,20}$")
    quantity: int = Field(ge=1, le=100)
    unit_price_cents: int = Field(ge=0, le=1_000_000)


class NewOrder(BaseModel):
    """The contract's NewOrder request body."""

    model_config = ConfigDict(extra="forbid", strict=True)
    customer_id: str = Field(pattern=r"^cus_[a-z0-9]{4,20}$")
    currency: Literal["EUR", "USD", "GBP"]
    items: list[OrderItemIn] = Field(min_length=1, max_length=20)
    note: str = Field(default=None, max_length=200)  # type: ignore[assignment]  # optional, but not null


class CancelRequest(BaseModel):
    """The contract's CancelRequest request body."""

    model_config = ConfigDict(extra="forbid", strict=True)
    reason: CancelReason


ALL_OPERATIONS = frozenset({"listOrders", "createOrder", "getOrder", "cancelOrder"})
BASE_OPERATIONS = frozenset({"listOrders", "createOrder"})


def create_app(
    store: OrderStore | None = None,
    *,
    operations: Iterable[str] = ALL_OPERATIONS,
    problem_handlers: Callable[[FastAPI], None] | None = install_problem_handlers,
    idempotency: Any = None,
    paginate: Callable[..., tuple[list[dict[str, Any]], str | None]] = page_of,
    contract: dict[str, Any] | None = None,
) -> FastAPI:
    """The reference Orders service. `operations` picks which operationIds get routes; the others are left out.

    `problem_handlers` installs the error format (None: FastAPI's defaults); `idempotency` is any object with
    IdempotencyStore's `handle` method; `paginate` works like page_of. /openapi.json serves the contract itself.
    """
    store = store if store is not None else OrderStore()
    idem = idempotency if idempotency is not None else IdempotencyStore()
    wanted = set(operations)
    unknown = wanted - ALL_OPERATIONS
    if unknown:
        raise ValueError(f"unknown operations {sorted(unknown)}; choose from {sorted(ALL_OPERATIONS)}")
    document = contract if contract is not None else full_contract()
    app = FastAPI(title=document["info"]["title"], version=document["info"]["version"])

    def served_contract() -> dict[str, Any]:
        # Contract first: /openapi.json and /docs show the contract. Servers set on the app (none by default: the
        # docs page finds the proxy prefix itself) are passed on.
        return {**document, "servers": list(app.servers)} if app.servers else document

    app.openapi = served_contract  # type: ignore[method-assign]
    app.state.store = store
    app.state.idempotency = idem
    if problem_handlers is not None:
        problem_handlers(app)

    if "listOrders" in wanted:

        @app.get("/v1/orders")
        def list_orders(
            limit: int = Query(20, ge=1, le=100),
            cursor: str | None = Query(None, min_length=1, max_length=200),
            status: OrderStatus | None = None,
            customer_id: str | None = Query(None, pattern=r"^cus_[a-z0-9]{4,20}$"),
        ) -> JSONResponse:
            orders = store.all(status=status, customer_id=customer_id)
            try:
                items, next_cursor = paginate(orders, limit, cursor)
            except ValueError:
                raise HTTPException(400, "The cursor is not one this server issued; start again without a cursor.") from None
            return JSONResponse({"items": items, "next_cursor": next_cursor})

    if "createOrder" in wanted:

        @app.post("/v1/orders", status_code=201)
        def create_order(
            request: Request,
            body: NewOrder,
            idempotency_key: str | None = Header(None, alias="Idempotency-Key", min_length=8, max_length=64),
        ) -> Response:
            def create(payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
                return 201, store.create(payload)

            try:
                status, order = idem.handle(idempotency_key, body.model_dump(exclude_none=True), create)
            except IdempotencyKeyReused:
                return problem_response(
                    422,
                    "This Idempotency-Key was already used with a different request body.",
                    type_=IDEMPOTENCY_KEY_REUSED,
                    title="Idempotency-Key reused",
                    instance=instance_of(request),
                )
            return JSONResponse(order, status_code=status, headers={"Location": f"/v1/orders/{order['id']}"})

    if "getOrder" in wanted:

        @app.get("/v1/orders/{order_id}")
        def get_order(order_id: str, if_none_match: str | None = Header(None)) -> Response:
            order = store.get(order_id)
            if order is None:
                raise HTTPException(404, f"Order {order_id} does not exist.")
            tag = etag_of(order)
            if etag_matches(if_none_match, tag):
                return Response(status_code=304, headers={"ETag": tag})
            return JSONResponse(order, headers={"ETag": tag})

    if "cancelOrder" in wanted:

        @app.post("/v1/orders/{order_id}/cancel")
        def cancel_order(order_id: str, body: CancelRequest) -> JSONResponse:
            order = store.get(order_id)
            if order is None:
                raise HTTPException(404, f"Order {order_id} does not exist.")
            if order["status"] in ("shipped", "cancelled"):
                raise HTTPException(409, f"Order {order_id} is {order['status']} and can no longer be cancelled.")
            return JSONResponse(store.update(order_id, status="cancelled", cancel_reason=body.reason))

    return app


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
                probed.add("409")
                self.record(op, "the same request again", 409, self.send(op, path_values, body=body))
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


# ---------------------------------------------------------------------------------------------------------------
# Breaking changes between two versions of a contract
# ---------------------------------------------------------------------------------------------------------------

REMOVED_OPERATION = "removed-operation"
REMOVED_RESPONSE_STATUS = "removed-response-status"
NEW_REQUIRED_FIELD = "new-required-field"
REMOVED_RESPONSE_FIELD = "removed-response-field"
NARROWED_ENUM = "narrowed-enum"
WIDENED_ENUM = "widened-enum"
CHANGED_TYPE = "changed-type"
TIGHTENED_CONSTRAINT = "tightened-constraint"
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")


class Change(NamedTuple):
    """A breaking change: kind, operation ("GET /v1/orders"), location ("request.items[].sku", "query.limit", "response.200.note")."""

    kind: str
    operation: str
    location: str


def _types(schema: dict[str, Any]) -> list[str] | None:
    kind = schema.get("type")
    return None if kind is None else [kind] if isinstance(kind, str) else list(kind)


def _allows_all(wide: list[str] | None, narrow: list[str] | None) -> bool:
    """Does a schema of types `wide` accept every value of types `narrow`? None: no `type`, anything goes."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _enum_allows_all(wide: dict[str, Any], narrow: dict[str, Any]) -> bool:
    """Does `wide`'s enum accept every value `narrow`'s enum accepts? No enum: anything goes."""
    if "enum" not in wide:
        return True
    return "enum" in narrow and all(v in wide["enum"] for v in narrow["enum"])


def _tightened(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A bound raised, lowered or added, or a pattern added or changed: some value valid before is invalid now."""
    lower = any(k in new and (k not in old or new[k] > old[k]) for k in LOWER_BOUNDS)
    upper = any(k in new and (k not in old or new[k] < old[k]) for k in UPPER_BOUNDS)
    return lower or upper or ("pattern" in new and new["pattern"] != old.get("pattern"))


def _request_changes(old: dict[str, Any], new: dict[str, Any], where: str, op: str) -> list[Change]:
    """What a client sends (valid against `old`) that `new` may refuse."""
    found: list[Change] = []
    if not _enum_allows_all(new, old):
        found.append(Change(NARROWED_ENUM, op, where))
    if not _allows_all(_types(new), _types(old)):
        found.append(Change(CHANGED_TYPE, op, where))
    if _tightened(old, new):
        found.append(Change(TIGHTENED_CONSTRAINT, op, where))
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
        found.append(Change(NEW_REQUIRED_FIELD, op, f"{where}.{name}"))
    for name in sorted(set(old_props) & set(new_props)):
        found += _request_changes(old_props[name], new_props[name], f"{where}.{name}", op)
    if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
        found += _request_changes(old["items"], new["items"], f"{where}[]", op)
    return found


def _response_changes(old: dict[str, Any], new: dict[str, Any], where: str, op: str) -> list[Change]:
    """What a client reads (written against `old`) that `new` takes away or may send unexpectedly."""
    found: list[Change] = []
    if not _enum_allows_all(old, new):
        found.append(Change(WIDENED_ENUM, op, where))
    if not _allows_all(_types(old), _types(new)):
        found.append(Change(CHANGED_TYPE, op, where))
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in sorted(set(old_props) - set(new_props)):
        found.append(Change(REMOVED_RESPONSE_FIELD, op, f"{where}.{name}"))
    for name in sorted(set(old_props) & set(new_props)):
        found += _response_changes(old_props[name], new_props[name], f"{where}.{name}", op)
    if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
        found += _response_changes(old["items"], new["items"], f"{where}[]", op)
    return found


def _json_schema_of(part: dict[str, Any]) -> dict[str, Any] | None:
    media = (part.get("content") or {}).get("application/json")
    return media.get("schema") if media is not None else None


def breaking_changes(old_spec: dict[str, Any], new_spec: dict[str, Any]) -> list[Change]:
    """Reference answer of exercise 6: what in `new_spec` breaks a client written against `old_spec`, sorted.

    Requests (what a client sends, valid before, may be refused now): a newly required body property or parameter
    or a body that becomes required ("new-required-field"); an enum that lost a value ("narrowed-enum"); a type
    that no longer accepts the old values ("changed-type"); a bound raised or lowered, or a pattern added or
    changed ("tightened-constraint"). Responses (what a client reads): a documented status gone
    ("removed-response-status"), a property gone ("removed-response-field"), an enum that gained a value
    ("widened-enum": a strict client, such as the generated one with its Literal types, rejects it), a type that
    allows new values ("changed-type"). Operations gone: "removed-operation". An absent keyword allows anything.
    Not analysed: allOf/oneOf/anyOf, additionalProperties, formats, headers of responses, media types other than
    application/json, and response properties that stop being required.
    """
    old_ops = {op.key: op for op in operations(old_spec)}
    new_ops = {op.key: op for op in operations(new_spec)}
    found: list[Change] = []
    for key, old in old_ops.items():
        new = new_ops.get(key)
        if new is None:
            found.append(Change(REMOVED_OPERATION, key, ""))
            continue
        old_params = {(p["in"], p["name"].lower()): p for p in old.parameters}
        for p in new.parameters:
            before = old_params.get((p["in"], p["name"].lower()))
            where = f"{p['in']}.{p['name']}"
            if p.get("required") and not (before or {}).get("required"):
                found.append(Change(NEW_REQUIRED_FIELD, key, where))
            if before is not None:
                found += _request_changes(before.get("schema", {}), p.get("schema", {}), where, key)
        old_body, new_body = old.request_schema, new.request_schema
        if new.spec.get("requestBody", {}).get("required") and not old.spec.get("requestBody", {}).get("required"):
            found.append(Change(NEW_REQUIRED_FIELD, key, "request"))
        if old_body is not None and new_body is not None:
            found += _request_changes(old_body, new_body, "request", key)
        for status, response in old.responses.items():
            if status not in new.responses:
                found.append(Change(REMOVED_RESPONSE_STATUS, key, f"response.{status}"))
                continue
            old_schema = _json_schema_of(response)
            new_schema = _json_schema_of(new.responses[status])
            if old_schema is not None and new_schema is not None:
                found += _response_changes(old_schema, new_schema, f"response.{status}", key)
    return sorted(set(found))


# ---------------------------------------------------------------------------------------------------------------
# Contract-driven fuzzing (a small, seeded, bounded stand-in for schemathesis)
# ---------------------------------------------------------------------------------------------------------------

ODD_STRINGS = ("", " ", "0", "-1", "null", "é", "漢字", "🙂", "' OR 1=1 --", "<script>", "../../etc", "a" * 300, "%00", "\\", '"')


def value_from_schema(
    schema: dict[str, Any], rng: random.Random, *, prefer_examples: bool = False, optional: bool = True, depth: int = 0
) -> Any:
    """A random instance of a JSON schema (enum, type, bounds, lengths, required members); examples are used for patterns."""
    examples = schema.get("examples") or ([schema["example"]] if "example" in schema else [])
    if examples and (prefer_examples or "pattern" in schema or rng.random() < 0.5):
        return copy.deepcopy(examples[0] if prefer_examples else rng.choice(examples))
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0] if prefer_examples else rng.choice(schema["enum"])
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"] or ["null"]
        kind = kinds[0] if prefer_examples else rng.choice(kinds if rng.random() < 0.9 else kind)
    if kind == "null":
        return None
    if kind == "boolean":
        return rng.random() < 0.5
    if kind in ("integer", "number"):
        lo = schema.get("minimum", -1000 if "maximum" not in schema else schema["maximum"] - 1000)
        hi = schema.get("maximum", lo + 1000)
        if prefer_examples:
            return lo if kind == "integer" else float(lo)
        value = rng.choice([lo, hi, rng.randint(int(lo), int(hi))])
        return value if kind == "integer" else value + rng.random() * (value < hi)
    if kind == "string":
        low = schema.get("minLength", 0)
        high = min(schema.get("maxLength", low + 12), low + 12)
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.éß漢🙂"
        length = low if prefer_examples else rng.randint(low, max(low, high))
        return "".join(rng.choice(alphabet) for _ in range(length)) or ("x" * low)
    if kind == "array":
        item_schema = schema.get("items", {})
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + 3), low + 3)
        count = max(low, 1) if prefer_examples else rng.randint(low, high)
        return [
            value_from_schema(item_schema, rng, prefer_examples=prefer_examples, optional=optional, depth=depth + 1) for _ in range(count)
        ]
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        result = {}
        for name, sub in props.items():
            if name in required or (optional and depth < 4 and rng.random() < 0.5):
                result[name] = value_from_schema(sub, rng, prefer_examples=prefer_examples, optional=optional, depth=depth + 1)
        return result
    return None


def _invalid_for(schema: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    """A value that breaks `schema` (or a plausible edge case), and how."""
    options: list[tuple[Any, str]] = [(None, "null"), (rng.choice([[], {}, True]), "wrong type")]
    if "enum" in schema:
        options.append(("not-" + str(schema["enum"][0]), "value outside the enum"))
    kind = schema.get("type")
    if kind in ("integer", "number"):
        if "minimum" in schema:
            options.append((schema["minimum"] - 1, "below minimum"))
        if "maximum" in schema:
            options.append((schema["maximum"] + 1, "above maximum"))
        options += [(10**30, "huge number"), ("12", "number as a string"), (1.5, "fraction")]
    elif kind == "string":
        if "maxLength" in schema:
            options.append(("x" * (schema["maxLength"] + 1), "too long"))
        if schema.get("minLength", 0) > 0:
            options.append(("", "too short"))
        if "pattern" in schema:
            options.append((rng.choice(ODD_STRINGS[5:]), "does not match the pattern"))
        options.append((rng.randint(-5, 5), "number instead of string"))
    elif kind == "array":
        options.append(([], "empty list"))
        if "maxItems" in schema:
            options.append(([value_from_schema(schema.get("items", {}), rng)] * (schema["maxItems"] + 1), "too many items"))
    return rng.choice(options)


def _mutate(value: Any, schema: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    """Break `value` at one random place: a bad member, a missing required member, or an unknown member."""
    if isinstance(value, dict) and schema.get("properties"):
        choice = rng.random()
        required = [k for k in schema.get("required", []) if k in value]
        if choice < 0.2 and required:
            name = rng.choice(required)
            return {k: v for k, v in value.items() if k != name}, f"missing {name}"
        if choice < 0.3:
            return {**value, "unexpected": 1}, "unknown member"
        name = rng.choice(list(schema["properties"]))
        sub = schema["properties"][name]
        if name in value and isinstance(value[name], dict | list) and rng.random() < 0.6:
            inner, how = _mutate(value[name], sub, rng)
        else:
            inner, how = _invalid_for(sub, rng)
        return {**value, name: inner}, f"{name}: {how}"
    if isinstance(value, list) and value and isinstance(schema.get("items"), dict):
        index = rng.randrange(len(value))
        inner, how = _mutate(value[index], schema["items"], rng)
        return [*value[:index], inner, *value[index + 1 :]], f"[{index}].{how}"
    return _invalid_for(schema, rng)


def sample_bodies(schema: dict[str, Any], n: int, seed: int = 0) -> list[tuple[Any, str]]:
    """`n` seeded instances of `schema` with a note: even positions valid, odd ones broken in one place."""
    rng = random.Random(seed)
    samples = []
    for i in range(n):
        value = value_from_schema(schema, rng)
        samples.append((value, "valid") if i % 2 == 0 else _mutate(value, schema, rng))
    return samples


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


# ---------------------------------------------------------------------------------------------------------------
# A typed client generated from the contract
# ---------------------------------------------------------------------------------------------------------------


def snake_case(name: str) -> str:
    """listOrders -> list_orders; Idempotency-Key -> idempotency_key."""
    text = re.sub(r"[^0-9a-zA-Z]+", "_", name)
    text = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", text).lower().strip("_")
    return text + "_" if keyword.iskeyword(text) else text


def _type_of(schema: dict[str, Any]) -> str:
    """The Python type hint for a JSON schema; a $ref becomes the referenced schema's name."""
    if not schema:
        return "Any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "enum" in schema:
        return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(_type_of({**schema, "type": k}) for k in kind)
    return {
        "string": "str",
        "integer": "int",
        "number": "float",
        "boolean": "bool",
        "null": "None",
        "array": f"list[{_type_of(schema.get('items', {}))}]",
    }.get(str(kind), "dict[str, Any]")


def generate_client(spec: dict[str, Any], class_name: str = "OrdersClient") -> str:
    """Python source of a small typed client: TypedDicts and Literals for the schemas, one method per operation."""
    schemas = (spec.get("components") or {}).get("schemas") or {}
    title = spec["info"]["title"]
    out = [
        f'"""{title} {spec["info"]["version"]} client, generated from its OpenAPI contract by backendlab.contracts. Do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, Literal, NotRequired, TypedDict",
        "",
        "import httpx",
        "",
    ]
    for name, schema in schemas.items():
        if schema.get("type") == "object" and "properties" in schema:
            required = set(schema.get("required", []))
            out += ["", f"class {name}(TypedDict):"]
            if schema.get("description"):
                out.append(f'    """{schema["description"].strip().splitlines()[0]}"""')
            for prop, sub in schema["properties"].items():
                hint = _type_of(sub)
                out.append(f"    {prop}: {hint if prop in required else f'NotRequired[{hint}]'}")
        else:
            out += ["", f"{name} = {_type_of(schema)}"]
    out += [
        "",
        "",
        "class ApiProblem(Exception):",
        '    """An error answer (RFC 9457 problem details): .status, .problem."""',
        "",
        "    def __init__(self, status: int, problem: dict[str, Any]) -> None:",
        "        self.status = status",
        "        self.problem = problem",
        "        super().__init__(f\"{status} {problem.get('title', '')}: {problem.get('detail', '')}\")",
        "",
        "",
        f"class {class_name}:",
        f'    """Calls the {title}. Pass base_url, or an httpx.Client with a base_url."""',
        "",
        "    def __init__(self, base_url: str = '', *, client: httpx.Client | None = None, timeout: float = 5.0) -> None:",
        "        self.http = client or httpx.Client(base_url=base_url, timeout=timeout)",
        "",
        "    def close(self) -> None:",
        "        self.http.close()",
        "",
        "    def _call(self, method: str, path: str, *, params: dict[str, Any], headers: dict[str, Any], json: Any = None) -> Any:",
        "        sent = {k: v for k, v in headers.items() if v is not None}",
        "        response = self.http.request(method, path, params={k: v for k, v in params.items() if v is not None},",
        "                                     headers=sent, json=json)",
        "        if response.status_code == 304:",
        "            return None",
        "        if response.status_code >= 400:",
        "            try:",
        "                body = response.json()",
        "            except ValueError:",
        "                body = {'title': response.reason_phrase}",
        "            raise ApiProblem(response.status_code, body)",
        "        return response.json() if response.content else None",
    ]
    for op in operations(spec):
        raw = spec["paths"][op.path][op.method.lower()]
        ok = [s for s in op.responses if s.startswith("2")]
        returns = []
        for status in ok:
            raw_resp = raw.get("responses", {}).get(status) or raw.get("responses", {}).get(int(status), {})
            if "$ref" in raw_resp:
                raw_resp = _pointer_get(spec, raw_resp["$ref"][1:])
            schema = _json_schema_of(raw_resp)
            returns.append(_type_of(schema) if schema is not None else "None")
        if "304" in op.responses:
            returns.append("None")
        result_type = " | ".join(dict.fromkeys(returns)) or "None"
        args = ["self"]
        path_expr = op.path
        for p in op.params("path"):
            args.append(f"{snake_case(p['name'])}: str")
            path_expr = path_expr.replace("{" + p["name"] + "}", "{" + snake_case(p["name"]) + "}")
        body_schema = (raw.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
        if body_schema is not None:
            args.append(f"body: {_type_of(body_schema)}")
        optional = [p for p in op.parameters if p["in"] in ("query", "header")]
        if optional:
            args.append("*")
        for p in optional:
            hint = _type_of(p.get("schema", {}))
            args.append(f"{snake_case(p['name'])}: {hint} | None = None")
        params = ", ".join(f"{p['name']!r}: {snake_case(p['name'])}" for p in op.params("query"))
        headers = ", ".join(f"{p['name']!r}: {snake_case(p['name'])}" for p in op.params("header"))
        summary = op.spec.get("summary", "")
        prefix = "f" if op.params("path") else ""  # an f-string only where the path has variables
        out += [
            "",
            f"    def {snake_case(op.operation_id)}({', '.join(args)}) -> {result_type}:",
            f'        """{op.key}: {summary}"""',
            f"        return self._call({op.method!r}, {prefix}{path_expr!r}, params={{{params}}}, headers={{{headers}}}"
            + (", json=body)" if body_schema is not None else ")"),
        ]
    return "\n".join(out) + "\n"


def load_client(source: str, module_name: str = "orders_client") -> ModuleType:
    """Import generated client source as a module (written to a temporary folder, as a file you could commit)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{module_name}.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return module
