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

SEARCH_NO_ESCAPE = SEARCH_HEAD + '''
    if not prefix:
        return []
    rows = conn.execute(
        "SELECT username, email FROM users WHERE username LIKE ? ORDER BY username LIMIT 20", (prefix + "%",)
    ).fetchall()
    return [{"username": u, "email": e} for u, e in rows]
'''

SEARCH_STRIP_QUOTES = SEARCH_HEAD + '''
    if not prefix:
        return []
    clean = prefix.replace("'", "").replace(";", "").replace("--", "")
    rows = conn.execute(
        f"SELECT username, email FROM users WHERE username LIKE '{clean}%' ORDER BY username LIMIT 20"
    ).fetchall()
    return [{"username": u, "email": e} for u, e in rows]
'''

SEARCH_SELECT_STAR = SEARCH_HEAD + r'''
    if not prefix:
        return []
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    conn.row_factory = sqlite3.Row
    rows = conn.execute("SELECT * FROM users WHERE username LIKE ? ESCAPE '\\' ORDER BY username LIMIT 20", (pattern,)).fetchall()
    conn.row_factory = None
    return [dict(row) for row in rows]
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

PASSWORDS_NO_REHASH = HASH_GOOD + '''

def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Verify, without the upgrade path."""
    try:
        return hasher.verify(stored_hash, password), None
    except (VerificationError, InvalidHashError):
        return False, None
'''

PASSWORDS_RAISES = HASH_GOOD + '''

def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Let argon2's exceptions escape."""
    hasher.verify(stored_hash, password)
    return True, (hasher.hash(password) if hasher.check_needs_rehash(stored_hash) else None)
'''

PASSWORDS_EQUALITY = HASH_GOOD + '''

