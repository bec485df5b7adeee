"""Profiling: a slow report with two mistakes in it (a remote call per row, a linear search per row), the fix (reference
for exercise 5), and cProfile's statistics turned into an icicle graph drawn with matplotlib."""

from __future__ import annotations

import cProfile
import pstats
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CURRENCIES = ("EUR", "USD", "GBP", "CHF")


@dataclass(frozen=True)
class Order:
    order_id: int
    customer_id: int
    amount: float
    currency: str


@dataclass(frozen=True)
class Customer:
    customer_id: int
    name: str
    country: str


class RatesClient:
    """A remote exchange-rate service: each rate() call is a network round trip of `latency_s` (a sleep) and is
    counted. Rates change from one client to the next (a new day), so a rate is only good for one report."""

    def __init__(self, seed: int = 1, latency_s: float = 0.001) -> None:
        rng = random.Random(seed)
        self.rates = {c: 1.0 if c == "EUR" else round(rng.uniform(0.6, 1.6), 4) for c in CURRENCIES}
        self.latency_s = latency_s
        self.calls = 0

    def rate(self, currency: str) -> float:
        """How many EUR one unit of `currency` is worth."""
        self.calls += 1
        time.sleep(self.latency_s)
        return self.rates[currency]


def make_data(n_orders: int = 120, n_customers: int = 400, seed: int = 6) -> tuple[list[Order], list[Customer]]:
    """Orders (some of customers that no longer exist) and customers, deterministic for a seed."""
    rng = random.Random(seed)
    customers = [Customer(i, f"customer {i}", rng.choice(["DE", "FR", "GB", "US", "CH", "NL"])) for i in range(1, n_customers + 1)]
    rng.shuffle(customers)
    orders = [Order(1000 + i, rng.randint(1, n_customers + n_customers // 20), round(rng.uniform(5, 500), 2), rng.choice(CURRENCIES))
              for i in range(n_orders)]
    return orders, customers


def find_customer(customers: list[Customer], customer_id: int) -> Customer | None:
    for c in customers:
        if c.customer_id == customer_id:
            return c
    return None


def slow_order_report(orders: list[Order], customers: list[Customer], rates: RatesClient) -> list[dict[str, Any]]:
    """One row per order, in order: order_id, customer name and country ('unknown' for a customer that is gone) and
    the amount in EUR rounded to cents."""
    rows: list[dict[str, Any]] = []
    for order in orders:
        customer = find_customer(customers, order.customer_id)
        eur = round(order.amount * rates.rate(order.currency), 2)
        rows = rows + [{
            "order_id": order.order_id,
            "customer": customer.name if customer else "unknown",
            "country": customer.country if customer else "unknown",
            "total_eur": eur,
        }]
    return rows


def fast_order_report(orders: list[Order], customers: list[Customer], rates: RatesClient) -> list[dict[str, Any]]:
    """Reference for exercise 5: the same rows, one rate call per currency and a dict instead of a search per row."""
    by_id: dict[int, Customer] = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)  # the first one, as find_customer's search finds it
    rate_of = {cur: rates.rate(cur) for cur in sorted({o.currency for o in orders})}
    rows = []
    for order in orders:
        customer = by_id.get(order.customer_id)
        rows.append({
            "order_id": order.order_id,
            "customer": customer.name if customer else "unknown",
            "country": customer.country if customer else "unknown",
            "total_eur": round(order.amount * rate_of[order.currency], 2),
        })
    return rows


def profile(fn: Callable[..., Any], *args: Any) -> pstats.Stats:
    """cProfile's statistics of one call fn(*args) (deterministic: every call of every Python function is counted)."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        fn(*args)
    finally:
        profiler.disable()
    return pstats.Stats(profiler)


def label(func: tuple[str, int, str]) -> str:
    """'file:line(name)' as pstats prints it, shortened to the name (and the file's last part for built-ins)."""
    file, line, name = func
    if file == "~":
        return name.strip("<>").replace("built-in method ", "")
    return name


def top_functions(stats: pstats.Stats, n: int = 8) -> list[dict[str, Any]]:
    """The n functions with the most cumulative time: calls, own time and cumulative time in ms."""
    rows = []
    for func, (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": label(func), "calls": nc, "own_ms": round(tt * 1000, 2), "cumulative_ms": round(ct * 1000, 2)})
    rows.sort(key=lambda r: -r["cumulative_ms"])
    return [r for r in rows if "_lsprof" not in r["function"]][:n]


def call_tree(stats: pstats.Stats, root_name: str, max_depth: int = 5, min_share: float = 0.01) -> list[tuple[int, float, float, str]]:
    """Icicle rectangles (depth, start_ms, width_ms, label) below the function named root_name.

    cProfile records callers per function, not whole call paths: a child's time on a path is its time under that
    parent, scaled by the share of the parent's time spent on the path (what snakeviz does too). Boxes narrower than
    min_share of the root are left out.
    """
    table = stats.stats  # type: ignore[attr-defined]
    roots = [f for f in table if f[2] == root_name]
    if not roots:
        raise ValueError(f"{root_name} was not called in this profile")
    root = max(roots, key=lambda f: table[f][3])
    children: dict[Any, list[tuple[Any, float]]] = {}
    for func, (_cc, _nc, _tt, _ct, callers) in table.items():
        for caller, edge in callers.items():
            children.setdefault(caller, []).append((func, edge[3]))
    total_ms = table[root][3] * 1000
    boxes: list[tuple[int, float, float, str]] = []

    def walk(func: Any, depth: int, start: float, width: float) -> None:
        boxes.append((depth, start, width, label(func)))
        own_total = table[func][3] * 1000
        if depth + 1 >= max_depth or own_total <= 0:
            return
        x = start
        for child, ct in sorted(children.get(func, []), key=lambda c: -c[1]):
            w = ct * 1000 * width / own_total
            if w >= min_share * total_ms and child != func:
                walk(child, depth + 1, x, w)
                x += w

    walk(root, 0, 0.0, total_ms)
    return boxes


def draw_icicle(ax: Any, boxes: list[tuple[int, float, float, str]], title: str) -> None:
    """Draw the call tree top-down: the root on top, callees below, width = time (ms)."""
    import matplotlib.pyplot as plt

    colours = plt.cm.tab20.colors  # type: ignore[attr-defined]
    names = sorted({b[3] for b in boxes})
    for depth, start, width, name in boxes:
        ax.barh(-depth, width, left=start, height=0.9, color=colours[names.index(name) % len(colours)], edgecolor="white")
        total = boxes[0][2] or 1
        if width > 0.08 * total:
            ax.text(start + width / 2, -depth, f"{name}\n{width:.0f} ms", ha="center", va="center", fontsize=8)
    depth_max = max(b[0] for b in boxes)
    ax.set_yticks([-d for d in range(depth_max + 1)], [str(d) for d in range(depth_max + 1)])
    ax.set(title=title, xlabel="time spent (ms, cumulative)", ylabel="call depth (0 = the report)")
