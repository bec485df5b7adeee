"""Plausible wrong answers for module 06 (performance and load): each must lose points on its own exercise.

Written from the docstrings and the narrative before the hidden tests (issue #11's rule), then checked to lose.
"""

# ---------------------------------------------------------------------------------------------------------------
# Exercise 1 — corrected_percentiles
# ---------------------------------------------------------------------------------------------------------------
CP_HEAD = '''
def corrected_percentiles(latencies_ms: list[float], expected_interval_ms: float,
                          qs: tuple[float, ...] = (50.0, 90.0, 99.0)) -> dict[float, float]:
    """Percentiles of a closed-loop client's latencies, corrected for coordinated omission."""
'''

CP_NO_BACKFILL = CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("empty")
    samples = sorted(float(x) for x in latencies_ms)
    n = len(samples)
    return {q: samples[max(1, math.ceil(q / 100 * n)) - 1] for q in qs}
'''

CP_STRICT = CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("empty")
    samples = [float(x) for x in latencies_ms]
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing > expected_interval_ms:
                samples.append(float(missing))
                missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: samples[max(1, math.ceil(q / 100 * n)) - 1] for q in qs}
'''

CP_FROM_L = CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("empty")
    samples = []
    for latency in latencies_ms:
        value = float(latency)
        samples.append(value)
        if expected_interval_ms > 0:
            k = 1
            while latency - k * expected_interval_ms > 0:
                samples.append(float(latency - k * expected_interval_ms))
                k += 1
    samples.sort()
    n = len(samples)
    return {q: samples[max(1, math.ceil(q / 100 * n)) - 1] for q in qs}
'''

CP_NUMPY = CP_HEAD + '''
    import numpy as np

    if not latencies_ms:
        raise ValueError("empty")
    samples = [float(x) for x in latencies_ms]
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                samples.append(float(missing))
                missing -= expected_interval_ms
    return {q: float(np.percentile(samples, q)) for q in qs}
'''

CP_FLOOR_INDEX = CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("empty")
    samples = [float(x) for x in latencies_ms]
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                samples.append(float(missing))
                missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: samples[min(n - 1, int(q / 100 * n))] for q in qs}
'''

CP_ROUND_RANK = CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("empty")
    samples = [float(x) for x in latencies_ms]
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                samples.append(float(missing))
                missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: samples[max(1, round(q / 100 * n)) - 1] for q in qs}
'''

CP_MUTATES = CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("empty")
    if expected_interval_ms > 0:
        for latency in list(latencies_ms):
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                latencies_ms.append(float(missing))
                missing -= expected_interval_ms
    latencies_ms.sort()
    n = len(latencies_ms)
    return {q: float(latencies_ms[max(1, math.ceil(q / 100 * n)) - 1]) for q in qs}
'''

CP_INTS = CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("empty")
    samples = list(latencies_ms)
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                samples.append(missing)
                missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: samples[max(1, math.ceil(q / 100 * n)) - 1] for q in qs}
'''

CP_EMPTY_NAN = CP_HEAD + '''
    samples = [float(x) for x in latencies_ms]
    if not samples:
        return {q: float("nan") for q in qs}
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                samples.append(float(missing))
                missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: samples[max(1, math.ceil(q / 100 * n)) - 1] for q in qs}
'''

CP_BAD_INTERVAL_RAISES = CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("empty")
    if expected_interval_ms <= 0:
        raise ValueError("the expected interval must be positive")
    samples = [float(x) for x in latencies_ms]
    for latency in latencies_ms:
        missing = latency - expected_interval_ms
        while missing >= expected_interval_ms:
            samples.append(float(missing))
            missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: samples[max(1, math.ceil(q / 100 * n)) - 1] for q in qs}
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 2 — StagesShape
# ---------------------------------------------------------------------------------------------------------------
SHAPE_HEAD = '''
class StagesShape:
    """A Locust LoadTestShape driven by `stages`: a list of (duration_s, users, spawn_rate)."""

    stages = [(2, 10, 5), (2, 20, 10), (1, 40, 40), (2, 10, 40)]  # ramp, step, spike, recovery
'''

SHAPE_INCLUSIVE = SHAPE_HEAD + '''
    def tick(self):
        run_time = self.get_run_time()
        end = 0.0
        for duration, users, spawn_rate in self.stages:
            end += duration
            if run_time <= end:
                return int(users), float(spawn_rate)
        return None
'''

SHAPE_CUMULATIVE = SHAPE_HEAD + '''
    def tick(self):
        run_time = self.get_run_time()
        for end, users, spawn_rate in self.stages:  # as in Locust's docs example: "duration" is the end time
            if run_time < end:
                return int(users), float(spawn_rate)
        return None
'''

SHAPE_NEVER_STOPS = SHAPE_HEAD + '''
    def tick(self):
        run_time = self.get_run_time()
        end = 0.0
        for duration, users, spawn_rate in self.stages:
            end += duration
            if run_time < end:
                return int(users), float(spawn_rate)
        if self.stages:
            return int(self.stages[-1][1]), float(self.stages[-1][2])  # hold the last stage
        return None
'''

SHAPE_LIST = SHAPE_HEAD + '''
    def tick(self):
        run_time = self.get_run_time()
        end = 0
        for duration, users, spawn_rate in self.stages:
            end += duration
            if run_time < end:
                return [users, spawn_rate]
        return None
'''

SHAPE_WALL_CLOCK = SHAPE_HEAD + '''
    def tick(self):
        import time

        if not hasattr(self, "started"):
            self.started = time.monotonic()
        run_time = time.monotonic() - self.started
        end = 0.0
        for duration, users, spawn_rate in self.stages:
            end += duration
            if run_time < end:
                return int(users), float(spawn_rate)
        return None
'''

SHAPE_CLASS_CACHE = SHAPE_HEAD + '''
    _ends = None

    def tick(self):
        if StagesShape._ends is None:  # compute the stage ends once
            ends, end = [], 0.0
            for duration, users, spawn_rate in self.stages:
                end += duration
                ends.append((end, int(users), float(spawn_rate)))
            StagesShape._ends = ends
        run_time = self.get_run_time()
        for end, users, spawn_rate in StagesShape._ends:
            if run_time < end:
                return users, spawn_rate
        return None
'''

SHAPE_CONSUMES = SHAPE_HEAD + '''
    def tick(self):
        run_time = self.get_run_time()
        while self.stages:
            duration, users, spawn_rate = self.stages[0]
            start = getattr(self, "stage_start", 0.0)
            if run_time < start + duration:
                return int(users), float(spawn_rate)
            self.stage_start = start + duration
            self.stages.pop(0)  # that stage is over
        return None
'''

SHAPE_ZERO_STAGE = SHAPE_HEAD + '''
    def tick(self):
        run_time = self.get_run_time()
        start = 0.0
        for duration, users, spawn_rate in self.stages:
            if start <= run_time < start + duration or (duration == 0 and run_time == start):
                return int(users), float(spawn_rate)
            start += duration
        return None
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 3 — SingleFlightCache
# ---------------------------------------------------------------------------------------------------------------
SFC_HEAD = '''
class SingleFlightCache:
    """Cache-aside for an async service: values live ttl_s seconds, and one load per key however many callers ask at once."""
'''

SFC_NO_FLIGHT = SFC_HEAD + '''
    def __init__(self, ttl_s: float, clock=time.monotonic):
        self.ttl_s, self.clock = ttl_s, clock
        self.entries = {}

    async def get(self, key, load):
        entry = self.entries.get(key)
        if entry is not None and self.clock() < entry[1] + self.ttl_s:
            return entry[0]
        value = await load(key)  # every concurrent caller loads
        self.entries[key] = (value, self.clock())
        return value

    def invalidate(self, key):
        self.entries.pop(key, None)
'''

