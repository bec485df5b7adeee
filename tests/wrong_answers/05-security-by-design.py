"""Plausible wrong answers for module 05 (security by design): each must lose points on its own exercise."""

# ---------------------------------------------------------------------------------------------------------------
# Exercise 1 — search_users
# ---------------------------------------------------------------------------------------------------------------
SEARCH_HEAD = '''
def search_users(conn: sqlite3.Connection, prefix: str) -> list[dict]:
    """Users whose username starts with `prefix`."""
'''

SEARCH_FSTRING = SEARCH_HEAD + '''
    if not prefix:
        return []
    rows = conn.execute(
        f"SELECT username, email FROM users WHERE username LIKE '{prefix}%' ORDER BY username LIMIT 20"
    ).fetchall()
    return [{"username": u, "email": e} for u, e in rows]
'''


# ---------------------------------------------------------------------------------------------------------------
# Exercise 2 — hash_password / verify_password
# ---------------------------------------------------------------------------------------------------------------
HASH_GOOD = '''
def hash_password(password: str, hasher: PasswordHasher) -> str:
    """An argon2id hash."""
    return hasher.hash(password)
'''

PASSWORDS_SHA256 = '''
def hash_password(password: str, hasher: PasswordHasher) -> str:
    """A hash of the password."""
    return hashlib.sha256(password.encode()).hexdigest()


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Compare hashes."""
    return hmac.compare_digest(stored_hash, hashlib.sha256(password.encode()).hexdigest()), None
'''


# ---------------------------------------------------------------------------------------------------------------
# Exercise 3 — verify_token
# ---------------------------------------------------------------------------------------------------------------
VERIFY_HEAD = '''
def verify_token(token: str, keys: dict) -> dict:
    """Claims of a valid access token."""
    kid = jwt.get_unverified_header(token).get("kid")
    if not isinstance(kid, str) or kid not in keys:
        raise jwt.InvalidTokenError("unknown kid")
'''


VERIFY_HEADER_ALG = VERIFY_HEAD + '''
    alg = jwt.get_unverified_header(token).get("alg")
    return jwt.decode(token, keys[kid], algorithms=[alg], audience=security.AUDIENCE, issuer=security.ISSUER,
                      leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
'''


# ---------------------------------------------------------------------------------------------------------------
# Exercise 4 — jwks_document / verify_with_jwks
# ---------------------------------------------------------------------------------------------------------------

VERIFY_JWKS_GOOD = '''
def verify_with_jwks(token: str, jwks: dict) -> dict:
    """Verify with the JWK the kid names."""
    kid = jwt.get_unverified_header(token).get("kid")
    matches = [jwk for jwk in jwks.get("keys", []) if jwk.get("kid") == kid] if isinstance(kid, str) else []
    if not matches:
        raise jwt.InvalidTokenError("kid not in the JWKS")
    return jwt.decode(token, RSAAlgorithm.from_jwk(matches[0]), algorithms=["RS256"], audience=security.AUDIENCE,
                      issuer=security.ISSUER, leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
'''


JWKS_PRIVATE = '''
def jwks_document(keys: list, now: float, grace_s: float) -> dict:
    """Serialises the private key (to_jwk accepts it) — publishing d, p, q, ..."""
    published = [k for k in keys if k.retired_at is None or now < k.retired_at + grace_s]
    documents = []
    for k in published:
        jwk = dict(RSAAlgorithm.to_jwk(k.private_key, as_dict=True))
        jwk.update(kid=k.kid, use="sig", alg="RS256")
        documents.append(jwk)
    return {"keys": documents}
''' + VERIFY_JWKS_GOOD


# ---------------------------------------------------------------------------------------------------------------
# Exercise 5 — TokenBucket
# ---------------------------------------------------------------------------------------------------------------


BUCKET_FIXED_WINDOW = '''
class TokenBucket:
    """A fixed window counter per whole second, not a bucket."""

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate, self.burst, self.clock = rate_per_s, burst, clock
        self.windows: dict[str, tuple[int, int]] = {}

    def allow(self, client: str) -> tuple[bool, float]:
        now = self.clock()
        window = int(now)
        start, count = self.windows.get(client, (window, 0))
        if start != window:
            start, count = window, 0
        if count < self.burst:
            self.windows[client] = (start, count + 1)
            return True, 0.0
        self.windows[client] = (start, count)
        return False, window + 1 - now
'''


# ---------------------------------------------------------------------------------------------------------------
# Exercise 6 — find_secrets
# ---------------------------------------------------------------------------------------------------------------


SCANNER_KEYWORDS_ONLY = r'''
def find_secrets(text: str) -> list[int]:
    """Any line that mentions a key, secret, token or password."""
    import re
    return [n for n, line in enumerate(text.splitlines(), start=1) if re.search(r"(?i)key|secret|token|passw", line)]
'''

