"""Generated card transactions for module 08: the validated request model, the features a model sees, and the rules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

MERCHANTS = ("grocery", "fuel", "restaurant", "online", "electronics", "travel")
RISKY_MERCHANTS = frozenset({"online", "electronics", "travel"})
FEATURES = ("log_amount", "night", "log_km_from_home", "tx_last_hour", "card_not_present", "risky_merchant")
RAW_COLUMNS = ("amount", "hour", "km_from_home", "tx_last_hour", "card_present")  # numeric columns the drift monitor watches
BLOCK_AT = 0.3  # score >= BLOCK_AT: block; >= REVIEW_AT: send to a human; else allow
REVIEW_AT = 0.1
RULES_VERSION = "rules-v1"
RULES_CAP = 0.29  # below BLOCK_AT on purpose: in degraded mode the rules send payments to a human, never block them
# the generator's hidden truth: log-odds of fraud per feature (the model has to learn these from labels alone)
_TRUE_BIAS = -9.0
_TRUE_WEIGHTS = (0.55, 1.5, 0.45, 0.35, 1.6, 1.1)


class Transaction(BaseModel):
    """One card payment as the scoring API accepts it: every field bounded, unknown fields refused."""

    model_config = ConfigDict(extra="forbid")

    amount: float = Field(gt=0, le=50_000, description="in euros")
    hour: int = Field(ge=0, le=23, description="local hour of the payment")
    km_from_home: float = Field(ge=0, le=20_000, description="distance between the merchant and the card holder's home")
    tx_last_hour: int = Field(ge=0, le=200, description="payments on this card in the hour before")
    card_present: bool
    merchant: Literal["grocery", "fuel", "restaurant", "online", "electronics", "travel"]


def feature_row(tx: Transaction | dict) -> list[float]:
    """The model's features of one transaction, in FEATURES order."""
    t = tx.model_dump() if isinstance(tx, BaseModel) else tx
    return [
        math.log1p(float(t["amount"])),
        1.0 if int(t["hour"]) < 6 else 0.0,
        math.log1p(float(t["km_from_home"])),
        float(t["tx_last_hour"]),
        0.0 if t["card_present"] else 1.0,
        1.0 if t["merchant"] in RISKY_MERCHANTS else 0.0,
    ]


def rule_score(tx: Transaction | dict) -> float:
    """The rule-based fallback: points for what fraud analysts look at first, a score in 0..1 that needs no model
    (what ran before the model existed, and what answers when the model cannot)."""
    t = tx.model_dump() if isinstance(tx, BaseModel) else tx
    score = 0.01
    if not t["card_present"]:
        score += 0.03
    if t["amount"] > 1_000:
        score += 0.08
    if t["km_from_home"] > 500:
        score += 0.08
    if t["tx_last_hour"] >= 5:
        score += 0.12
    if t["hour"] < 6:
        score += 0.06
    return round(min(score, RULES_CAP), 4)


def decision(score: float) -> str:
    """"block" when score >= BLOCK_AT, "review" when score >= REVIEW_AT, else "allow"."""
    return "block" if score >= BLOCK_AT else "review" if score >= REVIEW_AT else "allow"


@dataclass
class TransactionSet:
    """Generated transactions as columns (numpy arrays), their fraud labels, and views as rows or features."""

    columns: dict[str, np.ndarray]
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def row(self, i: int) -> dict:
        c = self.columns
        return {"amount": float(c["amount"][i]), "hour": int(c["hour"][i]), "km_from_home": float(c["km_from_home"][i]),
                "tx_last_hour": int(c["tx_last_hour"][i]), "card_present": bool(c["card_present"][i]),
                "merchant": str(c["merchant"][i])}

    def rows(self, limit: int | None = None) -> list[dict]:
        return [self.row(i) for i in range(len(self) if limit is None else min(limit, len(self)))]

    def features(self) -> np.ndarray:
        """The feature matrix (n x len(FEATURES)), computed column-wise."""
        c = self.columns
        return np.column_stack([
            np.log1p(c["amount"]), (c["hour"] < 6).astype(float), np.log1p(c["km_from_home"]), c["tx_last_hour"].astype(float),
            (~c["card_present"]).astype(float), np.isin(c["merchant"], sorted(RISKY_MERCHANTS)).astype(float),
        ])

    def numeric(self) -> dict[str, np.ndarray]:
        """The numeric raw columns the drift monitor compares (card_present as 0.0/1.0)."""
        return {k: self.columns[k].astype(float) for k in RAW_COLUMNS}


def make_transactions(n: int, seed: int, *, shift: dict[str, float] | None = None) -> TransactionSet:
    """n generated payments with fraud labels drawn from a fixed hidden logistic rule (about 2-4 % fraud).

    shift changes today's traffic against the training data, one knob per column: {"km_from_home": 3.0} multiplies
    distances by 3 (a holiday season), {"amount": 2.0} doubles amounts, {"night": 0.3} moves 30 % of payments to
    0-5 h, {"card_not_present": 0.3} turns 30 % more payments into online ones. Labels follow the same hidden rule.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    shift = shift or {}
    rng = np.random.default_rng(seed)
    amount = np.round(np.clip(rng.lognormal(3.4, 1.0, n) * shift.get("amount", 1.0), 0.5, 50_000), 2)
    hour = rng.choice(24, size=n, p=_hour_weights())
    night_share = shift.get("night", 0.0)
    if night_share:
        moved = rng.random(n) < night_share
        hour = np.where(moved, rng.integers(0, 6, n), hour)
    km = np.round(np.clip(rng.lognormal(1.8, 1.3, n) * shift.get("km_from_home", 1.0), 0, 20_000), 1)
    tx_last_hour = np.minimum(rng.poisson(1.2, n), 200)
    card_present = rng.random(n) < 0.7
    cnp = shift.get("card_not_present", 0.0)
    if cnp:
        card_present &= ~(rng.random(n) < cnp)
    in_store = rng.choice(["grocery", "fuel", "restaurant", "electronics", "travel"], n, p=[0.4, 0.2, 0.25, 0.1, 0.05])
    merchant = np.where(card_present, in_store, rng.choice(["online", "electronics", "travel"], n, p=[0.75, 0.15, 0.1]))
    columns = {"amount": amount, "hour": hour.astype(np.int64), "km_from_home": km, "tx_last_hour": tx_last_hour.astype(np.int64),
               "card_present": card_present, "merchant": merchant.astype(str)}
    logits = _TRUE_BIAS + TransactionSet(columns, np.zeros(n)).features() @ np.array(_TRUE_WEIGHTS)
    labels = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(np.int64)
    return TransactionSet(columns, labels)


def _hour_weights() -> np.ndarray:
    weights = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.5, 3, 4, 5, 5.5, 6, 7, 6.5, 6, 6, 6, 6.5, 7, 6.5, 5, 4, 3, 2], float)
    return weights / weights.sum()