SFC_GLOBAL_LOCK = SFC_HEAD + '''
    def __init__(self, ttl_s: float, clock=time.monotonic):
        self.ttl_s, self.clock = ttl_s, clock
        self.entries = {}
        self.lock = asyncio.Lock()

    async def get(self, key, load):
        entry = self.entries.get(key)
        if entry is not None and self.clock() < entry[1] + self.ttl_s:
            return entry[0]
        async with self.lock:  # one load at a time, then look again
            entry = self.entries.get(key)
            if entry is not None and self.clock() < entry[1] + self.ttl_s:
                return entry[0]
            value = await load(key)
            self.entries[key] = (value, self.clock())
            return value

    def invalidate(self, key):
        self.entries.pop(key, None)
'''

SFC_FAILURE_STICKS = SFC_HEAD + '''
    def __init__(self, ttl_s: float, clock=time.monotonic):
        self.ttl_s, self.clock = ttl_s, clock
        self.entries = {}
        self.loading = {}

    async def get(self, key, load):
        entry = self.entries.get(key)
        if entry is not None and self.clock() < entry[1] + self.ttl_s:
            return entry[0]
        if key not in self.loading:
            self.loading[key] = asyncio.ensure_future(load(key))
        value = await asyncio.shield(self.loading[key])
        del self.loading[key]  # only reached when the load succeeded: a failed task stays and is awaited again
        self.entries[key] = (value, self.clock())
        return value

    def invalidate(self, key):
        self.entries.pop(key, None)
'''

SFC_INCLUSIVE_TTL = SFC_HEAD + '''
    def __init__(self, ttl_s: float, clock=time.monotonic):
        self.ttl_s, self.clock = ttl_s, clock
        self.entries = {}
        self.loading = {}

    async def get(self, key, load):
        entry = self.entries.get(key)
        if entry is not None and self.clock() <= entry[1] + self.ttl_s:
            return entry[0]
        flight = self.loading.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = flight
        return await asyncio.shield(flight)

    async def _load(self, key, load):
        try:
            value = await load(key)
            self.entries[key] = (value, self.clock())
            return value
        finally:
            del self.loading[key]

    def invalidate(self, key):
        self.entries.pop(key, None)
'''

SFC_START_TIME = SFC_HEAD + '''
    def __init__(self, ttl_s: float, clock=time.monotonic):
        self.ttl_s, self.clock = ttl_s, clock
        self.entries = {}
        self.loading = {}

    async def get(self, key, load):
        entry = self.entries.get(key)
        if entry is not None and self.clock() < entry[1] + self.ttl_s:
            return entry[0]
        flight = self.loading.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._load(key, load, self.clock()))
            self.loading[key] = flight
        return await asyncio.shield(flight)

    async def _load(self, key, load, started):
        try:
            value = await load(key)
            self.entries[key] = (value, started)  # the time the load started
            return value
        finally:
            del self.loading[key]

    def invalidate(self, key):
        self.entries.pop(key, None)
'''

SFC_FALSY = SFC_HEAD + '''
    def __init__(self, ttl_s: float, clock=time.monotonic):
        self.ttl_s, self.clock = ttl_s, clock
        self.entries = {}
        self.loading = {}

    async def get(self, key, load):
        value, stored = self.entries.get(key, (None, 0.0))
        if value and self.clock() < stored + self.ttl_s:
            return value
        flight = self.loading.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = flight
        return await asyncio.shield(flight)

    async def _load(self, key, load):
        try:
            value = await load(key)
            if value is not None:
                self.entries[key] = (value, self.clock())
            return value
        finally:
            del self.loading[key]

    def invalidate(self, key):
        self.entries.pop(key, None)
'''

SFC_WALL_CLOCK = SFC_HEAD + '''
    def __init__(self, ttl_s: float, clock=time.monotonic):
        self.ttl_s = ttl_s
        self.entries = {}
        self.loading = {}

    async def get(self, key, load):
        entry = self.entries.get(key)
        if entry is not None and time.monotonic() < entry[1] + self.ttl_s:
            return entry[0]
        flight = self.loading.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = flight
        return await asyncio.shield(flight)

    async def _load(self, key, load):
        try:
            value = await load(key)
            self.entries[key] = (value, time.monotonic())
            return value
        finally:
            del self.loading[key]

    def invalidate(self, key):
        self.entries.pop(key, None)
'''

SFC_SHARED_DICT = SFC_HEAD + '''
    entries = {}
    loading = {}

    def __init__(self, ttl_s: float, clock=time.monotonic):
        self.ttl_s, self.clock = ttl_s, clock

    async def get(self, key, load):
        entry = self.entries.get(key)
        if entry is not None and self.clock() < entry[1] + self.ttl_s:
            return entry[0]
        flight = self.loading.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = flight
        return await asyncio.shield(flight)

    async def _load(self, key, load):
        try:
            value = await load(key)
            self.entries[key] = (value, self.clock())
            return value
        finally:
            del self.loading[key]

    def invalidate(self, key):
        self.entries.pop(key, None)
'''

SFC_WAITERS_GET_NONE = SFC_HEAD + '''
    def __init__(self, ttl_s: float, clock=time.monotonic):
        self.ttl_s, self.clock = ttl_s, clock
        self.entries = {}
        self.events = {}

    async def get(self, key, load):
        entry = self.entries.get(key)
        if entry is not None and self.clock() < entry[1] + self.ttl_s:
            return entry[0]
        if key in self.events:  # someone is loading: wait for them, then read the cache
            await self.events[key].wait()
            entry = self.entries.get(key)
            return entry[0] if entry else None
        self.events[key] = asyncio.Event()
        try:
            value = await load(key)
            self.entries[key] = (value, self.clock())
            return value
        finally:
            self.events.pop(key).set()

    def invalidate(self, key):
        self.entries.pop(key, None)
'''

SFC_INVALIDATE_NOOP = SFC_HEAD + '''
    def __init__(self, ttl_s: float, clock=time.monotonic):
        self.ttl_s, self.clock = ttl_s, clock
        self.entries = {}
        self.loading = {}

    async def get(self, key, load):
        entry = self.entries.get(key)
        if entry is not None and self.clock() < entry[1] + self.ttl_s:
            return entry[0]
        flight = self.loading.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = flight
        return await asyncio.shield(flight)

    async def _load(self, key, load):
        try:
            value = await load(key)
            self.entries[key] = (value, self.clock())
            return value
        finally:
            del self.loading[key]

    def invalidate(self, key):
        self.loading.pop(key, None)  # forgets the load in flight, not the value
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 5 — fast_order_report
# ---------------------------------------------------------------------------------------------------------------
FAST_HEAD = '''
def fast_order_report(orders: list, customers: list, rates: perf.RatesClient) -> list[dict]:
    """The same rows as perf.slow_order_report(orders, customers, rates), in the same order, at least 5x faster."""
'''

FAST_ONLY_CUSTOMERS = FAST_HEAD + '''
    by_id = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)
    rows = []
    for order in orders:
        customer = by_id.get(order.customer_id)
        rows.append({"order_id": order.order_id, "customer": customer.name if customer else "unknown",
                     "country": customer.country if customer else "unknown",
                     "total_eur": round(order.amount * rates.rate(order.currency), 2)})
    return rows
'''

_FAST_BODY = '''
    rows = []
    for order in orders:
        customer = by_id.get(order.customer_id)
        rows.append({"order_id": order.order_id, "customer": customer.name if customer else "unknown",
                     "country": customer.country if customer else "unknown",
                     "total_eur": round(order.amount * rate_of[order.currency], 2)})
    return rows
'''

FAST_STALE_RATES = '''
RATE_MEMO = {}
''' + FAST_HEAD + '''
    by_id = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)
    for cur in {o.currency for o in orders}:
        if cur not in RATE_MEMO:  # rates barely change: keep them
            RATE_MEMO[cur] = rates.rate(cur)
    rate_of = RATE_MEMO