SCANNER_ZERO_BASED = r'''
def find_secrets(text: str) -> list[int]:
    """The reference rules, but line numbers counted from 0."""
    return [n - 1 for n in security.find_secrets(text)]
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 7 — make_hardened_app
# ---------------------------------------------------------------------------------------------------------------
HARDENED = '''
def make_hardened_app(kit: security.ServiceKit) -> FastAPI:
    """The notes service with every defence on."""
    store = kit.new_store()
    app = FastAPI(title="notes (hardened)", max_body_size=kit.max_body_bytes)
    app.add_middleware(security.RateLimitMiddleware, limiter=kit.new_limiter(), paths=("/login",))

    class Signup(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
        password: str = Field(min_length=15, max_length=128)

        @model_validator(mode="after")
        def password_allowed(self):
            if security.password_problems(self.password, self.username):
                raise ValueError("choose another password")
            return self
        email: str = Field(max_length=254, pattern=r"^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$")

    class Login(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(min_length=1, max_length=64)
        password: str = Field(min_length=1, max_length=128)

    def verified(authorization: str | None, verify: Callable[[str], dict]) -> dict:
        try:
            return verify(security.bearer(authorization))
        except jwt.PyJWTError as exc:
            raise HTTPException(401, f"invalid token: {exc}", headers={"WWW-Authenticate": "Bearer"}) from None

    @app.post("/signup", status_code=201)
    def signup(body: Signup) -> dict:
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        return {"username": body.username}

    @app.post("/login")
    def login(body: Login) -> dict:
        if not store.check_password(body.username, body.password):
            raise HTTPException(401, "wrong username or password")
        return {"access_token": kit.issue_access_token(body.username, store.role_of(body.username)), "token_type": "bearer"}

    @app.get("/me")
    def me(authorization: str | None = Header(default=None)) -> dict:
        claims = verified(authorization, kit.verify_access_token)
        return {"username": claims["sub"], "role": claims.get("role")}

    @app.get("/users/search")
    def search(prefix: str = Query(default="", max_length=64)) -> list:
        return store.search(prefix)

    @app.get("/internal/audit")
    def audit(authorization: str | None = Header(default=None)) -> dict:
        claims = verified(authorization, kit.verify_service_token)
        return {"caller": claims["sub"], "events": []}

    return app
'''


def _variant(old: str, new: str) -> str:
    assert HARDENED.count(old) == 1, old
    return HARDENED.replace(old, new)


HARDENED_UNVERIFIED_ME = _variant(
    "        claims = verified(authorization, kit.verify_access_token)",
    '        claims = jwt.decode(security.bearer(authorization), options={"verify_signature": False})',
)


HARDENED_NIST_REV3_LENGTH = _variant(
    "        password: str = Field(min_length=15, max_length=128)\n\n        @model_validator(mode=\"after\")\n"
    "        def password_allowed(self):\n            if security.password_problems(self.password, self.username):\n"
    "                raise ValueError(\"choose another password\")\n            return self\n",
    "        password: str = Field(min_length=8, max_length=128)  # NIST SP 800-63B rev 3 (2017)\n",
)
HARDENED_LENGTH_ONLY = _variant(
    "            if security.password_problems(self.password, self.username):",
    "            if len(self.password) < 15:  # length only: no blocklist, no username check",
)
HARDENED_SHORT_MAX = _variant(
    "        password: str = Field(min_length=15, max_length=128)",
    "        password: str = Field(min_length=15, max_length=32)",
)

# ---------------------------------------------------------------------------------------------------------------
# Exercise 4b — forge_with_embedded_key (RFC 8725 §3.10: the learner writes the exploit). Written from the docstring
# alone, before the hidden tests.
# ---------------------------------------------------------------------------------------------------------------
FORGE_HEAD = '''
def forge_with_embedded_key(claims: dict) -> str:
    """An RS256 JWT of `claims`, signed with a fresh key, embedding its public JWK."""
'''

FORGE_PRIVATE_JWK = FORGE_HEAD + '''
    attacker = security.new_rsa_key()
    kid = security.key_id(attacker)
    jwk = dict(RSAAlgorithm.to_jwk(attacker, as_dict=True))  # the private key object: d, p, q ... published too
    jwk["kid"] = kid
    return jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": kid, "jwk": jwk})
'''

FORGE_TWO_KEYS = FORGE_HEAD + '''
    embedded, signer = security.new_rsa_key(), security.new_rsa_key()  # embeds one key, signs with another
    kid = security.key_id(embedded)
    return jwt.encode(claims, signer, algorithm="RS256", headers={"kid": kid, "jwk": security.public_jwk(embedded, kid)})
'''

FORGE_ONE_KEY_FOR_EVER = '''
_ATTACKER = security.new_rsa_key()  # made once: every forged token carries the same key


def forge_with_embedded_key(claims: dict) -> str:
    """An RS256 JWT of `claims`, signed with a fresh key, embedding its public JWK."""
    kid = security.key_id(_ATTACKER)
    return jwt.encode(claims, _ATTACKER, algorithm="RS256", headers={"kid": kid, "jwk": security.public_jwk(_ATTACKER, kid)})
'''

FORGE_JWK_IN_PAYLOAD = FORGE_HEAD + '''
    attacker = security.new_rsa_key()
    kid = security.key_id(attacker)
    return jwt.encode({**claims, "jwk": security.public_jwk(attacker, kid)}, attacker, algorithm="RS256", headers={"kid": kid})
'''

FORGE_HS256 = FORGE_HEAD + '''
    import base64
    import hashlib
    import hmac

    attacker = security.new_rsa_key()
    kid = security.key_id(attacker)
    secret = security.public_pem(attacker)  # mixes this exploit up with the HS/RS confusion
    header = {"alg": "HS256", "typ": "JWT", "kid": kid, "jwk": security.public_jwk(attacker, kid)}
    signing_input = f"{security.b64url_json(header)}.{security.b64url_json(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
'''

FORGE_KID_MISMATCH = FORGE_HEAD + '''
    attacker = security.new_rsa_key()
    jwk = dict(RSAAlgorithm.to_jwk(attacker.public_key(), as_dict=True))  # no kid in the JWK
    return jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": "attacker", "jwk": jwk})
'''

FORGE_FRESHENS_CLAIMS = FORGE_HEAD + '''
    import time

    attacker = security.new_rsa_key()
    kid = security.key_id(attacker)
    fresh = {**claims, "iat": int(time.time()), "exp": int(time.time()) + 3600}  # "a forged token should look fresh"
    return jwt.encode(fresh, attacker, algorithm="RS256", headers={"kid": kid, "jwk": security.public_jwk(attacker, kid)})
'''


# ---------------------------------------------------------------------------------------------------------------
# Wrong answers written from the student notebooks alone (docstrings and narrative), before the tests were read:
# the red team of issue 11. Each violates one sentence of its docstring or of the narrative.
# ---------------------------------------------------------------------------------------------------------------
RED_TEAM = {
    'search_users': [
        (
            "binds the prefix but does not escape the LIKE wildcards: '%' or '_' lists every user",
            '''def search_users(conn: sqlite3.Connection, prefix: str) -> list[dict]:
    """Users whose username starts with `prefix`: [{"username": ..., "email": ...}], sorted by username, at most 20.

    `prefix` is data, never SQL: pass it as a bound parameter (`?`). Inside LIKE, `%` and `_` in the prefix must
    match themselves: escape them (and the backslash) and add ESCAPE '\\\\'. An empty prefix returns [].
    Return only the username and email columns.
    """
    if not prefix:
        return []
    rows = conn.execute(
        "SELECT username, email FROM users WHERE username LIKE ? ORDER BY username LIMIT 20", (prefix + "%",)
    ).fetchall()
    return [{"username": u, "email": e} for u, e in rows]
''',
        ),
        (
            'escapes % and _ but not the backslash itself: a prefix ending in a backslash escapes the final wildcard',
            '''def search_users(conn: sqlite3.Connection, prefix: str) -> list[dict]:
    """Users whose username starts with `prefix`: [{"username": ..., "email": ...}], sorted by username, at most 20.

    `prefix` is data, never SQL: pass it as a bound parameter (`?`). Inside LIKE, `%` and `_` in the prefix must
    match themselves: escape them (and the backslash) and add ESCAPE '\\\\'. An empty prefix returns [].
    Return only the username and email columns.
    """
    if not prefix:
        return []
    pattern = prefix.replace("%", "\\\\%").replace("_", "\\\\_") + "%"
    rows = conn.execute(
        "SELECT username, email FROM users WHERE username LIKE ? ESCAPE '\\\\' ORDER BY username LIMIT 20", (pattern,)
    ).fetchall()
    return [{"username": u, "email": e} for u, e in rows]
''',
        ),
        (
            "matches the prefix anywhere in the username ('%' on both sides), not only at the start",
            '''def search_users(conn: sqlite3.Connection, prefix: str) -> list[dict]:
    """Users whose username starts with `prefix`: [{"username": ..., "email": ...}], sorted by username, at most 20.

    `prefix` is data, never SQL: pass it as a bound parameter (`?`). Inside LIKE, `%` and `_` in the prefix must
    match themselves: escape them (and the backslash) and add ESCAPE '\\\\'. An empty prefix returns [].
    Return only the username and email columns.
    """
    if not prefix:
        return []
    escaped = prefix.replace("\\\\", "\\\\\\\\").replace("%", "\\\\%").replace("_", "\\\\_")
    rows = conn.execute(
        "SELECT username, email FROM users WHERE username LIKE ? ESCAPE '\\\\' ORDER BY username LIMIT 20",
        ("%" + escaped + "%",),
    ).fetchall()
    return [{"username": u, "email": e} for u, e in rows]
''',
        ),
        (
            'no LIMIT: a short prefix returns every matching user, not at most 20',
            '''def search_users(conn: sqlite3.Connection, prefix: str) -> list[dict]:
    """Users whose username starts with `prefix`: [{"username": ..., "email": ...}], sorted by username, at most 20.

    `prefix` is data, never SQL: pass it as a bound parameter (`?`). Inside LIKE, `%` and `_` in the prefix must
    match themselves: escape them (and the backslash) and add ESCAPE '\\\\'. An empty prefix returns [].
    Return only the username and email columns.
    """
    if not prefix:
        return []
    pattern = prefix.replace("\\\\", "\\\\\\\\").replace("%", "\\\\%").replace("_", "\\\\_") + "%"
    rows = conn.execute(
        "SELECT username, email FROM users WHERE username LIKE ? ESCAPE '\\\\' ORDER BY username", (pattern,)
    ).fetchall()
    return [{"username": u, "email": e} for u, e in rows]
''',
        ),
        (
            'LIMIT without ORDER BY, sorted in Python afterwards: the 20 rows are the first inserted, not the first by name',
            '''def search_users(conn: sqlite3.Connection, prefix: str) -> list[dict]:
    """Users whose username starts with `prefix`: [{"username": ..., "email": ...}], sorted by username, at most 20.

    `prefix` is data, never SQL: pass it as a bound parameter (`?`). Inside LIKE, `%` and `_` in the prefix must
    match themselves: escape them (and the backslash) and add ESCAPE '\\\\'. An empty prefix returns [].
    Return only the username and email columns.
    """
    if not prefix:
        return []
    pattern = prefix.replace("\\\\", "\\\\\\\\").replace("%", "\\\\%").replace("_", "\\\\_") + "%"
    rows = conn.execute(
        "SELECT username, email FROM users WHERE username LIKE ? ESCAPE '\\\\' LIMIT 20", (pattern,)
    ).fetchall()
    return sorted(({"username": u, "email": e} for u, e in rows), key=lambda row: row["username"])
''',
        ),
        (
            "forgets the empty prefix: '' becomes the pattern '%' and returns the first 20 users instead of []",
            '''def search_users(conn: sqlite3.Connection, prefix: str) -> list[dict]:
    """Users whose username starts with `prefix`: [{"username": ..., "email": ...}], sorted by username, at most 20.

    `prefix` is data, never SQL: pass it as a bound parameter (`?`). Inside LIKE, `%` and `_` in the prefix must
    match themselves: escape them (and the backslash) and add ESCAPE '\\\\'. An empty prefix returns [].
    Return only the username and email columns.
    """
    pattern = prefix.replace("\\\\", "\\\\\\\\").replace("%", "\\\\%").replace("_", "\\\\_") + "%"
    rows = conn.execute(
        "SELECT username, email FROM users WHERE username LIKE ? ESCAPE '\\\\' ORDER BY username LIMIT 20", (pattern,)
    ).fetchall()
    return [{"username": u, "email": e} for u, e in rows]
''',
        ),
        (
            'escapes quotes by hand and formats the prefix into the SQL text instead of binding it',
            '''def search_users(conn: sqlite3.Connection, prefix: str) -> list[dict]:
    """Users whose username starts with `prefix`: [{"username": ..., "email": ...}], sorted by username, at most 20.

    `prefix` is data, never SQL: pass it as a bound parameter (`?`). Inside LIKE, `%` and `_` in the prefix must
    match themselves: escape them (and the backslash) and add ESCAPE '\\\\'. An empty prefix returns [].
    Return only the username and email columns.
    """
    if not prefix:
        return []
    pattern = prefix.replace("\\\\", "\\\\\\\\").replace("%", "\\\\%").replace("_", "\\\\_").replace("'", "''") + "%"
    sql = f"SELECT username, email FROM users WHERE username LIKE '{pattern}' ESCAPE '\\\\' ORDER BY username LIMIT 20"
    return [{"username": u, "email": e} for u, e in conn.execute(sql).fetchall()]
''',
        ),
    ],
    'password_hashing': [
        (
            'catches only VerifyMismatchError: a malformed stored hash raises InvalidHashError instead of (False, None)',
            '''from argon2.exceptions import VerifyMismatchError


def hash_password(password: str, hasher: PasswordHasher) -> str:
    """An argon2id hash of `password` made with `hasher` (salted: two calls give two different strings)."""
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Check `password` against `stored_hash`.

    Returns (True, new_hash) when it matches — new_hash is a fresh hash made with `hasher` if the stored hash used
    other parameters (hasher.check_needs_rehash), else None — and (False, None) when it does not match or the
    stored hash is not a valid argon2 hash. Never raises for those cases.
    """
    try:
        hasher.verify(stored_hash, password)
    except VerifyMismatchError:
        return False, None
    if hasher.check_needs_rehash(stored_hash):
        return True, hasher.hash(password)
    return True, None
''',
        ),
        (
            'never upgrades: returns (True, None) even when the stored hash used other parameters',
            '''def hash_password(password: str, hasher: PasswordHasher) -> str:
    """An argon2id hash of `password` made with `hasher` (salted: two calls give two different strings)."""
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Check `password` against `stored_hash`.

    Returns (True, new_hash) when it matches — new_hash is a fresh hash made with `hasher` if the stored hash used
    other parameters (hasher.check_needs_rehash), else None — and (False, None) when it does not match or the
    stored hash is not a valid argon2 hash. Never raises for those cases.
    """
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, None
''',
        ),
        (
            "rehashes with PasswordHasher()'s defaults instead of the given hasher's parameters",
            '''def hash_password(password: str, hasher: PasswordHasher) -> str:
    """An argon2id hash of `password` made with `hasher` (salted: two calls give two different strings)."""
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Check `password` against `stored_hash`.

    Returns (True, new_hash) when it matches — new_hash is a fresh hash made with `hasher` if the stored hash used
    other parameters (hasher.check_needs_rehash), else None — and (False, None) when it does not match or the
    stored hash is not a valid argon2 hash. Never raises for those cases.
    """
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(stored_hash):
        return True, PasswordHasher().hash(password)
    return True, None
''',
        ),
        (
            "the 'fresh hash' hashes the old hash string, not the password: the upgraded hash no longer verifies",
            '''def hash_password(password: str, hasher: PasswordHasher) -> str:
    """An argon2id hash of `password` made with `hasher` (salted: two calls give two different strings)."""
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Check `password` against `stored_hash`.

    Returns (True, new_hash) when it matches — new_hash is a fresh hash made with `hasher` if the stored hash used
    other parameters (hasher.check_needs_rehash), else None — and (False, None) when it does not match or the
    stored hash is not a valid argon2 hash. Never raises for those cases.
    """
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(stored_hash):
        return True, hasher.hash(stored_hash)
    return True, None
''',
        ),
        (
            "hash_password ignores the given hasher and always uses the course's cheap parameters",
            '''def hash_password(password: str, hasher: PasswordHasher) -> str:
    """An argon2id hash of `password` made with `hasher` (salted: two calls give two different strings)."""
    return security.cheap_hasher().hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Check `password` against `stored_hash`.

    Returns (True, new_hash) when it matches — new_hash is a fresh hash made with `hasher` if the stored hash used
    other parameters (hasher.check_needs_rehash), else None — and (False, None) when it does not match or the
    stored hash is not a valid argon2 hash. Never raises for those cases.
    """
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(stored_hash):
        return True, hasher.hash(password)
    return True, None
''',
        ),
        (
            "truncates passwords to 72 bytes (a bcrypt habit): a long password's 72-byte prefix plus anything verifies",
            '''def hash_password(password: str, hasher: PasswordHasher) -> str:
    """An argon2id hash of `password` made with `hasher` (salted: two calls give two different strings)."""
    return hasher.hash(password.encode()[:72])


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Check `password` against `stored_hash`.

    Returns (True, new_hash) when it matches — new_hash is a fresh hash made with `hasher` if the stored hash used
    other parameters (hasher.check_needs_rehash), else None — and (False, None) when it does not match or the
    stored hash is not a valid argon2 hash. Never raises for those cases.
    """
    secret = password.encode()[:72]  # bound the work per login
    try:
        hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(stored_hash):
        return True, hasher.hash(secret)
    return True, None
''',
        ),
        (
            'computes the upgrade before verifying: a WRONG password on an outdated hash returns (False, new_hash)',
            '''def hash_password(password: str, hasher: PasswordHasher) -> str:
    """An argon2id hash of `password` made with `hasher` (salted: two calls give two different strings)."""
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Check `password` against `stored_hash`.

    Returns (True, new_hash) when it matches — new_hash is a fresh hash made with `hasher` if the stored hash used
    other parameters (hasher.check_needs_rehash), else None — and (False, None) when it does not match or the
    stored hash is not a valid argon2 hash. Never raises for those cases.
    """
    new_hash = None
    try:
        if hasher.check_needs_rehash(stored_hash):
            new_hash = hasher.hash(password)
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, new_hash
    return True, new_hash
''',
        ),
    ],
    'verify_token': [
        (
            'no issuer check: a token from any issuer that signs with a trusted key is accepted',
            '''def verify_token(token: str, keys: dict) -> dict:
    """Return the claims of a valid access token; raise jwt.InvalidTokenError (or another jwt.PyJWTError) otherwise.

    Valid means all of:
    - the header's `kid` names one of `keys` (kid -> RSA public key); verify with THAT key;
    - the algorithm is RS256 — pinned, never read from the header;
    - iss == security.ISSUER and aud contains security.AUDIENCE;
    - the claims exp, iat, iss, aud and sub are present;
    - exp, nbf and iat hold, allowing security.LEEWAY_S seconds of clock skew.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    if kid not in keys:
        raise jwt.InvalidTokenError(f"unknown key id {kid!r}")
    return jwt.decode(token, keys[kid], algorithms=["RS256"], audience=security.AUDIENCE, leeway=security.LEEWAY_S,
                      options={"require": ["exp", "iat", "iss", "aud", "sub"]})
''',
        ),
        (
            'requires no claims: a token without exp (one that never expires) or without sub is accepted',
            '''def verify_token(token: str, keys: dict) -> dict:
    """Return the claims of a valid access token; raise jwt.InvalidTokenError (or another jwt.PyJWTError) otherwise.

    Valid means all of:
    - the header's `kid` names one of `keys` (kid -> RSA public key); verify with THAT key;
    - the algorithm is RS256 — pinned, never read from the header;
    - iss == security.ISSUER and aud contains security.AUDIENCE;
    - the claims exp, iat, iss, aud and sub are present;
    - exp, nbf and iat hold, allowing security.LEEWAY_S seconds of clock skew.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    if kid not in keys:
        raise jwt.InvalidTokenError(f"unknown key id {kid!r}")
    return jwt.decode(token, keys[kid], algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                      leeway=security.LEEWAY_S)
''',
        ),
        (
            'leeway of 60 s instead of security.LEEWAY_S (30 s): a token expired 45 s ago is accepted',
            '''def verify_token(token: str, keys: dict) -> dict:
    """Return the claims of a valid access token; raise jwt.InvalidTokenError (or another jwt.PyJWTError) otherwise.

    Valid means all of:
    - the header's `kid` names one of `keys` (kid -> RSA public key); verify with THAT key;
    - the algorithm is RS256 — pinned, never read from the header;
    - iss == security.ISSUER and aud contains security.AUDIENCE;
    - the claims exp, iat, iss, aud and sub are present;
    - exp, nbf and iat hold, allowing security.LEEWAY_S seconds of clock skew.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    if kid not in keys:
        raise jwt.InvalidTokenError(f"unknown key id {kid!r}")
    return jwt.decode(token, keys[kid], algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                      leeway=60, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
''',
        ),
        (
            'ignores kid and tries every trusted key: a token with an unknown, missing or mismatched kid is accepted',
            '''def verify_token(token: str, keys: dict) -> dict:
    """Return the claims of a valid access token; raise jwt.InvalidTokenError (or another jwt.PyJWTError) otherwise.

    Valid means all of:
    - the header's `kid` names one of `keys` (kid -> RSA public key); verify with THAT key;
    - the algorithm is RS256 — pinned, never read from the header;
    - iss == security.ISSUER and aud contains security.AUDIENCE;
    - the claims exp, iat, iss, aud and sub are present;
    - exp, nbf and iat hold, allowing security.LEEWAY_S seconds of clock skew.
    """
    for key in keys.values():
        try:
            return jwt.decode(token, key, algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                              leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        except jwt.InvalidSignatureError:
            continue
    raise jwt.InvalidSignatureError("no trusted key verifies this token")
''',
        ),
        (
            'falls back to the first key when the kid is missing or unknown, instead of refusing the token',
            '''def verify_token(token: str, keys: dict) -> dict:
    """Return the claims of a valid access token; raise jwt.InvalidTokenError (or another jwt.PyJWTError) otherwise.

    Valid means all of:
    - the header's `kid` names one of `keys` (kid -> RSA public key); verify with THAT key;
    - the algorithm is RS256 — pinned, never read from the header;
    - iss == security.ISSUER and aud contains security.AUDIENCE;
    - the claims exp, iat, iss, aud and sub are present;
    - exp, nbf and iat hold, allowing security.LEEWAY_S seconds of clock skew.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    key = keys.get(kid) if kid in keys else next(iter(keys.values()))
    return jwt.decode(token, key, algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                      leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
''',
        ),
        (
            'checks aud by equality: refuses a valid token whose aud is a list that contains security.AUDIENCE',
            '''def verify_token(token: str, keys: dict) -> dict:
    """Return the claims of a valid access token; raise jwt.InvalidTokenError (or another jwt.PyJWTError) otherwise.

    Valid means all of:
    - the header's `kid` names one of `keys` (kid -> RSA public key); verify with THAT key;
    - the algorithm is RS256 — pinned, never read from the header;
    - iss == security.ISSUER and aud contains security.AUDIENCE;
    - the claims exp, iat, iss, aud and sub are present;
    - exp, nbf and iat hold, allowing security.LEEWAY_S seconds of clock skew.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    if kid not in keys:
        raise jwt.InvalidTokenError(f"unknown key id {kid!r}")
    claims = jwt.decode(token, keys[kid], algorithms=["RS256"], issuer=security.ISSUER, leeway=security.LEEWAY_S,
                        options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_aud": False})
    if claims["aud"] != security.AUDIENCE:
        raise jwt.InvalidAudienceError("this token is for another service")
    return claims
''',
        ),
        (
            'checks exp by hand and forgets nbf and iat: a token that is not valid yet is accepted',
            '''def verify_token(token: str, keys: dict) -> dict:
    """Return the claims of a valid access token; raise jwt.InvalidTokenError (or another jwt.PyJWTError) otherwise.

    Valid means all of:
    - the header's `kid` names one of `keys` (kid -> RSA public key); verify with THAT key;
    - the algorithm is RS256 — pinned, never read from the header;
    - iss == security.ISSUER and aud contains security.AUDIENCE;
    - the claims exp, iat, iss, aud and sub are present;
    - exp, nbf and iat hold, allowing security.LEEWAY_S seconds of clock skew.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    if kid not in keys:
        raise jwt.InvalidTokenError(f"unknown key id {kid!r}")
    claims = jwt.decode(token, keys[kid], algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                        options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_exp": False,
                                 "verify_nbf": False, "verify_iat": False})
    if claims["exp"] <= time.time() - security.LEEWAY_S:
        raise jwt.ExpiredSignatureError("Signature has expired")
    return claims
''',
        ),
    ],
    'key_rotation': [
        (
            'publishes a key retired exactly grace_s seconds ago (<= instead of <): one grace period too long',
            '''def jwks_document(keys: list, now: float, grace_s: float) -> dict:
    """The JWKS to publish at `now`: {"keys": [jwk, ...]}.

    Publish the active key (retired_at is None) and every key retired less than grace_s seconds ago
    (now < retired_at + grace_s). Each JWK holds the public members only (kty, n, e) plus
    "kid": key.kid, "use": "sig" and "alg": "RS256".
    """
    published = []
    for key in keys:
        if key.retired_at is None or now <= key.retired_at + grace_s:
            jwk = RSAAlgorithm.to_jwk(key.private_key.public_key(), as_dict=True)
            jwk.update({"kid": key.kid, "use": "sig", "alg": "RS256"})
            published.append(jwk)
    return {"keys": published}


def verify_with_jwks(token: str, jwks: dict) -> dict:
    """Claims of a token verified with the JWK whose kid its header names; jwt.PyJWTError otherwise.

    Same rules as verify_token: RS256 pinned, iss == security.ISSUER, aud has security.AUDIENCE,
    exp/iat/iss/aud/sub required, security.LEEWAY_S seconds of leeway.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    for jwk in jwks.get("keys", []):
        if jwk.get("kid") == kid:
            key = RSAAlgorithm.from_jwk(jwk)
            return jwt.decode(token, key, algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                              leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
    raise jwt.InvalidTokenError(f"no JWK with kid {kid!r}")
''',
        ),
        (
            'tests retired_at by truthiness: a key retired at time 0.0 counts as active and is published forever',
            '''def jwks_document(keys: list, now: float, grace_s: float) -> dict:
    """The JWKS to publish at `now`: {"keys": [jwk, ...]}.

    Publish the active key (retired_at is None) and every key retired less than grace_s seconds ago
    (now < retired_at + grace_s). Each JWK holds the public members only (kty, n, e) plus
    "kid": key.kid, "use": "sig" and "alg": "RS256".
    """
    published = []
    for key in keys:
        if not key.retired_at or now < key.retired_at + grace_s:
            jwk = RSAAlgorithm.to_jwk(key.private_key.public_key(), as_dict=True)
            jwk.update({"kid": key.kid, "use": "sig", "alg": "RS256"})
            published.append(jwk)
    return {"keys": published}


def verify_with_jwks(token: str, jwks: dict) -> dict:
    """Claims of a token verified with the JWK whose kid its header names; jwt.PyJWTError otherwise.

    Same rules as verify_token: RS256 pinned, iss == security.ISSUER, aud has security.AUDIENCE,
    exp/iat/iss/aud/sub required, security.LEEWAY_S seconds of leeway.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    for jwk in jwks.get("keys", []):
        if jwk.get("kid") == kid:
            key = RSAAlgorithm.from_jwk(jwk)
            return jwt.decode(token, key, algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                              leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
    raise jwt.InvalidTokenError(f"no JWK with kid {kid!r}")
''',
        ),
        (
            'recomputes the kid from the key (security.key_id) instead of publishing key.kid',
            '''def jwks_document(keys: list, now: float, grace_s: float) -> dict:
    """The JWKS to publish at `now`: {"keys": [jwk, ...]}.

    Publish the active key (retired_at is None) and every key retired less than grace_s seconds ago
    (now < retired_at + grace_s). Each JWK holds the public members only (kty, n, e) plus
    "kid": key.kid, "use": "sig" and "alg": "RS256".
    """
    published = []
    for key in keys:
        if key.retired_at is None or now < key.retired_at + grace_s:
            jwk = RSAAlgorithm.to_jwk(key.private_key.public_key(), as_dict=True)
            jwk.update({"kid": security.key_id(key.private_key), "use": "sig", "alg": "RS256"})
            published.append(jwk)
    return {"keys": published}


def verify_with_jwks(token: str, jwks: dict) -> dict:
    """Claims of a token verified with the JWK whose kid its header names; jwt.PyJWTError otherwise.

    Same rules as verify_token: RS256 pinned, iss == security.ISSUER, aud has security.AUDIENCE,
    exp/iat/iss/aud/sub required, security.LEEWAY_S seconds of leeway.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    for jwk in jwks.get("keys", []):
        if jwk.get("kid") == kid:
            key = RSAAlgorithm.from_jwk(jwk)
            return jwt.decode(token, key, algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                              leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
    raise jwt.InvalidTokenError(f"no JWK with kid {kid!r}")
''',
        ),
        (
            "removes expired keys from the caller's list while building the document (mutates its input)",
            '''def jwks_document(keys: list, now: float, grace_s: float) -> dict:
    """The JWKS to publish at `now`: {"keys": [jwk, ...]}.

    Publish the active key (retired_at is None) and every key retired less than grace_s seconds ago
    (now < retired_at + grace_s). Each JWK holds the public members only (kty, n, e) plus
    "kid": key.kid, "use": "sig" and "alg": "RS256".
    """
    for key in list(keys):
        if key.retired_at is not None and now >= key.retired_at + grace_s:
            keys.remove(key)  # expired: forget it
    published = []
    for key in keys:
        jwk = RSAAlgorithm.to_jwk(key.private_key.public_key(), as_dict=True)
        jwk.update({"kid": key.kid, "use": "sig", "alg": "RS256"})
        published.append(jwk)
    return {"keys": published}


def verify_with_jwks(token: str, jwks: dict) -> dict:
    """Claims of a token verified with the JWK whose kid its header names; jwt.PyJWTError otherwise.

    Same rules as verify_token: RS256 pinned, iss == security.ISSUER, aud has security.AUDIENCE,
    exp/iat/iss/aud/sub required, security.LEEWAY_S seconds of leeway.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    for jwk in jwks.get("keys", []):
        if jwk.get("kid") == kid:
            key = RSAAlgorithm.from_jwk(jwk)
            return jwt.decode(token, key, algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                              leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
    raise jwt.InvalidTokenError(f"no JWK with kid {kid!r}")
''',
        ),
        (
            'verify_with_jwks ignores the kid and tries every published key until one verifies',
            '''def jwks_document(keys: list, now: float, grace_s: float) -> dict:
    """The JWKS to publish at `now`: {"keys": [jwk, ...]}.

    Publish the active key (retired_at is None) and every key retired less than grace_s seconds ago
    (now < retired_at + grace_s). Each JWK holds the public members only (kty, n, e) plus
    "kid": key.kid, "use": "sig" and "alg": "RS256".
    """
    published = []
    for key in keys:
        if key.retired_at is None or now < key.retired_at + grace_s:
            jwk = RSAAlgorithm.to_jwk(key.private_key.public_key(), as_dict=True)
            jwk.update({"kid": key.kid, "use": "sig", "alg": "RS256"})
            published.append(jwk)
    return {"keys": published}


def verify_with_jwks(token: str, jwks: dict) -> dict:
    """Claims of a token verified with the JWK whose kid its header names; jwt.PyJWTError otherwise.

    Same rules as verify_token: RS256 pinned, iss == security.ISSUER, aud has security.AUDIENCE,
    exp/iat/iss/aud/sub required, security.LEEWAY_S seconds of leeway.
    """
    for jwk in jwks.get("keys", []):
        key = RSAAlgorithm.from_jwk(jwk)
        try:
            return jwt.decode(token, key, algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                              leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        except jwt.InvalidSignatureError:
            continue
    raise jwt.InvalidSignatureError("no published key verifies this token")
''',
        ),
        (
            'verify_with_jwks has no leeway: a token that expired 10 s ago (clock skew) is refused',
            '''def jwks_document(keys: list, now: float, grace_s: float) -> dict:
    """The JWKS to publish at `now`: {"keys": [jwk, ...]}.

    Publish the active key (retired_at is None) and every key retired less than grace_s seconds ago
    (now < retired_at + grace_s). Each JWK holds the public members only (kty, n, e) plus
    "kid": key.kid, "use": "sig" and "alg": "RS256".
    """
    published = []
    for key in keys:
        if key.retired_at is None or now < key.retired_at + grace_s:
            jwk = RSAAlgorithm.to_jwk(key.private_key.public_key(), as_dict=True)
            jwk.update({"kid": key.kid, "use": "sig", "alg": "RS256"})
            published.append(jwk)
    return {"keys": published}


def verify_with_jwks(token: str, jwks: dict) -> dict:
    """Claims of a token verified with the JWK whose kid its header names; jwt.PyJWTError otherwise.

    Same rules as verify_token: RS256 pinned, iss == security.ISSUER, aud has security.AUDIENCE,
    exp/iat/iss/aud/sub required, security.LEEWAY_S seconds of leeway.
    """
    kid = jwt.get_unverified_header(token).get("kid")
    for jwk in jwks.get("keys", []):
        if jwk.get("kid") == kid:
            key = RSAAlgorithm.from_jwk(jwk)
            return jwt.decode(token, key, algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                              options={"require": ["exp", "iat", "iss", "aud", "sub"]})
    raise jwt.InvalidTokenError(f"no JWK with kid {kid!r}")
''',
        ),
        (
            "when the kid is not in the JWKS, trusts the key embedded in the token's own header (jwk)",
            '''def jwks_document(keys: list, now: float, grace_s: float) -> dict:
    """The JWKS to publish at `now`: {"keys": [jwk, ...]}.

    Publish the active key (retired_at is None) and every key retired less than grace_s seconds ago
    (now < retired_at + grace_s). Each JWK holds the public members only (kty, n, e) plus
    "kid": key.kid, "use": "sig" and "alg": "RS256".
    """
    published = []
    for key in keys:
        if key.retired_at is None or now < key.retired_at + grace_s:
            jwk = RSAAlgorithm.to_jwk(key.private_key.public_key(), as_dict=True)
            jwk.update({"kid": key.kid, "use": "sig", "alg": "RS256"})
            published.append(jwk)
    return {"keys": published}


def verify_with_jwks(token: str, jwks: dict) -> dict:
    """Claims of a token verified with the JWK whose kid its header names; jwt.PyJWTError otherwise.

    Same rules as verify_token: RS256 pinned, iss == security.ISSUER, aud has security.AUDIENCE,
    exp/iat/iss/aud/sub required, security.LEEWAY_S seconds of leeway.
    """
    header = jwt.get_unverified_header(token)
    matches = [jwk for jwk in jwks.get("keys", []) if jwk.get("kid") == header.get("kid")]
    jwk = matches[0] if matches else header.get("jwk")  # a new key the JWKS cache has not seen yet
    if jwk is None:
        raise jwt.InvalidTokenError("no key for this token")
    key = RSAAlgorithm.from_jwk(jwk)
    return jwt.decode(token, key, algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                      leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
''',
        ),
    ],
    'token_bucket': [
        (
            'refills in whole tokens and restarts the refill clock on every call: frequent requests never earn a token',
            '''class TokenBucket:
    """One token bucket per client: a new client starts with `burst` tokens; tokens refill continuously at
    `rate_per_s` per second, never above `burst`; an allowed request spends one token. Time comes only from clock()."""

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.clock = clock
        self.buckets = {}  # client -> (tokens, time of the last refill)

    def allow(self, client: str) -> tuple[bool, float]:
        """(True, 0.0) and spend a token if `client` has one; else (False, seconds until it will have one).

        A refused request spends nothing.
        """
        now = self.clock()
        tokens, last = self.buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + int((now - last) * self.rate_per_s))
        if tokens >= 1:
            self.buckets[client] = (tokens - 1, now)
            return True, 0.0
        self.buckets[client] = (tokens, now)
        return False, (1 - tokens) / self.rate_per_s
''',
        ),
        (
            'no cap: an idle client saves up more than `burst` tokens and can fire a huge burst later',
            '''class TokenBucket:
    """One token bucket per client: a new client starts with `burst` tokens; tokens refill continuously at
    `rate_per_s` per second, never above `burst`; an allowed request spends one token. Time comes only from clock()."""

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.clock = clock
        self.buckets = {}  # client -> (tokens, time of the last refill)

    def allow(self, client: str) -> tuple[bool, float]:
        """(True, 0.0) and spend a token if `client` has one; else (False, seconds until it will have one).

        A refused request spends nothing.
        """
        now = self.clock()
        tokens, last = self.buckets.get(client, (self.burst, now))
        tokens = tokens + (now - last) * self.rate_per_s
        if tokens >= 1:
            self.buckets[client] = (tokens - 1, now)
            return True, 0.0
        self.buckets[client] = (tokens, now)
        return False, (1 - tokens) / self.rate_per_s
''',
        ),
        (
            'the retry delay is always 1 / rate_per_s, ignoring the fraction of a token that has already refilled',
            '''class TokenBucket:
    """One token bucket per client: a new client starts with `burst` tokens; tokens refill continuously at
    `rate_per_s` per second, never above `burst`; an allowed request spends one token. Time comes only from clock()."""

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.clock = clock
        self.buckets = {}  # client -> (tokens, time of the last refill)

    def allow(self, client: str) -> tuple[bool, float]:
        """(True, 0.0) and spend a token if `client` has one; else (False, seconds until it will have one).

        A refused request spends nothing.
        """
        now = self.clock()
        tokens, last = self.buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate_per_s)
        if tokens >= 1:
            self.buckets[client] = (tokens - 1, now)
            return True, 0.0
        self.buckets[client] = (tokens, now)
        return False, 1 / self.rate_per_s
''',
        ),
        (
            "the buckets dict is a class attribute: two limiters share their clients' tokens",
            '''class TokenBucket:
    """One token bucket per client: a new client starts with `burst` tokens; tokens refill continuously at
    `rate_per_s` per second, never above `burst`; an allowed request spends one token. Time comes only from clock()."""

    buckets: dict = {}  # client -> (tokens, time of the last refill)

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.clock = clock

    def allow(self, client: str) -> tuple[bool, float]:
        """(True, 0.0) and spend a token if `client` has one; else (False, seconds until it will have one).

        A refused request spends nothing.
        """
        now = self.clock()
        tokens, last = self.buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate_per_s)
        if tokens >= 1:
            self.buckets[client] = (tokens - 1, now)
            return True, 0.0
        self.buckets[client] = (tokens, now)
        return False, (1 - tokens) / self.rate_per_s
''',
        ),
        (
            'bounds memory by forgetting every client past 10,000: an attacker who drained its bucket gets a full one back',
            '''class TokenBucket:
    """One token bucket per client: a new client starts with `burst` tokens; tokens refill continuously at
    `rate_per_s` per second, never above `burst`; an allowed request spends one token. Time comes only from clock()."""

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.clock = clock
        self.buckets = {}  # client -> (tokens, time of the last refill)

    def allow(self, client: str) -> tuple[bool, float]:
        """(True, 0.0) and spend a token if `client` has one; else (False, seconds until it will have one).

        A refused request spends nothing.
        """
        now = self.clock()
        if client not in self.buckets and len(self.buckets) >= 10_000:
            self.buckets.clear()  # keep memory bounded
        tokens, last = self.buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate_per_s)
        if tokens >= 1:
            self.buckets[client] = (tokens - 1, now)
            return True, 0.0
        self.buckets[client] = (tokens, now)
        return False, (1 - tokens) / self.rate_per_s
''',
        ),
        (
            'a refused request restarts the refill clock without keeping the refilled fraction: retrying early costs time',
            '''class TokenBucket:
    """One token bucket per client: a new client starts with `burst` tokens; tokens refill continuously at
    `rate_per_s` per second, never above `burst`; an allowed request spends one token. Time comes only from clock()."""

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.clock = clock
        self.tokens = {}
        self.last = {}

    def allow(self, client: str) -> tuple[bool, float]:
        """(True, 0.0) and spend a token if `client` has one; else (False, seconds until it will have one).

        A refused request spends nothing.
        """
        now = self.clock()
        tokens = self.tokens.get(client, self.burst)
        elapsed = now - self.last.get(client, now)
        self.last[client] = now
        tokens = min(self.burst, tokens + elapsed * self.rate_per_s)
        if tokens < 1:
            return False, (1 - tokens) / self.rate_per_s
        self.tokens[client] = tokens - 1
        return True, 0.0
''',
        ),
        (
            'returns the int 0 instead of the float 0.0 for an allowed request (and an int delay when it is whole)',
            '''class TokenBucket:
    """One token bucket per client: a new client starts with `burst` tokens; tokens refill continuously at
    `rate_per_s` per second, never above `burst`; an allowed request spends one token. Time comes only from clock()."""

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.clock = clock
        self.buckets = {}  # client -> (tokens, time of the last refill)

    def allow(self, client: str) -> tuple[bool, float]:
        """(True, 0.0) and spend a token if `client` has one; else (False, seconds until it will have one).

        A refused request spends nothing.
        """
        now = self.clock()
        tokens, last = self.buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate_per_s)
        if tokens >= 1:
            self.buckets[client] = (tokens - 1, now)
            return True, 0
        self.buckets[client] = (tokens, now)
        wait = (1 - tokens) / self.rate_per_s
        return False, int(wait) if wait == int(wait) else wait
''',
        ),
    ],
    'secret_scanner': [
        (
            'memorises the visible corpus (seed 7): flags its secret lines plus a few provider patterns, nothing generic',
            '''import re

from backendlab.labs import security

KNOWN = {line for f in security.make_secret_corpus(seed=7)
         for n, line in enumerate(f.text.splitlines(), start=1) if n in f.secret_lines}
PATTERNS = [r"\\b(?:AKIA|ASIA)[A-Z2-7]{16}\\b", r"\\bgh[pousr]_[A-Za-z0-9]{36}\\b", r"\\bxox[abposr]-[A-Za-z0-9-]{10,}",
            r"\\b[sr]k_live_[A-Za-z0-9]{20,}", r"-{5}BEGIN (?:[A-Z]+ )*PRIVATE KEY-{5}"]


def find_secrets(text: str) -> list[int]:
    """The 1-based numbers of the lines of `text` that contain a secret, in increasing order."""
    return [n for n, line in enumerate(text.splitlines(), start=1)
            if line in KNOWN or any(re.search(p, line) for p in PATTERNS)]
''',
        ),
        (
            'entropy threshold 4.5 tuned to skip hex checksums: hex API tokens (at most 4 bits/char) are never flagged',
            '''import math
import re

PATTERNS = [
    r"\\b(?:AKIA|ASIA)[A-Z2-7]{16}\\b",  # AWS access key id
    r"\\bgh[pousr]_[A-Za-z0-9]{36}\\b",  # GitHub token
    r"\\bxox[abposr]-[A-Za-z0-9-]{10,}",  # Slack token
    r"\\b[sr]k_live_[A-Za-z0-9]{20,}",  # Stripe live key
    r"-{5}BEGIN (?:[A-Z]+ )*PRIVATE KEY-{5}",  # private key PEM header
    r"\\beyJ[\\w-]{8,}\\.eyJ[\\w-]{8,}\\.[\\w-]{8,}",  # JWT
    r"[a-z][a-z0-9+.-]*://[^/\\s:@]*:[^/\\s:@]+@",  # credentials in a URL
]
ASSIGNMENT = re.compile(r"""(?i)([\\w.-]*(?:key|secret|token|passw(?:or)?d|pwd)[\\w.-]*)["']?\\s*[:=]\\s*(["']?)([^\\s"',;]*)\\2""")
PLACEHOLDERS = ("your", "example", "changeme", "replace", "xxxx", "dummy", "placeholder", "redacted", "todo")


def entropy(value: str) -> float:
    counts = {ch: value.count(ch) for ch in set(value)}
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values()) if value else 0.0


def is_literal(value: str, quoted: bool) -> bool:
    if not value or value[0] in "$<{" or len(set(value)) <= 2 or any(w in value.lower() for w in PLACEHOLDERS):
        return False
    return quoted or not ("(" in value or "[" in value or re.fullmatch(r"[A-Za-z_]\\w*(\\.\\w+)+", value))


def find_secrets(text: str) -> list[int]:
    """The 1-based numbers of the lines of `text` that contain a secret, in increasing order."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if any(re.search(p, line) for p in PATTERNS):
            found.append(number)
            continue
        for match in ASSIGNMENT.finditer(line):
            name, quote, value = match.group(1).lower(), match.group(2), match.group(3)
            if not is_literal(value, bool(quote)):
                continue
            if re.search("passw|pwd", name):
                if len(value) >= 6 and not value.isdigit():
                    found.append(number)
                    break
            elif len(value) >= 16 and entropy(value) >= 4.5:
                found.append(number)
                break
    return found
''',
        ),
        (
            'loops rule by rule over the whole text: line numbers come back unsorted and duplicated',
            '''import math
import re

PATTERNS = [
    r"\\b(?:AKIA|ASIA)[A-Z2-7]{16}\\b",  # AWS access key id
    r"\\bgh[pousr]_[A-Za-z0-9]{36}\\b",  # GitHub token
    r"\\bxox[abposr]-[A-Za-z0-9-]{10,}",  # Slack token
    r"\\b[sr]k_live_[A-Za-z0-9]{20,}",  # Stripe live key
    r"-{5}BEGIN (?:[A-Z]+ )*PRIVATE KEY-{5}",  # private key PEM header
    r"\\beyJ[\\w-]{8,}\\.eyJ[\\w-]{8,}\\.[\\w-]{8,}",  # JWT
    r"[a-z][a-z0-9+.-]*://[^/\\s:@]*:[^/\\s:@]+@",  # credentials in a URL
]
ASSIGNMENT = re.compile(r"""(?i)([\\w.-]*(?:key|secret|token|passw(?:or)?d|pwd)[\\w.-]*)["']?\\s*[:=]\\s*(["']?)([^\\s"',;]*)\\2""")
PLACEHOLDERS = ("your", "example", "changeme", "replace", "xxxx", "dummy", "placeholder", "redacted", "todo")


def entropy(value: str) -> float:
    counts = {ch: value.count(ch) for ch in set(value)}
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values()) if value else 0.0


def is_literal(value: str, quoted: bool) -> bool:
    if not value or value[0] in "$<{" or len(set(value)) <= 2 or any(w in value.lower() for w in PLACEHOLDERS):
        return False
    return quoted or not ("(" in value or "[" in value or re.fullmatch(r"[A-Za-z_]\\w*(\\.\\w+)+", value))


def find_secrets(text: str) -> list[int]:
    """The 1-based numbers of the lines of `text` that contain a secret, in increasing order."""
    lines = text.splitlines()
    found = []
    for pattern in PATTERNS:
        found += [n for n, line in enumerate(lines, start=1) if re.search(pattern, line)]
    for n, line in enumerate(lines, start=1):
        for match in ASSIGNMENT.finditer(line):
            name, quote, value = match.group(1).lower(), match.group(2), match.group(3)
            if not is_literal(value, bool(quote)):
                continue
            if (re.search("passw|pwd", name) and len(value) >= 6 and not value.isdigit()) or (
                    len(value) >= 16 and entropy(value) >= 3.5):
                found.append(n)
    return found
''',
        ),
        (
            "password rule copies the generator's shape (Word + year + symbol, or 12+ random chars): other passwords slip by",
            '''import math
import re

PATTERNS = [
    r"\\b(?:AKIA|ASIA)[A-Z2-7]{16}\\b",  # AWS access key id
    r"\\bgh[pousr]_[A-Za-z0-9]{36}\\b",  # GitHub token
    r"\\bxox[abposr]-[A-Za-z0-9-]{10,}",  # Slack token
    r"\\b[sr]k_live_[A-Za-z0-9]{20,}",  # Stripe live key
    r"-{5}BEGIN (?:[A-Z]+ )*PRIVATE KEY-{5}",  # private key PEM header
    r"\\beyJ[\\w-]{8,}\\.eyJ[\\w-]{8,}\\.[\\w-]{8,}",  # JWT
    r"[a-z][a-z0-9+.-]*://[^/\\s:@]*:[^/\\s:@]+@",  # credentials in a URL
]
ASSIGNMENT = re.compile(r"""(?i)([\\w.-]*(?:key|secret|token|passw(?:or)?d|pwd)[\\w.-]*)["']?\\s*[:=]\\s*(["']?)([^\\s"',;]*)\\2""")
PLACEHOLDERS = ("your", "example", "changeme", "replace", "xxxx", "dummy", "placeholder", "redacted", "todo")


def entropy(value: str) -> float:
    counts = {ch: value.count(ch) for ch in set(value)}
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values()) if value else 0.0


def is_literal(value: str, quoted: bool) -> bool:
    if not value or value[0] in "$<{" or len(set(value)) <= 2 or any(w in value.lower() for w in PLACEHOLDERS):
        return False
    return quoted or not ("(" in value or "[" in value or re.fullmatch(r"[A-Za-z_]\\w*(\\.\\w+)+", value))


def find_secrets(text: str) -> list[int]:
    """The 1-based numbers of the lines of `text` that contain a secret, in increasing order."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if any(re.search(p, line) for p in PATTERNS):
            found.append(number)
            continue
        for match in ASSIGNMENT.finditer(line):
            name, quote, value = match.group(1).lower(), match.group(2), match.group(3)
            if not is_literal(value, bool(quote)):
                continue
            if re.search("passw|pwd", name):
                if re.fullmatch(r"[A-Z][a-z]+(19|20)\\d\\d[!#$%&*?]", value) or (len(value) >= 12 and entropy(value) >= 3.3):
                    found.append(number)
                    break
            elif len(value) >= 16 and entropy(value) >= 3.5:
                found.append(number)
                break
    return found
''',
        ),
        (
            'treats every unquoted dotted value as code: SENDGRID_API_KEY=SG.xxxx.yyyy in a .env file is skipped',
            '''import math
import re

PATTERNS = [
    r"\\b(?:AKIA|ASIA)[A-Z2-7]{16}\\b",  # AWS access key id
    r"\\bgh[pousr]_[A-Za-z0-9]{36}\\b",  # GitHub token
    r"\\bxox[abposr]-[A-Za-z0-9-]{10,}",  # Slack token
    r"\\b[sr]k_live_[A-Za-z0-9]{20,}",  # Stripe live key
    r"-{5}BEGIN (?:[A-Z]+ )*PRIVATE KEY-{5}",  # private key PEM header
    r"\\beyJ[\\w-]{8,}\\.eyJ[\\w-]{8,}\\.[\\w-]{8,}",  # JWT
    r"[a-z][a-z0-9+.-]*://[^/\\s:@]*:[^/\\s:@]+@",  # credentials in a URL
]
ASSIGNMENT = re.compile(r"""(?i)([\\w.-]*(?:key|secret|token|passw(?:or)?d|pwd)[\\w.-]*)["']?\\s*[:=]\\s*(["']?)([^\\s"',;]*)\\2""")
PLACEHOLDERS = ("your", "example", "changeme", "replace", "xxxx", "dummy", "placeholder", "redacted", "todo")


def entropy(value: str) -> float:
    counts = {ch: value.count(ch) for ch in set(value)}
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values()) if value else 0.0


def is_literal(value: str, quoted: bool) -> bool:
    if not value or value[0] in "$<{" or len(set(value)) <= 2 or any(w in value.lower() for w in PLACEHOLDERS):
        return False
    return quoted or not ("(" in value or "[" in value or re.fullmatch(r"[A-Za-z_]\\w*(\\.\\w+)+", value))


def find_secrets(text: str) -> list[int]:
    """The 1-based numbers of the lines of `text` that contain a secret, in increasing order."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if any(re.search(p, line) for p in PATTERNS):
            found.append(number)
            continue
        for match in ASSIGNMENT.finditer(line):
            name, quote, value = match.group(1).lower(), match.group(2), match.group(3)
            if not is_literal(value, bool(quote)):
                continue
            if re.search("passw|pwd", name):
                if len(value) >= 6 and not value.isdigit():
                    found.append(number)
                    break
            elif len(value) >= 16 and entropy(value) >= 3.5:
                found.append(number)
                break
    return found
''',
        ),
        (
            'skips lines longer than 120 characters (minified or data lines): long one-line keys and URLs are missed',
            '''import math
import re

PATTERNS = [
    r"\\b(?:AKIA|ASIA)[A-Z2-7]{16}\\b",  # AWS access key id
    r"\\bgh[pousr]_[A-Za-z0-9]{36}\\b",  # GitHub token
    r"\\bxox[abposr]-[A-Za-z0-9-]{10,}",  # Slack token
    r"\\b[sr]k_live_[A-Za-z0-9]{20,}",  # Stripe live key
    r"-{5}BEGIN (?:[A-Z]+ )*PRIVATE KEY-{5}",  # private key PEM header
    r"\\beyJ[\\w-]{8,}\\.eyJ[\\w-]{8,}\\.[\\w-]{8,}",  # JWT
    r"[a-z][a-z0-9+.-]*://[^/\\s:@]*:[^/\\s:@]+@",  # credentials in a URL
]
ASSIGNMENT = re.compile(r"""(?i)([\\w.-]*(?:key|secret|token|passw(?:or)?d|pwd)[\\w.-]*)["']?\\s*[:=]\\s*(["']?)([^\\s"',;]*)\\2""")
PLACEHOLDERS = ("your", "example", "changeme", "replace", "xxxx", "dummy", "placeholder", "redacted", "todo")


def entropy(value: str) -> float:
    counts = {ch: value.count(ch) for ch in set(value)}
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values()) if value else 0.0


def is_literal(value: str, quoted: bool) -> bool:
    if not value or value[0] in "$<{" or len(set(value)) <= 2 or any(w in value.lower() for w in PLACEHOLDERS):
        return False
    return quoted or not ("(" in value or "[" in value or re.fullmatch(r"[A-Za-z_]\\w*(\\.\\w+)+", value))


def find_secrets(text: str) -> list[int]:
    """The 1-based numbers of the lines of `text` that contain a secret, in increasing order."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > 120:
            continue
        if any(re.search(p, line) for p in PATTERNS):
            found.append(number)
            continue
        for match in ASSIGNMENT.finditer(line):
            name, quote, value = match.group(1).lower(), match.group(2), match.group(3)
            if not is_literal(value, bool(quote)):
                continue
            if re.search("passw|pwd", name):
                if len(value) >= 6 and not value.isdigit():
                    found.append(number)
                    break
            elif len(value) >= 16 and entropy(value) >= 3.5:
                found.append(number)
                break
    return found
''',
        ),
    ],
    'hardened_service': [
        (
            'checks only the Content-Length header for the body limit: a chunked body without it is parsed whole',
            '''from fastapi import Request
from fastapi.responses import JSONResponse

EMAIL = r"^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$"


def make_hardened_app(kit: security.ServiceKit) -> FastAPI:
    """The notes service with every defence on, following the contract in the table above."""
    store = kit.new_store()
    events = []
    app = FastAPI(title="notes (hardened)")
    app.add_middleware(security.RateLimitMiddleware, limiter=kit.new_limiter(), paths=("/login",))

    @app.middleware("http")
    async def body_limit(request: Request, call_next):
        if int(request.headers.get("content-length") or 0) > kit.max_body_bytes:
            return JSONResponse({"detail": "request body too large"}, status_code=413)
        return await call_next(request)

    class SignupBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
        password: str = Field(min_length=15, max_length=128)

        @model_validator(mode="after")
        def password_allowed(self):
            if security.password_problems(self.password, self.username):
                raise ValueError("choose another password")
            return self
        email: str = Field(max_length=254, pattern=EMAIL)

    class LoginBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(min_length=1, max_length=64)
        password: str = Field(min_length=1, max_length=128)

    @app.post("/signup", status_code=201)
    def signup(body: SignupBody) -> dict:
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        return {"username": body.username}

    @app.post("/login")
    def login(body: LoginBody) -> dict:
        if not store.check_password(body.username, body.password):
            raise HTTPException(401, "wrong username or password")
        events.append({"event": "login", "user": body.username, "at": round(time.time(), 3)})
        return {"access_token": kit.issue_access_token(body.username, store.role_of(body.username)), "token_type": "bearer"}

    @app.get("/me")
    def me(authorization: str | None = Header(default=None)) -> dict:
        try:
            claims = kit.verify_access_token(security.bearer(authorization))
        except jwt.PyJWTError:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"username": claims["sub"], "role": claims.get("role")}

    @app.get("/users/search")
    def search(prefix: str = Query(default="", max_length=64)) -> list[dict]:
        return store.search(prefix)

    @app.get("/internal/audit")
    def audit(authorization: str | None = Header(default=None)) -> dict:
        try:
            caller = kit.verify_service_token(security.bearer(authorization))["sub"]
        except jwt.PyJWTError:
            raise HTTPException(401, "service token required", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"caller": caller, "events": events[-20:]}

    return app
''',
        ),
        (
            'keys the rate limit on X-Forwarded-For: an attacker who sends a new address each time is never limited',
            '''import math

from fastapi import Request
from fastapi.responses import JSONResponse

EMAIL = r"^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$"


def make_hardened_app(kit: security.ServiceKit) -> FastAPI:
    """The notes service with every defence on, following the contract in the table above."""
    store = kit.new_store()
    events = []
    app = FastAPI(title="notes (hardened)", max_body_size=kit.max_body_bytes)
    limiter = kit.new_limiter()

    @app.middleware("http")
    async def rate_limit(request: Request, call_next):
        if request.url.path == "/login":
            direct = request.client.host if request.client else "unknown"
            client = request.headers.get("x-forwarded-for", direct).split(",")[0].strip()  # the real client behind a proxy
            allowed, retry = limiter.allow(client)
            if not allowed:
                return JSONResponse({"detail": "too many requests"}, status_code=429,
                                    headers={"Retry-After": str(max(1, math.ceil(retry)))})
        return await call_next(request)

    class SignupBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
        password: str = Field(min_length=15, max_length=128)

        @model_validator(mode="after")
        def password_allowed(self):
            if security.password_problems(self.password, self.username):
                raise ValueError("choose another password")
            return self
        email: str = Field(max_length=254, pattern=EMAIL)

    class LoginBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(min_length=1, max_length=64)
        password: str = Field(min_length=1, max_length=128)

    @app.post("/signup", status_code=201)
    def signup(body: SignupBody) -> dict:
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        return {"username": body.username}

    @app.post("/login")
    def login(body: LoginBody) -> dict:
        if not store.check_password(body.username, body.password):
            raise HTTPException(401, "wrong username or password")
        events.append({"event": "login", "user": body.username, "at": round(time.time(), 3)})
        return {"access_token": kit.issue_access_token(body.username, store.role_of(body.username)), "token_type": "bearer"}

    @app.get("/me")
    def me(authorization: str | None = Header(default=None)) -> dict:
        try:
            claims = kit.verify_access_token(security.bearer(authorization))
        except jwt.PyJWTError:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"username": claims["sub"], "role": claims.get("role")}

    @app.get("/users/search")
    def search(prefix: str = Query(default="", max_length=64)) -> list[dict]:
        return store.search(prefix)

    @app.get("/internal/audit")
    def audit(authorization: str | None = Header(default=None)) -> dict:
        try:
            caller = kit.verify_service_token(security.bearer(authorization))["sub"]
        except jwt.PyJWTError:
            raise HTTPException(401, "service token required", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"caller": caller, "events": events[-20:]}

    return app
''',
        ),
        (
            'spends a limiter token only on failed logins: after a burst of wrong guesses the right password still gets 200',
            '''import math

from fastapi import Request

EMAIL = r"^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$"


def make_hardened_app(kit: security.ServiceKit) -> FastAPI:
    """The notes service with every defence on, following the contract in the table above."""
    store = kit.new_store()
    events = []
    app = FastAPI(title="notes (hardened)", max_body_size=kit.max_body_bytes)
    limiter = kit.new_limiter()

    class SignupBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
        password: str = Field(min_length=15, max_length=128)

        @model_validator(mode="after")
        def password_allowed(self):
            if security.password_problems(self.password, self.username):
                raise ValueError("choose another password")
            return self
        email: str = Field(max_length=254, pattern=EMAIL)

    class LoginBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(min_length=1, max_length=64)
        password: str = Field(min_length=1, max_length=128)

    @app.post("/signup", status_code=201)
    def signup(body: SignupBody) -> dict:
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        return {"username": body.username}

    @app.post("/login")
    def login(body: LoginBody, request: Request) -> dict:
        if store.check_password(body.username, body.password):
            events.append({"event": "login", "user": body.username, "at": round(time.time(), 3)})
            return {"access_token": kit.issue_access_token(body.username, store.role_of(body.username)), "token_type": "bearer"}
        allowed, retry = limiter.allow(request.client.host if request.client else "unknown")  # only failures count
        if not allowed:
            raise HTTPException(429, "too many failed logins", headers={"Retry-After": str(max(1, math.ceil(retry)))})
        raise HTTPException(401, "wrong username or password")

    @app.get("/me")
    def me(authorization: str | None = Header(default=None)) -> dict:
        try:
            claims = kit.verify_access_token(security.bearer(authorization))
        except jwt.PyJWTError:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"username": claims["sub"], "role": claims.get("role")}

    @app.get("/users/search")
    def search(prefix: str = Query(default="", max_length=64)) -> list[dict]:
        return store.search(prefix)

    @app.get("/internal/audit")
    def audit(authorization: str | None = Header(default=None)) -> dict:
        try:
            caller = kit.verify_service_token(security.bearer(authorization))["sub"]
        except jwt.PyJWTError:
            raise HTTPException(401, "service token required", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"caller": caller, "events": events[-20:]}

    return app
''',
        ),
        (
            "lets an admin's user access token into /internal/audit: a token for the notes API, not the audit service",
            '''EMAIL = r"^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$"


def make_hardened_app(kit: security.ServiceKit) -> FastAPI:
    """The notes service with every defence on, following the contract in the table above."""
    store = kit.new_store()
    events = []
    app = FastAPI(title="notes (hardened)", max_body_size=kit.max_body_bytes)
    app.add_middleware(security.RateLimitMiddleware, limiter=kit.new_limiter(), paths=("/login",))

    class SignupBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
        password: str = Field(min_length=15, max_length=128)

        @model_validator(mode="after")
        def password_allowed(self):
            if security.password_problems(self.password, self.username):
                raise ValueError("choose another password")
            return self
        email: str = Field(max_length=254, pattern=EMAIL)

    class LoginBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(min_length=1, max_length=64)
        password: str = Field(min_length=1, max_length=128)

    @app.post("/signup", status_code=201)
    def signup(body: SignupBody) -> dict:
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        return {"username": body.username}

    @app.post("/login")
    def login(body: LoginBody) -> dict:
        if not store.check_password(body.username, body.password):
            raise HTTPException(401, "wrong username or password")
        events.append({"event": "login", "user": body.username, "at": round(time.time(), 3)})
        return {"access_token": kit.issue_access_token(body.username, store.role_of(body.username)), "token_type": "bearer"}

    @app.get("/me")
    def me(authorization: str | None = Header(default=None)) -> dict:
        try:
            claims = kit.verify_access_token(security.bearer(authorization))
        except jwt.PyJWTError:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"username": claims["sub"], "role": claims.get("role")}

    @app.get("/users/search")
    def search(prefix: str = Query(default="", max_length=64)) -> list[dict]:
        return store.search(prefix)

    @app.get("/internal/audit")
    def audit(authorization: str | None = Header(default=None)) -> dict:
        token = security.bearer(authorization)
        try:
            caller = kit.verify_service_token(token)["sub"]
        except jwt.PyJWTError:
            try:
                claims = kit.verify_access_token(token)  # operators may read the audit log too
            except jwt.PyJWTError:
                raise HTTPException(401, "service token required") from None
            if claims.get("role") != "admin":
                raise HTTPException(401, "service token required")
            caller = claims["sub"]
        return {"caller": caller, "events": events[-20:]}

    return app
''',
        ),
        (
            "401 bodies echo the library's error text (and with it the attacker's kid): the refusal explains itself",
            '''EMAIL = r"^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$"


def make_hardened_app(kit: security.ServiceKit) -> FastAPI:
    """The notes service with every defence on, following the contract in the table above."""
    store = kit.new_store()
    events = []
    app = FastAPI(title="notes (hardened)", max_body_size=kit.max_body_bytes)
    app.add_middleware(security.RateLimitMiddleware, limiter=kit.new_limiter(), paths=("/login",))

    class SignupBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
        password: str = Field(min_length=15, max_length=128)

        @model_validator(mode="after")
        def password_allowed(self):
            if security.password_problems(self.password, self.username):
                raise ValueError("choose another password")
            return self
        email: str = Field(max_length=254, pattern=EMAIL)

    class LoginBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(min_length=1, max_length=64)
        password: str = Field(min_length=1, max_length=128)

    @app.post("/signup", status_code=201)
    def signup(body: SignupBody) -> dict:
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        return {"username": body.username}

    @app.post("/login")
    def login(body: LoginBody) -> dict:
        if not store.check_password(body.username, body.password):
            raise HTTPException(401, "wrong username or password")
        events.append({"event": "login", "user": body.username, "at": round(time.time(), 3)})
        return {"access_token": kit.issue_access_token(body.username, store.role_of(body.username)), "token_type": "bearer"}

    @app.get("/me")
    def me(authorization: str | None = Header(default=None)) -> dict:
        try:
            claims = kit.verify_access_token(security.bearer(authorization))
        except jwt.PyJWTError as exc:
            raise HTTPException(401, f"invalid token: {exc}", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"username": claims["sub"], "role": claims.get("role")}

    @app.get("/users/search")
    def search(prefix: str = Query(default="", max_length=64)) -> list[dict]:
        return store.search(prefix)

    @app.get("/internal/audit")
    def audit(authorization: str | None = Header(default=None)) -> dict:
        try:
            caller = kit.verify_service_token(security.bearer(authorization))["sub"]
        except jwt.PyJWTError as exc:
            raise HTTPException(401, f"service token required: {exc}") from None
        return {"caller": caller, "events": events[-20:]}

    return app
''',
        ),
        (
            'answers 404 for an unknown username and 401 for a wrong password: the login form enumerates accounts',
            '''EMAIL = r"^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$"


def make_hardened_app(kit: security.ServiceKit) -> FastAPI:
    """The notes service with every defence on, following the contract in the table above."""
    store = kit.new_store()
    events = []
    app = FastAPI(title="notes (hardened)", max_body_size=kit.max_body_bytes)
    app.add_middleware(security.RateLimitMiddleware, limiter=kit.new_limiter(), paths=("/login",))

    class SignupBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
        password: str = Field(min_length=15, max_length=128)

        @model_validator(mode="after")
        def password_allowed(self):
            if security.password_problems(self.password, self.username):
                raise ValueError("choose another password")
            return self
        email: str = Field(max_length=254, pattern=EMAIL)

    class LoginBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(min_length=1, max_length=64)
        password: str = Field(min_length=1, max_length=128)

    @app.post("/signup", status_code=201)
    def signup(body: SignupBody) -> dict:
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        return {"username": body.username}

    @app.post("/login")
    def login(body: LoginBody) -> dict:
        if body.username not in {row["username"] for row in store.search(body.username)}:
            raise HTTPException(404, "no such user")
        if not store.check_password(body.username, body.password):
            raise HTTPException(401, "wrong password")
        events.append({"event": "login", "user": body.username, "at": round(time.time(), 3)})
        return {"access_token": kit.issue_access_token(body.username, store.role_of(body.username)), "token_type": "bearer"}

    @app.get("/me")
    def me(authorization: str | None = Header(default=None)) -> dict:
        try:
            claims = kit.verify_access_token(security.bearer(authorization))
        except jwt.PyJWTError:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"username": claims["sub"], "role": claims.get("role")}

    @app.get("/users/search")
    def search(prefix: str = Query(default="", max_length=64)) -> list[dict]:
        return store.search(prefix)

    @app.get("/internal/audit")
    def audit(authorization: str | None = Header(default=None)) -> dict:
        try:
            caller = kit.verify_service_token(security.bearer(authorization))["sub"]
        except jwt.PyJWTError:
            raise HTTPException(401, "service token required", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"caller": caller, "events": events[-20:]}

    return app
''',
        ),
        (
            "copies notebook 1's email pattern ([a-z]{2,}): bob@example.COM is refused although domains are case-insensitive",
            '''EMAIL = r"^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$"


def make_hardened_app(kit: security.ServiceKit) -> FastAPI:
    """The notes service with every defence on, following the contract in the table above."""
    store = kit.new_store()
    events = []
    app = FastAPI(title="notes (hardened)", max_body_size=kit.max_body_bytes)
    app.add_middleware(security.RateLimitMiddleware, limiter=kit.new_limiter(), paths=("/login",))

    class SignupBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
        password: str = Field(min_length=15, max_length=128)

        @model_validator(mode="after")
        def password_allowed(self):
            if security.password_problems(self.password, self.username):
                raise ValueError("choose another password")
            return self
        email: str = Field(max_length=254, pattern=EMAIL)

    class LoginBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(min_length=1, max_length=64)
        password: str = Field(min_length=1, max_length=128)

    @app.post("/signup", status_code=201)
    def signup(body: SignupBody) -> dict:
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        return {"username": body.username}

    @app.post("/login")
    def login(body: LoginBody) -> dict:
        if not store.check_password(body.username, body.password):
            raise HTTPException(401, "wrong username or password")
        events.append({"event": "login", "user": body.username, "at": round(time.time(), 3)})
        return {"access_token": kit.issue_access_token(body.username, store.role_of(body.username)), "token_type": "bearer"}

    @app.get("/me")
    def me(authorization: str | None = Header(default=None)) -> dict:
        try:
            claims = kit.verify_access_token(security.bearer(authorization))
        except jwt.PyJWTError:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"username": claims["sub"], "role": claims.get("role")}

    @app.get("/users/search")
    def search(prefix: str = Query(default="", max_length=64)) -> list[dict]:
        return store.search(prefix)

    @app.get("/internal/audit")
    def audit(authorization: str | None = Header(default=None)) -> dict:
        try:
            caller = kit.verify_service_token(security.bearer(authorization))["sub"]
        except jwt.PyJWTError:
            raise HTTPException(401, "service token required", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"caller": caller, "events": events[-20:]}

    return app
''',
        ),
    ],
}

WRONG_ANSWERS = {
    'search_users': RED_TEAM['search_users'] + [
        ('pastes the prefix into the SQL with an f-string (the original bug)', SEARCH_FSTRING),
    ],
    'password_hashing': RED_TEAM['password_hashing'] + [
        ('stores an unsalted SHA-256: a fast hash', PASSWORDS_SHA256),
    ],
    'verify_token': RED_TEAM['verify_token'] + [
        ("takes the algorithm from the token's own header", VERIFY_HEADER_ALG),
    ],
    'header_key_forgery': [
        ('embeds the private JWK: publishes d, p, q with the token', FORGE_PRIVATE_JWK),
        ('embeds one key and signs with another', FORGE_TWO_KEYS),
        ('makes the key once at import: not a fresh key per call', FORGE_ONE_KEY_FOR_EVER),
        ('puts the jwk in the payload instead of the header', FORGE_JWK_IN_PAYLOAD),
        ('HS256 keyed by the public PEM instead of RS256', FORGE_HS256),
        ('the JWK carries no kid (the header names "attacker")', FORGE_KID_MISMATCH),
        ('adds its own iat/exp: the payload is not `claims` unchanged', FORGE_FRESHENS_CLAIMS),
    ],
    'key_rotation': RED_TEAM['key_rotation'] + [
        ('builds the JWK from the private key: publishes d, p, q', JWKS_PRIVATE),
    ],
    'token_bucket': RED_TEAM['token_bucket'] + [
        ('a fixed window per whole second instead of a bucket', BUCKET_FIXED_WINDOW),
    ],
    'secret_scanner': RED_TEAM['secret_scanner'] + [
        ('keywords only: flags lookups, docs and placeholders', SCANNER_KEYWORDS_ONLY),
        ('line numbers counted from 0', SCANNER_ZERO_BASED),
    ],
    'hardened_service': RED_TEAM['hardened_service'] + [
        ('reads /me claims without verifying the signature', HARDENED_UNVERIFIED_ME),
        ('NIST rev 3 length rule: 8 characters, no blocklist, so password1 signs up', HARDENED_NIST_REV3_LENGTH),
        ('15 characters but no blocklist or username check: an expected password signs up', HARDENED_LENGTH_ONLY),
        ('caps passwords at 32 characters: NIST wants at least 64 permitted', HARDENED_SHORT_MAX),
    ],
}


# -----------------------------------------------------------------------------------------------------------------
# Blind red team, 2026-11-30 (written from the student notebook alone):
# each answer below changes ONE thing from an answer that follows the docstring, and names the sentence it breaks.
# -----------------------------------------------------------------------------------------------------------------
_HK_BLIND_HEAD = '''def forge_with_embedded_key(claims: dict) -> str:
    """The RFC 8725 §3.10 exploit: an RS256 JWT whose payload is exactly `claims`, signed with a fresh RSA key made in
    this call, whose header embeds that key's PUBLIC JWK.

    The header has "alg": "RS256", a "kid" of your choice, and "jwk": the public JWK of the signing key (kty, n, e —
    never the private members d, p, q, dp, dq, qi) with the same "kid". The signature verifies with the embedded key.
    security.verify_trusting_header_keys(token, keys) accepts it; security.verify_token(token, keys) refuses it.
    """
'''

_HK_BLIND = [
    ("blind: the header's kid and the embedded JWK's kid differ (header 'attacker', JWK named by its thumbprint) "
     "(docstring: '\"jwk\": the public JWK of the signing key ... with the same \"kid\"')",
     _HK_BLIND_HEAD + '''    key = security.new_rsa_key()
    return jwt.encode(claims, key, algorithm="RS256",
                      headers={"kid": "attacker", "jwk": security.public_jwk(key, security.key_id(key))})
'''),
    ("blind: the embedded JWK has no kid at all (RSAAlgorithm.to_jwk of the public key: kty, n, e only) "
     "(docstring: 'the public JWK of the signing key ... with the same \"kid\"')",
     _HK_BLIND_HEAD + '''    from jwt.algorithms import RSAAlgorithm

    key = security.new_rsa_key()
    return jwt.encode(claims, key, algorithm="RS256",
                      headers={"kid": security.key_id(key), "jwk": RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)})
'''),
    ("blind: no kid in the header, only the jwk (docstring: 'The header has \"alg\": \"RS256\", a \"kid\" of your choice, and \"jwk\"')",
     _HK_BLIND_HEAD + '''    key = security.new_rsa_key()
    return jwt.encode(claims, key, algorithm="RS256", headers={"jwk": security.public_jwk(key, security.key_id(key))})
'''),
    ("blind: one attacker key made once and reused by every call (cached on the function) "
     "(docstring: 'signed with a fresh RSA key made in this call')",
     _HK_BLIND_HEAD + '''    key = getattr(forge_with_embedded_key, "_key", None)
    if key is None:
        key = forge_with_embedded_key._key = security.new_rsa_key()
    kid = security.key_id(key)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, "jwk": security.public_jwk(key, kid)})
'''),
    ("blind: sets a fresh iat, nbf and exp in the payload 'so the forgery stays valid' "
     "(docstring: 'an RS256 JWT whose payload is exactly `claims`')",
     _HK_BLIND_HEAD + '''    import time

    key = security.new_rsa_key()
    kid = security.key_id(key)
    now = int(time.time())
    payload = {**claims, "iat": now, "nbf": now, "exp": now + 3600}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid, "jwk": security.public_jwk(key, kid)})
'''),
    # caught since header_key_forgery_fools_trusting_verifier
    ("blind: claims without a jti get one, set on the caller's dict (setdefault): the payload is no longer exactly the "
     "claims given, and the caller's dict changes (docstring: 'an RS256 JWT whose payload is exactly `claims`')",
     _HK_BLIND_HEAD + '''    import uuid

    key = security.new_rsa_key()
    kid = security.key_id(key)
    claims.setdefault("jti", uuid.uuid4().hex)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, "jwk": security.public_jwk(key, kid)})
'''),
    ("blind: embeds the JWK of the PRIVATE key with only 'd' removed (p, q, dp, dq, qi still leak) "
     "(docstring: 'never the private members d, p, q, dp, dq, qi')",
     _HK_BLIND_HEAD + '''    from jwt.algorithms import RSAAlgorithm

    key = security.new_rsa_key()
    kid = security.key_id(key)
    jwk = RSAAlgorithm.to_jwk(key, as_dict=True)
    jwk.pop("d", None)
    jwk["kid"] = kid
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, "jwk": jwk})
'''),
    ("blind: signs with RS512 (the trusting verifier pins RS256) (docstring: 'an RS256 JWT ... The header has \"alg\": \"RS256\"')",
     _HK_BLIND_HEAD + '''    key = security.new_rsa_key()
    kid = security.key_id(key)
    return jwt.encode(claims, key, algorithm="RS512", headers={"kid": kid, "jwk": security.public_jwk(key, kid)})
'''),
]

_HS_BLIND_HEAD = '''def make_hardened_app(kit: security.ServiceKit) -> FastAPI:
    """The notes service with every defence on, following the contract in the table above."""
'''

# The signup model of a learner who copies notebook 1's strict model; each wrong answer changes only its password rule.
_HS_MODEL = '''    class SignupBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
        password: str = Field(min_length=15, max_length=128)
        email: str = Field(max_length=254, pattern=r"^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$")

        @model_validator(mode="after")
        def password_not_expected(self) -> "SignupBody":
            if any("characters" not in p for p in security.password_problems(self.password, self.username)):
                raise ValueError("choose another password")
            return self
'''

_HS_SIGNUP = '''    @app.post("/signup", status_code=201)
    def signup(body: SignupBody) -> dict:
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        return {"username": body.username}
'''


def _hs(model=_HS_MODEL, signup=_HS_SIGNUP):
    return _HS_BLIND_HEAD + model + '''
    class LoginBody(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        username: str = Field(min_length=1, max_length=64)
        password: str = Field(min_length=1, max_length=128)

    store = kit.new_store()
    events: list = []
    app = FastAPI(title="notes (hardened)", max_body_size=kit.max_body_bytes)
    app.add_middleware(security.RateLimitMiddleware, limiter=kit.new_limiter(), paths=("/login",))

''' + signup + '''
    @app.post("/login")
    def login(body: LoginBody) -> dict:
        if not store.check_password(body.username, body.password):
            raise HTTPException(401, "wrong username or password")
        events.append({"event": "login", "user": body.username, "at": round(time.time(), 3)})
        return {"access_token": kit.issue_access_token(body.username, store.role_of(body.username)), "token_type": "bearer"}

    @app.get("/me")
    def me(authorization: str | None = Header(default=None)) -> dict:
        try:
            claims = kit.verify_access_token(security.bearer(authorization))
        except jwt.PyJWTError:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        return {"username": claims.get("sub"), "role": claims.get("role")}

    @app.get("/users/search")
    def search(prefix: str = Query(default="", max_length=64)) -> list:
        return store.search(prefix)

    @app.get("/internal/audit")
    def audit(authorization: str | None = Header(default=None)) -> dict:
        try:
            caller = kit.verify_service_token(security.bearer(authorization))["sub"]
        except jwt.PyJWTError:
            raise HTTPException(401, "service token required", headers={"WWW-Authenticate": "Bearer"}) from None
        return {"caller": caller, "events": events[-20:]}

    return app
'''


_HS_BLIND = [
    ("blind: revision 3's minimum of 8 characters: 'tr0ub4dor&3' (11) signs up "
     "(contract: 'a password NIST SP 800-63B-4 refuses (under 15 characters ...) -> 422')",
     _hs(model=_HS_MODEL.replace("Field(min_length=15, max_length=128)", "Field(min_length=8, max_length=128)"))),
    # caught since hardened_service_survives_attack_suite
    ("blind: off by one at the minimum: a password of exactly 15 characters is refused (min_length=16) "
     "(contract: refused only 'under 15 characters')",
     _hs(model=_HS_MODEL.replace("Field(min_length=15, max_length=128)", "Field(min_length=16, max_length=128)"))),
    # caught since hardened_service_survives_attack_suite
    ("blind: the maximum is 64 (NIST's 'SHOULD permit at least 64' read as a cap): a 100-character passphrase is refused "
     "(contract: refused only when 'over 128')",
     _hs(model=_HS_MODEL.replace("Field(min_length=15, max_length=128)", "Field(min_length=15, max_length=64)"))),
    # caught since hardened_service_survives_attack_suite
    ("blind: no maximum at all: a 129-character password signs up (contract: 'over 128 ... -> 422')",
     _hs(model=_HS_MODEL.replace("Field(min_length=15, max_length=128)", "Field(min_length=15, max_length=4000)"))),
    # caught since hardened_service_survives_attack_suite
    ("blind: length counted in UTF-8 bytes, not characters: 'Grüße-Möwe-ß' (12 code points, 16 bytes) signs up "
     "(contract: 'under 15 characters' - NIST counts Unicode code points)",
     _hs(model=_HS_MODEL.replace("Field(min_length=15, max_length=128)", "Field(max_length=512)").replace(
         '''            if any("characters" not in p''', '''            if not 15 <= len(self.password.encode()) <= 128:
                raise ValueError("choose a password of 15 to 128 characters")
            if any("characters" not in p'''))),
    # caught since hardened_service_survives_attack_suite
    ("blind: the username check is case-sensitive: 'Carol-walks-her-dog-daily' signs up as carol "
     "(contract: refused when 'containing the username' - password_problems compares case-insensitively)",
     _hs(model=_HS_MODEL.replace(
         '''            if any("characters" not in p for p in security.password_problems(self.password, self.username)):''',
         '''            blocked = {p.lower() for p in security.COMMON_PASSWORDS}
            if self.password.strip().lower() in blocked or self.username in self.password:'''))),
    ("blind: the username check is equality, not containment: 'carol likes long walks' signs up as carol "
     "(contract: refused when 'containing the username')",
     _hs(model=_HS_MODEL.replace(
         '''            if any("characters" not in p for p in security.password_problems(self.password, self.username)):''',
         '''            blocked = {p.lower() for p in security.COMMON_PASSWORDS}
            if self.password.strip().lower() in blocked or self.password.lower() == self.username:'''))),
    ("blind: password_problems called without the username, so the username rule never fires "
     "(contract: refused when 'containing the username: security.password_problems(password, username)')",
     _hs(model=_HS_MODEL.replace("security.password_problems(self.password, self.username)", "security.password_problems(self.password)"))),
    ("blind: a composition rule (a digit and a symbol) on top of NIST's: 'a long passphrase nobody guesses' is refused "
     "(contract: refused only under 15, over 128, blocklisted or containing the username - NIST SP 800-63B-4 forbids composition rules)",
     _hs(model=_HS_MODEL.replace(
         '''                raise ValueError("choose another password")
            return self''',
         '''                raise ValueError("choose another password")
            if not any(c.isdigit() for c in self.password) or all(c.isalnum() or c.isspace() for c in self.password):
                raise ValueError("use at least one digit and one symbol")
            return self'''))),
    ("blind: the password rule is checked in the handler and refused with 400, not 422 "
     "(contract: 'a password NIST SP 800-63B-4 refuses ... -> 422')",
     _hs(model=_HS_MODEL.replace(
         '''            if any("characters" not in p for p in security.password_problems(self.password, self.username)):
                raise ValueError("choose another password")
''', "").replace("Field(min_length=15, max_length=128)", "Field(max_length=512)"),
         signup='''    @app.post("/signup", status_code=201)
    def signup(body: SignupBody) -> dict:
        if security.password_problems(body.password, body.username):
            raise HTTPException(400, "choose another password")
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        return {"username": body.username}
''')),
    # caught since hardened_service_survives_attack_suite
    ("blind: the account is created before the password rule is checked: the refused signup still takes the username, "
     "so the same user's retry with a good password gets 409 (contract: a refused password -> 422, taken username -> 409)",
     _hs(model=_HS_MODEL.replace(
         '''            if any("characters" not in p for p in security.password_problems(self.password, self.username)):
                raise ValueError("choose another password")
''', "").replace("Field(min_length=15, max_length=128)", "Field(max_length=512)"),
         signup='''    @app.post("/signup", status_code=201)
    def signup(body: SignupBody) -> dict:
        if not store.create(body.username, body.password, body.email):
            raise HTTPException(409, "username taken")
        if security.password_problems(body.password, body.username):
            raise HTTPException(422, "choose another password")
        return {"username": body.username}
''')),
]

BLIND_2026_11_30 = {"header_key_forgery": _HK_BLIND, "hardened_service": _HS_BLIND}

for _gid, _items in BLIND_2026_11_30.items():
    WRONG_ANSWERS.setdefault(_gid, []).extend(_items)
