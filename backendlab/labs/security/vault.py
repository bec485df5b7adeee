"""Secrets at run time: loading them from the environment or a mounted file, and a simulated secrets manager."""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


class MissingSecret(RuntimeError):
    """A required secret is configured nowhere; the message says where it was looked for."""


def load_secret(name: str, environ: Mapping[str, str] | None = None) -> str:
    """A secret from the environment (NAME) or a mounted file named by NAME_FILE (the Docker/Kubernetes convention)."""
    env = os.environ if environ is None else environ
    if env.get(name):
        return env[name]
    path = env.get(f"{name}_FILE")
    if path:
        value = Path(path).read_text(encoding="utf-8").strip()
        if value:
            return value
    raise MissingSecret(f"secret {name} is not set: export {name}=... or mount a file and set {name}_FILE=/path/to/it")


@dataclass
class Lease:
    """Dynamic database credentials handed out by the secrets manager: valid until expires_at, unless revoked."""

    lease_id: str
    username: str
    password: str = field(repr=False)
    expires_at: float
    max_expires_at: float


class SecretsManager:
    """An in-process stand-in for a secrets manager (HashiCorp Vault, OpenBao, AWS Secrets Manager), clock injected.

    Static secrets are versioned: put() and rotate() add a version, get() returns the latest and logs the reader.
    Dynamic secrets are leased: lease() creates a fresh database user that lives ttl_s seconds (renewable up to
    max_ttl_s), revoke() ends it at once, and database_accepts() is the database's side of that bargain. render()
    writes a secret into a file for the NAME_FILE convention (what an agent or a CSI driver does), so the application
    never holds the manager's token and never finds the secret in its environment or its image.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._versions: dict[str, list[str]] = {}
        self._leases: dict[str, Lease] = {}
        self.audit: list[str] = []

    def put(self, name: str, value: str) -> int:
        """Store a new version of a static secret; return its version number (from 1)."""
        self._versions.setdefault(name, []).append(value)
        self.audit.append(f"t={self.clock():.0f} put {name} v{len(self._versions[name])}")
        return len(self._versions[name])

    def rotate(self, name: str) -> int:
        """Replace a static secret with a fresh random value (32 random bytes, URL-safe)."""
        return self.put(name, secrets.token_urlsafe(32))

    def get(self, name: str, reader: str) -> str:
        """The latest version of `name`; every read is logged with its reader."""
        if name not in self._versions:
            raise MissingSecret(f"secret {name} is not in the manager")
        self.audit.append(f"t={self.clock():.0f} {reader} read {name} v{len(self._versions[name])}")
        return self._versions[name][-1]

    def render(self, name: str, path: str | Path, reader: str = "agent") -> Path:
        """Write the latest version of `name` to `path`, readable by its owner only (mode 0600)."""
        path = Path(path)
        path.write_text(self.get(name, reader), encoding="utf-8")
        path.chmod(0o600)
        return path

    def lease(self, role: str, ttl_s: float, max_ttl_s: float) -> Lease:
        """Fresh database credentials for `role`, valid for ttl_s seconds (renewable up to max_ttl_s after issue)."""
        now = self.clock()
        lease = Lease(f"{role}/{secrets.token_hex(4)}", f"v-{role}-{secrets.token_hex(3)}", secrets.token_urlsafe(24),
                      now + ttl_s, now + max_ttl_s)
        self._leases[lease.lease_id] = lease
        self.audit.append(f"t={now:.0f} lease {lease.lease_id} as {lease.username} for {ttl_s:.0f} s")
        return lease

    def renew(self, lease_id: str, increment_s: float) -> float:
        """Extend a live lease by increment_s, never past its max_ttl; return the new expiry."""
        lease = self._leases.get(lease_id)
        if lease is None or self.clock() >= lease.expires_at:
            raise MissingSecret(f"lease {lease_id} is expired or revoked: ask for a new one")
        lease.expires_at = min(self.clock() + increment_s, lease.max_expires_at)
        self.audit.append(f"t={self.clock():.0f} renew {lease_id} until {lease.expires_at:.0f}")
        return lease.expires_at

    def revoke(self, lease_id: str) -> None:
        """End a lease now: its database user is dropped."""
        if self._leases.pop(lease_id, None) is not None:
            self.audit.append(f"t={self.clock():.0f} revoke {lease_id}")

    def database_accepts(self, username: str, password: str) -> bool:
        """The database's view: only the credentials of a live lease log in."""
        now = self.clock()
        return any(
            lease.username == username and hmac.compare_digest(lease.password, password) and now < lease.expires_at
            for lease in self._leases.values()
        )
