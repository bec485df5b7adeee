"""The portfolio folder and the README of a portfolio project (what it does, how to run and test it, its benchmark)."""

from __future__ import annotations

import os
from pathlib import Path

from backendlab import course


def portfolio_dir(sample: bool = False) -> Path:
    """Where the proof point goes: $BACKENDLAB_PORTFOLIO, else <course root>/portfolio (a sample/ subfolder for sample evidence)."""
    env = os.environ.get("BACKENDLAB_PORTFOLIO")
    base = Path(env).expanduser() if env else course.root() / "portfolio"
    folder = base / "sample" if sample else base
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def project_readme(name: str, summary: str, endpoints: list[tuple[str, str]], tests: list[str], benchmark: dict[str, float]) -> str:
    """The README of a portfolio project: what it does, how to run and test it, its CI, and its measured benchmark."""
    rows = "\n".join(f"| `{route}` | {what} |" for route, what in endpoints)
    test_lines = "\n".join(f"- `{t}`" for t in tests)
    bench = "\n".join(f"| {k} | {v:.2f} |" for k, v in benchmark.items())
    return f"""# {name}

{summary}

## Endpoints

| Route | What it returns |
| --- | --- |
{rows}

## Run it

```bash
python -m venv .venv && . .venv/bin/activate
pip install -r requirements.txt
uvicorn app:app --host 127.0.0.1 --port 8000
```

## Tests

`pytest -q` runs:

{test_lines}

CI (`.github/workflows/ci.yml`) runs ruff and pytest on every push and pull request.

## Benchmark (measured, not estimated)

| Metric | Value |
| --- | --- |
{bench}

Measured with sequential requests from one client on the same machine (loopback): it bounds the service's
own overhead, not production latency. Re-run `python bench.py` after every change and keep the numbers here.
"""
