"""Plausible wrong answers for module 00 (orientation): each must lose points on its own exercise's test cells.

"rt:" answers were written by a red team from the student notebook's docstrings alone, before it saw the tests;
"old:" answers are the ones the tests were first written against.
"""

_CS_HEAD = '''def classify_status(code: int) -> str:
    """The class of an HTTP status code, from its first digit (RFC 9110 §15).

    Returns 'informational' (1xx), 'success' (2xx), 'redirect' (3xx), 'client_error' (4xx)
    or 'server_error' (5xx). Unregistered codes still have a class: 299 is a 'success'.
    Raises ValueError for any code outside 100-599.
    """
'''

_BQ_HEAD = '''from urllib.parse import quote, urlencode, urlsplit, urlunsplit


def build_query(base_url: str, params: dict) -> str:
    """Return base_url with params appended as a percent-encoded query string.

    - Keys and values are encoded like urllib.parse.quote with nothing left "safe": a space
      becomes %20, and & = + / ? # % and non-ASCII characters are escaped too.
    - Pairs keep the order of params. A list or tuple value repeats its key (tag=a&tag=b).
      None is dropped, as a value or as a list item. Other values go through str().
    - If base_url already has a query, keep it and add the new pairs after an '&';
      a base_url ending in a bare '?' gets no extra separator. A #fragment stays at the end.
    - With nothing to add, return base_url unchanged.
    """
'''

_FG_HEAD = '''def fetch_greeting(client: httpx.Client, name: str) -> str:
    """Ask the greeter service behind `client` to greet `name`; return its "message" text.

    - Send GET /greet with `name` as the query parameter `name`, encoded by httpx (params=...).
    - Raise httpx.HTTPStatusError when the answer is not a 2xx success: a 4xx or 5xx, and also a 3xx
      redirect, which this client does not follow (response.raise_for_status() does exactly this).
    - Return the "message" field of the JSON reply exactly as the service wrote it.
    """
'''

_PL_HEAD = '''def parse_log_line(line: str) -> dict:
    """Parse one JSON log line into {'level': str, 'message': str, 'duration_ms': float or None}.

    - Whitespace around the line (a trailing newline, say) is ignored.
    - 'level' comes back upper-cased ("warning" -> "WARNING"); 'message' as a str.
    - 'duration_ms' is a float: a JSON number or a numeric string ("12.5") is converted;
      a missing or null duration_ms gives None. Other fields of the record are left out.
    - Raise ValueError if the line is not JSON, is JSON but not an object, has no 'level'
      or no 'message', or has a duration_ms that is not a number. The error message says
      what is wrong and quotes the line (its first 80 characters are enough).
    """
'''

# A correct-looking parse_log_line body; each wrong answer changes one thing in it.
_PL_OK = '''    import json
    shown = line.strip()[:80]
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise ValueError(f"not valid JSON: {shown!r}") from None
    if not isinstance(record, dict):
        raise ValueError(f"not a JSON object: {shown!r}")
    for key in ("level", "message"):
        if record.get(key) is None:
            raise ValueError(f"no {key!r} field: {shown!r}")
    raw = record.get("duration_ms")
    if raw is None:
        duration = None
    elif isinstance(raw, bool):
        raise ValueError(f"duration_ms {raw!r} is not a number: {shown!r}")
    else:
        try:
            duration = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"duration_ms {raw!r} is not a number: {shown!r}") from None
    return {"level": str(record["level"]).upper(), "message": str(record["message"]), "duration_ms": duration}
'''


def _pl(old: str, new: str) -> str:
    assert old in _PL_OK, old
    return _PL_HEAD + _PL_OK.replace(old, new, 1)