''' + _FAST_BODY

FAST_LAST_DUPLICATE = FAST_HEAD + '''
    by_id = {c.customer_id: c for c in customers}
    rate_of = {cur: rates.rate(cur) for cur in {o.currency for o in orders}}
''' + _FAST_BODY

FAST_GROUPED = FAST_HEAD + '''
    by_id = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)
    rows = []
    for cur in sorted({o.currency for o in orders}):  # one batch per currency
        rate = rates.rate(cur)
        for order in orders:
            if order.currency == cur:
                customer = by_id.get(order.customer_id)
                rows.append({"order_id": order.order_id, "customer": customer.name if customer else "unknown",
                             "country": customer.country if customer else "unknown",
                             "total_eur": round(order.amount * rate, 2)})
    return rows
'''

FAST_ALL_CURRENCIES = FAST_HEAD + '''
    by_id = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)
    rate_of = {cur: rates.rate(cur) for cur in perf.CURRENCIES}  # fetch the rates table up front
''' + _FAST_BODY

FAST_THREADS = FAST_HEAD + '''
    from concurrent.futures import ThreadPoolExecutor

    by_id = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)
    with ThreadPoolExecutor(max_workers=32) as pool:  # the rate calls are I/O: run them in parallel
        order_rates = list(pool.map(lambda o: rates.rate(o.currency), orders))
    rows = []
    for order, rate in zip(orders, order_rates):
        customer = by_id.get(order.customer_id)
        rows.append({"order_id": order.order_id, "customer": customer.name if customer else "unknown",
                     "country": customer.country if customer else "unknown",
                     "total_eur": round(order.amount * rate, 2)})
    return rows
'''

FAST_SKIPS_UNKNOWN = FAST_HEAD + '''
    by_id = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)
    rate_of = {cur: rates.rate(cur) for cur in {o.currency for o in orders}}
    rows = []
    for order in orders:
        customer = by_id.get(order.customer_id)
        if customer is None:
            continue  # a customer that is gone: nothing to report
        rows.append({"order_id": order.order_id, "customer": customer.name, "country": customer.country,
                     "total_eur": round(order.amount * rate_of[order.currency], 2)})
    return rows
'''

FAST_ROUNDS_EARLY = FAST_HEAD + '''
    by_id = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)
    rate_of = {cur: round(rates.rate(cur), 2) for cur in {o.currency for o in orders}}  # rates to the cent
''' + _FAST_BODY

FAST_SORTS_INPUT = FAST_HEAD + '''
    import bisect

    customers.sort(key=lambda c: c.customer_id)  # binary search instead of a dict
    ids = [c.customer_id for c in customers]
    rate_of = {cur: rates.rate(cur) for cur in {o.currency for o in orders}}
    rows = []
    for order in orders:
        i = bisect.bisect_left(ids, order.customer_id)
        customer = customers[i] if i < len(ids) and ids[i] == order.customer_id else None
        rows.append({"order_id": order.order_id, "customer": customer.name if customer else "unknown",
                     "country": customer.country if customer else "unknown",
                     "total_eur": round(order.amount * rate_of[order.currency], 2)})
    return rows
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 6 — fit_usl
# ---------------------------------------------------------------------------------------------------------------
USL_HEAD = '''
def fit_usl(points: list[tuple[int, float]]) -> dict[str, float]:
    """Fit Gunther's Universal Scalability Law to measured (N, X) points and find its peak."""
'''

_USL_PEAK = '''
    if kappa > 0:
        peak_n = math.sqrt((1 - sigma) / kappa)
        peak_x = lam * peak_n / (1 + sigma * (peak_n - 1) + kappa * peak_n * (peak_n - 1))
    else:
        peak_n = math.inf
        peak_x = lam / sigma if sigma > 0 else math.inf
    return {"lambda": lam, "sigma": sigma, "kappa": kappa, "peak_n": peak_n, "peak_x": peak_x}
'''

USL_FIRST_POINT = USL_HEAD + '''
    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    lam = float(x[0])  # X(1): the first measurement
    y = n / (x / lam) - 1  # Gunther's deviation from linear scaling
    design = np.column_stack([n - 1, n * (n - 1)])
    (s, k), *_ = np.linalg.lstsq(design, y, rcond=None)
    sigma, kappa = max(0.0, float(s)), max(0.0, float(k))
''' + _USL_PEAK

USL_N_NOT_N_MINUS_1 = USL_HEAD + '''
    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    design = np.column_stack([np.ones_like(n), n, n * n])
    (a, b, c), *_ = np.linalg.lstsq(design, n / x, rcond=None)
    lam, sigma, kappa = 1 / float(a), max(0.0, float(b / a)), max(0.0, float(c / a))
''' + _USL_PEAK

USL_PEAK_FORMULA = USL_HEAD + '''
    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    design = np.column_stack([np.ones_like(n), n - 1, n * (n - 1)])
    (a, b, c), *_ = np.linalg.lstsq(design, n / x, rcond=None)
    lam, sigma, kappa = 1 / float(a), max(0.0, float(b / a)), max(0.0, float(c / a))
    if kappa > 0:
        peak_n = math.sqrt(1 - sigma) / kappa
        peak_x = lam * peak_n / (1 + sigma * (peak_n - 1) + kappa * peak_n * (peak_n - 1))
    else:
        peak_n, peak_x = math.inf, (lam / sigma if sigma > 0 else math.inf)
    return {"lambda": lam, "sigma": sigma, "kappa": kappa, "peak_n": peak_n, "peak_x": peak_x}
'''

USL_NO_CLAMP = USL_HEAD + '''
    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    design = np.column_stack([np.ones_like(n), n - 1, n * (n - 1)])
    (a, b, c), *_ = np.linalg.lstsq(design, n / x, rcond=None)
    lam, sigma, kappa = 1 / float(a), float(b / a), float(c / a)
''' + _USL_PEAK

USL_NO_PEAK_NAN = USL_HEAD + '''
    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    design = np.column_stack([np.ones_like(n), n - 1, n * (n - 1)])
    (a, b, c), *_ = np.linalg.lstsq(design, n / x, rcond=None)
    lam, sigma, kappa = 1 / float(a), max(0.0, float(b / a)), max(0.0, float(c / a))
    if kappa == 0:
        return {"lambda": lam, "sigma": sigma, "kappa": kappa, "peak_n": math.nan, "peak_x": math.nan}
    peak_n = math.sqrt((1 - sigma) / kappa)
    peak_x = lam * peak_n / (1 + sigma * (peak_n - 1) + kappa * peak_n * (peak_n - 1))
    return {"lambda": lam, "sigma": sigma, "kappa": kappa, "peak_n": peak_n, "peak_x": peak_x}
'''

USL_NUMPY_FLOATS = USL_HEAD + '''
    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    design = np.column_stack([np.ones_like(n), n - 1, n * (n - 1)])
    (a, b, c), *_ = np.linalg.lstsq(design, n / x, rcond=None)
    lam, sigma, kappa = 1 / a, max(0.0, b / a), max(0.0, c / a)
    if kappa > 0:
        peak_n = np.sqrt((1 - sigma) / kappa)
        peak_x = lam * peak_n / (1 + sigma * (peak_n - 1) + kappa * peak_n * (peak_n - 1))
    else:
        peak_n, peak_x = np.inf, (lam / sigma if sigma > 0 else np.inf)
    return {"lambda": lam, "sigma": sigma, "kappa": kappa, "peak_n": peak_n, "peak_x": peak_x}
'''