def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Hash again and compare the strings (forgets that every hash has its own salt)."""
    if not hmac.compare_digest(hasher.hash(password), stored_hash):
        return False, None
    return True, None
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

VERIFY_NO_LEEWAY = VERIFY_HEAD + '''
    return jwt.decode(token, keys[kid], algorithms=["RS256"], audience=security.AUDIENCE, issuer=security.ISSUER,
                      options={"require": ["exp", "iat", "iss", "aud", "sub"]})
'''

VERIFY_NO_AUDIENCE = VERIFY_HEAD + '''
    return jwt.decode(token, keys[kid], algorithms=["RS256"], issuer=security.ISSUER, leeway=security.LEEWAY_S,
                      options={"require": ["exp", "iat", "iss", "sub"], "verify_aud": False})
'''

VERIFY_HEADER_ALG = VERIFY_HEAD + '''
    alg = jwt.get_unverified_header(token).get("alg")
    return jwt.decode(token, keys[kid], algorithms=[alg], audience=security.AUDIENCE, issuer=security.ISSUER,
                      leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
'''

VERIFY_NO_ISSUER = '''
def verify_token(token: str, keys: dict) -> dict:
    """Claims of a valid access token, checked with the first trusted key and no issuer check."""
    key = next(iter(keys.values()))
    return jwt.decode(token, key, algorithms=["RS256"], audience=security.AUDIENCE, leeway=security.LEEWAY_S,
                      options={"require": ["exp", "iat", "aud", "sub"]})
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 4 — jwks_document / verify_with_jwks
# ---------------------------------------------------------------------------------------------------------------
JWKS_GOOD = '''
def jwks_document(keys: list, now: float, grace_s: float) -> dict:
    """The JWKS to publish."""
    published = [k for k in keys if k.retired_at is None or now < k.retired_at + grace_s]
    documents = []
    for k in published:
        jwk = dict(RSAAlgorithm.to_jwk(k.private_key.public_key(), as_dict=True))
        jwk.update(kid=k.kid, use="sig", alg="RS256")
        documents.append(jwk)
    return {"keys": documents}
'''

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

JWKS_FOREVER = '''
def jwks_document(keys: list, now: float, grace_s: float) -> dict:
    """Publishes every key ever made: retired keys never leave."""
    documents = []
    for k in keys:
        jwk = dict(RSAAlgorithm.to_jwk(k.private_key.public_key(), as_dict=True))
        jwk.update(kid=k.kid, use="sig", alg="RS256")
        documents.append(jwk)
    return {"keys": documents}
''' + VERIFY_JWKS_GOOD

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

JWKS_FIRST_KEY = JWKS_GOOD + '''

def verify_with_jwks(token: str, jwks: dict) -> dict:
    """Verify with the first published key, whatever the kid says."""
    return jwt.decode(token, RSAAlgorithm.from_jwk(jwks["keys"][0]), algorithms=["RS256"], audience=security.AUDIENCE,
                      issuer=security.ISSUER, leeway=security.LEEWAY_S, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
'''

JWKS_INCLUSIVE = JWKS_GOOD.replace("now < k.retired_at + grace_s", "now <= k.retired_at + grace_s") + VERIFY_JWKS_GOOD
assert JWKS_INCLUSIVE != JWKS_GOOD + VERIFY_JWKS_GOOD

# ---------------------------------------------------------------------------------------------------------------
# Exercise 5 — TokenBucket
# ---------------------------------------------------------------------------------------------------------------
BUCKET_INIT = '''
class TokenBucket:
    """Per-client token buckets."""

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate, self.burst, self.clock = rate_per_s, burst, clock
        self.buckets: dict[str, tuple[float, float]] = {}
'''

BUCKET_NO_CAP = BUCKET_INIT + '''
    def allow(self, client: str) -> tuple[bool, float]:
        """Refill without a cap: idle time banks requests."""
        now = self.clock()
        tokens, last = self.buckets.get(client, (self.burst, now))
        tokens = tokens + (now - last) * self.rate
        if tokens >= 1:
            self.buckets[client] = (tokens - 1, now)
            return True, 0.0
        self.buckets[client] = (tokens, now)
        return False, (1 - tokens) / self.rate
'''

BUCKET_GLOBAL = BUCKET_INIT + '''
    def allow(self, client: str) -> tuple[bool, float]:
        """One bucket shared by everybody."""
        now = self.clock()
        tokens, last = self.buckets.get("all", (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self.buckets["all"] = (tokens - 1, now)
            return True, 0.0
        self.buckets["all"] = (tokens, now)
        return False, (1 - tokens) / self.rate
'''

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

BUCKET_REFUSAL_SPENDS = BUCKET_INIT + '''
    def allow(self, client: str) -> tuple[bool, float]:
        """Every request spends a token, even a refused one (the bucket goes negative)."""
        now = self.clock()
        tokens, last = self.buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate) - 1
        self.buckets[client] = (tokens, now)
        if tokens >= 0:
            return True, 0.0
        return False, -tokens / self.rate
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 6 — find_secrets
# ---------------------------------------------------------------------------------------------------------------
SCANNER_PATTERNS_ONLY = r'''
def find_secrets(text: str) -> list[int]:
    """Only well-known token formats: misses generic keys and passwords."""
    import re
    patterns = [r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b", r"\bgh[pousr]_[A-Za-z0-9]{36}\b", r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
                r"\b[sr]k_live_[A-Za-z0-9]{20,}", r"-{5}BEGIN (?:[A-Z]+ )*PRIVATE KEY-{5}"]
    return [n for n, line in enumerate(text.splitlines(), start=1) if any(re.search(p, line) for p in patterns)]
'''

SCANNER_ENTROPY_ONLY = r'''
def find_secrets(text: str) -> list[int]:
    """Any long high-entropy token: flags checksums and base64 data, misses human passwords."""
    import math
    import re

    def entropy(s: str) -> float:
        return -sum(s.count(c) / len(s) * math.log2(s.count(c) / len(s)) for c in set(s))

    found = []
    for n, line in enumerate(text.splitlines(), start=1):
        if any(len(tok) >= 20 and entropy(tok) >= 4.0 for tok in re.split(r"[\s\"'=:,]+", line)):
            found.append(n)
    return found
'''

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
        password: str = Field(min_length=8, max_length=128)
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


HARDENED_NO_BODY_LIMIT = _variant(
    'app = FastAPI(title="notes (hardened)", max_body_size=kit.max_body_bytes)', 'app = FastAPI(title="notes (hardened)")'
)

HARDENED_NO_RETRY_AFTER = _variant(
    '''    app.add_middleware(security.RateLimitMiddleware, limiter=kit.new_limiter(), paths=("/login",))
''',
    '''    limiter = kit.new_limiter()
''',
).replace(
    '''    def login(body: Login) -> dict:
''',
    '''    def login(body: Login, request: Request) -> dict:
        if not limiter.allow(request.client.host)[0]:
            raise HTTPException(429, "too many attempts")  # no Retry-After: clients can only guess
''',
).replace('def make_hardened_app(', 'from fastapi import Request\n\n\ndef make_hardened_app(')

HARDENED_UNVERIFIED_ME = _variant(
    "        claims = verified(authorization, kit.verify_access_token)",
    '        claims = jwt.decode(security.bearer(authorization), options={"verify_signature": False})',
)

HARDENED_TRUSTS_LOOPBACK = _variant(
    '''    def audit(authorization: str | None = Header(default=None)) -> dict:
        claims = verified(authorization, kit.verify_service_token)
        return {"caller": claims["sub"], "events": []}''',
    '''    def audit(request: Request) -> dict:
        if request.client.host != "127.0.0.1":
            raise HTTPException(403, "internal only")
        return {"caller": "local", "events": []}''',
).replace('def make_hardened_app(', 'from fastapi import Request\n\n\ndef make_hardened_app(')


WRONG_ANSWERS = {
    "search_users": [
        ("pastes the prefix into the SQL with an f-string (the original bug)", SEARCH_FSTRING),
        ("binds the value but leaves LIKE's % and _ as wildcards", SEARCH_NO_ESCAPE),
        ("strips quotes instead of binding: o'brien can no longer be found", SEARCH_STRIP_QUOTES),
        ("SELECT * returns password_hash and role", SEARCH_SELECT_STAR),
    ],
    "password_hashing": [
        ("stores an unsalted SHA-256: a fast hash", PASSWORDS_SHA256),
        ("never rehashes when the parameters change", PASSWORDS_NO_REHASH),
        ("lets VerifyMismatchError escape on a wrong password", PASSWORDS_RAISES),
        ("compares a fresh hash with the stored one (each hash has its own salt)", PASSWORDS_EQUALITY),
    ],
    "verify_token": [
        ("no leeway: refuses tokens that expired a few seconds ago", VERIFY_NO_LEEWAY),
        ("switches the audience check off", VERIFY_NO_AUDIENCE),
        ("takes the algorithm from the token's own header", VERIFY_HEADER_ALG),
        ("ignores kid and never checks the issuer", VERIFY_NO_ISSUER),
    ],
    "key_rotation": [
        ("publishes retired keys forever (no grace cut-off)", JWKS_FOREVER),
        ("builds the JWK from the private key: publishes d, p, q", JWKS_PRIVATE),
        ("verifies with the first JWK whatever the kid says", JWKS_FIRST_KEY),
        ("keeps a key at exactly retired_at + grace_s (closed interval)", JWKS_INCLUSIVE),
    ],
    "token_bucket": [
        ("refills without the burst cap", BUCKET_NO_CAP),
        ("one bucket shared by every client", BUCKET_GLOBAL),
        ("a fixed window per whole second instead of a bucket", BUCKET_FIXED_WINDOW),
        ("refused requests spend tokens too", BUCKET_REFUSAL_SPENDS),
    ],
    "secret_scanner": [
        ("provider patterns only: misses generic keys and passwords", SCANNER_PATTERNS_ONLY),
        ("entropy only: flags checksums, misses human passwords", SCANNER_ENTROPY_ONLY),
        ("keywords only: flags lookups, docs and placeholders", SCANNER_KEYWORDS_ONLY),
        ("line numbers counted from 0", SCANNER_ZERO_BASED),
    ],
    "hardened_service": [
        ("no body size limit: a 64 KiB body gets a 422 after parsing, not a 413", HARDENED_NO_BODY_LIMIT),
        ("rate-limits without a Retry-After header", HARDENED_NO_RETRY_AFTER),
        ("reads /me claims without verifying the signature", HARDENED_UNVERIFIED_ME),
        ("trusts loopback on the internal route", HARDENED_TRUSTS_LOOPBACK),
    ],
}