WRONG_ANSWERS = {
    "classify_status": [
        ("rt: off by one at the top: 599 raises instead of being a 'server_error' (range is 100-599 inclusive)",
         _CS_HEAD + '''    if not 100 <= code < 599:
        raise ValueError(f"{code} is not an HTTP status code")
    return {1: "informational", 2: "success", 3: "redirect", 4: "client_error", 5: "server_error"}[code // 100]
'''),
        ("rt: only registered codes (http.HTTPStatus): 299 raises although 'unregistered codes still have a class'",
         _CS_HEAD + '''    from http import HTTPStatus
    status = HTTPStatus(code)  # ValueError for 600, as the docstring asks
    return {1: "informational", 2: "success", 3: "redirect", 4: "client_error", 5: "server_error"}[status.value // 100]
'''),
        ("rt: no lower bound: 0, 42 or -1 come back 'informational' instead of raising ValueError",
         _CS_HEAD + '''    if code > 599:
        raise ValueError(f"{code} is above 599")
    if code < 200:
        return "informational"
    if code < 300:
        return "success"
    if code < 400:
        return "redirect"
    if code < 500:
        return "client_error"
    return "server_error"
'''),
        ("rt: first character of str(code): 1000 and 10 are 'informational', 2000 'success', instead of ValueError",
         _CS_HEAD + '''    classes = {"1": "informational", "2": "success", "3": "redirect", "4": "client_error", "5": "server_error"}
    first = str(code)[0]
    if first not in classes:
        raise ValueError(f"{code} is not an HTTP status code")
    return classes[first]
'''),
        ("rt: wrong range boundaries: 300 (Multiple Choices) and 400 (Bad Request) land in the class below",
         _CS_HEAD + '''    if code < 100 or code > 599:
        raise ValueError(f"{code} is not an HTTP status code")
    if code < 200:
        return "informational"
    if code <= 300:
        return "success"
    if code <= 400:
        return "redirect"
    if code < 500:
        return "client_error"
    return "server_error"
'''),
        ("rt: off by one at the bottom: 100 (Continue) raises instead of being 'informational'",
         _CS_HEAD + '''    if not 100 < code <= 599:
        raise ValueError(f"{code} is not an HTTP status code")
    return ["informational", "success", "redirect", "client_error", "server_error"][code // 100 - 1]
'''),
        ("old: no range check: 600 and 99 crash with KeyError instead of ValueError", '''
def classify_status(code: int) -> str:
    """The class of an HTTP status code, from its first digit (RFC 9110 §15)."""
    classes = {1: "informational", 2: "success", 3: "redirect", 4: "client_error", 5: "server_error"}
    return classes[code // 100]
'''),
    ],
    "build_query": [
        ("rt: hand-quotes each key and value with quote()'s default safe='/': '/' in a key or value is not escaped as %2F",
         _BQ_HEAD + '''    pieces = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pieces.extend(f"{quote(str(key))}={quote(str(v))}" for v in values if v is not None)
    if not pieces:
        return base_url
    added = "&".join(pieces)
    parts = urlsplit(base_url)
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))
'''),
        ("rt: glues '?' or '&' onto the end of the string: the query lands after a #fragment and a bare '?' gets '?&'",
         _BQ_HEAD + '''    pairs = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((key, str(v)) for v in values if v is not None)
    if not pairs:
        return base_url
    added = urlencode(pairs, quote_via=quote, safe="")
    separator = "&" if "?" in base_url else "?"
    return base_url + separator + added
'''),
        ("rt: drops every falsy value (0, '', False) instead of only None",
         _BQ_HEAD + '''    pairs = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((key, str(v)) for v in values if v)
    if not pairs:
        return base_url
    added = urlencode(pairs, quote_via=quote, safe="")
    parts = urlsplit(base_url)
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))
'''),
        ("rt: only a list repeats its key; a tuple goes through str() as \"('a', 'b')\"",
         _BQ_HEAD + '''    pairs = []
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((key, str(v)) for v in values if v is not None)
    if not pairs:
        return base_url
    added = urlencode(pairs, quote_via=quote, safe="")
    parts = urlsplit(base_url)
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))
'''),
        ("rt: None is dropped as a value but a None list item becomes the string 'None'",
         _BQ_HEAD + '''    pairs = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((key, str(v)) for v in value)
        else:
            pairs.append((key, str(value)))
    if not pairs:
        return base_url
    added = urlencode(pairs, quote_via=quote, safe="")
    parts = urlsplit(base_url)
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))
'''),
        ("rt: no early return: with nothing to add the URL still goes through urlsplit/urlunsplit, which drops a bare '?' or '#'",
         _BQ_HEAD + '''    pairs = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((key, str(v)) for v in values if v is not None)
    added = urlencode(pairs, quote_via=quote, safe="")
    parts = urlsplit(base_url)
    query = "&".join(q for q in (parts.query, added) if q)
    return urlunsplit(parts._replace(query=query))
'''),
        ("rt: only values are percent-encoded; keys are pasted in raw ('a b', 'x&y' break the query)",
         _BQ_HEAD + '''    pieces = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pieces.extend(f"{key}={quote(str(v), safe='')}" for v in values if v is not None)
    if not pieces:
        return base_url
    added = "&".join(pieces)
    parts = urlsplit(base_url)
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))
'''),
        ("old: glues key=value pairs with an f-string: nothing is encoded", '''
def build_query(base_url: str, params: dict) -> str:
    """Return base_url with params appended as a percent-encoded query string."""
    pairs = [f"{key}={value}" for key, value in params.items() if value is not None]
    return base_url + "?" + "&".join(pairs) if pairs else base_url
'''),
    ],
    "fetch_greeting": [
        ("rt: raises only for 4xx; a 500 or 503 reply is read as if it were a greeting",
         _FG_HEAD + '''    response = client.get("/greet", params={"name": name})
    if 400 <= response.status_code < 500:
        response.raise_for_status()
    return response.json().get("message", "")
'''),
        ("rt: glues the name into the URL by hand: 'Tom & Jerry' reaches the service as 'Tom '",
         _FG_HEAD + '''    response = client.get(f"/greet?name={name}")
    response.raise_for_status()
    return response.json()["message"]
'''),
        ("rt: rebuilds the greeting locally instead of returning the service's message",
         _FG_HEAD + '''    response = client.get("/greet", params={"name": name})
    response.raise_for_status()
    return f"Hello, {name}!"
'''),
        ("rt: bypasses the given client (module-level httpx.get on its base_url): its transport, headers and timeout are ignored",
         _FG_HEAD + '''    url = str(client.base_url).rstrip("/") + "/greet"
    response = httpx.get(url, params={"name": name}, timeout=5.0)
    response.raise_for_status()
    return response.json()["message"]
'''),
        ("rt: parses the JSON body before raise_for_status: a 5xx with a plain-text body raises JSONDecodeError, not HTTPStatusError",
         _FG_HEAD + '''    response = client.get("/greet", params={"name": name})
    data = response.json()
    response.raise_for_status()
    return data["message"]
'''),
        ("rt: 'cleans' the name (strip) before sending it, and the message too: not sent or returned exactly",
         _FG_HEAD + '''    response = client.get("/greet", params={"name": name.strip()})
    response.raise_for_status()
    return response.json()["message"].strip()
'''),
        ("h01: checks `status_code >= 400` by hand: a 3xx redirect (not followed) is read as a greeting",
         _FG_HEAD + '''    response = client.get("/greet", params={"name": name})
    if response.status_code >= 400:
        raise httpx.HTTPStatusError(f"{response.status_code} for {response.url}", request=response.request, response=response)
    return response.json()["message"]
'''),
        ("h01: follows redirects itself (follow_redirects=True) and raises only on 4xx/5xx: a 3xx is never raised",
         _FG_HEAD + '''    response = client.get("/greet", params={"name": name}, follow_redirects=True)
    if response.is_client_error or response.is_server_error:
        response.raise_for_status()
    return response.json()["message"]
'''),
        ("old: never checks the status: a 422 body is read as if it were a greeting (KeyError)", '''
def fetch_greeting(client: httpx.Client, name: str) -> str:
    """Ask the greeter service behind `client` to greet `name`; return its "message" text."""
    return client.get("/greet", params={"name": name}).json()["message"]
'''),
        ("old: returns the whole JSON body instead of its message", '''
def fetch_greeting(client: httpx.Client, name: str) -> str:
    """Ask the greeter service behind `client` to greet `name`; return its "message" text."""
    response = client.get("/greet", params={"name": name})
    response.raise_for_status()
    return response.json()
'''),
    ],
    "parse_log_line": [
        ("rt: float(True) is 1.0: a JSON true/false duration_ms is accepted as a number instead of ValueError",
         _pl('''    elif isinstance(raw, bool):
        raise ValueError(f"duration_ms {raw!r} is not a number: {shown!r}")
    else:
''', '''    else:
''')),
        ("rt: a null level (or message) passes the presence check and comes back as 'NONE' / 'None'",
         _pl('''        if record.get(key) is None:''', '''        if key not in record:''')),
        ("rt: checks line.startswith('{') before stripping: a line with leading whitespace is rejected",
         _pl('''    try:
        record = json.loads(line)''', '''    if not line.startswith("{"):
        raise ValueError(f"not a JSON object: {shown!r}")
    try:
        record = json.loads(line)''')),
        ("rt: only JSON numbers are accepted: a numeric string duration_ms like '12.5' raises",
         _pl('''    elif isinstance(raw, bool):''', '''    elif isinstance(raw, bool) or not isinstance(raw, (int, float)):''')),
        ("rt: an int duration_ms stays an int (3, not 3.0)",
         _pl('''            duration = float(raw)''', '''            duration = raw if isinstance(raw, int) else float(raw)''')),
        ("rt: a missing or null duration_ms gives 0.0 instead of None",
         _pl('''    if raw is None:
        duration = None''', '''    if raw is None:
        duration = 0.0''')),
        ("rt: only the invalid-JSON error quotes the line; missing fields and bad durations say what but not where",
         _pl('''            raise ValueError(f"no {key!r} field: {shown!r}")''',
             '''            raise ValueError(f"the record has no {key!r} field")''').replace(
             '''            raise ValueError(f"duration_ms {raw!r} is not a number: {shown!r}") from None''',
             '''            raise ValueError(f"duration_ms {raw!r} is not a number") from None''')),
        ("rt: no object check: a JSON array, string or null raises TypeError (or passes) instead of ValueError",
         _pl('''    if not isinstance(record, dict):
        raise ValueError(f"not a JSON object: {shown!r}")
''', '')),
    ],
}


