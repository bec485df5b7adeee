"""Plausible wrong answers for module 02 (API-first design): each must lose points on its own exercise."""

CANCEL_OK = '''
        parameters:
          - $ref: '#/components/parameters/OrderId'
        post:
          operationId: cancelOrder
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
'''

CANCEL_REQUEST = '''{
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": {"$ref": "#/components/schemas/CancelReason"}},
    }'''

ADD_CANCEL = '''
def add_cancel_operation(spec: dict) -> dict:
    """Return a NEW contract: `spec` plus POST /v1/orders/{order_id}/cancel (operationId cancelOrder)."""
    new = %(copy)s
    new["paths"]["/v1/orders/{order_id}/cancel"] = yaml.safe_load("""%(path)s""")
    new["components"]["schemas"]["CancelRequest"] = %(schema)s
    new["info"]["version"] = "1.1.0"
    return new
'''

ERRORS_AS_JSON = CANCEL_OK.replace(
    """            '400':
              $ref: '#/components/responses/BadRequest'
            '404':
              $ref: '#/components/responses/NotFound'
            '409':
              $ref: '#/components/responses/Conflict'
            '422':
              $ref: '#/components/responses/ValidationFailed'
""",
    "".join(
        f"""            '{status}':
              description: {text}
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/Problem'
"""
        for status, text in (("400", "Bad request."), ("404", "No such order."), ("409", "Already shipped."), ("422", "Invalid body."))
    ),
)

BODY_NOT_REQUIRED = CANCEL_OK.replace("          requestBody:\n            required: true\n", "          requestBody:\n")

NO_PATH_PARAMETER = CANCEL_OK.replace("        parameters:\n          - $ref: '#/components/parameters/OrderId'\n", "")

ROUTES = '''
def add_order_routes(app: FastAPI, store: contracts.OrderStore) -> None:
    """Register getOrder and cancelOrder."""

    @app.get("/v1/orders/{order_id}")
    def get_order(order_id: str, if_none_match: str | None = Header(None)) -> Response:
        order = store.get(order_id)
        if order is None:
            %(not_found)s
        tag = %(tag)s
        %(conditional)s
        return JSONResponse(order, headers={"ETag": tag})

    @app.post("/v1/orders/{order_id}/cancel")
    def cancel_order(order_id: str, body: CancelRequest) -> dict:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        %(conflict)s
        return store.update(order_id, status="cancelled", cancel_reason=body.reason)
'''
ROUTES_OK = {
    "not_found": 'raise HTTPException(404, f"Order {order_id} does not exist.")',
    "tag": "contracts.etag_of(order)",
    "conditional": 'if if_none_match == tag:\n            return Response(status_code=304, headers={"ETag": tag})',
    "conflict": 'if order["status"] in ("shipped", "cancelled"):\n'
                '            raise HTTPException(409, "This order can no longer be cancelled.")',
}

HANDLERS = '''
def install_problem_handlers(app: FastAPI) -> None:
    """Make every 4xx error of `app` an RFC 9457 problem details response."""

    def problem(request, status, detail, headers=None, **extra):
        body = {"type": "about:blank", "title": contracts.status_title(status), "status": status,
                "detail": detail, "instance": request.url.path, **extra}
        return JSONResponse(body, status_code=status, %(media)sheaders=headers)

    async def http_error(request, exc):
        return problem(request, exc.status_code, str(exc.detail), exc.headers)

    async def validation_error(request, exc):
        errors = exc.errors()
        %(json_invalid)s
        entries = []
        for e in errors:
            where, *rest = e["loc"]
            if where == "body":
                entries.append({"detail": e["msg"], "pointer": %(pointer)s})
            else:
                entries.append({"detail": e["msg"], "parameter": str(rest[0] if rest else where)})
        return problem(request, 422, "Invalid input.", errors=entries)

    app.add_exception_handler(%(http_class)s, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
'''
HANDLERS_OK = {
    "media": 'media_type="application/problem+json", ',
    "json_invalid": 'if any(e["type"] == "json_invalid" for e in errors):\n'
                    '            return problem(request, 400, "The body is not JSON.")',
    "pointer": '"#" + "".join(f"/{part}" for part in rest)',
    "http_class": "StarletteHTTPException",
}

CURSORS = '''
def encode_cursor(created_at: str, order_id: str) -> str:
    """An opaque cursor for the position (created_at, order_id)."""
    %(encode)s


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, order_id) inside a cursor from encode_cursor; ValueError for anything else."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) %% 4)))
    except (ValueError, TypeError):
        raise ValueError("invalid cursor") from None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str) or not isinstance(data.get("id"), str):
        raise ValueError("invalid cursor")
    return data["t"], data["id"]


def page_of(orders: list[dict], limit: int, cursor: str | None = None) -> tuple[list[dict], str | None]:
    """One page of `orders`, newest first, and the cursor of the next page."""
    ordered = sorted(orders, key=lambda o: (o["created_at"], o["id"]), reverse=True)
    if cursor is not None:
        created_at, order_id = decode_cursor(cursor)
        ordered = [o for o in ordered if %(after)s]
    page = ordered[:limit]
    %(next)s
'''
CURSORS_OK = {
    "encode": 'return base64.urlsafe_b64encode(json.dumps({"t": created_at, "id": order_id}).encode()).decode().rstrip("=")',
    "after": '(o["created_at"], o["id"]) < (created_at, order_id)',
    "next": 'if len(ordered) > limit:\n        return page, encode_cursor(page[-1]["created_at"], page[-1]["id"])\n    return page, None',
}

