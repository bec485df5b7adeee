"""The reference Orders service: request models and create_app, the FastAPI app that implements the contract."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from typing import Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from backendlab.labs.contracts.conditional import etag_matches, etag_of
from backendlab.labs.contracts.idempotency import IdempotencyKeyReused, IdempotencyStore
from backendlab.labs.contracts.pagination import page_of
from backendlab.labs.contracts.problems import IDEMPOTENCY_KEY_REUSED, install_problem_handlers, instance_of, problem_response
from backendlab.labs.contracts.spec import full_contract
from backendlab.labs.contracts.store import OrderStore

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
    note: str | None = Field(default=None, max_length=200)  # None when left out ...

    @field_validator("note")
    @classmethod
    def _note_not_null(cls, value: str | None) -> str:
        # ... but an explicit null is refused: the contract's note is an optional string, not a nullable one.
        # Validators do not run on defaults, so only a null the client sent gets here.
        if value is None:
            raise ValueError("note may be left out, but not null")
        return value


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
    access_token: str | None = None,
) -> FastAPI:
    """The reference Orders service. `operations` picks which operationIds get routes; the others are left out.

    `problem_handlers` installs the error format (None: FastAPI's defaults); `idempotency` is any object with
    IdempotencyStore's `handle` method; `paginate` works like page_of. /openapi.json serves the contract itself.
    With `access_token`, every operation needs `Authorization: Bearer <access_token>` and answers 401 (a problem,
    with WWW-Authenticate) without it: the bearerAuth scheme of add_security(), minus real token verification.
    """
    store = store if store is not None else OrderStore()
    idem = idempotency if idempotency is not None else IdempotencyStore()
    wanted = set(operations)
    unknown = wanted - ALL_OPERATIONS
    if unknown:
        raise ValueError(f"unknown operations {sorted(unknown)}; choose from {sorted(ALL_OPERATIONS)}")
    document = contract if contract is not None else full_contract()
    def require_token(authorization: str | None = Header(None)) -> None:
        if access_token is not None and not hmac.compare_digest((authorization or "").encode(), f"Bearer {access_token}".encode()):
            # RFC 6750 §3.1: no error code when the request carried no credentials at all
            challenge = 'Bearer error="invalid_token"' if authorization else "Bearer"
            raise HTTPException(401, "A valid bearer token is required.", headers={"WWW-Authenticate": challenge})

    dependencies = [Depends(require_token)] if access_token is not None else []
    app = FastAPI(title=document["info"]["title"], version=document["info"]["version"], dependencies=dependencies)

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
            if order["status"] == "cancelled" and order.get("cancel_reason") == body.reason:
                return JSONResponse(order)  # a retry of the cancel that got through: same answer, nothing changes
            if order["status"] in ("shipped", "cancelled"):
                raise HTTPException(409, f"Order {order_id} is {order['status']} and can no longer be cancelled.")
            return JSONResponse(store.update(order_id, status="cancelled", cancel_reason=body.reason))

    return app
