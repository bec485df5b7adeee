"""Secret scanning: provider patterns, entropy and context (exercise 6), masking, precision and recall."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

from backendlab.labs.security.corpus import SampleFile


def shannon_entropy(text: str) -> float:
    """Bits per character of `text`, from its own character frequencies (0 for '', log2(64)=6 for perfect base64)."""
    if not text:
        return 0.0
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


PROVIDER_PATTERNS: dict[str, re.Pattern[str]] = {
    "aws-access-key-id": re.compile(r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b"),
    "github-token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
    "slack-token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "stripe-live-key": re.compile(r"\b[sr]k_live_[A-Za-z0-9]{20,}"),
    "sendgrid-api-key": re.compile(r"\bSG\.[\w-]{22}\.[\w-]{43}(?![\w-])"),
    "private-key": re.compile(r"-{5}BEGIN (?:[A-Z]+ )*PRIVATE KEY-{5}"),
    "jwt": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "url-credentials": re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s:@]+@"),
}
ASSIGNMENT = re.compile(
    r"""(?i)(?P<name>[\w.-]*(?:key|secret|token|passw(?:or)?d|pwd|credential)[\w.-]*)["']?\s*[:=]\s*"""
    r"""(?P<quote>["']?)(?P<value>[^\s"',;]*)(?P=quote)"""
)
PLACEHOLDER_WORDS = ("your", "example", "changeme", "change-me", "replace", "xxxx", "dummy", "placeholder", "redacted", "***", "todo")


def _is_placeholder(value: str) -> bool:
    low = value.lower()
    return value[:1] in "$<{" or any(w in low for w in PLACEHOLDER_WORDS) or len(set(value)) <= 2


def _random_part(part: str) -> bool:
    """A long run of mixed letters and digits with high entropy: a token, not a name (SENDGRID_API_KEY is a name)."""
    return len(part) >= 16 and shannon_entropy(part) >= 3.5 and any(c.isdigit() for c in part) and any(c.isalpha() for c in part)


def _looks_like_code(value: str, quoted: bool) -> bool:
    """An unquoted lookup (os.environ[...], getenv(...), settings.SECRET_KEY) rather than a literal.

    A dotted value is code only when no part of it is random: SG.<22>.<43> (a SendGrid key) is dotted too.
    """
    if quoted:
        return False
    if "(" in value or "[" in value:
        return True
    return re.fullmatch(r"[A-Za-z_][\w-]*(?:\.[\w-]+)+", value) is not None and not any(_random_part(p) for p in value.split("."))


def secret_findings(text: str) -> list[tuple[int, str, str]]:
    """(line number from 1, rule, the matched value) for every line that holds a secret: patterns, then entropy."""
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        hit: tuple[str, str] | None = None
        for rule, pattern in PROVIDER_PATTERNS.items():
            match = pattern.search(line)
            if match:
                hit = (rule, match.group(0))
                break
        if hit is None:
            for match in ASSIGNMENT.finditer(line):
                name, value, quoted = match.group("name").lower(), match.group("value"), bool(match.group("quote"))
                if not value or _is_placeholder(value) or _looks_like_code(value, quoted):
                    continue
                if re.search(r"(?:file|path|dir)$", name):  # NAME_FILE=/run/secrets/...: where a secret lives, not the secret
                    continue
                if re.search(r"passw|pwd", name) and len(value) >= 6 and not value.isdigit():
                    hit = ("password-assignment", value)
                elif len(value) >= 16 and shannon_entropy(value) >= 3.0:
                    hit = ("high-entropy-assignment", value)
                if hit:
                    break
        if hit:
            findings.append((number, hit[0], hit[1]))
    return findings


def find_secrets(text: str) -> list[int]:
    """Reference for exercise 6: the 1-based numbers of the lines of `text` that contain a secret."""
    return [number for number, _, _ in secret_findings(text)]


def mask(value: str, keep: int = 4) -> str:
    """Show a secret without showing it: its first characters and its length."""
    return f"{value[:keep]}…({len(value)} chars)"



def precision_recall(scanner: Callable[[str], Iterable[int]], files: Iterable[SampleFile]) -> tuple[float, float]:
    """Line-level precision and recall of `scanner` over a labelled corpus (1.0 when there is nothing to find/flag)."""
    true_pos = flagged = actual = 0
    for f in files:
        found = set(scanner(f.text))
        true_pos += len(found & f.secret_lines)
        flagged += len(found)
        actual += len(f.secret_lines)
    return (true_pos / flagged if flagged else 1.0), (true_pos / actual if actual else 1.0)