USL_ROUNDED_PEAK = USL_HEAD + '''
    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    design = np.column_stack([np.ones_like(n), n - 1, n * (n - 1)])
    (a, b, c), *_ = np.linalg.lstsq(design, n / x, rcond=None)
    lam, sigma, kappa = 1 / float(a), max(0.0, float(b / a)), max(0.0, float(c / a))
    if kappa > 0:
        peak_n = float(round(math.sqrt((1 - sigma) / kappa)))  # you cannot run 30.8 users
        peak_x = lam * peak_n / (1 + sigma * (peak_n - 1) + kappa * peak_n * (peak_n - 1))
    else:
        peak_n, peak_x = math.inf, (lam / sigma if sigma > 0 else math.inf)
    return {"lambda": lam, "sigma": sigma, "kappa": kappa, "peak_n": peak_n, "peak_x": peak_x}
'''

USL_NONLINEAR_ON_X = USL_HEAD + '''
    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    # least squares on the throughput itself (relative errors), starting from the linearised fit
    design = np.column_stack([np.ones_like(n), n - 1, n * (n - 1)])
    coef, *_ = np.linalg.lstsq(design, n / x, rcond=None)
    w = x / n  # weight each row by X/N: minimises relative error in X rather than in N/X
    coef, *_ = np.linalg.lstsq(design * w[:, None], (n / x) * w, rcond=None)
    a, b, c = coef
    lam, sigma, kappa = 1 / float(a), max(0.0, float(b / a)), max(0.0, float(c / a))
''' + _USL_PEAK

# ---------------------------------------------------------------------------------------------------------------
# Exercise 7 — regression_verdict
# ---------------------------------------------------------------------------------------------------------------
RV_HEAD = '''
def regression_verdict(baseline: list[float], candidate: list[float], confidence: float = 0.95,
                       tolerance: float = 0.05) -> str:
    """Compare two samples of a benchmark's run times: "regression", "improvement" or "no change"."""
'''

_RV_CHECKS = '''
    if len(baseline) < 2 or len(candidate) < 2 or min(baseline) <= 0 or min(candidate) <= 0:
        raise ValueError("need at least 2 positive timings in each sample")
'''

_RV_DECIDE = '''
    if low > 1 and r > 1 + tolerance:
        return "regression"
    if high < 1 and r < 1 - tolerance:
        return "improvement"
    return "no change"
'''

RV_ARITHMETIC = RV_HEAD + _RV_CHECKS + '''
    mb, mc = statistics.fmean(baseline), statistics.fmean(candidate)
    r = mc / mb  # ratio of arithmetic means
    se = math.sqrt(statistics.variance(baseline) / len(baseline) / mb**2 + statistics.variance(candidate) / len(candidate) / mc**2)
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    low, high = r * math.exp(-z * se), r * math.exp(z * se)
''' + _RV_DECIDE

RV_MEDIANS_ONLY = RV_HEAD + _RV_CHECKS + '''
    r = statistics.median(candidate) / statistics.median(baseline)
    if r > 1 + tolerance:
        return "regression"
    if r < 1 - tolerance:
        return "improvement"
    return "no change"
'''

_RV_LOGS = '''
    lb, lc = [math.log(v) for v in baseline], [math.log(v) for v in candidate]
    d = statistics.fmean(lc) - statistics.fmean(lb)
    r = math.exp(d)
'''

RV_ONE_SIDED = RV_HEAD + _RV_CHECKS + _RV_LOGS + '''
    se = math.sqrt(statistics.variance(lb) / len(lb) + statistics.variance(lc) / len(lc))
    z = NormalDist().inv_cdf(confidence)  # one-sided
    low, high = math.exp(d - z * se), math.exp(d + z * se)
''' + _RV_DECIDE

RV_POPULATION_VARIANCE = RV_HEAD + _RV_CHECKS + _RV_LOGS + '''
    se = math.sqrt(statistics.pvariance(lb) / len(lb) + statistics.pvariance(lc) / len(lc))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    low, high = math.exp(d - z * se), math.exp(d + z * se)
''' + _RV_DECIDE

RV_NO_TOLERANCE = RV_HEAD + _RV_CHECKS + _RV_LOGS + '''
    se = math.sqrt(statistics.variance(lb) / len(lb) + statistics.variance(lc) / len(lc))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    low, high = math.exp(d - z * se), math.exp(d + z * se)
    if low > 1:
        return "regression"
    if high < 1:
        return "improvement"
    return "no change"
'''

RV_LOWER_ABOVE_TOLERANCE = RV_HEAD + _RV_CHECKS + _RV_LOGS + '''
    se = math.sqrt(statistics.variance(lb) / len(lb) + statistics.variance(lc) / len(lc))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    low, high = math.exp(d - z * se), math.exp(d + z * se)
    if low > 1 + tolerance:  # sure that it is at least `tolerance` slower
        return "regression"
    if high < 1 - tolerance:
        return "improvement"
    return "no change"
'''

RV_SWAPPED = RV_HEAD + _RV_CHECKS + '''
    lb, lc = [math.log(v) for v in baseline], [math.log(v) for v in candidate]
    d = statistics.fmean(lb) - statistics.fmean(lc)  # baseline over candidate
    r = math.exp(d)
    se = math.sqrt(statistics.variance(lb) / len(lb) + statistics.variance(lc) / len(lc))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    low, high = math.exp(d - z * se), math.exp(d + z * se)
''' + _RV_DECIDE

RV_NO_CHECKS = RV_HEAD + '''
    if len(baseline) < 2 or len(candidate) < 2:
        return "no change"  # not enough data to decide
    lb, lc = [math.log(v) for v in baseline], [math.log(v) for v in candidate]
    d = statistics.fmean(lc) - statistics.fmean(lb)
    r = math.exp(d)
    se = math.sqrt(statistics.variance(lb) / len(lb) + statistics.variance(lc) / len(lc))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    low, high = math.exp(d - z * se), math.exp(d + z * se)
''' + _RV_DECIDE

RV_FIXED_Z = RV_HEAD + _RV_CHECKS + _RV_LOGS + '''
    se = math.sqrt(statistics.variance(lb) / len(lb) + statistics.variance(lc) / len(lc))
    low, high = math.exp(d - 1.96 * se), math.exp(d + 1.96 * se)  # 95 %
''' + _RV_DECIDE