# -----------------------------------------------------------------------------------------------------------------
# Blind red team, 2026-11-30 (written from the student notebook alone):
# each answer below changes ONE thing from an answer that follows the docstring, and names the sentence it breaks.
# -----------------------------------------------------------------------------------------------------------------
_FG_BLIND_HEAD = '''def fetch_greeting(client: httpx.Client, name: str) -> str:
    """Ask the greeter service behind `client` to greet `name`; return its "message" text.

    - Send GET /greet with `name` as the query parameter `name`, encoded by httpx (params=...).
    - Raise httpx.HTTPStatusError when the answer is not a 2xx success: a 4xx or 5xx, and also a 3xx
      redirect, which this client does not follow (response.raise_for_status() does exactly this).
    - Return the "message" field of the JSON reply exactly as the service wrote it.
    """
'''

BLIND_2026_11_30 = {
    "fetch_greeting": [
        ("blind: raises only for status >= 400, so a 3xx redirect with a JSON body is read as data "
         "(docstring: 'and also a 3xx redirect, which this client does not follow')",
         _FG_BLIND_HEAD + '''    response = client.get("/greet", params={"name": name})
    if response.status_code >= 400:
        response.raise_for_status()
    return response.json()["message"]
'''),
        ("blind: checks response.is_error (4xx/5xx only): a 3xx passes as a success "
         "(docstring: 'Raise httpx.HTTPStatusError when the answer is not a 2xx success ... also a 3xx')",
         _FG_BLIND_HEAD + '''    response = client.get("/greet", params={"name": name})
    if response.is_error:
        raise httpx.HTTPStatusError(f"{response.status_code} from {response.url}", request=response.request, response=response)
    return response.json()["message"]
'''),
        ("blind: follows redirects for this call, so a 3xx to a 200 returns the target's message instead of raising "
         "(docstring: 'a 3xx redirect, which this client does not follow')",
         _FG_BLIND_HEAD + '''    response = client.get("/greet", params={"name": name}, follow_redirects=True)
    response.raise_for_status()
    return response.json()["message"]
'''),
        ("blind: treats anything but 200 as an error: a 203 or 201 success raises "
         "(docstring: 'Raise ... when the answer is not a 2xx success')",
         _FG_BLIND_HEAD + '''    response = client.get("/greet", params={"name": name})
    if response.status_code != 200:
        raise httpx.HTTPStatusError(f"expected 200, got {response.status_code}", request=response.request, response=response)
    return response.json()["message"]
'''),
        ("blind: reads the JSON body before raise_for_status: an error answer whose body is not JSON raises "
         "JSONDecodeError instead of HTTPStatusError (docstring: 'Raise httpx.HTTPStatusError when the answer is not a 2xx')",
         _FG_BLIND_HEAD + '''    response = client.get("/greet", params={"name": name})
    data = response.json()
    response.raise_for_status()
    return data["message"]
'''),
        ("blind: pastes the name into the URL by hand: '&', '#', '+' and '%' in a name change the request "
         "(docstring: 'name as the query parameter name, encoded by httpx (params=...)')",
         _FG_BLIND_HEAD + '''    response = client.get(f"/greet?name={name}")
    response.raise_for_status()
    return response.json()["message"]
'''),
        ("blind: strips the name before sending it: ' Ada ' reaches the service as 'Ada' "
         "(docstring: 'Send GET /greet with name as the query parameter name')",
         _FG_BLIND_HEAD + '''    response = client.get("/greet", params={"name": name.strip()})
    response.raise_for_status()
    return response.json()["message"]
'''),
        ("blind: strips whitespace from the message (docstring: 'Return the \"message\" field ... exactly as the service wrote it')",
         _FG_BLIND_HEAD + '''    response = client.get("/greet", params={"name": name})
    response.raise_for_status()
    return response.json()["message"].strip()
'''),
        ("blind: an empty message is treated as missing and replaced by a greeting built locally "
         "(docstring: 'Return the \"message\" field ... exactly as the service wrote it')",
         _FG_BLIND_HEAD + '''    response = client.get("/greet", params={"name": name})
    response.raise_for_status()
    return response.json().get("message") or f"Hello, {name}!"
'''),
    ],
}

for _gid, _items in BLIND_2026_11_30.items():
    WRONG_ANSWERS.setdefault(_gid, []).extend(_items)
