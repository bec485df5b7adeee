"""Problem details (RFC 9457) for the booking service: one helper to answer with one, and handlers that turn the
domain errors, validation errors and unexpected crashes into them."""

from __future__ import annotations

import logging
import math
from typing import Any

from backendlab.labs.capstone.config import BookingError, PayloadTooLarge, RateLimited, Unauthorized

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://bookings.capstone.example/problems/"
TITLES = {400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
          409: "Conflict", 413: "Content Too Large", 422: "Unprocessable Content", 429: "Too Many Requests",
          405: "Method Not Allowed", 500: "Internal Server Error", 503: "Service Unavailable"}
SLUGS = {404: "not-found", 405: "method-not-allowed", 413: "payload-too-large"}


def problem(status: int, slug: str, title: str | None = None, detail: str | None = None,
            headers: dict[str, str] | None = None) -> Any:
    """A JSONResponse with a problem details body: type (PROBLEM_BASE + slug), title, status and an optional detail."""
    from fastapi.responses import JSONResponse

    body: dict[str, Any] = {"type": PROBLEM_BASE + slug, "title": title or TITLES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def error_response(exc: BookingError) -> Any:
    """The problem response for a domain error, with the headers its status needs (WWW-Authenticate, Retry-After)."""
    headers: dict[str, str] = {}
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="bookings"'
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_s)))
    # the detail never repeats the exception's text for 401/403: it could echo an attacker's token or a library message
    detail = None if exc.status in (401, 403, 429, 413) else (str(exc) or None)
    return problem(exc.status, exc.slug, exc.title, detail, headers or None)


def install_problem_handlers(app: Any, log: logging.Logger | None = None) -> None:
    """Answer every error of `app` with problem details:
    - the capstone's domain errors (capstone.SoldOut -> 409, capstone.Unauthorized -> 401 + WWW-Authenticate, ...);
    - malformed JSON -> 400; other request validation errors -> 422 with the first error's location;
    - HTTPException -> its status; anything else -> 500, logged, with no detail (a crash never leaks internals).
    """
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    async def on_domain_error(request: Any, exc: Exception) -> Any:
        return error_response(exc)  # type: ignore[arg-type]

    async def on_validation(request: Any, exc: Exception) -> Any:
        errors = list(getattr(exc, "errors", lambda: [])())
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(400, "malformed-json", "Malformed JSON body")
        first = errors[0] if errors else {}
        where = "/".join(str(p) for p in first.get("loc", ()))
        return problem(422, "validation", "Invalid request", f"{where}: {first.get('msg', 'invalid')}"[:200])

    async def on_http(request: Any, exc: Exception) -> Any:
        status = getattr(exc, "status_code", 500)
        headers = dict(getattr(exc, "headers", None) or {})
        return problem(status, SLUGS.get(status, f"http-{status}"), TITLES.get(status), None, headers or None)

    async def on_crash(request: Any, exc: Exception) -> Any:
        if log is not None:
            log.error("unhandled error", extra={"error": type(exc).__name__})
        return problem(500, "internal", "Internal Server Error")

    app.add_exception_handler(BookingError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)


__all__ = ["PROBLEM_BASE", "PROBLEM_JSON", "PayloadTooLarge", "error_response", "install_problem_handlers", "problem"]