WRONG_ANSWERS = {
    "corrected_percentiles": [
        ("no back-fill at all: the plain percentiles of what the closed-loop client measured", CP_NO_BACKFILL),
        ("adds missing samples only while they are > I, not >= I: a latency of exactly 2I adds nothing", CP_STRICT),
        ("back-fills down to anything above 0 (L - kI while > 0), adding samples below the interval", CP_FROM_L),
        ("numpy.percentile: linear interpolation between samples instead of the nearest rank", CP_NUMPY),
        ("int(q/100 * n) as a 0-based index: one rank too high whenever q/100 * n is a whole number", CP_FLOOR_INDEX),
        ("rounds the rank (as HdrHistogram does) instead of ceil: 4.5 -> 4", CP_ROUND_RANK),
        ("back-fills and sorts the caller's list in place", CP_MUTATES),
        ("keeps the log's own types: ints stay ints", CP_INTS),
        ("an empty log returns nan for every percentile instead of raising ValueError", CP_EMPTY_NAN),
        ("refuses an interval <= 0 instead of skipping the correction", CP_BAD_INTERVAL_RAISES),
    ],
    "stages_shape": [
        ("a stage covers [start, end]: at exactly its end the old stage still applies", SHAPE_INCLUSIVE),
        ("reads duration_s as the stage's end time, as in Locust's documentation example", SHAPE_CUMULATIVE),
        ("holds the last stage forever instead of returning None", SHAPE_NEVER_STOPS),
        ("returns a list [users, spawn_rate] with the stage's own types", SHAPE_LIST),
        ("measures its own wall-clock time instead of self.get_run_time()", SHAPE_WALL_CLOCK),
        ("caches the stage ends on StagesShape itself: a subclass with other stages gets the first class's", SHAPE_CLASS_CACHE),
        ("pops finished stages off self.stages: the class's list is empty for the next run", SHAPE_CONSUMES),
        ("a zero-length stage applies at its start instant", SHAPE_ZERO_STAGE),
    ],
    "single_flight_cache": [
        ("no single flight: every concurrent caller of a cold key loads it", SFC_NO_FLIGHT),
        ("one asyncio.Lock around every load: coalesces, but serialises different keys", SFC_GLOBAL_LOCK),
        ("a failed load stays in the in-flight table: the error is served forever", SFC_FAILURE_STICKS),
        ("fresh while clock() <= t + ttl_s: one instant too long", SFC_INCLUSIVE_TTL),
        ("stores the time the load started, not when it finished", SFC_START_TIME),
        ("treats falsy values as misses and never stores None: negative results reach the backend every time", SFC_FALSY),
        ("reads time.monotonic() instead of the injected clock", SFC_WALL_CLOCK),
        ("entries and loads in class attributes: every instance shares one cache", SFC_SHARED_DICT),
        ("waiters wait on an Event and read the cache: when the load fails they get None, not the exception", SFC_WAITERS_GET_NONE),
        ("invalidate() forgets the load in flight, not the stored value", SFC_INVALIDATE_NOOP),
    ],
    "fast_order_report": [
        ("fixes the customer search only: still one rate call per order", FAST_ONLY_CUSTOMERS),
        ("keeps rates in a module-level dict across calls: another day's report uses stale rates", FAST_STALE_RATES),
        ("a dict comprehension keeps the LAST customer of a duplicated id; the search finds the first", FAST_LAST_DUPLICATE),
        ("builds the rows currency by currency: right rows, wrong order", FAST_GROUPED),
        ("fetches the whole rates table up front, including currencies no order uses", FAST_ALL_CURRENCIES),
        ("runs the 120 rate calls in a thread pool: faster, but still one call per order", FAST_THREADS),
        ("drops the orders of customers that are gone instead of reporting 'unknown'", FAST_SKIPS_UNKNOWN),
        ("rounds each rate to the cent before multiplying", FAST_ROUNDS_EARLY),
        ("sorts the caller's customers list in place for a binary search", FAST_SORTS_INPUT),
    ],
    "fit_usl": [
        ("takes the first point as X(1) and fits the deviation from it: wrong without N=1 first", USL_FIRST_POINT),
        ("regresses on N and N^2 instead of N-1 and N(N-1)", USL_N_NOT_N_MINUS_1),
        ("peak at sqrt(1 - sigma) / kappa instead of sqrt((1 - sigma) / kappa)", USL_PEAK_FORMULA),
        ("reports negative sigma and kappa as they come out", USL_NO_CLAMP),
        ("no peak -> nan for peak_n and peak_x instead of inf and the ceiling", USL_NO_PEAK_NAN),
        ("returns numpy floats", USL_NUMPY_FLOATS),
        ("rounds N* to a whole number of users before computing the peak throughput", USL_ROUNDED_PEAK),
        ("weights the rows to minimise relative error in X: another fit on noisy data", USL_NONLINEAR_ON_X),
    ],
    "regression_verdict": [
        ("ratio of arithmetic means with a delta-method interval, not geometric means", RV_ARITHMETIC),
        ("compares medians against the tolerance, with no interval at all", RV_MEDIANS_ONLY),
        ("one-sided z (1.645 at 95 %)", RV_ONE_SIDED),
        ("population variances (n in the denominator)", RV_POPULATION_VARIANCE),
        ("ignores the tolerance: any significant change counts", RV_NO_TOLERANCE),
        ("demands the whole interval above 1 + tolerance", RV_LOWER_ABOVE_TOLERANCE),
        ("baseline over candidate: slowdowns reported as improvements", RV_SWAPPED),
        ("returns 'no change' for samples it cannot judge instead of raising ValueError", RV_NO_CHECKS),
        ("z fixed at 1.96 whatever the confidence", RV_FIXED_Z),
    ],
}

# ---------------------------------------------------------------------------------------------------------------
# Blind red team, 2026-11-30 (written from the student notebook alone)
# ---------------------------------------------------------------------------------------------------------------
BLIND_CP_HEAD = '''
def corrected_percentiles(latencies_ms: list[float], expected_interval_ms: float,
                          qs: tuple[float, ...] = (50.0, 90.0, 99.0)) -> dict[float, float]:
    """Percentiles of a closed-loop client's latencies, corrected for coordinated omission."""
'''

BLIND_CP_INTS_STAY_INTS = BLIND_CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("no latencies")
    samples = list(latencies_ms)
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                samples.append(missing)
                missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: samples[max(1, math.ceil(q / 100 * n)) - 1] for q in qs}
'''

BLIND_CP_SORTS_CALLERS_LIST_WITHOUT_CORRECTION = BLIND_CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("no latencies")
    if expected_interval_ms <= 0:
        samples = latencies_ms  # nothing to add, so no need to copy
    else:
        samples = [float(v) for v in latencies_ms]
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                samples.append(float(missing))
                missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: float(samples[max(1, math.ceil(q / 100 * n)) - 1]) for q in qs}
'''

BLIND_CP_NEGATIVE_INTERVAL_RAISES = BLIND_CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("no latencies")
    if expected_interval_ms < 0:
        raise ValueError("an interval cannot be negative")
    samples = [float(v) for v in latencies_ms]
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                samples.append(float(missing))
                missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: samples[max(1, math.ceil(q / 100 * n)) - 1] for q in qs}
'''

BLIND_CP_BACKFILL_DOWN_TO_ZERO = BLIND_CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("no latencies")
    samples = [float(v) for v in latencies_ms]
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing > 0:
                samples.append(float(missing))
                missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: samples[max(1, math.ceil(q / 100 * n)) - 1] for q in qs}
'''

BLIND_CP_ROUNDED_LIKE_THE_TABLE = BLIND_CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("no latencies")
    samples = [float(v) for v in latencies_ms]
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                samples.append(float(missing))
                missing -= expected_interval_ms
    samples.sort()
    n = len(samples)
    return {q: round(samples[max(1, math.ceil(q / 100 * n)) - 1], 1) for q in qs}
'''

BLIND_CP_NUMPY_NEAREST = BLIND_CP_HEAD + '''
    if not latencies_ms:
        raise ValueError("no latencies")
    samples = [float(v) for v in latencies_ms]
    if expected_interval_ms > 0:
        for latency in latencies_ms:
            missing = latency - expected_interval_ms
            while missing >= expected_interval_ms:
                samples.append(float(missing))
                missing -= expected_interval_ms
    return {q: float(np.percentile(samples, q, method="nearest")) for q in qs}
'''

BLIND_ST_HEAD = '''
class StagesShape:
    """A Locust LoadTestShape driven by `stages`, a class attribute: a list of (duration_s, users, spawn_rate)."""

    stages = [(2, 10, 5), (2, 20, 10), (1, 40, 40), (2, 10, 40)]  # ramp, step, spike, recovery

    def tick(self):
'''

BLIND_ST_READS_THE_CLASS_STAGES = BLIND_ST_HEAD + '''
        run_time = self.get_run_time()
        end = 0.0
        for duration, users, spawn_rate in StagesShape.stages:
            end += duration
            if run_time < end:
                return (int(users), float(spawn_rate))
        return None
'''

BLIND_ST_USERS_NOT_INT = BLIND_ST_HEAD + '''
        run_time = self.get_run_time()
        end = 0.0
        for duration, users, spawn_rate in self.stages:
            end += duration
            if run_time < end:
                return (users, float(spawn_rate))
        return None
