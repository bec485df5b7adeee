"""The security lab's fixed settings: issuer, audiences, token lifetimes, leeway, limits and the list of fixes."""

from __future__ import annotations

ISSUER = "https://auth.backendlab.test"
AUDIENCE = "notes-api"
INTERNAL_AUDIENCE = "audit-service"
ALGORITHMS = ["RS256"]
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
LEEWAY_S = 30
ACCESS_TTL_S = 300
SERVICE_TTL_S = 60
MAX_BODY_BYTES = 4096
SEARCH_LIMIT = 20
FIXES = ("validation", "body_limit", "injection", "passwords", "tokens", "rate_limit", "zero_trust")
PEM_DASHES = "-" * 5  # PEM armour is built at run time: no key header text lives in the source
