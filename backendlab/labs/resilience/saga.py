"""A saga with compensations for module 07: a sequence of local steps across services, each with an undo that runs,
in reverse order, when a later step fails. Orchestrated, with its log kept so a restarted orchestrator can finish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Step:
    name: str
    action: Callable[[dict], None]
    compensate: Callable[[dict], None]


@dataclass
class SagaResult:
    ok: bool
    log: list[str] = field(default_factory=list)
    failed_step: str | None = None
    error: str | None = None


def run_saga(steps: list[Step], context: dict, max_compensation_attempts: int = 3) -> SagaResult:
    """Run the steps in order; if one raises, compensate the completed ones in reverse order (each retried up to
    `max_compensation_attempts` times, so a compensation must be idempotent) and report what happened."""
    result = SagaResult(ok=True)
    done: list[Step] = []
    for step in steps:
        try:
            step.action(context)
        except Exception as exc:
            result.ok, result.failed_step, result.error = False, step.name, f"{type(exc).__name__}: {exc}"
            result.log.append(f"{step.name}: failed ({exc})")
            break
        done.append(step)
        result.log.append(f"{step.name}: done")
    if result.ok:
        return result
    for step in reversed(done):
        for attempt in range(1, max_compensation_attempts + 1):
            try:
                step.compensate(context)
                result.log.append(f"{step.name}: compensated" + (f" (attempt {attempt})" if attempt > 1 else ""))
                break
            except Exception as exc:
                if attempt == max_compensation_attempts:
                    result.log.append(f"{step.name}: compensation FAILED ({exc}) — needs a human")
    return result


@dataclass
class Shop:
    """Three services' state in one object, for the demo: stock, card balances, shipments."""

    stock: dict[str, int] = field(default_factory=lambda: {"lamp": 2})
    balance: dict[str, int] = field(default_factory=lambda: {"ada": 5000})
    shipments: list[str] = field(default_factory=list)
    couriers_up: bool = True

    def steps(self) -> list[Step]:
        def reserve(c: dict) -> None:
            if self.stock[c["sku"]] < 1:
                raise RuntimeError("out of stock")
            self.stock[c["sku"]] -= 1

        def release(c: dict) -> None:
            self.stock[c["sku"]] += 1

        def charge(c: dict) -> None:
            if self.balance[c["customer"]] < c["price"]:
                raise RuntimeError("card declined")
            self.balance[c["customer"]] -= c["price"]
            c["charged"] = True

        def refund(c: dict) -> None:
            if c.pop("charged", False):  # idempotent: a second refund does nothing
                self.balance[c["customer"]] += c["price"]

        def ship(c: dict) -> None:
            if not self.couriers_up:
                raise ConnectionError("courier service unreachable")
            self.shipments.append(c["order_id"])

        def cancel_shipment(c: dict) -> None:
            if c["order_id"] in self.shipments:
                self.shipments.remove(c["order_id"])

        return [Step("reserve stock", reserve, release), Step("charge card", charge, refund),
                Step("book courier", ship, cancel_shipment)]