OFFSET_PAGER = '''
def encode_cursor(created_at: str, order_id: str) -> str:
    """An opaque cursor for the position (created_at, order_id)."""
    return base64.urlsafe_b64encode(json.dumps({"t": created_at, "id": order_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, order_id) inside a cursor from encode_cursor; ValueError for anything else."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return data["t"], data["id"]
    except (ValueError, TypeError, KeyError):
        raise ValueError("invalid cursor") from None


def page_of(orders: list[dict], limit: int, cursor: str | None = None) -> tuple[list[dict], str | None]:
    """One page of `orders`, newest first, and the cursor of the next page."""
    ordered = sorted(orders, key=lambda o: (o["created_at"], o["id"]), reverse=True)
    offset = int(decode_cursor(cursor)[1]) if cursor else 0   # the cursor carries an offset
    page = ordered[offset:offset + limit]
    more = offset + limit < len(ordered)
    return page, (encode_cursor("offset", str(offset + limit)) if more else None)
'''

IDEMPOTENCY = '''
class IdempotencyStore:
    """The first response for each Idempotency-Key, replayed for retries of the same request."""

    def __init__(self) -> None:
        self.responses = {}

    def handle(self, key, payload, create):
        """create(payload) once per key; replays return the stored response."""
        %(body)s
'''
KEY_ONLY = """if key is None:
            return create(payload)
        if key not in self.responses:
            self.responses[key] = create(payload)
        return self.responses[key]"""
UNSORTED_FINGERPRINT = """if key is None:
            return create(payload)
        fingerprint = json.dumps(payload)
        if key in self.responses:
            seen, response = self.responses[key]
            if seen != fingerprint:
                raise IdempotencyKeyReused(key)
            return response
        response = create(payload)
        self.responses[key] = (fingerprint, response)
        return response"""
CREATES_EVERY_TIME = """if key is None:
            return create(payload)
        fingerprint = json.dumps(payload, sort_keys=True)
        response = create(payload)
        if key in self.responses:
            seen, first = self.responses[key]
            if seen != fingerprint:
                raise IdempotencyKeyReused(key)
            return first
        self.responses[key] = (fingerprint, response)
        return response"""
NONE_IS_A_KEY = """fingerprint = json.dumps(payload, sort_keys=True)
        if key in self.responses:
            seen, response = self.responses[key]
            if seen != fingerprint:
                raise IdempotencyKeyReused(key)
            return response
        response = create(payload)
        self.responses[key] = (fingerprint, response)
        return response"""

BREAKING = '''
def breaking_changes(old_spec: dict, new_spec: dict) -> list[Change]:
    """The changes from old_spec to new_spec that break existing clients."""

    def request_changes(old, new, where, op):
        found = []
        if "enum" in old and "enum" in new and %(narrowed)s:
            found.append(Change("narrowed-enum", op, where))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in %(required)s:
            found.append(Change("new-required-field", op, f"{where}.{name}"))
        for name in set(old_props) & set(new_props):
            found += request_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        %(items_request)s
        return found

    def response_changes(old, new, where, op):
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        found = [Change("removed-response-field", op, f"{where}.{name}") for name in set(old_props) - set(new_props)]
        for name in set(old_props) & set(new_props):
            found += response_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        %(items_response)s
        return found

    def json_schema(response):
        return response.get("content", {}).get("application/json", {}).get("schema")

    new_ops = {op.key: op for op in contracts.operations(new_spec)}
    changes = []
    for old in contracts.operations(old_spec):
        new = new_ops.get(old.key)
        if new is None:
            changes.append(Change("removed-operation", old.key, ""))
            continue
        %(parameters)s
        if new.request_schema is not None:
            changes += request_changes(old.request_schema or {}, new.request_schema, "request", old.key)
        for status, response in old.responses.items():
            old_schema, new_schema = json_schema(response), json_schema(new.responses.get(status, {}))
            if old_schema and new_schema:
                changes += response_changes(old_schema, new_schema, f"response.{status}", old.key)
    return sorted(set(changes))
'''
BREAKING_OK = {
    "narrowed": 'set(old["enum"]) - set(new["enum"])',
    "required": 'set(new.get("required", [])) - set(old.get("required", []))',
    "items_request": 'if "items" in old and "items" in new:\n'
                     '            found += request_changes(old["items"], new["items"], f"{where}[]", op)',
    "items_response": 'if "items" in old and "items" in new:\n'
                      '            found += response_changes(old["items"], new["items"], f"{where}[]", op)',
    "parameters": """before = {(p["in"], p["name"]): p for p in old.parameters}
        for p in new.parameters:
            was = before.get((p["in"], p["name"]))
            where = f"{p['in']}.{p['name']}"
            if p.get("required") and not (was or {}).get("required"):
                changes.append(Change("new-required-field", old.key, where))
            if was is not None:
                changes += request_changes(was.get("schema", {}), p.get("schema", {}), where, old.key)""",
}


