"""Plausible wrong answers for module 02 (API-first design): each must lose points on its own exercise.

RED_TEAM holds the answers written from the student notebooks alone (docstrings and narrative, tests unseen),
EARLIER the course authors' first set; WRONG_ANSWERS takes all of the first and the non-redundant rest.
"""

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
    "conflict": 'if order["status"] == "cancelled" and order.get("cancel_reason") == body.reason:\n'
                '            return order\n'
                '        if order["status"] in ("shipped", "cancelled"):\n'
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



EARLIER = {
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

RED_TEAM = {
    'add_cancel_operation': [
        (
            "changes the caller's spec in place instead of working on a deep copy",
            '''def add_cancel_operation(spec: dict) -> dict:
    """Return a NEW contract: `spec` plus POST /v1/orders/{order_id}/cancel (operationId cancelOrder).

    - the order_id path parameter; a required application/json request body with schema CancelRequest
      ($ref to an object whose only property, reason, is required and a CancelReason), added to components.schemas
    - responses 200 (an Order, application/json), 400, 404, 409 and 422 (problem details, application/problem+json)
    - info.version "1.1.0"
    Leave `spec` itself unchanged: work on copy.deepcopy(spec).
    """
    new = spec  # no copy: the caller's dict changes
    parts = yaml.safe_load("""
path:
  parameters:
    - $ref: '#/components/parameters/OrderId'
  post:
    operationId: cancelOrder
    summary: Cancel an order.
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
""")
    new["paths"]["/v1/orders/{order_id}/cancel"] = parts["path"]
    new["components"]["schemas"]["CancelRequest"] = parts["schema"]
    new["info"]["version"] = "1.1.0"
    return new''',
        ),
        (
            "a shallow copy: the new path and schema are added to the caller's nested dicts too",
            '''def add_cancel_operation(spec: dict) -> dict:
    """Return a NEW contract: `spec` plus POST /v1/orders/{order_id}/cancel (operationId cancelOrder).

    - the order_id path parameter; a required application/json request body with schema CancelRequest
      ($ref to an object whose only property, reason, is required and a CancelReason), added to components.schemas
    - responses 200 (an Order, application/json), 400, 404, 409 and 422 (problem details, application/problem+json)
    - info.version "1.1.0"
    Leave `spec` itself unchanged: work on copy.deepcopy(spec).
    """
    new = dict(spec)  # shallow
    parts = yaml.safe_load("""
path:
  parameters:
    - $ref: '#/components/parameters/OrderId'
  post:
    operationId: cancelOrder
    summary: Cancel an order.
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
""")
    new["paths"]["/v1/orders/{order_id}/cancel"] = parts["path"]
    new["components"]["schemas"]["CancelRequest"] = parts["schema"]
    new["info"]["version"] = "1.1.0"
    return new''',
        ),
        (
            'inlines the CancelRequest schema into the request body; components.schemas gets no CancelRequest',
            '''def add_cancel_operation(spec: dict) -> dict:
    """Return a NEW contract: `spec` plus POST /v1/orders/{order_id}/cancel (operationId cancelOrder).

    - the order_id path parameter; a required application/json request body with schema CancelRequest
      ($ref to an object whose only property, reason, is required and a CancelReason), added to components.schemas
    - responses 200 (an Order, application/json), 400, 404, 409 and 422 (problem details, application/problem+json)
    - info.version "1.1.0"
    Leave `spec` itself unchanged: work on copy.deepcopy(spec).
    """
    new = copy.deepcopy(spec)
    parts = yaml.safe_load("""
path:
  parameters:
    - $ref: '#/components/parameters/OrderId'
  post:
    operationId: cancelOrder
    summary: Cancel an order.
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
              required: [reason]
              properties:
                reason:
                  $ref: '#/components/schemas/CancelReason'
              additionalProperties: false
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
""")
    new["paths"]["/v1/orders/{order_id}/cancel"] = parts["path"]
    new["info"]["version"] = "1.1.0"
    return new''',
        ),
        (
            'CancelRequest gets a second, optional property (comment): reason must be its only property',
            '''def add_cancel_operation(spec: dict) -> dict:
    """Return a NEW contract: `spec` plus POST /v1/orders/{order_id}/cancel (operationId cancelOrder).

    - the order_id path parameter; a required application/json request body with schema CancelRequest
      ($ref to an object whose only property, reason, is required and a CancelReason), added to components.schemas
    - responses 200 (an Order, application/json), 400, 404, 409 and 422 (problem details, application/problem+json)
    - info.version "1.1.0"
    Leave `spec` itself unchanged: work on copy.deepcopy(spec).
    """
    new = copy.deepcopy(spec)
    parts = yaml.safe_load("""
path:
  parameters:
    - $ref: '#/components/parameters/OrderId'
  post:
    operationId: cancelOrder
    summary: Cancel an order.
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
    comment:
      type: string
      maxLength: 200
  additionalProperties: false
""")
    new["paths"]["/v1/orders/{order_id}/cancel"] = parts["path"]
    new["components"]["schemas"]["CancelRequest"] = parts["schema"]
    new["info"]["version"] = "1.1.0"
    return new''',
        ),
        (
            'copy-paste slip: 409 reuses BadRequest (and 422 reuses BadRequest) instead of Conflict / ValidationFailed',
            '''def add_cancel_operation(spec: dict) -> dict:
    """Return a NEW contract: `spec` plus POST /v1/orders/{order_id}/cancel (operationId cancelOrder).

    - the order_id path parameter; a required application/json request body with schema CancelRequest
      ($ref to an object whose only property, reason, is required and a CancelReason), added to components.schemas
    - responses 200 (an Order, application/json), 400, 404, 409 and 422 (problem details, application/problem+json)
    - info.version "1.1.0"
    Leave `spec` itself unchanged: work on copy.deepcopy(spec).
    """
    new = copy.deepcopy(spec)
    parts = yaml.safe_load("""
path:
  parameters:
    - $ref: '#/components/parameters/OrderId'
  post:
    operationId: cancelOrder
    summary: Cancel an order.
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
        $ref: '#/components/responses/BadRequest'
      '422':
        $ref: '#/components/responses/BadRequest'
schema:
  type: object
  required: [reason]
  properties:
    reason:
      $ref: '#/components/schemas/CancelReason'
  additionalProperties: false
""")
    new["paths"]["/v1/orders/{order_id}/cancel"] = parts["path"]
    new["components"]["schemas"]["CancelRequest"] = parts["schema"]
    new["info"]["version"] = "1.1.0"
    return new''',
        ),
        (
            'replaces paths with only the cancel path: the existing operations are gone',
            '''def add_cancel_operation(spec: dict) -> dict:
    """Return a NEW contract: `spec` plus POST /v1/orders/{order_id}/cancel (operationId cancelOrder).

    - the order_id path parameter; a required application/json request body with schema CancelRequest
      ($ref to an object whose only property, reason, is required and a CancelReason), added to components.schemas
    - responses 200 (an Order, application/json), 400, 404, 409 and 422 (problem details, application/problem+json)
    - info.version "1.1.0"
    Leave `spec` itself unchanged: work on copy.deepcopy(spec).
    """
    new = copy.deepcopy(spec)
    parts = yaml.safe_load("""
path:
  parameters:
    - $ref: '#/components/parameters/OrderId'
  post:
    operationId: cancelOrder
    summary: Cancel an order.
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
""")
    new["paths"] = {"/v1/orders/{order_id}/cancel": parts["path"]}
    new["components"]["schemas"]["CancelRequest"] = parts["schema"]
    new["info"]["version"] = "1.1.0"
    return new''',
        ),
    ],
    'add_order_routes': [
        (
            'cancels without recording cancel_reason',
            '''def add_order_routes(app: FastAPI, store: contracts.OrderStore) -> None:
    """Register GET /v1/orders/{order_id} (getOrder) and POST /v1/orders/{order_id}/cancel (cancelOrder) on `app`.

    getOrder: 200 + the order + ETag header (contracts.etag_of(order)); 304 + ETag and no body when the
    If-None-Match header matches; 404 for an unknown id.
    cancelOrder: body CancelRequest; 200 + the order with status "cancelled" and cancel_reason set;
    404 for an unknown id; 409 when the order is already "shipped" or "cancelled".
    Raise HTTPException for 404 and 409: the app's problem handlers format them.
    """
    @app.get("/v1/orders/{order_id}")
    def get_order(order_id: str, if_none_match: str | None = Header(None)) -> Response:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        tag = contracts.etag_of(order)
        if contracts.etag_matches(if_none_match, tag):
            return Response(status_code=304, headers={"ETag": tag})
        return JSONResponse(order, headers={"ETag": tag})

    @app.post("/v1/orders/{order_id}/cancel")
    def cancel_order(order_id: str, body: CancelRequest) -> JSONResponse:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        if order["status"] in ("shipped", "cancelled"):
            raise HTTPException(409, f"Order {order_id} is {order['status']}.")
        updated = store.update(order_id, status="cancelled")
        return JSONResponse(updated)''',
        ),
        (
            'only an already cancelled order is a 409: a shipped order gets cancelled',
            '''def add_order_routes(app: FastAPI, store: contracts.OrderStore) -> None:
    """Register GET /v1/orders/{order_id} (getOrder) and POST /v1/orders/{order_id}/cancel (cancelOrder) on `app`.

    getOrder: 200 + the order + ETag header (contracts.etag_of(order)); 304 + ETag and no body when the
    If-None-Match header matches; 404 for an unknown id.
    cancelOrder: body CancelRequest; 200 + the order with status "cancelled" and cancel_reason set;
    404 for an unknown id; 409 when the order is already "shipped" or "cancelled".
    Raise HTTPException for 404 and 409: the app's problem handlers format them.
    """
    @app.get("/v1/orders/{order_id}")
    def get_order(order_id: str, if_none_match: str | None = Header(None)) -> Response:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        tag = contracts.etag_of(order)
        if contracts.etag_matches(if_none_match, tag):
            return Response(status_code=304, headers={"ETag": tag})
        return JSONResponse(order, headers={"ETag": tag})

    @app.post("/v1/orders/{order_id}/cancel")
    def cancel_order(order_id: str, body: CancelRequest) -> JSONResponse:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        if order["status"] == "cancelled":
            raise HTTPException(409, f"Order {order_id} is {order['status']}.")
        updated = store.update(order_id, status="cancelled", cancel_reason=body.reason)
        return JSONResponse(updated)''',
        ),
        (
            'ETag built from the order id: it does not change when the order changes',
            '''def add_order_routes(app: FastAPI, store: contracts.OrderStore) -> None:
    """Register GET /v1/orders/{order_id} (getOrder) and POST /v1/orders/{order_id}/cancel (cancelOrder) on `app`.

    getOrder: 200 + the order + ETag header (contracts.etag_of(order)); 304 + ETag and no body when the
    If-None-Match header matches; 404 for an unknown id.
    cancelOrder: body CancelRequest; 200 + the order with status "cancelled" and cancel_reason set;
    404 for an unknown id; 409 when the order is already "shipped" or "cancelled".
    Raise HTTPException for 404 and 409: the app's problem handlers format them.
    """
    @app.get("/v1/orders/{order_id}")
    def get_order(order_id: str, if_none_match: str | None = Header(None)) -> Response:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        tag = '"' + order["id"] + '"'
        if contracts.etag_matches(if_none_match, tag):
            return Response(status_code=304, headers={"ETag": tag})
        return JSONResponse(order, headers={"ETag": tag})

    @app.post("/v1/orders/{order_id}/cancel")
    def cancel_order(order_id: str, body: CancelRequest) -> JSONResponse:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        if order["status"] in ("shipped", "cancelled"):
            raise HTTPException(409, f"Order {order_id} is {order['status']}.")
        updated = store.update(order_id, status="cancelled", cancel_reason=body.reason)
        return JSONResponse(updated)''',
        ),
        (
            'If-None-Match compared as an exact string: a W/ tag or a list of tags never matches',
            '''def add_order_routes(app: FastAPI, store: contracts.OrderStore) -> None:
    """Register GET /v1/orders/{order_id} (getOrder) and POST /v1/orders/{order_id}/cancel (cancelOrder) on `app`.

    getOrder: 200 + the order + ETag header (contracts.etag_of(order)); 304 + ETag and no body when the
    If-None-Match header matches; 404 for an unknown id.
    cancelOrder: body CancelRequest; 200 + the order with status "cancelled" and cancel_reason set;
    404 for an unknown id; 409 when the order is already "shipped" or "cancelled".
    Raise HTTPException for 404 and 409: the app's problem handlers format them.
    """
    @app.get("/v1/orders/{order_id}")
    def get_order(order_id: str, if_none_match: str | None = Header(None)) -> Response:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        tag = contracts.etag_of(order)
        if if_none_match == tag:
            return Response(status_code=304, headers={"ETag": tag})
        return JSONResponse(order, headers={"ETag": tag})

    @app.post("/v1/orders/{order_id}/cancel")
    def cancel_order(order_id: str, body: CancelRequest) -> JSONResponse:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        if order["status"] in ("shipped", "cancelled"):
            raise HTTPException(409, f"Order {order_id} is {order['status']}.")
        updated = store.update(order_id, status="cancelled", cancel_reason=body.reason)
        return JSONResponse(updated)''',
        ),
        (
            'returns the order as read before the update (status still pending)',
            '''def add_order_routes(app: FastAPI, store: contracts.OrderStore) -> None:
    """Register GET /v1/orders/{order_id} (getOrder) and POST /v1/orders/{order_id}/cancel (cancelOrder) on `app`.

    getOrder: 200 + the order + ETag header (contracts.etag_of(order)); 304 + ETag and no body when the
    If-None-Match header matches; 404 for an unknown id.
    cancelOrder: body CancelRequest; 200 + the order with status "cancelled" and cancel_reason set;
    404 for an unknown id; 409 when the order is already "shipped" or "cancelled".
    Raise HTTPException for 404 and 409: the app's problem handlers format them.
    """
    @app.get("/v1/orders/{order_id}")
    def get_order(order_id: str, if_none_match: str | None = Header(None)) -> Response:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        tag = contracts.etag_of(order)
        if contracts.etag_matches(if_none_match, tag):
            return Response(status_code=304, headers={"ETag": tag})
        return JSONResponse(order, headers={"ETag": tag})

    @app.post("/v1/orders/{order_id}/cancel")
    def cancel_order(order_id: str, body: CancelRequest) -> JSONResponse:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        if order["status"] in ("shipped", "cancelled"):
            raise HTTPException(409, f"Order {order_id} is {order['status']}.")
        updated = store.update(order_id, status="cancelled", cancel_reason=body.reason)
        return JSONResponse(order)''',
        ),
        (
            'any If-None-Match header gets a 304, even a stale tag',
            '''def add_order_routes(app: FastAPI, store: contracts.OrderStore) -> None:
    """Register GET /v1/orders/{order_id} (getOrder) and POST /v1/orders/{order_id}/cancel (cancelOrder) on `app`.

    getOrder: 200 + the order + ETag header (contracts.etag_of(order)); 304 + ETag and no body when the
    If-None-Match header matches; 404 for an unknown id.
    cancelOrder: body CancelRequest; 200 + the order with status "cancelled" and cancel_reason set;
    404 for an unknown id; 409 when the order is already "shipped" or "cancelled".
    Raise HTTPException for 404 and 409: the app's problem handlers format them.
    """
    @app.get("/v1/orders/{order_id}")
    def get_order(order_id: str, if_none_match: str | None = Header(None)) -> Response:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        tag = contracts.etag_of(order)
        if if_none_match:
            return Response(status_code=304, headers={"ETag": tag})
        return JSONResponse(order, headers={"ETag": tag})

    @app.post("/v1/orders/{order_id}/cancel")
    def cancel_order(order_id: str, body: CancelRequest) -> JSONResponse:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        if order["status"] in ("shipped", "cancelled"):
            raise HTTPException(409, f"Order {order_id} is {order['status']}.")
        updated = store.update(order_id, status="cancelled", cancel_reason=body.reason)
        return JSONResponse(updated)''',
        ),
        (
            'refuses to cancel anything that is not pending (a paid order gets 409)',
            '''def add_order_routes(app: FastAPI, store: contracts.OrderStore) -> None:
    """Register GET /v1/orders/{order_id} (getOrder) and POST /v1/orders/{order_id}/cancel (cancelOrder) on `app`.

    getOrder: 200 + the order + ETag header (contracts.etag_of(order)); 304 + ETag and no body when the
    If-None-Match header matches; 404 for an unknown id.
    cancelOrder: body CancelRequest; 200 + the order with status "cancelled" and cancel_reason set;
    404 for an unknown id; 409 when the order is already "shipped" or "cancelled".
    Raise HTTPException for 404 and 409: the app's problem handlers format them.
    """
    @app.get("/v1/orders/{order_id}")
    def get_order(order_id: str, if_none_match: str | None = Header(None)) -> Response:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        tag = contracts.etag_of(order)
        if contracts.etag_matches(if_none_match, tag):
            return Response(status_code=304, headers={"ETag": tag})
        return JSONResponse(order, headers={"ETag": tag})

    @app.post("/v1/orders/{order_id}/cancel")
    def cancel_order(order_id: str, body: CancelRequest) -> JSONResponse:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        if order["status"] != "pending":
            raise HTTPException(409, f"Order {order_id} is {order['status']}.")
        updated = store.update(order_id, status="cancelled", cancel_reason=body.reason)
        return JSONResponse(updated)''',
        ),
    ],
    'install_problem_handlers': [
        (
            'drops exc.headers: a 405 problem has no Allow header',
            '''def install_problem_handlers(app: FastAPI) -> None:
    """Make every 4xx error of `app` an RFC 9457 problem details response (Content-Type application/problem+json).

    StarletteHTTPException -> its status_code, detail and headers.
    RequestValidationError -> 400 if any error's type is "json_invalid", else 422 with an `errors` list of
    {"detail", "pointer": "#/a/0/b"} (body errors) or {"detail", "parameter": name} (query/path/header errors).
    Body members: type "about:blank" (contracts.VALIDATION_FAILED for the 422), title contracts.status_title(status),
    status, detail (a string), instance (the path). Pointers follow RFC 6901: "~" -> "~0", "/" -> "~1"; the whole body is "#".
    """
    def problem(request, status, detail, headers=None, type_="about:blank", **extra):
        body = {"type": type_, "title": contracts.status_title(status), "status": status,
                "detail": detail, "instance": request.url.path, **extra}
        return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)

    def pointer(parts):
        return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)

    async def on_http(request, exc):
        detail = exc.detail if isinstance(exc.detail, str) else contracts.status_title(exc.status_code)
        return problem(request, exc.status_code, detail)

    async def on_validation(request, exc):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(request, 400, "The request body is not valid JSON.")
        entries = []
        for e in errors:
            loc = tuple(e.get("loc", ()))
            if loc and loc[0] == "body":
                entries.append({"detail": e["msg"], "pointer": pointer(loc[1:])})
            else:
                entries.append({"detail": e["msg"], "parameter": str(loc[-1])})
        return problem(request, 422, "The request has invalid input.", type_=contracts.VALIDATION_FAILED, errors=entries)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)''',
        ),
        (
            "title from http.HTTPStatus (422 'Unprocessable Entity') instead of contracts.status_title",
            '''def install_problem_handlers(app: FastAPI) -> None:
    """Make every 4xx error of `app` an RFC 9457 problem details response (Content-Type application/problem+json).

    StarletteHTTPException -> its status_code, detail and headers.
    RequestValidationError -> 400 if any error's type is "json_invalid", else 422 with an `errors` list of
    {"detail", "pointer": "#/a/0/b"} (body errors) or {"detail", "parameter": name} (query/path/header errors).
    Body members: type "about:blank" (contracts.VALIDATION_FAILED for the 422), title contracts.status_title(status),
    status, detail (a string), instance (the path). Pointers follow RFC 6901: "~" -> "~0", "/" -> "~1"; the whole body is "#".
    """
    from http import HTTPStatus

    def problem(request, status, detail, headers=None, type_="about:blank", **extra):
        body = {"type": type_, "title": HTTPStatus(status).phrase, "status": status,
                "detail": detail, "instance": request.url.path, **extra}
        return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)

    def pointer(parts):
        return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)

    async def on_http(request, exc):
        detail = exc.detail if isinstance(exc.detail, str) else contracts.status_title(exc.status_code)
        return problem(request, exc.status_code, detail, headers=exc.headers)

    async def on_validation(request, exc):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(request, 400, "The request body is not valid JSON.")
        entries = []
        for e in errors:
            loc = tuple(e.get("loc", ()))
            if loc and loc[0] == "body":
                entries.append({"detail": e["msg"], "pointer": pointer(loc[1:])})
            else:
                entries.append({"detail": e["msg"], "parameter": str(loc[-1])})
        return problem(request, 422, "The request has invalid input.", type_=contracts.VALIDATION_FAILED, errors=entries)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)''',
        ),
        (
            "JSON pointers built by joining with '/': no ~0/~1 escaping, and '#/' for the whole body",
            '''def install_problem_handlers(app: FastAPI) -> None:
    """Make every 4xx error of `app` an RFC 9457 problem details response (Content-Type application/problem+json).

    StarletteHTTPException -> its status_code, detail and headers.
    RequestValidationError -> 400 if any error's type is "json_invalid", else 422 with an `errors` list of
    {"detail", "pointer": "#/a/0/b"} (body errors) or {"detail", "parameter": name} (query/path/header errors).
    Body members: type "about:blank" (contracts.VALIDATION_FAILED for the 422), title contracts.status_title(status),
    status, detail (a string), instance (the path). Pointers follow RFC 6901: "~" -> "~0", "/" -> "~1"; the whole body is "#".
    """
    def problem(request, status, detail, headers=None, type_="about:blank", **extra):
        body = {"type": type_, "title": contracts.status_title(status), "status": status,
                "detail": detail, "instance": request.url.path, **extra}
        return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)

    def pointer(parts):
        return "#/" + "/".join(str(p) for p in parts)

    async def on_http(request, exc):
        detail = exc.detail if isinstance(exc.detail, str) else contracts.status_title(exc.status_code)
        return problem(request, exc.status_code, detail, headers=exc.headers)

    async def on_validation(request, exc):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(request, 400, "The request body is not valid JSON.")
        entries = []
        for e in errors:
            loc = tuple(e.get("loc", ()))
            if loc and loc[0] == "body":
                entries.append({"detail": e["msg"], "pointer": pointer(loc[1:])})
            else:
                entries.append({"detail": e["msg"], "parameter": str(loc[-1])})
        return problem(request, 422, "The request has invalid input.", type_=contracts.VALIDATION_FAILED, errors=entries)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)''',
        ),
        (
            "escapes in the wrong order ('/' to ~1 first, then '~' to ~0): 'a/b' becomes 'a~01b'",
            '''def install_problem_handlers(app: FastAPI) -> None:
    """Make every 4xx error of `app` an RFC 9457 problem details response (Content-Type application/problem+json).

    StarletteHTTPException -> its status_code, detail and headers.
    RequestValidationError -> 400 if any error's type is "json_invalid", else 422 with an `errors` list of
    {"detail", "pointer": "#/a/0/b"} (body errors) or {"detail", "parameter": name} (query/path/header errors).
    Body members: type "about:blank" (contracts.VALIDATION_FAILED for the 422), title contracts.status_title(status),
    status, detail (a string), instance (the path). Pointers follow RFC 6901: "~" -> "~0", "/" -> "~1"; the whole body is "#".
    """
    def problem(request, status, detail, headers=None, type_="about:blank", **extra):
        body = {"type": type_, "title": contracts.status_title(status), "status": status,
                "detail": detail, "instance": request.url.path, **extra}
        return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)

    def pointer(parts):
        return "#" + "".join("/" + str(p).replace("/", "~1").replace("~", "~0") for p in parts)

    async def on_http(request, exc):
        detail = exc.detail if isinstance(exc.detail, str) else contracts.status_title(exc.status_code)
        return problem(request, exc.status_code, detail, headers=exc.headers)

    async def on_validation(request, exc):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(request, 400, "The request body is not valid JSON.")
        entries = []
        for e in errors:
            loc = tuple(e.get("loc", ()))
            if loc and loc[0] == "body":
                entries.append({"detail": e["msg"], "pointer": pointer(loc[1:])})
            else:
                entries.append({"detail": e["msg"], "parameter": str(loc[-1])})
        return problem(request, 422, "The request has invalid input.", type_=contracts.VALIDATION_FAILED, errors=entries)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)''',
        ),
        (
            'query/path/header errors also get a pointer instead of a parameter member',
            '''def install_problem_handlers(app: FastAPI) -> None:
    """Make every 4xx error of `app` an RFC 9457 problem details response (Content-Type application/problem+json).

    StarletteHTTPException -> its status_code, detail and headers.
    RequestValidationError -> 400 if any error's type is "json_invalid", else 422 with an `errors` list of
    {"detail", "pointer": "#/a/0/b"} (body errors) or {"detail", "parameter": name} (query/path/header errors).
    Body members: type "about:blank" (contracts.VALIDATION_FAILED for the 422), title contracts.status_title(status),
    status, detail (a string), instance (the path). Pointers follow RFC 6901: "~" -> "~0", "/" -> "~1"; the whole body is "#".
    """
    def problem(request, status, detail, headers=None, type_="about:blank", **extra):
        body = {"type": type_, "title": contracts.status_title(status), "status": status,
                "detail": detail, "instance": request.url.path, **extra}
        return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)

    def pointer(parts):
        return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)

    async def on_http(request, exc):
        detail = exc.detail if isinstance(exc.detail, str) else contracts.status_title(exc.status_code)
        return problem(request, exc.status_code, detail, headers=exc.headers)

    async def on_validation(request, exc):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(request, 400, "The request body is not valid JSON.")
        entries = []
        for e in errors:
            loc = tuple(e.get("loc", ()))
            if loc and loc[0] == "body":
                entries.append({"detail": e["msg"], "pointer": pointer(loc[1:])})
            else:
                entries.append({"detail": e["msg"], "pointer": pointer(loc)})
        return problem(request, 422, "The request has invalid input.", type_=contracts.VALIDATION_FAILED, errors=entries)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)''',
        ),
        (
            'the 400 and 422 problems have no instance member (only route errors get one)',
            '''def install_problem_handlers(app: FastAPI) -> None:
    """Make every 4xx error of `app` an RFC 9457 problem details response (Content-Type application/problem+json).

    StarletteHTTPException -> its status_code, detail and headers.
    RequestValidationError -> 400 if any error's type is "json_invalid", else 422 with an `errors` list of
    {"detail", "pointer": "#/a/0/b"} (body errors) or {"detail", "parameter": name} (query/path/header errors).
    Body members: type "about:blank" (contracts.VALIDATION_FAILED for the 422), title contracts.status_title(status),
    status, detail (a string), instance (the path). Pointers follow RFC 6901: "~" -> "~0", "/" -> "~1"; the whole body is "#".
    """
    def problem(request, status, detail, headers=None, type_="about:blank", **extra):
        body = {"type": type_, "title": contracts.status_title(status), "status": status,
                "detail": detail, **extra}
        if "errors" not in extra and status != 400:
            body["instance"] = request.url.path
        return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)

    def pointer(parts):
        return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)

    async def on_http(request, exc):
        detail = exc.detail if isinstance(exc.detail, str) else contracts.status_title(exc.status_code)
        return problem(request, exc.status_code, detail, headers=exc.headers)

    async def on_validation(request, exc):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(request, 400, "The request body is not valid JSON.")
        entries = []
        for e in errors:
            loc = tuple(e.get("loc", ()))
            if loc and loc[0] == "body":
                entries.append({"detail": e["msg"], "pointer": pointer(loc[1:])})
            else:
                entries.append({"detail": e["msg"], "parameter": str(loc[-1])})
        return problem(request, 422, "The request has invalid input.", type_=contracts.VALIDATION_FAILED, errors=entries)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)''',
        ),
        (
            'the 422 problem has no detail member (every answer must carry a detail string)',
            '''def install_problem_handlers(app: FastAPI) -> None:
    """Make every 4xx error of `app` an RFC 9457 problem details response (Content-Type application/problem+json).

    StarletteHTTPException -> its status_code, detail and headers.
    RequestValidationError -> 400 if any error's type is "json_invalid", else 422 with an `errors` list of
    {"detail", "pointer": "#/a/0/b"} (body errors) or {"detail", "parameter": name} (query/path/header errors).
    Body members: type "about:blank" (contracts.VALIDATION_FAILED for the 422), title contracts.status_title(status),
    status, detail (a string), instance (the path). Pointers follow RFC 6901: "~" -> "~0", "/" -> "~1"; the whole body is "#".
    """
    def problem(request, status, detail, headers=None, type_="about:blank", **extra):
        body = {"type": type_, "title": contracts.status_title(status), "status": status,
                "instance": request.url.path, **extra}
        if detail is not None:
            body["detail"] = detail
        return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)

    def pointer(parts):
        return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)

    async def on_http(request, exc):
        detail = exc.detail if isinstance(exc.detail, str) else contracts.status_title(exc.status_code)
        return problem(request, exc.status_code, detail, headers=exc.headers)

    async def on_validation(request, exc):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(request, 400, "The request body is not valid JSON.")
        entries = []
        for e in errors:
            loc = tuple(e.get("loc", ()))
            if loc and loc[0] == "body":
                entries.append({"detail": e["msg"], "pointer": pointer(loc[1:])})
            else:
                entries.append({"detail": e["msg"], "parameter": str(loc[-1])})
        response = problem(request, 422, None, type_=contracts.VALIDATION_FAILED, errors=entries)
        return response

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)''',
        ),
    ],
    'cursor_pagination': [
        (
            'cursor is a JSON list unpacked into two names: a JSON object or a 2-character string decodes without ValueError',
            '''def encode_cursor(created_at: str, order_id: str) -> str:
    """An opaque cursor for the position (created_at, order_id), made of URL-safe characters only."""
    raw = json.dumps([created_at, order_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, order_id) inside a cursor from encode_cursor; ValueError for anything else."""
    try:
        created_at, order_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except Exception:
        raise ValueError("invalid cursor") from None
    return created_at, order_id


def page_of(orders: list[dict], limit: int, cursor: str | None = None) -> tuple[list[dict], str | None]:
    """One page of `orders`, newest first by (created_at, id), and the cursor of the next page (None after the last)."""
    ordered = sorted(orders, key=lambda o: (o["created_at"], o["id"]), reverse=True)
    if cursor is not None:
        position = decode_cursor(cursor)
        ordered = [o for o in ordered if (o["created_at"], o["id"]) < position]
    page = ordered[:limit]
    next_cursor = encode_cursor(page[-1]["created_at"], page[-1]["id"]) if len(ordered) > limit else None
    return page, next_cursor''',
        ),
        (
            "finds the cursor's order by id in the current list: fails when that order was deleted",
            '''def encode_cursor(created_at: str, order_id: str) -> str:
    """An opaque cursor for the position (created_at, order_id), made of URL-safe characters only."""
    raw = json.dumps({"t": created_at, "id": order_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, order_id) inside a cursor from encode_cursor; ValueError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        created_at, order_id = data["t"], data["id"]
    except Exception:
        raise ValueError(f"invalid cursor {cursor!r}") from None
    if not isinstance(created_at, str) or not isinstance(order_id, str):
        raise ValueError(f"invalid cursor {cursor!r}")
    return created_at, order_id


def page_of(orders: list[dict], limit: int, cursor: str | None = None) -> tuple[list[dict], str | None]:
    """One page of `orders`, newest first by (created_at, id), and the cursor of the next page (None after the last)."""
    ordered = sorted(orders, key=lambda o: (o["created_at"], o["id"]), reverse=True)
    if cursor is not None:
        _, last_id = decode_cursor(cursor)
        ids = [o["id"] for o in ordered]
        ordered = ordered[ids.index(last_id) + 1:]
    page = ordered[:limit]
    next_cursor = encode_cursor(page[-1]["created_at"], page[-1]["id"]) if len(ordered) > limit else None
    return page, next_cursor''',
        ),
        (
            'sorts and filters by created_at only: orders sharing a timestamp are skipped',
            '''def encode_cursor(created_at: str, order_id: str) -> str:
    """An opaque cursor for the position (created_at, order_id), made of URL-safe characters only."""
    raw = json.dumps({"t": created_at, "id": order_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, order_id) inside a cursor from encode_cursor; ValueError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        created_at, order_id = data["t"], data["id"]
    except Exception:
        raise ValueError(f"invalid cursor {cursor!r}") from None
    if not isinstance(created_at, str) or not isinstance(order_id, str):
        raise ValueError(f"invalid cursor {cursor!r}")
    return created_at, order_id


def page_of(orders: list[dict], limit: int, cursor: str | None = None) -> tuple[list[dict], str | None]:
    """One page of `orders`, newest first by (created_at, id), and the cursor of the next page (None after the last)."""
    ordered = sorted(orders, key=lambda o: o["created_at"], reverse=True)
    if cursor is not None:
        created_at, _ = decode_cursor(cursor)
        ordered = [o for o in ordered if o["created_at"] < created_at]
    page = ordered[:limit]
    next_cursor = encode_cursor(page[-1]["created_at"], page[-1]["id"]) if len(ordered) > limit else None
    return page, next_cursor''',
        ),
        (
            "sorts the caller's list in place (orders.sort): the input is mutated",
            '''def encode_cursor(created_at: str, order_id: str) -> str:
    """An opaque cursor for the position (created_at, order_id), made of URL-safe characters only."""
    raw = json.dumps({"t": created_at, "id": order_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, order_id) inside a cursor from encode_cursor; ValueError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        created_at, order_id = data["t"], data["id"]
    except Exception:
        raise ValueError(f"invalid cursor {cursor!r}") from None
    if not isinstance(created_at, str) or not isinstance(order_id, str):
        raise ValueError(f"invalid cursor {cursor!r}")
    return created_at, order_id


def page_of(orders: list[dict], limit: int, cursor: str | None = None) -> tuple[list[dict], str | None]:
    """One page of `orders`, newest first by (created_at, id), and the cursor of the next page (None after the last)."""
    orders.sort(key=lambda o: (o["created_at"], o["id"]), reverse=True)
    ordered = orders
    if cursor is not None:
        position = decode_cursor(cursor)
        ordered = [o for o in ordered if (o["created_at"], o["id"]) < position]
    page = ordered[:limit]
    next_cursor = encode_cursor(page[-1]["created_at"], page[-1]["id"]) if len(ordered) > limit else None
    return page, next_cursor''',
        ),
        (
            'standard base64 (+ and /) instead of base64url: not URL-safe for some positions',
            '''def encode_cursor(created_at: str, order_id: str) -> str:
    """An opaque cursor for the position (created_at, order_id), made of URL-safe characters only."""
    raw = json.dumps({"t": created_at, "id": order_id}).encode()
    return base64.b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, order_id) inside a cursor from encode_cursor; ValueError for anything else."""
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        created_at, order_id = data["t"], data["id"]
    except Exception:
        raise ValueError(f"invalid cursor {cursor!r}") from None
    if not isinstance(created_at, str) or not isinstance(order_id, str):
        raise ValueError(f"invalid cursor {cursor!r}")
    return created_at, order_id


def page_of(orders: list[dict], limit: int, cursor: str | None = None) -> tuple[list[dict], str | None]:
    """One page of `orders`, newest first by (created_at, id), and the cursor of the next page (None after the last)."""
    ordered = sorted(orders, key=lambda o: (o["created_at"], o["id"]), reverse=True)
    if cursor is not None:
        position = decode_cursor(cursor)
        ordered = [o for o in ordered if (o["created_at"], o["id"]) < position]
    page = ordered[:limit]
    next_cursor = encode_cursor(page[-1]["created_at"], page[-1]["id"]) if len(ordered) > limit else None
    return page, next_cursor''',
        ),
        (
            'orders by id only (ids happen to follow creation order in the fixture)',
            '''def encode_cursor(created_at: str, order_id: str) -> str:
    """An opaque cursor for the position (created_at, order_id), made of URL-safe characters only."""
    raw = json.dumps({"t": created_at, "id": order_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, order_id) inside a cursor from encode_cursor; ValueError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        created_at, order_id = data["t"], data["id"]
    except Exception:
        raise ValueError(f"invalid cursor {cursor!r}") from None
    if not isinstance(created_at, str) or not isinstance(order_id, str):
        raise ValueError(f"invalid cursor {cursor!r}")
    return created_at, order_id


def page_of(orders: list[dict], limit: int, cursor: str | None = None) -> tuple[list[dict], str | None]:
    """One page of `orders`, newest first by (created_at, id), and the cursor of the next page (None after the last)."""
    ordered = sorted(orders, key=lambda o: o["id"], reverse=True)
    if cursor is not None:
        _, last_id = decode_cursor(cursor)
        ordered = [o for o in ordered if o["id"] < last_id]
    page = ordered[:limit]
    next_cursor = encode_cursor(page[-1]["created_at"], page[-1]["id"]) if len(ordered) > limit else None
    return page, next_cursor''',
        ),
    ],
    'idempotency_store': [
        (
            'responses kept in a class attribute: two stores share their keys',
            '''import copy

class IdempotencyStore:
    """The first response for each Idempotency-Key, replayed for retries of the same request."""

    responses = {}

    def __init__(self) -> None:
        pass  # the responses live in the class attribute above

    def handle(self, key: str | None, payload: dict, create) -> tuple[int, dict]:
        """create(payload) once per key; the same key and payload again returns the stored (status, body).

        No key: always create. Same key, different payload (as JSON, key order ignored): raise IdempotencyKeyReused.
        Each store keeps its own keys, and a replay is the first response as it was, even if a caller changed its copy.
        """
        if key is None:
            return create(payload)
        fingerprint = json.dumps(payload, sort_keys=True)
        if key in self.responses:
            seen, response = self.responses[key]
            if seen != fingerprint:
                raise IdempotencyKeyReused(key)
            return copy.deepcopy(response)
        response = create(payload)
        self.responses[key] = (fingerprint, copy.deepcopy(response))
        return response''',
        ),
        (
            'fingerprint without sort_keys: the same payload with its keys in another order is refused',
            '''import copy

class IdempotencyStore:
    """The first response for each Idempotency-Key, replayed for retries of the same request."""

    def __init__(self) -> None:
        self.responses = {}

    def handle(self, key: str | None, payload: dict, create) -> tuple[int, dict]:
        """create(payload) once per key; the same key and payload again returns the stored (status, body).

        No key: always create. Same key, different payload (as JSON, key order ignored): raise IdempotencyKeyReused.
        Each store keeps its own keys, and a replay is the first response as it was, even if a caller changed its copy.
        """
        if key is None:
            return create(payload)
        fingerprint = json.dumps(payload)
        if key in self.responses:
            seen, response = self.responses[key]
            if seen != fingerprint:
                raise IdempotencyKeyReused(key)
            return copy.deepcopy(response)
        response = create(payload)
        self.responses[key] = (fingerprint, copy.deepcopy(response))
        return response''',
        ),
        (
            'no key is stored like a key (None): the second request without a key replays or is refused',
            '''import copy

class IdempotencyStore:
    """The first response for each Idempotency-Key, replayed for retries of the same request."""

    def __init__(self) -> None:
        self.responses = {}

    def handle(self, key: str | None, payload: dict, create) -> tuple[int, dict]:
        """create(payload) once per key; the same key and payload again returns the stored (status, body).

        No key: always create. Same key, different payload (as JSON, key order ignored): raise IdempotencyKeyReused.
        Each store keeps its own keys, and a replay is the first response as it was, even if a caller changed its copy.
        """
        fingerprint = json.dumps(payload, sort_keys=True)
        if key in self.responses:
            seen, response = self.responses[key]
            if seen != fingerprint:
                raise IdempotencyKeyReused(key)
            return copy.deepcopy(response)
        response = create(payload)
        self.responses[key] = (fingerprint, copy.deepcopy(response))
        return response''',
        ),
        (
            'sorts only the top-level keys: a nested object in another key order is refused',
            '''import copy

class IdempotencyStore:
    """The first response for each Idempotency-Key, replayed for retries of the same request."""

    def __init__(self) -> None:
        self.responses = {}

    def handle(self, key: str | None, payload: dict, create) -> tuple[int, dict]:
        """create(payload) once per key; the same key and payload again returns the stored (status, body).

        No key: always create. Same key, different payload (as JSON, key order ignored): raise IdempotencyKeyReused.
        Each store keeps its own keys, and a replay is the first response as it was, even if a caller changed its copy.
        """
        if key is None:
            return create(payload)
        fingerprint = json.dumps(dict(sorted(payload.items())))
        if key in self.responses:
            seen, response = self.responses[key]
            if seen != fingerprint:
                raise IdempotencyKeyReused(key)
            return copy.deepcopy(response)
        response = create(payload)
        self.responses[key] = (fingerprint, copy.deepcopy(response))
        return response''',
        ),
        (
            'returns the stored body object itself: a caller that changes it changes every later replay',
            '''import copy

class IdempotencyStore:
    """The first response for each Idempotency-Key, replayed for retries of the same request."""

    def __init__(self) -> None:
        self.responses = {}

    def handle(self, key: str | None, payload: dict, create) -> tuple[int, dict]:
        """create(payload) once per key; the same key and payload again returns the stored (status, body).

        No key: always create. Same key, different payload (as JSON, key order ignored): raise IdempotencyKeyReused.
        Each store keeps its own keys, and a replay is the first response as it was, even if a caller changed its copy.
        """
        if key is None:
            return create(payload)
        fingerprint = json.dumps(payload, sort_keys=True)
        if key in self.responses:
            seen, response = self.responses[key]
            if seen != fingerprint:
                raise IdempotencyKeyReused(key)
            return response
        response = create(payload)
        self.responses[key] = (fingerprint, response)
        return response''',
        ),
    ],
    'breaking_changes': [
        (
            'parameters that become required are not reported (only body fields)',
            '''def breaking_changes(old_spec: dict, new_spec: dict) -> list[Change]:
    """The changes from old_spec to new_spec that break existing clients: a sorted list of Change(kind, operation, location).

    "removed-operation" (location ""): an operation of old_spec is gone.
    Requests (body properties and parameters; something valid before may be refused now):
      "new-required-field": a property or parameter required now but not before ("request.a.b", "request.items[].c",
      "query.name", "header.Name"), or a request body that becomes required ("request");
      "narrowed-enum": an enum lost a value; "changed-type": the type no longer accepts every old value;
      "tightened-constraint": minimum/exclusiveMinimum/minLength/minItems raised or maximum/exclusiveMaximum/maxLength/
      maxItems lowered (or added), or a pattern added or changed.
    Responses (application/json bodies, same status; what clients read):
      "removed-response-status" ("response.404"): a documented status is gone;
      "removed-response-field" ("response.<status>.a", "response.<status>.items[].b"): a property is gone;
      "widened-enum": an enum gained a value; "changed-type": the type now allows values it did not.
    An absent keyword (no enum, no type, no bound) allows anything; an integer is also a number.
    """
    lower_bounds = ("minimum", "exclusiveMinimum", "minLength", "minItems")
    upper_bounds = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")

    def types(schema: dict) -> list | None:
        kind = schema.get("type")
        return None if kind is None else [kind] if isinstance(kind, str) else list(kind)

    def allows_all(wide: dict, narrow: dict) -> bool:
        """Does schema `wide` accept every value of `narrow` as far as type and enum go?"""
        wide_types, narrow_types = types(wide), types(narrow)
        if wide_types is not None:
            if narrow_types is None or any(t not in wide_types and not (t == "integer" and "number" in wide_types) for t in narrow_types):
                return False
        return True

    def enum_allows_all(wide: dict, narrow: dict) -> bool:
        return "enum" not in wide or ("enum" in narrow and all(v in wide["enum"] for v in narrow["enum"]))

    def tightened(old: dict, new: dict) -> bool:
        return (any(k in new and (k not in old or new[k] > old[k]) for k in lower_bounds)
                or any(k in new and (k not in old or new[k] < old[k]) for k in upper_bounds)
                or ("pattern" in new and new["pattern"] != old.get("pattern")))

    def request_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(new, old):
            found.append(Change("narrowed-enum", op, where))
        if not allows_all(new, old):
            found.append(Change("changed-type", op, where))
        if tightened(old, new):
            found.append(Change("tightened-constraint", op, where))
        for name in set(new.get("required", [])) - set(old.get("required", [])):
            found.append(Change("new-required-field", op, f"{where}.{name}"))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in set(old_props) & set(new_props):
            found += request_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += request_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def response_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(old, new):
            found.append(Change("widened-enum", op, where))
        if not allows_all(old, new):
            found.append(Change("changed-type", op, where))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        found += [Change("removed-response-field", op, f"{where}.{name}") for name in set(old_props) - set(new_props)]
        for name in set(old_props) & set(new_props):
            found += response_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += response_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def json_schema(response: dict) -> dict | None:
        return response.get("content", {}).get("application/json", {}).get("schema")

    new_ops = {op.key: op for op in contracts.operations(new_spec)}
    changes = []
    for old in contracts.operations(old_spec):
        new = new_ops.get(old.key)
        if new is None:
            changes.append(Change("removed-operation", old.key, ""))
            continue
        before = {(p["in"], p["name"].lower()): p for p in old.parameters}
        for p in new.parameters:
            was = before.get((p["in"], p["name"].lower()))
            where = f"{p['in']}.{p['name']}"
            if was is not None:
                changes += request_changes(was.get("schema", {}), p.get("schema", {}), where, old.key)
        if new.spec.get("requestBody", {}).get("required") and not old.spec.get("requestBody", {}).get("required"):
            changes.append(Change("new-required-field", old.key, "request"))
        if old.request_schema is not None and new.request_schema is not None:
            changes += request_changes(old.request_schema, new.request_schema, "request", old.key)
        for status, response in old.responses.items():
            if status not in new.responses:
                changes.append(Change("removed-response-status", old.key, f"response.{status}"))
                continue
            old_schema, new_schema = json_schema(response), json_schema(new.responses[status])
            if old_schema is not None and new_schema is not None:
                changes += response_changes(old_schema, new_schema, f"response.{status}", old.key)
    return sorted(set(changes))''',
        ),
        (
            'does not recurse into array items of the request: request.items[].warehouse is missed',
            '''def breaking_changes(old_spec: dict, new_spec: dict) -> list[Change]:
    """The changes from old_spec to new_spec that break existing clients: a sorted list of Change(kind, operation, location).

    "removed-operation" (location ""): an operation of old_spec is gone.
    Requests (body properties and parameters; something valid before may be refused now):
      "new-required-field": a property or parameter required now but not before ("request.a.b", "request.items[].c",
      "query.name", "header.Name"), or a request body that becomes required ("request");
      "narrowed-enum": an enum lost a value; "changed-type": the type no longer accepts every old value;
      "tightened-constraint": minimum/exclusiveMinimum/minLength/minItems raised or maximum/exclusiveMaximum/maxLength/
      maxItems lowered (or added), or a pattern added or changed.
    Responses (application/json bodies, same status; what clients read):
      "removed-response-status" ("response.404"): a documented status is gone;
      "removed-response-field" ("response.<status>.a", "response.<status>.items[].b"): a property is gone;
      "widened-enum": an enum gained a value; "changed-type": the type now allows values it did not.
    An absent keyword (no enum, no type, no bound) allows anything; an integer is also a number.
    """
    lower_bounds = ("minimum", "exclusiveMinimum", "minLength", "minItems")
    upper_bounds = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")

    def types(schema: dict) -> list | None:
        kind = schema.get("type")
        return None if kind is None else [kind] if isinstance(kind, str) else list(kind)

    def allows_all(wide: dict, narrow: dict) -> bool:
        """Does schema `wide` accept every value of `narrow` as far as type and enum go?"""
        wide_types, narrow_types = types(wide), types(narrow)
        if wide_types is not None:
            if narrow_types is None or any(t not in wide_types and not (t == "integer" and "number" in wide_types) for t in narrow_types):
                return False
        return True

    def enum_allows_all(wide: dict, narrow: dict) -> bool:
        return "enum" not in wide or ("enum" in narrow and all(v in wide["enum"] for v in narrow["enum"]))

    def tightened(old: dict, new: dict) -> bool:
        return (any(k in new and (k not in old or new[k] > old[k]) for k in lower_bounds)
                or any(k in new and (k not in old or new[k] < old[k]) for k in upper_bounds)
                or ("pattern" in new and new["pattern"] != old.get("pattern")))

    def request_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(new, old):
            found.append(Change("narrowed-enum", op, where))
        if not allows_all(new, old):
            found.append(Change("changed-type", op, where))
        if tightened(old, new):
            found.append(Change("tightened-constraint", op, where))
        for name in set(new.get("required", [])) - set(old.get("required", [])):
            found.append(Change("new-required-field", op, f"{where}.{name}"))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in set(old_props) & set(new_props):
            found += request_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        return found

    def response_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(old, new):
            found.append(Change("widened-enum", op, where))
        if not allows_all(old, new):
            found.append(Change("changed-type", op, where))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        found += [Change("removed-response-field", op, f"{where}.{name}") for name in set(old_props) - set(new_props)]
        for name in set(old_props) & set(new_props):
            found += response_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += response_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def json_schema(response: dict) -> dict | None:
        return response.get("content", {}).get("application/json", {}).get("schema")

    new_ops = {op.key: op for op in contracts.operations(new_spec)}
    changes = []
    for old in contracts.operations(old_spec):
        new = new_ops.get(old.key)
        if new is None:
            changes.append(Change("removed-operation", old.key, ""))
            continue
        before = {(p["in"], p["name"].lower()): p for p in old.parameters}
        for p in new.parameters:
            was = before.get((p["in"], p["name"].lower()))
            where = f"{p['in']}.{p['name']}"
            if p.get("required") and not (was or {}).get("required"):
                changes.append(Change("new-required-field", old.key, where))
            if was is not None:
                changes += request_changes(was.get("schema", {}), p.get("schema", {}), where, old.key)
        if new.spec.get("requestBody", {}).get("required") and not old.spec.get("requestBody", {}).get("required"):
            changes.append(Change("new-required-field", old.key, "request"))
        if old.request_schema is not None and new.request_schema is not None:
            changes += request_changes(old.request_schema, new.request_schema, "request", old.key)
        for status, response in old.responses.items():
            if status not in new.responses:
                changes.append(Change("removed-response-status", old.key, f"response.{status}"))
                continue
            old_schema, new_schema = json_schema(response), json_schema(new.responses[status])
            if old_schema is not None and new_schema is not None:
                changes += response_changes(old_schema, new_schema, f"response.{status}", old.key)
    return sorted(set(changes))''',
        ),
        (
            'enums of parameters are not compared (a query status that lost a value is missed)',
            '''def breaking_changes(old_spec: dict, new_spec: dict) -> list[Change]:
    """The changes from old_spec to new_spec that break existing clients: a sorted list of Change(kind, operation, location).

    "removed-operation" (location ""): an operation of old_spec is gone.
    Requests (body properties and parameters; something valid before may be refused now):
      "new-required-field": a property or parameter required now but not before ("request.a.b", "request.items[].c",
      "query.name", "header.Name"), or a request body that becomes required ("request");
      "narrowed-enum": an enum lost a value; "changed-type": the type no longer accepts every old value;
      "tightened-constraint": minimum/exclusiveMinimum/minLength/minItems raised or maximum/exclusiveMaximum/maxLength/
      maxItems lowered (or added), or a pattern added or changed.
    Responses (application/json bodies, same status; what clients read):
      "removed-response-status" ("response.404"): a documented status is gone;
      "removed-response-field" ("response.<status>.a", "response.<status>.items[].b"): a property is gone;
      "widened-enum": an enum gained a value; "changed-type": the type now allows values it did not.
    An absent keyword (no enum, no type, no bound) allows anything; an integer is also a number.
    """
    lower_bounds = ("minimum", "exclusiveMinimum", "minLength", "minItems")
    upper_bounds = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")

    def types(schema: dict) -> list | None:
        kind = schema.get("type")
        return None if kind is None else [kind] if isinstance(kind, str) else list(kind)

    def allows_all(wide: dict, narrow: dict) -> bool:
        """Does schema `wide` accept every value of `narrow` as far as type and enum go?"""
        wide_types, narrow_types = types(wide), types(narrow)
        if wide_types is not None:
            if narrow_types is None or any(t not in wide_types and not (t == "integer" and "number" in wide_types) for t in narrow_types):
                return False
        return True

    def enum_allows_all(wide: dict, narrow: dict) -> bool:
        return "enum" not in wide or ("enum" in narrow and all(v in wide["enum"] for v in narrow["enum"]))

    def tightened(old: dict, new: dict) -> bool:
        return (any(k in new and (k not in old or new[k] > old[k]) for k in lower_bounds)
                or any(k in new and (k not in old or new[k] < old[k]) for k in upper_bounds)
                or ("pattern" in new and new["pattern"] != old.get("pattern")))

    def request_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(new, old):
            found.append(Change("narrowed-enum", op, where))
        if not allows_all(new, old):
            found.append(Change("changed-type", op, where))
        if tightened(old, new):
            found.append(Change("tightened-constraint", op, where))
        for name in set(new.get("required", [])) - set(old.get("required", [])):
            found.append(Change("new-required-field", op, f"{where}.{name}"))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in set(old_props) & set(new_props):
            found += request_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += request_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def response_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(old, new):
            found.append(Change("widened-enum", op, where))
        if not allows_all(old, new):
            found.append(Change("changed-type", op, where))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        found += [Change("removed-response-field", op, f"{where}.{name}") for name in set(old_props) - set(new_props)]
        for name in set(old_props) & set(new_props):
            found += response_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += response_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def json_schema(response: dict) -> dict | None:
        return response.get("content", {}).get("application/json", {}).get("schema")

    new_ops = {op.key: op for op in contracts.operations(new_spec)}
    changes = []
    for old in contracts.operations(old_spec):
        new = new_ops.get(old.key)
        if new is None:
            changes.append(Change("removed-operation", old.key, ""))
            continue
        before = {(p["in"], p["name"].lower()): p for p in old.parameters}
        for p in new.parameters:
            was = before.get((p["in"], p["name"].lower()))
            where = f"{p['in']}.{p['name']}"
            if p.get("required") and not (was or {}).get("required"):
                changes.append(Change("new-required-field", old.key, where))
            if was is not None:
                changes += [c for c in request_changes(was.get("schema", {}), p.get("schema", {}), where, old.key)
                            if c.kind != "narrowed-enum"]
        if new.spec.get("requestBody", {}).get("required") and not old.spec.get("requestBody", {}).get("required"):
            changes.append(Change("new-required-field", old.key, "request"))
        if old.request_schema is not None and new.request_schema is not None:
            changes += request_changes(old.request_schema, new.request_schema, "request", old.key)
        for status, response in old.responses.items():
            if status not in new.responses:
                changes.append(Change("removed-response-status", old.key, f"response.{status}"))
                continue
            old_schema, new_schema = json_schema(response), json_schema(new.responses[status])
            if old_schema is not None and new_schema is not None:
                changes += response_changes(old_schema, new_schema, f"response.{status}", old.key)
    return sorted(set(changes))''',
        ),
        (
            'any change of a request enum is reported, also a value added (adding a value breaks no client that sends)',
            '''def breaking_changes(old_spec: dict, new_spec: dict) -> list[Change]:
    """The changes from old_spec to new_spec that break existing clients: a sorted list of Change(kind, operation, location).

    "removed-operation" (location ""): an operation of old_spec is gone.
    Requests (body properties and parameters; something valid before may be refused now):
      "new-required-field": a property or parameter required now but not before ("request.a.b", "request.items[].c",
      "query.name", "header.Name"), or a request body that becomes required ("request");
      "narrowed-enum": an enum lost a value; "changed-type": the type no longer accepts every old value;
      "tightened-constraint": minimum/exclusiveMinimum/minLength/minItems raised or maximum/exclusiveMaximum/maxLength/
      maxItems lowered (or added), or a pattern added or changed.
    Responses (application/json bodies, same status; what clients read):
      "removed-response-status" ("response.404"): a documented status is gone;
      "removed-response-field" ("response.<status>.a", "response.<status>.items[].b"): a property is gone;
      "widened-enum": an enum gained a value; "changed-type": the type now allows values it did not.
    An absent keyword (no enum, no type, no bound) allows anything; an integer is also a number.
    """
    lower_bounds = ("minimum", "exclusiveMinimum", "minLength", "minItems")
    upper_bounds = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")

    def types(schema: dict) -> list | None:
        kind = schema.get("type")
        return None if kind is None else [kind] if isinstance(kind, str) else list(kind)

    def allows_all(wide: dict, narrow: dict) -> bool:
        """Does schema `wide` accept every value of `narrow` as far as type and enum go?"""
        wide_types, narrow_types = types(wide), types(narrow)
        if wide_types is not None:
            if narrow_types is None or any(t not in wide_types and not (t == "integer" and "number" in wide_types) for t in narrow_types):
                return False
        return True

    def enum_allows_all(wide: dict, narrow: dict) -> bool:
        return "enum" not in wide or ("enum" in narrow and all(v in wide["enum"] for v in narrow["enum"]))

    def tightened(old: dict, new: dict) -> bool:
        return (any(k in new and (k not in old or new[k] > old[k]) for k in lower_bounds)
                or any(k in new and (k not in old or new[k] < old[k]) for k in upper_bounds)
                or ("pattern" in new and new["pattern"] != old.get("pattern")))

    def request_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if old.get("enum") != new.get("enum"):
            found.append(Change("narrowed-enum", op, where))
        if not allows_all(new, old):
            found.append(Change("changed-type", op, where))
        if tightened(old, new):
            found.append(Change("tightened-constraint", op, where))
        for name in set(new.get("required", [])) - set(old.get("required", [])):
            found.append(Change("new-required-field", op, f"{where}.{name}"))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in set(old_props) & set(new_props):
            found += request_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += request_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def response_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(old, new):
            found.append(Change("widened-enum", op, where))
        if not allows_all(old, new):
            found.append(Change("changed-type", op, where))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        found += [Change("removed-response-field", op, f"{where}.{name}") for name in set(old_props) - set(new_props)]
        for name in set(old_props) & set(new_props):
            found += response_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += response_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def json_schema(response: dict) -> dict | None:
        return response.get("content", {}).get("application/json", {}).get("schema")

    new_ops = {op.key: op for op in contracts.operations(new_spec)}
    changes = []
    for old in contracts.operations(old_spec):
        new = new_ops.get(old.key)
        if new is None:
            changes.append(Change("removed-operation", old.key, ""))
            continue
        before = {(p["in"], p["name"].lower()): p for p in old.parameters}
        for p in new.parameters:
            was = before.get((p["in"], p["name"].lower()))
            where = f"{p['in']}.{p['name']}"
            if p.get("required") and not (was or {}).get("required"):
                changes.append(Change("new-required-field", old.key, where))
            if was is not None:
                changes += request_changes(was.get("schema", {}), p.get("schema", {}), where, old.key)
        if new.spec.get("requestBody", {}).get("required") and not old.spec.get("requestBody", {}).get("required"):
            changes.append(Change("new-required-field", old.key, "request"))
        if old.request_schema is not None and new.request_schema is not None:
            changes += request_changes(old.request_schema, new.request_schema, "request", old.key)
        for status, response in old.responses.items():
            if status not in new.responses:
                changes.append(Change("removed-response-status", old.key, f"response.{status}"))
                continue
            old_schema, new_schema = json_schema(response), json_schema(new.responses[status])
            if old_schema is not None and new_schema is not None:
                changes += response_changes(old_schema, new_schema, f"response.{status}", old.key)
    return sorted(set(changes))''',
        ),
        (
            'returns the changes in discovery order, not sorted',
            '''def breaking_changes(old_spec: dict, new_spec: dict) -> list[Change]:
    """The changes from old_spec to new_spec that break existing clients: a sorted list of Change(kind, operation, location).

    "removed-operation" (location ""): an operation of old_spec is gone.
    Requests (body properties and parameters; something valid before may be refused now):
      "new-required-field": a property or parameter required now but not before ("request.a.b", "request.items[].c",
      "query.name", "header.Name"), or a request body that becomes required ("request");
      "narrowed-enum": an enum lost a value; "changed-type": the type no longer accepts every old value;
      "tightened-constraint": minimum/exclusiveMinimum/minLength/minItems raised or maximum/exclusiveMaximum/maxLength/
      maxItems lowered (or added), or a pattern added or changed.
    Responses (application/json bodies, same status; what clients read):
      "removed-response-status" ("response.404"): a documented status is gone;
      "removed-response-field" ("response.<status>.a", "response.<status>.items[].b"): a property is gone;
      "widened-enum": an enum gained a value; "changed-type": the type now allows values it did not.
    An absent keyword (no enum, no type, no bound) allows anything; an integer is also a number.
    """
    lower_bounds = ("minimum", "exclusiveMinimum", "minLength", "minItems")
    upper_bounds = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")

    def types(schema: dict) -> list | None:
        kind = schema.get("type")
        return None if kind is None else [kind] if isinstance(kind, str) else list(kind)

    def allows_all(wide: dict, narrow: dict) -> bool:
        """Does schema `wide` accept every value of `narrow` as far as type and enum go?"""
        wide_types, narrow_types = types(wide), types(narrow)
        if wide_types is not None:
            if narrow_types is None or any(t not in wide_types and not (t == "integer" and "number" in wide_types) for t in narrow_types):
                return False
        return True

    def enum_allows_all(wide: dict, narrow: dict) -> bool:
        return "enum" not in wide or ("enum" in narrow and all(v in wide["enum"] for v in narrow["enum"]))

    def tightened(old: dict, new: dict) -> bool:
        return (any(k in new and (k not in old or new[k] > old[k]) for k in lower_bounds)
                or any(k in new and (k not in old or new[k] < old[k]) for k in upper_bounds)
                or ("pattern" in new and new["pattern"] != old.get("pattern")))

    def request_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(new, old):
            found.append(Change("narrowed-enum", op, where))
        if not allows_all(new, old):
            found.append(Change("changed-type", op, where))
        if tightened(old, new):
            found.append(Change("tightened-constraint", op, where))
        for name in set(new.get("required", [])) - set(old.get("required", [])):
            found.append(Change("new-required-field", op, f"{where}.{name}"))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in set(old_props) & set(new_props):
            found += request_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += request_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def response_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(old, new):
            found.append(Change("widened-enum", op, where))
        if not allows_all(old, new):
            found.append(Change("changed-type", op, where))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        found += [Change("removed-response-field", op, f"{where}.{name}") for name in set(old_props) - set(new_props)]
        for name in set(old_props) & set(new_props):
            found += response_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += response_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def json_schema(response: dict) -> dict | None:
        return response.get("content", {}).get("application/json", {}).get("schema")

    new_ops = {op.key: op for op in contracts.operations(new_spec)}
    changes = []
    for old in contracts.operations(old_spec):
        new = new_ops.get(old.key)
        if new is None:
            changes.append(Change("removed-operation", old.key, ""))
            continue
        before = {(p["in"], p["name"].lower()): p for p in old.parameters}
        for p in new.parameters:
            was = before.get((p["in"], p["name"].lower()))
            where = f"{p['in']}.{p['name']}"
            if p.get("required") and not (was or {}).get("required"):
                changes.append(Change("new-required-field", old.key, where))
            if was is not None:
                changes += request_changes(was.get("schema", {}), p.get("schema", {}), where, old.key)
        if new.spec.get("requestBody", {}).get("required") and not old.spec.get("requestBody", {}).get("required"):
            changes.append(Change("new-required-field", old.key, "request"))
        if old.request_schema is not None and new.request_schema is not None:
            changes += request_changes(old.request_schema, new.request_schema, "request", old.key)
        for status, response in old.responses.items():
            if status not in new.responses:
                changes.append(Change("removed-response-status", old.key, f"response.{status}"))
                continue
            old_schema, new_schema = json_schema(response), json_schema(new.responses[status])
            if old_schema is not None and new_schema is not None:
                changes += response_changes(old_schema, new_schema, f"response.{status}", old.key)
    return list(dict.fromkeys(changes))''',
        ),
        (
            'returns plain tuples, not Change named tuples',
            '''def breaking_changes(old_spec: dict, new_spec: dict) -> list[Change]:
    """The changes from old_spec to new_spec that break existing clients: a sorted list of Change(kind, operation, location).

    "removed-operation" (location ""): an operation of old_spec is gone.
    Requests (body properties and parameters; something valid before may be refused now):
      "new-required-field": a property or parameter required now but not before ("request.a.b", "request.items[].c",
      "query.name", "header.Name"), or a request body that becomes required ("request");
      "narrowed-enum": an enum lost a value; "changed-type": the type no longer accepts every old value;
      "tightened-constraint": minimum/exclusiveMinimum/minLength/minItems raised or maximum/exclusiveMaximum/maxLength/
      maxItems lowered (or added), or a pattern added or changed.
    Responses (application/json bodies, same status; what clients read):
      "removed-response-status" ("response.404"): a documented status is gone;
      "removed-response-field" ("response.<status>.a", "response.<status>.items[].b"): a property is gone;
      "widened-enum": an enum gained a value; "changed-type": the type now allows values it did not.
    An absent keyword (no enum, no type, no bound) allows anything; an integer is also a number.
    """
    lower_bounds = ("minimum", "exclusiveMinimum", "minLength", "minItems")
    upper_bounds = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")

    def types(schema: dict) -> list | None:
        kind = schema.get("type")
        return None if kind is None else [kind] if isinstance(kind, str) else list(kind)

    def allows_all(wide: dict, narrow: dict) -> bool:
        """Does schema `wide` accept every value of `narrow` as far as type and enum go?"""
        wide_types, narrow_types = types(wide), types(narrow)
        if wide_types is not None:
            if narrow_types is None or any(t not in wide_types and not (t == "integer" and "number" in wide_types) for t in narrow_types):
                return False
        return True

    def enum_allows_all(wide: dict, narrow: dict) -> bool:
        return "enum" not in wide or ("enum" in narrow and all(v in wide["enum"] for v in narrow["enum"]))

    def tightened(old: dict, new: dict) -> bool:
        return (any(k in new and (k not in old or new[k] > old[k]) for k in lower_bounds)
                or any(k in new and (k not in old or new[k] < old[k]) for k in upper_bounds)
                or ("pattern" in new and new["pattern"] != old.get("pattern")))

    def request_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(new, old):
            found.append(Change("narrowed-enum", op, where))
        if not allows_all(new, old):
            found.append(Change("changed-type", op, where))
        if tightened(old, new):
            found.append(Change("tightened-constraint", op, where))
        for name in set(new.get("required", [])) - set(old.get("required", [])):
            found.append(Change("new-required-field", op, f"{where}.{name}"))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in set(old_props) & set(new_props):
            found += request_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += request_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def response_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(old, new):
            found.append(Change("widened-enum", op, where))
        if not allows_all(old, new):
            found.append(Change("changed-type", op, where))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        found += [Change("removed-response-field", op, f"{where}.{name}") for name in set(old_props) - set(new_props)]
        for name in set(old_props) & set(new_props):
            found += response_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += response_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def json_schema(response: dict) -> dict | None:
        return response.get("content", {}).get("application/json", {}).get("schema")

    new_ops = {op.key: op for op in contracts.operations(new_spec)}
    changes = []
    for old in contracts.operations(old_spec):
        new = new_ops.get(old.key)
        if new is None:
            changes.append(Change("removed-operation", old.key, ""))
            continue
        before = {(p["in"], p["name"].lower()): p for p in old.parameters}
        for p in new.parameters:
            was = before.get((p["in"], p["name"].lower()))
            where = f"{p['in']}.{p['name']}"
            if p.get("required") and not (was or {}).get("required"):
                changes.append(Change("new-required-field", old.key, where))
            if was is not None:
                changes += request_changes(was.get("schema", {}), p.get("schema", {}), where, old.key)
        if new.spec.get("requestBody", {}).get("required") and not old.spec.get("requestBody", {}).get("required"):
            changes.append(Change("new-required-field", old.key, "request"))
        if old.request_schema is not None and new.request_schema is not None:
            changes += request_changes(old.request_schema, new.request_schema, "request", old.key)
        for status, response in old.responses.items():
            if status not in new.responses:
                changes.append(Change("removed-response-status", old.key, f"response.{status}"))
                continue
            old_schema, new_schema = json_schema(response), json_schema(new.responses[status])
            if old_schema is not None and new_schema is not None:
                changes += response_changes(old_schema, new_schema, f"response.{status}", old.key)
    return sorted({tuple(c) for c in changes})''',
        ),
        (
            'parameter locations use the lower-cased name: header.idempotency-key instead of header.Idempotency-Key',
            '''def breaking_changes(old_spec: dict, new_spec: dict) -> list[Change]:
    """The changes from old_spec to new_spec that break existing clients: a sorted list of Change(kind, operation, location).

    "removed-operation" (location ""): an operation of old_spec is gone.
    Requests (body properties and parameters; something valid before may be refused now):
      "new-required-field": a property or parameter required now but not before ("request.a.b", "request.items[].c",
      "query.name", "header.Name"), or a request body that becomes required ("request");
      "narrowed-enum": an enum lost a value; "changed-type": the type no longer accepts every old value;
      "tightened-constraint": minimum/exclusiveMinimum/minLength/minItems raised or maximum/exclusiveMaximum/maxLength/
      maxItems lowered (or added), or a pattern added or changed.
    Responses (application/json bodies, same status; what clients read):
      "removed-response-status" ("response.404"): a documented status is gone;
      "removed-response-field" ("response.<status>.a", "response.<status>.items[].b"): a property is gone;
      "widened-enum": an enum gained a value; "changed-type": the type now allows values it did not.
    An absent keyword (no enum, no type, no bound) allows anything; an integer is also a number.
    """
    lower_bounds = ("minimum", "exclusiveMinimum", "minLength", "minItems")
    upper_bounds = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")

    def types(schema: dict) -> list | None:
        kind = schema.get("type")
        return None if kind is None else [kind] if isinstance(kind, str) else list(kind)

    def allows_all(wide: dict, narrow: dict) -> bool:
        """Does schema `wide` accept every value of `narrow` as far as type and enum go?"""
        wide_types, narrow_types = types(wide), types(narrow)
        if wide_types is not None:
            if narrow_types is None or any(t not in wide_types and not (t == "integer" and "number" in wide_types) for t in narrow_types):
                return False
        return True

    def enum_allows_all(wide: dict, narrow: dict) -> bool:
        return "enum" not in wide or ("enum" in narrow and all(v in wide["enum"] for v in narrow["enum"]))

    def tightened(old: dict, new: dict) -> bool:
        return (any(k in new and (k not in old or new[k] > old[k]) for k in lower_bounds)
                or any(k in new and (k not in old or new[k] < old[k]) for k in upper_bounds)
                or ("pattern" in new and new["pattern"] != old.get("pattern")))

    def request_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(new, old):
            found.append(Change("narrowed-enum", op, where))
        if not allows_all(new, old):
            found.append(Change("changed-type", op, where))
        if tightened(old, new):
            found.append(Change("tightened-constraint", op, where))
        for name in set(new.get("required", [])) - set(old.get("required", [])):
            found.append(Change("new-required-field", op, f"{where}.{name}"))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in set(old_props) & set(new_props):
            found += request_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += request_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def response_changes(old: dict, new: dict, where: str, op: str) -> list[Change]:
        found = []
        if not enum_allows_all(old, new):
            found.append(Change("widened-enum", op, where))
        if not allows_all(old, new):
            found.append(Change("changed-type", op, where))
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        found += [Change("removed-response-field", op, f"{where}.{name}") for name in set(old_props) - set(new_props)]
        for name in set(old_props) & set(new_props):
            found += response_changes(old_props[name], new_props[name], f"{where}.{name}", op)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            found += response_changes(old["items"], new["items"], f"{where}[]", op)
        return found

    def json_schema(response: dict) -> dict | None:
        return response.get("content", {}).get("application/json", {}).get("schema")

    new_ops = {op.key: op for op in contracts.operations(new_spec)}
    changes = []
    for old in contracts.operations(old_spec):
        new = new_ops.get(old.key)
        if new is None:
            changes.append(Change("removed-operation", old.key, ""))
            continue
        before = {(p["in"], p["name"].lower()): p for p in old.parameters}
        for p in new.parameters:
            was = before.get((p["in"], p["name"].lower()))
            where = f"{p['in']}.{p['name'].lower()}"
            if p.get("required") and not (was or {}).get("required"):
                changes.append(Change("new-required-field", old.key, where))
            if was is not None:
                changes += request_changes(was.get("schema", {}), p.get("schema", {}), where, old.key)
        if new.spec.get("requestBody", {}).get("required") and not old.spec.get("requestBody", {}).get("required"):
            changes.append(Change("new-required-field", old.key, "request"))
        if old.request_schema is not None and new.request_schema is not None:
            changes += request_changes(old.request_schema, new.request_schema, "request", old.key)
        for status, response in old.responses.items():
            if status not in new.responses:
                changes.append(Change("removed-response-status", old.key, f"response.{status}"))
                continue
            old_schema, new_schema = json_schema(response), json_schema(new.responses[status])
            if old_schema is not None and new_schema is not None:
                changes += response_changes(old_schema, new_schema, f"response.{status}", old.key)
    return sorted(set(changes))''',
        ),
    ],
}

# Written from the retry-safe cancel docstring (issue #13) before its hidden tests: each gets one sentence wrong.
CANCEL_RETRY = '''def add_order_routes(app: FastAPI, store: contracts.OrderStore) -> None:
    """Register GET /v1/orders/{order_id} (getOrder) and POST /v1/orders/{order_id}/cancel (cancelOrder) on `app`."""
    @app.get("/v1/orders/{order_id}")
    def get_order(order_id: str, if_none_match: str | None = Header(None)) -> Response:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        tag = contracts.etag_of(order)
        if contracts.etag_matches(if_none_match, tag):
            return Response(status_code=304, headers={"ETag": tag})
        return JSONResponse(order, headers={"ETag": tag})

    @app.post("/v1/orders/{order_id}/cancel")
    def cancel_order(order_id: str, body: CancelRequest) -> dict:
        order = store.get(order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
%(cancel)s
'''
CANCEL_RETRY_WRONG = [
    ("the old rule: an already cancelled order is always a 409, so a retried cancel after a lost answer fails",
     '''        if order["status"] in ("shipped", "cancelled"):
            raise HTTPException(409, "This order can no longer be cancelled.")
        return store.update(order_id, status="cancelled", cancel_reason=body.reason)'''),
    ("an already cancelled order answers 200 whatever the reason: a cancel with another reason is not refused",
     '''        if order["status"] == "cancelled":
            return order
        if order["status"] == "shipped":
            raise HTTPException(409, "This order has shipped.")
        return store.update(order_id, status="cancelled", cancel_reason=body.reason)'''),
    ("an already cancelled order is cancelled again: another reason overwrites the first one",
     '''        if order["status"] == "shipped":
            raise HTTPException(409, "This order has shipped.")
        return store.update(order_id, status="cancelled", cancel_reason=body.reason)'''),
    ("a retried cancel answers a short acknowledgement ({id, status}) instead of the order",
     '''        if order["status"] == "cancelled" and order.get("cancel_reason") == body.reason:
            return {"id": order_id, "status": "cancelled"}
        if order["status"] in ("shipped", "cancelled"):
            raise HTTPException(409, "This order can no longer be cancelled.")
        return store.update(order_id, status="cancelled", cancel_reason=body.reason)'''),
    ("a retried cancel answers 204 No Content instead of the order",
     '''        if order["status"] == "cancelled" and order.get("cancel_reason") == body.reason:
            return Response(status_code=204)
        if order["status"] in ("shipped", "cancelled"):
            raise HTTPException(409, "This order can no longer be cancelled.")
        return store.update(order_id, status="cancelled", cancel_reason=body.reason)'''),
]
RED_TEAM["add_order_routes"] += [(why, CANCEL_RETRY % {"cancel": body}) for why, body in CANCEL_RETRY_WRONG]

KEEP = {
    'add_cancel_operation': [0, 1],
    'add_order_routes': [3],
    'install_problem_handlers': [1],
    'cursor_pagination': [0, 3],
    'idempotency_store': [0, 2],
    'breaking_changes': [3],
}

WRONG_ANSWERS = {gid: RED_TEAM[gid] + [EARLIER[gid][i] for i in KEEP[gid]] for gid in RED_TEAM}


# -----------------------------------------------------------------------------------------------------------------
# Blind red team, 2026-11-30 (written from the student notebook alone):
# each answer below changes ONE thing from an answer that follows the docstring, and names the sentence it breaks.
# -----------------------------------------------------------------------------------------------------------------
_AC_BLIND_HEAD = '''def add_cancel_operation(spec: dict) -> dict:
    """Return a NEW contract: `spec` plus POST /v1/orders/{order_id}/cancel (operationId cancelOrder).

    - the order_id path parameter; a required application/json request body with schema CancelRequest
      ($ref to an object whose only property, reason, is required and a CancelReason), added to components.schemas
    - responses 200 (an Order, application/json), 400, 404, 409 and 422 (problem details, application/problem+json)
    - info.version "1.1.0"
    Leave `spec` itself unchanged: work on copy.deepcopy(spec).
    """
'''

_AC_OPERATION = """
post:
  operationId: cancelOrder
  summary: Cancel an order that has not shipped yet.
  tags: [orders]
  parameters:
    - $ref: '#/components/parameters/OrderId'
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
"""

_AC_REQUEST = """
type: object
required: [reason]
properties:
  reason:
    $ref: '#/components/schemas/CancelReason'
additionalProperties: false
"""


def _ac(operation=_AC_OPERATION, request=_AC_REQUEST, prologue="    new = copy.deepcopy(spec)\n", extra=""):
    return (_AC_BLIND_HEAD + f"    operation = yaml.safe_load('''{operation}''')\n"
            f"    request = yaml.safe_load('''{request}''')\n" + prologue +
            '''    new["paths"]["/v1/orders/{order_id}/cancel"] = operation
    new["components"]["schemas"]["CancelRequest"] = request
    new["info"]["version"] = "1.1.0"
''' + extra + "    return new\n")


BLIND_2026_11_30 = {
    "add_cancel_operation": [
        # caught since add_cancel_operation_reuses_components
        ("blind: copies only the top level and the dicts it edits (dict unpacking): spec is untouched, but the new contract "
         "shares every other object with it (docstring: 'Return a NEW contract ... work on copy.deepcopy(spec)')",
         _ac(prologue='''    new = {**spec, "info": dict(spec["info"]), "paths": dict(spec["paths"]),
           "components": {**spec["components"], "schemas": dict(spec["components"]["schemas"])}}
''')),
        # caught since add_cancel_operation_reuses_components
        ("blind: 'reason' is a copy of the CancelReason enum instead of a $ref to it (docstring: 'reason, is required and a CancelReason' "
         "- the narrative: $ref: '#/components/schemas/CancelReason')",
         _ac(request="""
type: object
required: [reason]
properties:
  reason:
    type: string
    description: Why an order was cancelled (today only support staff cancel orders, in the back office).
    enum: [customer_request, out_of_stock, suspected_fraud]
additionalProperties: false
""")),
        ("blind: the request body schema is written inline in the operation; CancelRequest is added to components but not referenced "
         "(docstring: 'request body with schema CancelRequest ($ref ...)')",
         _ac(operation=_AC_OPERATION.replace("""          $ref: '#/components/schemas/CancelRequest'""", """          type: object
          required: [reason]
          properties:
            reason:
              $ref: '#/components/schemas/CancelReason'
          additionalProperties: false"""))),
        ("blind: CancelRequest has no 'type: object' (docstring: '$ref to an object whose only property, reason, ...')",
         _ac(request="""
required: [reason]
properties:
  reason:
    $ref: '#/components/schemas/CancelReason'
additionalProperties: false
""")),
        ("blind: CancelRequest gets a second, optional property 'comment' "
         "(docstring: 'an object whose only property, reason, is required')",
         _ac(request="""
type: object
required: [reason]
properties:
  reason:
    $ref: '#/components/schemas/CancelReason'
  comment:
    type: string
    maxLength: 200
additionalProperties: false
""")),
        ("blind: the order_id parameter is written inline as a plain string (no $ref to components.parameters.OrderId) "
         "(docstring: 'the order_id path parameter' - the narrative: reuse #/components/parameters/OrderId)",
         _ac(operation=_AC_OPERATION.replace("""    - $ref: '#/components/parameters/OrderId'""", """    - name: order_id
      in: path
      required: true
      schema:
        type: string"""))),
        ("blind: the four error responses are written inline (problem+json with the Problem schema) instead of reusing "
         "components.responses (docstring: '400, 404, 409 and 422 (problem details ...)' - "
         "the narrative: reuse BadRequest, NotFound, Conflict, ValidationFailed)",
         _ac(operation=_AC_OPERATION.split("    '400':")[0] + "".join(f"""    '{code}':
      description: {text}
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
""" for code, text in [("400", "Malformed JSON."), ("404", "No such order."), ("409", "Already shipped or cancelled."),
                       ("422", "The body does not match CancelRequest.")]))),
        ("blind: also 'completes' CancelReason with an 'other' value while adding CancelRequest: an existing component changes "
         "(docstring: 'spec plus POST ...' - the narrative: change nothing that was already there)",
         _ac(extra='''    new["components"]["schemas"]["CancelReason"]["enum"].append("other")
''')),
    ],
}

for _gid, _items in BLIND_2026_11_30.items():
    WRONG_ANSWERS.setdefault(_gid, []).extend(_items)