'''

BLIND_ST_FORWARD_ONLY_CURSOR = BLIND_ST_HEAD + '''
        run_time = self.get_run_time()
        if not hasattr(self, "_index"):
            self._index = 0
            self._end = self.stages[0][0] if self.stages else 0.0
        while self._index < len(self.stages) and run_time >= self._end:
            self._index += 1
            if self._index < len(self.stages):
                self._end += self.stages[self._index][0]
        if self._index >= len(self.stages):
            return None
        _, users, spawn_rate = self.stages[self._index]
        return (int(users), float(spawn_rate))
'''

BLIND_ST_ZERO_STAGE_STOPS = BLIND_ST_HEAD + '''
        run_time = self.get_run_time()
        end = 0.0
        for duration, users, spawn_rate in self.stages:
            if duration <= 0:
                return None  # an empty stage: nothing more to run
            end += duration
            if run_time < end:
                return (int(users), float(spawn_rate))
        return None
'''

BLIND_ST_ROUNDS_THE_RUN_TIME = BLIND_ST_HEAD + '''
        run_time = round(self.get_run_time())  # Locust ticks about once a second
        end = 0.0
        for duration, users, spawn_rate in self.stages:
            end += duration
            if run_time < end:
                return (int(users), float(spawn_rate))
        return None
'''

BLIND_ST_POPS_FINISHED_STAGES = BLIND_ST_HEAD + '''
        run_time = self.get_run_time()
        offset = getattr(self, "_offset", 0.0)
        while self.stages and run_time >= offset + self.stages[0][0]:
            offset += self.stages[0][0]
            self.stages.pop(0)
        self._offset = offset
        if not self.stages:
            return None
        _, users, spawn_rate = self.stages[0]
        return (int(users), float(spawn_rate))
'''

BLIND_SF_HEAD = '''
class SingleFlightCache:
    """Cache-aside for an async service: values live ttl_s seconds, and one load per key however many callers ask at once."""

    def __init__(self, ttl_s: float, clock=time.monotonic):
'''

BLIND_SF_NONE_IS_A_MISS = BLIND_SF_HEAD + '''
        self.ttl_s = ttl_s
        self.clock = clock
        self.values = {}
        self.stored_at = {}
        self.loading = {}

    async def get(self, key, load):
        value = self.values.get(key)
        if value is not None and self.clock() < self.stored_at[key] + self.ttl_s:
            return value
        task = self.loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = task
        return await task

    async def _load(self, key, load):
        try:
            value = await load(key)
            self.values[key] = value
            self.stored_at[key] = self.clock()
            return value
        finally:
            self.loading.pop(key, None)

    def invalidate(self, key):
        self.values.pop(key, None)
        self.stored_at.pop(key, None)
'''

BLIND_SF_STORED_WHEN_THE_LOAD_STARTED = BLIND_SF_HEAD + '''
        self.ttl_s = ttl_s
        self.clock = clock
        self.values = {}
        self.loading = {}

    async def get(self, key, load):
        if key in self.values:
            value, stored = self.values[key]
            if self.clock() < stored + self.ttl_s:
                return value
        task = self.loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = task
        return await task

    async def _load(self, key, load):
        started = self.clock()
        try:
            value = await load(key)
            self.values[key] = (value, started)
            return value
        finally:
            self.loading.pop(key, None)

    def invalidate(self, key):
        self.values.pop(key, None)
'''

BLIND_SF_STALE_ON_ERROR = BLIND_SF_HEAD + '''
        self.ttl_s = ttl_s
        self.clock = clock
        self.values = {}
        self.loading = {}

    async def get(self, key, load):
        if key in self.values:
            value, stored = self.values[key]
            if self.clock() < stored + self.ttl_s:
                return value
        task = self.loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = task
        return await task

    async def _load(self, key, load):
        try:
            value = await load(key)
        except Exception:
            if key in self.values:  # better a stale value than an error
                return self.values[key][0]
            raise
        finally:
            self.loading.pop(key, None)
        self.values[key] = (value, self.clock())
        return value

    def invalidate(self, key):
        self.values.pop(key, None)
'''

BLIND_SF_ONE_LOCK_FOR_ALL_KEYS = BLIND_SF_HEAD + '''
        self.ttl_s = ttl_s
        self.clock = clock
        self.values = {}
        self.loading = {}
        self.lock = asyncio.Lock()

    async def get(self, key, load):
        if key in self.values:
            value, stored = self.values[key]
            if self.clock() < stored + self.ttl_s:
                return value
        task = self.loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = task
        return await task

    async def _load(self, key, load):
        try:
            async with self.lock:  # one load at a time keeps the dicts safe
                value = await load(key)
            self.values[key] = (value, self.clock())
            return value
        finally:
            self.loading.pop(key, None)

    def invalidate(self, key):
        self.values.pop(key, None)
'''

BLIND_SF_INVALIDATE_UNKNOWN_KEY_RAISES = BLIND_SF_HEAD + '''
        self.ttl_s = ttl_s
        self.clock = clock
        self.values = {}
        self.loading = {}

    async def get(self, key, load):
        if key in self.values:
            value, stored = self.values[key]
            if self.clock() < stored + self.ttl_s:
                return value
        task = self.loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = task
        return await task

    async def _load(self, key, load):
        try:
            value = await load(key)
            self.values[key] = (value, self.clock())
            return value
        finally:
            self.loading.pop(key, None)

    def invalidate(self, key):
        del self.values[key]
'''

BLIND_SF_ZERO_TTL_NEVER_EXPIRES = BLIND_SF_HEAD + '''
        self.ttl_s = ttl_s
        self.clock = clock
        self.values = {}
        self.loading = {}

    async def get(self, key, load):
        if key in self.values:
            value, stored = self.values[key]
            if not self.ttl_s or self.clock() < stored + self.ttl_s:  # no TTL: keep it
                return value
        task = self.loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = task
        return await task

    async def _load(self, key, load):
        try:
            value = await load(key)
            self.values[key] = (value, self.clock())
            return value
        finally:
            self.loading.pop(key, None)

    def invalidate(self, key):
        self.values.pop(key, None)
'''

BLIND_FR_HEAD = '''
def fast_order_report(orders: list[perf.Order], customers: list[perf.Customer], rates: perf.RatesClient) -> list[dict]:
    """The same rows as perf.slow_order_report(orders, customers, rates), in the same order, at least 5x faster."""
'''

BLIND_FR_ROWS = '''
    rows = []
    for order in orders:
        customer = by_id.get(order.customer_id)
        rows.append({"order_id": order.order_id,
                     "customer": customer.name if customer else "unknown",
                     "country": customer.country if customer else "unknown",
                     "total_eur": round(order.amount * fx[order.currency], 2)})
    return rows
'''

BLIND_FR_LAST_DUPLICATE_CUSTOMER_WINS = BLIND_FR_HEAD + '''
    by_id = {c.customer_id: c for c in customers}
    fx = {}
    for order in orders:
        if order.currency not in fx:
            fx[order.currency] = rates.rate(order.currency)
''' + BLIND_FR_ROWS

BLIND_FR_EVERY_CURRENCY_UP_FRONT = BLIND_FR_HEAD + '''
    by_id = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)
    fx = {currency: rates.rate(currency) for currency in perf.CURRENCIES}
''' + BLIND_FR_ROWS

BLIND_FR_RATES_KEPT_ACROSS_CALLS = BLIND_FR_HEAD + '''
    by_id = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)
    fx = _RATES_SEEN
    for order in orders:
        if order.currency not in fx:
            fx[order.currency] = rates.rate(order.currency)
''' + BLIND_FR_ROWS + '''