def _cell(template: str, base: dict, **changes: str) -> str:
    return template % {**base, **changes}


WRONG_ANSWERS = {
    "add_cancel_operation": [
        ("documents the errors as application/json instead of application/problem+json",
         ADD_CANCEL % {"copy": "copy.deepcopy(spec)", "path": ERRORS_AS_JSON, "schema": CANCEL_REQUEST}),
        ("forgets `required: true` on the request body",
         ADD_CANCEL % {"copy": "copy.deepcopy(spec)", "path": BODY_NOT_REQUIRED, "schema": CANCEL_REQUEST}),
        ("changes the given contract in place instead of a copy",
         ADD_CANCEL % {"copy": "spec", "path": CANCEL_OK, "schema": CANCEL_REQUEST}),
        ("uses {order_id} in the path but never declares the parameter",
         ADD_CANCEL % {"copy": "copy.deepcopy(spec)", "path": NO_PATH_PARAMETER, "schema": CANCEL_REQUEST}),
    ],
    "add_order_routes": [
        ("ignores If-None-Match: never answers 304",
         _cell(ROUTES, ROUTES_OK, conditional="pass")),
        ("cancels a shipped or already cancelled order again instead of answering 409",
         _cell(ROUTES, ROUTES_OK, conflict="pass")),
        ("derives the ETag from the id only, so it never changes when the order does",
         _cell(ROUTES, ROUTES_OK, tag="'\"' + order_id + '\"'")),
        ("returns its own JSON 404 instead of raising HTTPException",
         _cell(ROUTES, ROUTES_OK, not_found='return JSONResponse({"detail": "not found"}, status_code=404)')),
    ],
    "install_problem_handlers": [
        ("sends the problem with Content-Type application/json",
         _cell(HANDLERS, HANDLERS_OK, media="")),
        ("registers fastapi.HTTPException, which misses the router's own 404 and 405",
         _cell(HANDLERS, HANDLERS_OK, http_class="HTTPException")),
        ("answers malformed JSON with 422 like any validation error",
         _cell(HANDLERS, HANDLERS_OK, json_invalid="pass")),
        ("keeps 'body' in the JSON pointer (#/body/items/0/quantity)",
         _cell(HANDLERS, HANDLERS_OK, pointer='"#/" + "/".join(str(part) for part in e["loc"])')),
    ],
    "cursor_pagination": [
        ("the cursor carries an offset, so inserts between pages repeat orders", OFFSET_PAGER),
        ("compares created_at alone, skipping orders that share the boundary timestamp",
         _cell(CURSORS, CURSORS_OK, after='o["created_at"] < created_at')),
        ("standard base64 with '=' padding: the cursor is not URL-safe",
         _cell(CURSORS, CURSORS_OK, encode='return base64.b64encode(json.dumps({"t": created_at, "id": order_id}).encode()).decode()')),
        ("always returns a next_cursor, even for the page that holds the last order",
         _cell(CURSORS, CURSORS_OK, next='return page, (encode_cursor(page[-1]["created_at"], page[-1]["id"]) if page else None)')),
    ],
    "idempotency_store": [
        ("remembers the response by key only: a reused key with another body gets the first order", IDEMPOTENCY % {"body": KEY_ONLY}),
        ("fingerprints with json.dumps without sort_keys: the same body with reordered keys is refused",
         IDEMPOTENCY % {"body": UNSORTED_FINGERPRINT}),
        ("calls create() before looking the key up: every retry creates an order", IDEMPOTENCY % {"body": CREATES_EVERY_TIME}),
        ("treats a missing key (None) as a key: requests without a key replay each other", IDEMPOTENCY % {"body": NONE_IS_A_KEY}),
    ],
    "breaking_changes": [
        ("does not look inside array items", _cell(BREAKING, BREAKING_OK, items_request="pass", items_response="pass")),
        ("compares enums by their length, missing a value swapped for another",
         _cell(BREAKING, BREAKING_OK, narrowed='len(new["enum"]) < len(old["enum"])')),
        ("ignores parameters", _cell(BREAKING, BREAKING_OK, parameters="pass")),
        ("reports every new request property, optional ones too",
         _cell(BREAKING, BREAKING_OK,
               required='(set(new.get("required", [])) - set(old.get("required", []))) | (set(new_props) - set(old_props))')),
    ],
}
