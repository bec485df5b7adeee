"""An offline dependency audit: pinned versions compared with a small snapshot of real, published advisories."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from packaging.specifiers import SpecifierSet
from packaging.version import Version

# A snapshot of real advisories, checked on 2026-11-30 against their public records and the projects' own fixes. It is
# deliberately tiny: a real audit (pip-audit, cargo audit, npm audit) downloads the whole database every run.
ADVISORY_SNAPSHOT: list[dict[str, str]] = [
    {
        "id": "GHSA-ffqj-6fqr-9h24",
        "aliases": "CVE-2022-29217",
        "package": "pyjwt",
        "affected": "<2.4.0",
        "fixed": "2.4.0",
        "summary": "Key confusion: a public key in a format PyJWT did not block-list is accepted as an HMAC secret "
        "when the verifier allows both HMAC and asymmetric algorithms",
        "source": "https://github.com/advisories/GHSA-ffqj-6fqr-9h24 (PyJWT 2.4.0 changelog)",
    },
    {
        "id": "GHSA-xgmm-8j9v-c9wx",
        "aliases": "CVE-2026-48526, PYSEC-2026-179",
        "package": "pyjwt",
        "affected": "<2.13.0",
        "fixed": "2.13.0",
        "summary": "A JWK document is not rejected as an HMAC secret: algorithm confusion when HMAC and asymmetric "
        "algorithms are both allowed",
        "source": "https://github.com/advisories/GHSA-xgmm-8j9v-c9wx (PyJWT 2.13.0)",
    },
]


@dataclass(frozen=True)
class Finding:
    """One pinned dependency that an advisory covers."""

    package: str
    version: str
    advisory: str
    aliases: str
    fixed: str
    summary: str


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503 normalisation: PyJWT, pyjwt and py_jwt are one project


def parse_pins(lines: Iterable[str]) -> dict[str, str]:
    """name -> version for every `name==version` line of a requirements file (comments and other lines ignored)."""
    pins = {}
    for line in lines:
        match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)", line)
        if match:
            pins[_name(match.group(1))] = match.group(2)
    return pins


def audit_pins(pins: Mapping[str, str], advisories: Iterable[Mapping[str, str]] = ADVISORY_SNAPSHOT) -> list[Finding]:
    """Every (pin, advisory) pair whose pinned version falls in the advisory's affected range. Reads no code at all."""
    found = []
    normalised = {_name(name): version for name, version in pins.items()}
    for adv in advisories:
        version = normalised.get(_name(adv["package"]))
        if version is not None and Version(version) in SpecifierSet(adv["affected"]):
            found.append(Finding(adv["package"], version, adv["id"], adv["aliases"], adv["fixed"], adv["summary"]))
    return found