_RATES_SEEN = {}
'''

BLIND_FR_SORTS_THE_CUSTOMERS = '''
import bisect
''' + BLIND_FR_HEAD + '''
    customers.sort(key=lambda c: c.customer_id)  # sorted once, then binary search
    ids = [c.customer_id for c in customers]
    fx = {}
    rows = []
    for order in orders:
        if order.currency not in fx:
            fx[order.currency] = rates.rate(order.currency)
        i = bisect.bisect_left(ids, order.customer_id)
        customer = customers[i] if i < len(ids) and ids[i] == order.customer_id else None
        rows.append({"order_id": order.order_id,
                     "customer": customer.name if customer else "unknown",
                     "country": customer.country if customer else "unknown",
                     "total_eur": round(order.amount * fx[order.currency], 2)})
    return rows
'''

BLIND_FR_ZERO_RATE_ASKED_AGAIN = BLIND_FR_HEAD + '''
    by_id = {}
    for c in customers:
        by_id.setdefault(c.customer_id, c)
    fx = {}
    for order in orders:
        fx[order.currency] = fx.get(order.currency) or rates.rate(order.currency)
''' + BLIND_FR_ROWS

BLIND_FR_ONLY_THE_RATES_FIXED = BLIND_FR_HEAD + '''
    fx = {}
    rows = []
    for order in orders:
        if order.currency not in fx:
            fx[order.currency] = rates.rate(order.currency)
        customer = perf.find_customer(customers, order.customer_id)
        rows.append({"order_id": order.order_id,
                     "customer": customer.name if customer else "unknown",
                     "country": customer.country if customer else "unknown",
                     "total_eur": round(order.amount * fx[order.currency], 2)})
    return rows
'''

BLIND_FU_HEAD = '''
def fit_usl(points: list[tuple[int, float]]) -> dict[str, float]:
    """Fit Gunther's Universal Scalability Law X(N) = λN / (1 + σ(N−1) + κN(N−1)) to measured (N, X) points."""
'''

BLIND_FU_PEAK = '''
    if kappa > 0:
        peak_n = math.sqrt((1 - sigma) / kappa)
        peak_x = lam * peak_n / (1 + sigma * (peak_n - 1) + kappa * peak_n * (peak_n - 1))
    else:
        peak_n = math.inf
        peak_x = lam / sigma if sigma > 0 else math.inf
    return {"lambda": lam, "sigma": sigma, "kappa": kappa, "peak_n": float(peak_n), "peak_x": float(peak_x)}
'''

BLIND_FU_FIT = '''
    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    design = np.column_stack([np.ones_like(n), n - 1, n * (n - 1)])
    (a, b, c), *_ = np.linalg.lstsq(design, n / x, rcond=None)
'''

BLIND_FU_LAMBDA_FROM_THE_FIRST_POINT = BLIND_FU_HEAD + '''
    n0, x0 = points[0]
    lam = float(x0 / n0)  # X(1) = λ: the first measurement is one user
    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    design = np.column_stack([n - 1, n * (n - 1)])
    (b, c), *_ = np.linalg.lstsq(design, lam * n / x - 1, rcond=None)
    sigma = max(0.0, float(b))
    kappa = max(0.0, float(c))
''' + BLIND_FU_PEAK

BLIND_FU_SIGMA_NOT_CLIPPED = BLIND_FU_HEAD + BLIND_FU_FIT + '''
    lam = float(1 / a)
    sigma = float(b / a)
    kappa = max(0.0, float(c / a))
''' + BLIND_FU_PEAK

BLIND_FU_LINEAR_DIVIDES_BY_ZERO = BLIND_FU_HEAD + BLIND_FU_FIT + '''
    lam = float(1 / a)
    sigma = max(0.0, float(b / a))
    kappa = max(0.0, float(c / a))
    if kappa > 0:
        peak_n = math.sqrt((1 - sigma) / kappa)
        peak_x = lam * peak_n / (1 + sigma * (peak_n - 1) + kappa * peak_n * (peak_n - 1))
    else:
        peak_n = math.inf
        peak_x = lam / sigma  # Amdahl's ceiling
    return {"lambda": lam, "sigma": sigma, "kappa": kappa, "peak_n": float(peak_n), "peak_x": float(peak_x)}
'''

BLIND_FU_PEAK_FROM_THE_RAW_ESTIMATES = BLIND_FU_HEAD + BLIND_FU_FIT + '''
    lam = float(1 / a)
    sigma, kappa = float(b / a), float(c / a)
    if kappa > 0:
        peak_n = math.sqrt((1 - sigma) / kappa)
        peak_x = lam * peak_n / (1 + sigma * (peak_n - 1) + kappa * peak_n * (peak_n - 1))
    else:
        peak_n = math.inf
        peak_x = lam / sigma if sigma > 0 else math.inf
    return {"lambda": lam, "sigma": max(0.0, sigma), "kappa": max(0.0, kappa), "peak_n": float(peak_n), "peak_x": float(peak_x)}
'''

BLIND_FU_TINY_KAPPA_IS_ZERO = BLIND_FU_HEAD + BLIND_FU_FIT + '''
    lam = float(1 / a)
    sigma = max(0.0, float(b / a))
    kappa = float(c / a)
    if kappa < 1e-5:  # noise, not coherency
        kappa = 0.0
''' + BLIND_FU_PEAK

BLIND_FU_ABS_NOT_ZERO = BLIND_FU_HEAD + BLIND_FU_FIT + '''
    lam = float(1 / a)
    sigma = abs(float(b / a))
    kappa = abs(float(c / a))
''' + BLIND_FU_PEAK

BLIND_RV_HEAD = '''
def regression_verdict(baseline: list[float], candidate: list[float], confidence: float = 0.95,
                       tolerance: float = 0.05) -> str:
    """Compare two samples of a benchmark's run times (seconds, lower is better): "regression", "improvement" or "no change"."""
'''

BLIND_RV_CHECKS = '''
    for sample in (baseline, candidate):
        if len(sample) < 2 or any(not v > 0 for v in sample):
            raise ValueError("need at least 2 positive timings in each sample")
    log_b = [math.log(v) for v in baseline]
    log_c = [math.log(v) for v in candidate]
'''

BLIND_RV_DECIDE = '''
    if low > 1 and r > 1 + tolerance:
        return "regression"
    if high < 1 and r < 1 - tolerance:
        return "improvement"
    return "no change"
'''

BLIND_RV_ONE_SIDED_Z = BLIND_RV_HEAD + BLIND_RV_CHECKS + '''
    d = statistics.fmean(log_c) - statistics.fmean(log_b)
    se = math.sqrt(statistics.variance(log_b) / len(log_b) + statistics.variance(log_c) / len(log_c))
    z = NormalDist().inv_cdf(confidence)
    r, low, high = math.exp(d), math.exp(d - z * se), math.exp(d + z * se)
''' + BLIND_RV_DECIDE

BLIND_RV_ARITHMETIC_MEAN_RATIO = BLIND_RV_HEAD + BLIND_RV_CHECKS + '''
    d = statistics.fmean(log_c) - statistics.fmean(log_b)
    se = math.sqrt(statistics.variance(log_b) / len(log_b) + statistics.variance(log_c) / len(log_c))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    r = statistics.fmean(candidate) / statistics.fmean(baseline)
    low, high = math.exp(d - z * se), math.exp(d + z * se)
''' + BLIND_RV_DECIDE

BLIND_RV_RATIO_ONLY = BLIND_RV_HEAD + BLIND_RV_CHECKS + '''
    r = math.exp(statistics.fmean(log_c) - statistics.fmean(log_b))
    if r > 1 + tolerance:
        return "regression"
    if r < 1 - tolerance:
        return "improvement"
    return "no change"
