"""Secrets at run time: loading them from the environment or a mounted file."""

from __future__ import annotations

import os
from collections.abc import Mapping
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
