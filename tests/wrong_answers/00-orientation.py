"""Plausible wrong answers for module 00 (orientation): each must lose points on its own exercise's test cell."""

WRONG_ANSWERS = {
    "classify_status": [
        ("no range check: 600 and 99 crash with KeyError instead of ValueError", '''
def classify_status(code: int) -> str:
    """The class of an HTTP status code, from its first digit (RFC 9110 §15)."""
    classes = {1: "informational", 2: "success", 3: "redirect", 4: "client_error", 5: "server_error"}
    return classes[code // 100]
'''),
        ("if/elif chain with an off-by-one boundary: 300 is called a success", '''
def classify_status(code: int) -> str:
    """The class of an HTTP status code, from its first digit (RFC 9110 §15)."""
    if code < 100 or code > 599:
        raise ValueError(f"{code} is not an HTTP status code")
    if code < 200:
        return "informational"
    if code <= 300:
        return "success"
    if code < 400:
        return "redirect"
    if code < 500:
        return "client_error"
    return "server_error"
'''),
        ("only registered codes: http.HTTPStatus rejects 299 and 499", '''
from http import HTTPStatus


def classify_status(code: int) -> str:
    """The class of an HTTP status code, from its first digit (RFC 9110 §15)."""
    status = HTTPStatus(code)  # ValueError for codes Python does not know
    classes = {1: "informational", 2: "success", 3: "redirect", 4: "client_error", 5: "server_error"}
    return classes[status.value // 100]
'''),
        ("range check off by one at the top: 599 is rejected", '''
def classify_status(code: int) -> str:
    """The class of an HTTP status code, from its first digit (RFC 9110 §15)."""
    classes = {1: "informational", 2: "success", 3: "redirect", 4: "client_error", 5: "server_error"}
    if not 100 <= code < 599:
        raise ValueError(f"{code} is not an HTTP status code")
    return classes[code // 100]
'''),
    ],
    "build_query": [
        ("glues key=value pairs with an f-string: nothing is encoded", '''
def build_query(base_url: str, params: dict) -> str:
    """Return base_url with params appended as a percent-encoded query string."""
    pairs = [f"{key}={value}" for key, value in params.items() if value is not None]
    return base_url + "?" + "&".join(pairs) if pairs else base_url
'''),
        ("plain urlencode(params): spaces become '+', lists are stringified, None is sent as 'None'", '''
from urllib.parse import urlencode


def build_query(base_url: str, params: dict) -> str:
    """Return base_url with params appended as a percent-encoded query string."""
    return base_url + "?" + urlencode(params) if params else base_url
'''),
        ("encodes correctly but picks the separator by looking for '?': breaks on a bare '?' and on fragments", '''
from urllib.parse import quote, urlencode


def build_query(base_url: str, params: dict) -> str:
    """Return base_url with params appended as a percent-encoded query string."""
    pairs = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((str(key), str(v)) for v in values if v is not None)
    if not pairs:
        return base_url
    separator = "&" if "?" in base_url else "?"
    return base_url + separator + urlencode(pairs, quote_via=quote)
'''),
        ("urlencode with doseq but the default quote_plus: spaces become '+', None inside a list is sent as 'None'", '''
from urllib.parse import urlencode, urlsplit, urlunsplit


def build_query(base_url: str, params: dict) -> str:
    """Return base_url with params appended as a percent-encoded query string."""
    kept = {key: value for key, value in params.items() if value is not None}
    if not kept:
        return base_url
    parts = urlsplit(base_url)
    added = urlencode(kept, doseq=True)
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))
'''),
    ],
    "fetch_greeting": [
        ("glues the name into the URL: '&', '+' and '#' in a name change the request", '''
def fetch_greeting(client: httpx.Client, name: str) -> str:
    """Ask the greeter service behind `client` to greet `name`; return its "message" text."""
    response = client.get(f"/greet?name={name}")
    response.raise_for_status()
    return response.json()["message"]
'''),
        ("never checks the status: a 422 body is read as if it were a greeting (KeyError)", '''
def fetch_greeting(client: httpx.Client, name: str) -> str:
    """Ask the greeter service behind `client` to greet `name`; return its "message" text."""
    return client.get("/greet", params={"name": name}).json()["message"]
'''),
        ("returns the whole JSON body instead of its message", '''
def fetch_greeting(client: httpx.Client, name: str) -> str:
    """Ask the greeter service behind `client` to greet `name`; return its "message" text."""
    response = client.get("/greet", params={"name": name})
    response.raise_for_status()
    return response.json()
'''),
        ("calls the service but builds the greeting itself", '''
def fetch_greeting(client: httpx.Client, name: str) -> str:
    """Ask the greeter service behind `client` to greet `name`; return its "message" text."""
    client.get("/greet", params={"name": name}).raise_for_status()
    return f"Hello, {name}!"
'''),
    ],
    "parse_log_line": [
        ("trusts json.loads: its ValueError does not quote the line, and duration stays an int or a string", '''
def parse_log_line(line: str) -> dict:
    """Parse one JSON log line into {'level': str, 'message': str, 'duration_ms': float or None}."""
    record = json.loads(line)
    return {"level": record["level"].upper(), "message": record["message"], "duration_ms": record.get("duration_ms")}
'''),
        ("good errors and numbers, but forgets to upper-case the level", '''
def parse_log_line(line: str) -> dict:
    """Parse one JSON log line into {'level': str, 'message': str, 'duration_ms': float or None}."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise ValueError(f"not a JSON log line: {line[:80]!r}") from None
    duration = record.get("duration_ms")
    return {"level": record["level"], "message": record["message"], "duration_ms": None if duration is None else float(duration)}
'''),
        ("handles invalid JSON only: arrays, missing fields and bad durations escape as other exceptions", '''
def parse_log_line(line: str) -> dict:
    """Parse one JSON log line into {'level': str, 'message': str, 'duration_ms': float or None}."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise ValueError(f"not a JSON log line: {line[:80]!r}") from None
    duration = record.get("duration_ms")
    return {"level": record["level"].upper(), "message": record["message"],
            "duration_ms": None if duration is None else float(duration)}
'''),
        ("a missing duration becomes 0.0 and null crashes; keeps every other field", '''
def parse_log_line(line: str) -> dict:
    """Parse one JSON log line into {'level': str, 'message': str, 'duration_ms': float or None}."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise ValueError(f"not a JSON log line: {line[:80]!r}") from None
    if not isinstance(record, dict) or "level" not in record or "message" not in record:
        raise ValueError(f"not a JSON log record: {line[:80]!r}")
    record["level"] = record["level"].upper()
    record["duration_ms"] = float(record.get("duration_ms", 0))
    return record
'''),
    ],
}