'''

BLIND_RV_NO_TOLERANCE = BLIND_RV_HEAD + BLIND_RV_CHECKS + '''
    d = statistics.fmean(log_c) - statistics.fmean(log_b)
    se = math.sqrt(statistics.variance(log_b) / len(log_b) + statistics.variance(log_c) / len(log_c))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    low, high = math.exp(d - z * se), math.exp(d + z * se)
    if low > 1:
        return "regression"
    if high < 1:
        return "improvement"
    return "no change"
'''

BLIND_RV_ONLY_THE_BASELINE_CHECKED = BLIND_RV_HEAD + '''
    if len(baseline) < 2:
        raise ValueError("need at least 2 baseline timings")
    if any(v <= 0 for v in baseline + candidate):
        raise ValueError("timings must be positive")

    def var(xs):
        m = sum(xs) / len(xs)
        return sum((v - m) ** 2 for v in xs) / (len(xs) - 1)

    log_b = [math.log(v) for v in baseline]
    log_c = [math.log(v) for v in candidate]
    d = sum(log_c) / len(log_c) - sum(log_b) / len(log_b)
    se = math.sqrt(var(log_b) / len(log_b) + var(log_c) / len(log_c))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    r, low, high = math.exp(d), math.exp(d - z * se), math.exp(d + z * se)
''' + BLIND_RV_DECIDE

BLIND_RV_NAN_IS_ACCEPTED = BLIND_RV_HEAD + '''
    for sample in (baseline, candidate):
        if len(sample) < 2 or any(v <= 0 for v in sample):
            raise ValueError("need at least 2 positive timings in each sample")
    log_b = [math.log(v) for v in baseline]
    log_c = [math.log(v) for v in candidate]
    d = statistics.fmean(log_c) - statistics.fmean(log_b)
    se = math.sqrt(statistics.variance(log_b) / len(log_b) + statistics.variance(log_c) / len(log_c))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    r, low, high = math.exp(d), math.exp(d - z * se), math.exp(d + z * se)
''' + BLIND_RV_DECIDE

BLIND_2026_11_30 = {
    "corrected_percentiles": [
        ("ints stay ints: the samples are not converted, so an int log gives int percentiles (not floats)",
         BLIND_CP_INTS_STAY_INTS),
        # caught since corrected_percentiles_contract
        ("no copy when there is nothing to back-fill: an interval <= 0 sorts the caller's list in place",
         BLIND_CP_SORTS_CALLERS_LIST_WITHOUT_CORRECTION),
        ("a negative interval raises ValueError instead of meaning no correction", BLIND_CP_NEGATIVE_INTERVAL_RAISES),
        ("back-fills L - kI while it is > 0, not while it is >= I", BLIND_CP_BACKFILL_DOWN_TO_ZERO),
        # caught since corrected_percentiles_backfills_the_stall
        ("percentiles rounded to 0.1 ms like the notebook's table, not the sample itself", BLIND_CP_ROUNDED_LIKE_THE_TABLE),
        ("numpy's method='nearest' (rounds the linear index (n-1)q/100) taken for the nearest rank", BLIND_CP_NUMPY_NEAREST),
    ],
    "stages_shape": [
        ("reads StagesShape.stages, so a subclass's or an instance's stages are ignored", BLIND_ST_READS_THE_CLASS_STAGES),
        # caught since stages_shape_follows_the_stages
        ("returns the stage's users as given (a float stays a float), not as an int", BLIND_ST_USERS_NOT_INT),
        ("a cursor that only moves forward: a run time that goes back (a restarted shape) keeps a later stage",
         BLIND_ST_FORWARD_ONLY_CURSOR),
        ("a stage of duration 0 ends the test instead of being skipped", BLIND_ST_ZERO_STAGE_STOPS),
        ("rounds the run time to whole seconds: 1.6 s is already in a stage that starts at 2 s", BLIND_ST_ROUNDS_THE_RUN_TIME),
        ("pops finished stages off self.stages: the class's list is emptied for every later shape",
         BLIND_ST_POPS_FINISHED_STAGES),
    ],
    "single_flight_cache": [
        ("a cached None counts as a miss: a missing product is loaded again on every get", BLIND_SF_NONE_IS_A_MISS),
        ("stores the time the load started, not when it finished", BLIND_SF_STORED_WHEN_THE_LOAD_STARTED),
        # caught since single_flight_cache_failures
        ("a failed load returns the old (expired) value to the waiters instead of the exception", BLIND_SF_STALE_ON_ERROR),
        ("one lock for all keys: loads of different keys run one after another", BLIND_SF_ONE_LOCK_FOR_ALL_KEYS),
        ("invalidate of a key that holds no value raises KeyError", BLIND_SF_INVALIDATE_UNKNOWN_KEY_RAISES),
        # caught since single_flight_cache_ttl
        ("ttl_s = 0 treated as no expiry: values are kept forever", BLIND_SF_ZERO_TTL_NEVER_EXPIRES),
    ],
    "fast_order_report": [
        ("{id: customer} keeps the LAST of two customers with the same id; find_customer returns the first",
         BLIND_FR_LAST_DUPLICATE_CUSTOMER_WINS),
        ("asks for every currency up front, including ones no order uses", BLIND_FR_EVERY_CURRENCY_UP_FRONT),
        ("keeps rates in a module-level dict: a later call reuses an earlier client's rates", BLIND_FR_RATES_KEPT_ACROSS_CALLS),
        ("sorts the caller's customers list in place for a binary search", BLIND_FR_SORTS_THE_CUSTOMERS),
        # caught since fast_order_report_five_times_faster
        ("fx.get(c) or rates.rate(c): a rate of 0.0 is asked for again on every order", BLIND_FR_ZERO_RATE_ASKED_AGAIN),
        # caught since fast_order_report_five_times_faster
        ("fixes only the rates; keeps the linear customer search, so it is not 5x faster with many customers",
         BLIND_FR_ONLY_THE_RATES_FIXED),
    ],
    "fit_usl": [
        ("λ taken as X/N of the first point (assumes the points start at N = 1)", BLIND_FU_LAMBDA_FROM_THE_FIRST_POINT),
        ("clips κ at 0 but reports a negative σ as it comes", BLIND_FU_SIGMA_NOT_CLIPPED),
        ("κ = 0 and σ = 0: divides by σ (ZeroDivisionError) instead of peak_x = inf", BLIND_FU_LINEAR_DIVIDES_BY_ZERO),
        ("clips σ and κ only in the report; the peak uses the negative estimates", BLIND_FU_PEAK_FROM_THE_RAW_ESTIMATES),
        # caught since fit_usl_recovers_the_parameters
        ("treats a small positive κ (< 1e-5) as 0: no peak where there is one", BLIND_FU_TINY_KAPPA_IS_ZERO),
        ("a negative estimate becomes its absolute value, not 0.0", BLIND_FU_ABS_NOT_ZERO),
    ],
    "regression_verdict": [
        ("one-sided z = inv_cdf(confidence) instead of inv_cdf((1 + confidence) / 2)", BLIND_RV_ONE_SIDED_Z),
        # caught since regression_verdict_statistics
        ("r as the ratio of arithmetic means, not of geometric means", BLIND_RV_ARITHMETIC_MEAN_RATIO),
        ("decides on the ratio and the tolerance only, ignoring the confidence interval", BLIND_RV_RATIO_ONLY),
        ("decides on the interval only, ignoring the tolerance", BLIND_RV_NO_TOLERANCE),
        ("checks only the baseline's length: a 1-value candidate raises ZeroDivisionError, not ValueError",
         BLIND_RV_ONLY_THE_BASELINE_CHECKED),
        # caught since regression_verdict_statistics
        ("v <= 0 lets NaN through (NaN is not positive): a NaN timing gives a verdict instead of ValueError",
         BLIND_RV_NAN_IS_ACCEPTED),
    ],
}

for _gid, _items in BLIND_2026_11_30.items():
    WRONG_ANSWERS.setdefault(_gid, []).extend(_items)
