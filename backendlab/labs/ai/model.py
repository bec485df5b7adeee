"""A logistic-regression fraud model in plain numpy: training, scoring, a content-hashed version, a registry folder."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from backendlab.labs.ai.transactions import FEATURES, Transaction, feature_row


@dataclass(frozen=True)
class FraudModel:
    """Standardise the features with (means, stds), then sigmoid(weights . x + bias). The version is a content hash."""

    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    stds: tuple[float, ...]
    features: tuple[str, ...] = FEATURES
    name: str = "fraud"

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        z = (np.asarray(X, float) - np.array(self.means)) / np.array(self.stds)
        return 1.0 / (1.0 + np.exp(-(z @ np.array(self.weights) + self.bias)))

    def score(self, tx: Transaction | dict) -> float:
        """The fraud probability of one transaction, a float in 0..1."""
        return float(self.predict_proba(np.array([feature_row(tx)]))[0])

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, no spaces, floats as repr): the same model always gives the same bytes."""
        body = {"name": self.name, "features": list(self.features), "weights": list(self.weights), "bias": self.bias,
                "means": list(self.means), "stds": list(self.stds), "format": "logistic-v1"}
        return json.dumps(body, sort_keys=True, separators=(",", ":"))

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    @property
    def version(self) -> str:
        """name-<first 12 hex digits of the SHA-256 of to_json()>: change one weight and the version changes."""
        return f"{self.name}-{self.digest[:12]}"

    @classmethod
    def from_json(cls, text: str) -> FraudModel:
        d = json.loads(text)
        return cls(tuple(d["weights"]), float(d["bias"]), tuple(d["means"]), tuple(d["stds"]), tuple(d["features"]), d["name"])


def train_logistic(X: np.ndarray, y: np.ndarray, *, steps: int = 300, lr: float = 0.5, l2: float = 1e-3,
                   name: str = "fraud") -> tuple[FraudModel, list[float]]:
    """Full-batch gradient descent on the mean log loss (plus an L2 penalty); returns the model and the loss per step."""
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    means, stds = X.mean(axis=0), X.std(axis=0)
    stds[stds == 0] = 1.0
    Z = (X - means) / stds
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Z @ w + b)))
        eps = 1e-12
        losses.append(float(-np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + l2 * float(w @ w)))
        w -= lr * (Z.T @ (p - y) / len(y) + 2 * l2 * w)
        b -= lr * float(np.mean(p - y))
    model = FraudModel(tuple(float(v) for v in w), float(b), tuple(float(v) for v in means), tuple(float(v) for v in stds), name=name)
    return model, losses


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve: the chance that a random fraud scores above a random legitimate payment (ties count half)."""
    scores, labels = np.asarray(scores, float), np.asarray(labels)
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    allv = np.concatenate([pos, neg])
    for v in np.unique(allv):  # average ranks of ties
        same = allv == v
        if same.sum() > 1:
            ranks[same] = ranks[same].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


class TamperedModel(RuntimeError):
    """A model file's content does not match the hash in its version: it was changed after it was registered."""


class ModelRegistry:
    """A folder of immutable models, root/<version>/model.json, plus aliases ("production", "canary") with their history."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def register(self, model: FraudModel) -> str:
        """Store the model under its version (idempotent: the same content is the same version); return the version."""
        folder = self.root / model.version
        folder.mkdir(exist_ok=True)
        _atomic_write(folder / "model.json", model.to_json())
        return model.version

    def versions(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if (p / "model.json").is_file())

    def load(self, version: str) -> FraudModel:
        """Read a model and check its content against the hash in its version; raise TamperedModel if they differ."""
        text = (self.root / version / "model.json").read_text(encoding="utf-8")
        model = FraudModel.from_json(text)
        if model.version != version or hashlib.sha256(text.encode()).hexdigest() != model.digest:
            raise TamperedModel(f"{version}: the file's content hashes to {model.version}; refusing to serve it")
        return model

    def _aliases(self) -> dict[str, list[str]]:
        file = self.root / "aliases.json"
        return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}

    def set_alias(self, alias: str, version: str) -> None:
        """Point alias at a registered version (promotion); the previous target is kept for rollback."""
        if version not in self.versions():
            raise KeyError(f"{version} is not registered")
        aliases = self._aliases()
        aliases.setdefault(alias, []).append(version)
        _atomic_write(self.root / "aliases.json", json.dumps(aliases, indent=1, sort_keys=True))

    def alias(self, alias: str) -> str | None:
        history = self._aliases().get(alias, [])
        return history[-1] if history else None

    def rollback(self, alias: str) -> str:
        """Point alias back at its previous version; return it."""
        aliases = self._aliases()
        history = aliases.get(alias, [])
        if len(history) < 2:
            raise KeyError(f"{alias} has no earlier version to roll back to")
        history.pop()
        _atomic_write(self.root / "aliases.json", json.dumps(aliases, indent=1, sort_keys=True))
        return history[-1]


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


# --- stand-ins for grading and demonstrations: a model whose speed and failures we control --------------------------


@dataclass
class StubModel:
    """Scores with score_fn; counts calls. version is fixed."""

    score_fn: Callable[[Any], float]
    version: str = "stub-000000000001"
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def score(self, tx: Any) -> float:
        with self.lock:
            self.calls += 1
        return self.score_fn(tx)


@dataclass
class BlockingModel(StubModel):
    """Never answers until release() is called (a model stuck on a slow disk, a GC pause, an overloaded GPU)."""

    gate: threading.Event = field(default_factory=threading.Event, repr=False)

    def score(self, tx: Any) -> float:
        with self.lock:
            self.calls += 1
        self.gate.wait(30)  # bounded: a forgotten release never hangs a kernel for ever
        return self.score_fn(tx)

    def release(self) -> None:
        self.gate.set()


@dataclass
class FailingModel(StubModel):
    """Raises on every call (a corrupt model file, an out-of-memory error)."""

    def score(self, tx: Any) -> float:
        with self.lock:
            self.calls += 1
        raise RuntimeError("model crashed")
