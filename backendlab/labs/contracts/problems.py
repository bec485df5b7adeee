"""RFC 9457 problem details: the error format of the Orders API and its handlers (exercise 3)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
IDEMPOTENCY_KEY_REUSED = "https://orders.example/problems/idempotency-key-reused"
VALIDATION_FAILED = "https://orders.example/problems/validation-failed"  # RFC 9457 §3: an `errors` list needs its own type
log = logging.getLogger(__name__)

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
