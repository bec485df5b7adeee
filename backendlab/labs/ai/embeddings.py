"""A local, deterministic embedder (hashed character n-grams), nearest neighbours with numpy or DuckDB, the semantic
cache of exercise 4, and a small corpus of runbook snippets for retrieval."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

DIM = 256
NGRAM = 3


def _normalise(text: str) -> str:
    return " " + re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip() + " "


def embed(text: str, dim: int = DIM) -> np.ndarray:
    """A unit vector (float32, `dim` values) from the text's character 3-grams, each hashed (BLAKE2b) into a bucket with a
    sign. Same text, same vector, on every machine. It measures SURFACE similarity: near-duplicates (case, punctuation,
    a typo, a word added) land close; paraphrases with other words do not. The empty text gives the zero vector."""
    vec = np.zeros(dim, dtype=np.float32)
    s = _normalise(text)
    for i in range(len(s) - NGRAM + 1):
        h = int.from_bytes(hashlib.blake2b(s[i:i + NGRAM].encode(), digest_size=8).digest(), "little")
        vec[h % dim] += 1.0 if (h >> 32) & 1 else -1.0
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm > 0 else vec


def cosine(u: np.ndarray, v: np.ndarray) -> float:
    """u . v / (|u| |v|), and 0.0 when either is the zero vector."""
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    return 0.0 if nu == 0 or nv == 0 else float(np.dot(u, v) / (nu * nv))


def top_k_numpy(query: np.ndarray, matrix: np.ndarray, k: int) -> list[tuple[int, float]]:
    """(row, cosine similarity) of the k rows of `matrix` most similar to query, best first (rows are unit vectors)."""
    sims = matrix @ query
    order = np.argsort(-sims, kind="stable")[:k]
    return [(int(i), float(sims[i])) for i in order]


def duckdb_index(con: Any, ids: Sequence[str], texts: Sequence[str], dim: int = DIM, table: str = "docs") -> None:
    """A DuckDB table (id, text, embedding FLOAT[dim]) filled with embed(text) for every text."""
    con.execute(f"CREATE OR REPLACE TABLE {table} (id VARCHAR, text VARCHAR, embedding FLOAT[{dim}])")
    con.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", [(i, t, embed(t, dim).tolist()) for i, t in zip(ids, texts, strict=True)])


def top_k_duckdb(con: Any, query: str, k: int, dim: int = DIM, table: str = "docs") -> list[tuple[str, float]]:
    """(id, cosine similarity) of the k stored texts nearest to query, with DuckDB's array_cosine_similarity."""
    rows = con.execute(
        f"SELECT id, array_cosine_similarity(embedding, ?::FLOAT[{dim}]) AS sim FROM {table} ORDER BY sim DESC, id LIMIT ?",
        [embed(query, dim).tolist(), k],
    ).fetchall()
    return [(str(i), float(s)) for i, s in rows]


class SemanticCache:
    """Reference answer of exercise 4 (see the notebook for the contract)."""

    def __init__(self, embed: Callable[[str], np.ndarray], threshold: float, ttl_s: float, clock: Callable[[], float]) -> None:
        self.embed, self.threshold, self.ttl_s, self.clock = embed, threshold, ttl_s, clock
        self.entries: dict[str, list[tuple[np.ndarray, str, float]]] = {}

    def put(self, tenant: str, prompt: str, answer: str) -> None:
        self.entries.setdefault(tenant, []).append((np.asarray(self.embed(prompt), dtype=float), answer, self.clock()))

    def get(self, tenant: str, prompt: str) -> str | None:
        now = self.clock()
        query = np.asarray(self.embed(prompt), dtype=float)
        best: tuple[float, float, str] | None = None  # (similarity, stored at, answer)
        for vector, answer, stored in self.entries.get(tenant, []):
            if now >= stored + self.ttl_s:
                continue
            sim = cosine(query, vector)
            if sim >= self.threshold and (best is None or (sim, stored) >= (best[0], best[1])):
                best = (sim, stored, answer)
        return None if best is None else best[2]


RUNBOOK = {
    "retry-budget": ("Retries: every outbound call has a timeout; retry 429 and 503 only, with exponential backoff and jitter, "
                     "at most 3 attempts."),
    "rate-limits": ("Rate limits: the provider answers 429 Too Many Requests with a Retry-After header; "
                    "wait that long before the next call."),
    "token-costs": "Costs: a request is billed per input and output token; cap max_tokens and set a daily token budget per tenant.",
    "streaming": "Streaming: relay tokens to the browser with server-sent events; stop at the deadline and when the client disconnects.",
    "model-rollback": "Rollback: point the production alias back at the previous model version in the registry; it takes effect on reload.",
    "drift-alert": "Drift: when a feature's population stability index stays above 0.25 for an hour, open a ticket to retrain the model.",
    "canary": ("Canary: send 5 to 10 percent of traffic to the new model; promote only if errors, latency and block rate "
               "stay within bounds."),
    "password-reset": "Password reset: send a single-use link that expires in 30 minutes; never send the password itself.",
    "refund-policy": "Refunds: an order can be refunded within 30 days; refunds over 500 euros need a second approval.",
    "order-lookup": "Orders: look an order up by its id (ORD- and six digits); customers only see their own orders.",
    "on-call": "On-call: page on symptoms users feel (error budget burn), ticket on causes (drift, disk filling up).",
    "cache-policy": "Caching answers: key by tenant, expire entries after a day, and never serve one tenant's answer to another.",
}


def near_duplicates(question: str, n: int, seed: int) -> list[str]:
    """n variants of a question as users type them again: case, punctuation, a dropped letter, a filler word."""
    rng = random.Random(seed)
    fillers = ("please", "hi,", "quick question:", "thanks", "again")
    out = []
    for _ in range(n):
        words = question.split()
        change = rng.randrange(4)
        if change == 0:
            words = [w.lower() for w in words]
        elif change == 1:
            words.insert(rng.randrange(len(words) + 1), rng.choice(fillers))
        elif change == 2:
            i = rng.randrange(len(words))
            if len(words[i]) > 3:
                j = rng.randrange(1, len(words[i]) - 1)
                words[i] = words[i][:j] + words[i][j + 1:]
        text = " ".join(words)
        out.append(text.rstrip("?!.") if rng.random() < 0.5 else text)
    return out


QUESTIONS = (
    "How do I reset my password?",
    "How long does a refund take?",
    "Why did my payment fail?",
    "Can I change the delivery address of my order?",
    "How do I delete my account?",
    "Where is my order ORD-123456?",
    "Do you ship to Norway?",
    "How do I update my card details?",
)
