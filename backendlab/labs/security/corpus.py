"""A labelled corpus of files with secrets and look-alikes, generated at run time from a seed."""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import jwt

from backendlab.labs.security.config import PEM_DASHES


@dataclass
class SampleFile:
    """One generated file of the scanner corpus, with the 1-based numbers of the lines that hold a secret."""

    name: str
    text: str
    secret_lines: set[int]


_B62 = string.ascii_letters + string.digits
_B64 = _B62 + "+/"
_HEX = "0123456789abcdef"
_WORDS = ["orders", "invoice", "summer", "falcon", "harbor", "violet", "copper", "meadow", "rocket", "garden", "winter", "silver"]


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _uuid(rng: random.Random) -> str:
    h = _r(rng, _HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


def _human_password(rng: random.Random) -> str:
    return rng.choice(_WORDS).capitalize() + str(rng.randint(1990, 2030)) + rng.choice("!#$%&*?")


def _pem_one_line(kind: str, rng: random.Random) -> str:
    body = "MII" + _r(rng, _B64, 61)
    return f"{PEM_DASHES}BEGIN {kind}{PEM_DASHES}\\n{body}\\n{_r(rng, _B64, 64)}\\n{PEM_DASHES}END {kind}{PEM_DASHES}\\n"


def _jwt_like(rng: random.Random) -> str:
    claims = {"sub": rng.choice(_WORDS), "iat": 1_700_000_000 + rng.randint(0, 10**7)}
    return jwt.encode(claims, _r(rng, _B62, 32), algorithm="HS256")


_POSITIVE_LINES: list[Callable[[random.Random], str]] = [
    lambda r: f"aws_access_key_id = {'AK' + 'IA'}{_r(r, string.ascii_uppercase + '234567', 16)}",
    lambda r: f"aws_secret_access_key = {_r(r, _B64, 40)}",
    lambda r: f"GITHUB_TOKEN={'gh' + 'p_'}{_r(r, _B62, 36)}",
    lambda r: f'  slack_webhook: "{"xo" + "xb-"}{_r(r, string.digits, 11)}-{_r(r, string.digits, 12)}-{_r(r, _B62, 24)}"',
    lambda r: f'stripe.api_key = "{"sk_" + "live_"}{_r(r, _B62, 24)}"',
    lambda r: f'    "private_key": "{_pem_one_line(r.choice(["RSA ", "EC ", "", "OPENSSH "]) + "PRIVATE KEY", r)}",',
    lambda r: f'API_KEY = "{_r(r, _B62, 32)}"',
    lambda r: f"  api_key: {_r(r, _B62, 40)}",
    lambda r: f'client_secret = "{_r(r, _B62 + "-_", 43)}"',
    lambda r: f"SECRET_KEY = '{_r(r, _B62, 1)}{_r(r, _B62 + '!@#%^&*(-_=+)', 49)}'",
    lambda r: f'    "auth_token": "{_r(r, _HEX, 40)}",',
    lambda r: f"DB_PASSWORD={_human_password(r)}",
    lambda r: f'password = "{_human_password(r)}"',
    lambda r: f'    password: "{_r(r, _B62, 14)}"',
    lambda r: f"DATABASE_URL=postgres://app:{_r(r, _B62, 16)}@db.internal:5432/app",
    lambda r: f'cache_url = "redis://:{_r(r, _B62, 20)}@cache.internal:6379/0"',
    lambda r: f'curl -H "Authorization: Bearer {_jwt_like(r)}" https://api.example.com/v1/orders',
]

_HARD_NEGATIVE_LINES: list[Callable[[random.Random], str]] = [
    lambda r: 'password = os.environ["DB_PASSWORD"]',
    lambda r: 'api_key = os.getenv("API_KEY")',
    lambda r: "  token: ${GITHUB_TOKEN}",
    lambda r: "SECRET_KEY = settings.SECRET_KEY",
    lambda r: 'api_key = "YOUR_API_KEY_HERE"',
    lambda r: '  password: "<password>"',
    lambda r: f'token = "{"x" * r.randint(20, 40)}"',
    lambda r: 'password = ""',
    lambda r: "API_TOKEN=replace-me",
    lambda r: f"commit {_r(r, _HEX, 40)}  Fix pagination cursor",
    lambda r: f"  image: registry.example.com/orders@sha256:{_r(r, _HEX, 64)}",
    lambda r: f'    "integrity": "sha512-{_r(r, _B64, 86)}==",',
    lambda r: f'checksum = "{_r(r, _HEX, 64)}"',
    lambda r: f'request_id = "{_uuid(r)}"',
    lambda r: f'    "id": "{_uuid(r)}",',
    lambda r: f'    "public_key": "{_pem_one_line("PUBLIC KEY", r)}",',
    lambda r: f'    "certificate": "{_pem_one_line("CERTIFICATE", r)}",',
    lambda r: "DATABASE_URL=postgres://db.internal:5432/app",
    lambda r: f"See https://example.com/search?q=tokens&page={r.randint(2, 9)} for the token format.",
    lambda r: "# Never commit an API key: load it from the environment.",
    lambda r: "Set the `GITHUB_TOKEN` secret in the repository settings.",
    lambda r: 'token_type = "bearer"',
    lambda r: f"password_min_length = {r.randint(8, 16)}",
    lambda r: "def verify_password(stored_hash, password):",
    lambda r: "    if not token: raise Unauthorized()",
    lambda r: f'logo = "data:image/png;base64,iVBORw0KGgo{_r(r, _B64, 80)}"',
    lambda r: f'EXPECTED_SHA256 = "{_r(r, _HEX, 64)}"',
    lambda r: 'csrf_token = request.cookies.get("csrftoken")',
    lambda r: f"session_token_ttl_s = {r.choice([900, 1800, 3600])}",
    lambda r: '    "tokenizer": "wordpiece",',
    lambda r: f"keyboard_layout = {r.choice(['qwerty', 'azerty', 'dvorak'])}",
]

_FILLER = {
    "py": ["import os", "from fastapi import FastAPI", "", "app = FastAPI()", "@app.get('/orders/{order_id}')",
           "def get_order(order_id: int) -> dict:", "    return repo.get(order_id)", "for item in items:",
           "    total += item.price * item.quantity", "logger.info('order created', extra={'id': order.id})",
           "class OrderRepository:", "    def __init__(self, session):", "        self.session = session"],
    "yaml": ["service:", "  name: orders", "  replicas: 3", "  port: 8080", "resources:", "  limits:",
             "    memory: 512Mi", "    cpu: 500m", "env:", "  - name: LOG_LEVEL", "    value: info", ""],
    "env": ["LOG_LEVEL=info", "PORT=8080", "WORKERS=4", "REGION=eu-west-1", "FEATURE_FLAGS=search,export", "TZ=UTC", ""],
    "md": ["# Orders service", "", "Run `make dev` to start the service locally.", "## Configuration",
           "Every setting is read from the environment at start-up.", "The service listens on port 8080.",
           "- `LOG_LEVEL`: debug, info or warning", "See the runbook for on-call procedures."],
}
_FILE_NAMES = {"py": ["settings.py", "app.py", "client.py", "worker.py"], "yaml": ["config.yaml", "deploy.yaml", "values.yaml"],
               "env": [".env", ".env.staging", "ci.env"], "md": ["README.md", "SETUP.md", "CHANGELOG.md"]}


def _sendgrid(rng: random.Random) -> str:
    return f"SG.{_r(rng, _B62 + '-_', 22)}.{_r(rng, _B62 + '-_', 43)}"


def _other_password(rng: random.Random) -> str:
    """Human passwords of other shapes than the visible corpus's Word+year+symbol."""
    return rng.choice([
        lambda: _r(rng, string.ascii_lowercase, 5) + rng.choice("0134") + _r(rng, string.ascii_lowercase, 3) + rng.choice("&!@"),
        lambda: rng.choice(_WORDS) + "-" + rng.choice(_WORDS) + "-" + str(rng.randint(10, 99)),
        lambda: rng.choice("!#@") + rng.choice(_WORDS).upper() + str(rng.randint(100, 999)),
    ])()


# A second generator, for grading generalisation: providers and shapes that the visible corpus never shows
# (SendGrid, Google, npm, GitLab, Twilio, Azure, minified config), with look-alikes of the same providers.
_HELDOUT_POSITIVE_LINES: list[Callable[[random.Random], str]] = [
    lambda r: f"SENDGRID_API_KEY={_sendgrid(r)}",
    lambda r: f"export SENDGRID_API_KEY={_sendgrid(r)}",
    lambda r: f"  sendgrid_key: {_sendgrid(r)}",
    lambda r: f"  sendgrid: {{ apiKey: '{_sendgrid(r)}' }},",
    lambda r: f'mail.send(api_key="{_sendgrid(r)}", to=user.email)',
    lambda r: f'GOOGLE_MAPS_KEY = "AIza{_r(r, _B62 + "-_", 35)}"',
    lambda r: f"//registry.npmjs.org/:_authToken=npm_{_r(r, _B62, 36)}",
    lambda r: f"\turl = https://oauth2:glpat-{_r(r, _B62 + '-_', 20)}@gitlab.internal/orders/app.git",
    lambda r: f"TWILIO_AUTH_TOKEN={_r(r, _HEX, 32)}",
    lambda r: f'    "webhook_secret": "whsec_{_r(r, _B62, 32)}",',
    lambda r: (f'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=orders;'
               f'AccountKey={_r(r, _B64, 86)}==;EndpointSuffix=core.windows.net"'),
    lambda r: (f'{{"service":"orders","region":"eu-west-1","retries":3,"timeout_ms":2500,"log_level":"info",'
               f'"features":["search","export"],"apiKey":"{_r(r, _B62, 32)}","owner":"team-orders"}}'),
    lambda r: f"spring.datasource.password={_other_password(r)}",
    lambda r: f"  MYSQL_ROOT_PASSWORD: '{_other_password(r)}'",
]

_HELDOUT_NEGATIVE_LINES: list[Callable[[random.Random], str]] = [
    lambda r: "SENDGRID_API_KEY=${SENDGRID_API_KEY}",
    lambda r: "  sendgrid: { apiKey: process.env.SENDGRID_API_KEY },",
    lambda r: 'GOOGLE_MAPS_KEY = "AIza-your-maps-key-here"',
    lambda r: "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
    lambda r: "\turl = https://gitlab.internal/orders/app.git",
    lambda r: "TWILIO_AUTH_TOKEN=<paste the token here>",
    lambda r: 'SECRET_KEY = get_secret("django")',
    lambda r: f'<script src="/static/app.js" integrity="sha384-{_r(r, _B64, 64)}"></script>',
    lambda r: f'  etag: "{_r(r, _HEX, 32)}"',
    lambda r: f"Merge commit {_r(r, _HEX, 40)} into main",
    lambda r: f'trace_id = "{_r(r, _HEX, 32)}"',
    lambda r: f"max_tokens = {r.choice([256, 1024, 4096])}",
    lambda r: '    "key_ops": ["verify"],',
    lambda r: "spring.datasource.password=${DB_PASSWORD}",
    lambda r: '  MYSQL_ROOT_PASSWORD_FILE: "/run/secrets/mysql_root"',
    lambda r: "# rotate the SendGrid key every 90 days (see the runbook)",
    lambda r: f"  - image: ghcr.io/orders/api@sha256:{_r(r, _HEX, 64)}",
]


def make_secret_corpus(seed: int, n_files: int = 12, lines_per_file: int = 40, *, held_out: bool = False) -> list[SampleFile]:
    """A labelled corpus generated at run time: per file about 4-6 secrets, 8-12 hard negatives, the rest filler.

    held_out=True draws the secrets and look-alikes from a second generator (other providers and shapes), to
    measure whether a scanner generalises or only learned the visible corpus.
    """
    rng = random.Random(seed)
    positives = _HELDOUT_POSITIVE_LINES if held_out else _POSITIVE_LINES
    negatives = _HELDOUT_NEGATIVE_LINES if held_out else _HARD_NEGATIVE_LINES
    files = []
    for i in range(n_files):
        kind = rng.choice(sorted(_FILLER))
        lines: list[tuple[str, bool]] = [(rng.choice(positives)(rng), True) for _ in range(rng.randint(4, 6))]
        lines += [(rng.choice(negatives)(rng), False) for _ in range(rng.randint(8, 12))]
        while len(lines) < lines_per_file:
            lines.append((rng.choice(_FILLER[kind]), False))
        rng.shuffle(lines)
        name = f"{i:02d}-{rng.choice(_FILE_NAMES[kind])}"
        files.append(SampleFile(name, "\n".join(text for text, _ in lines) + "\n", {n for n, (_, s) in enumerate(lines, start=1) if s}))
    return files


def write_corpus(files: Iterable[SampleFile], folder: str | Path) -> list[Path]:
    """Write the corpus into `folder` (a temporary directory): one file each."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in files:
        path = folder / f.name
        path.write_text(f.text, encoding="utf-8")
        paths.append(path)
    return paths
