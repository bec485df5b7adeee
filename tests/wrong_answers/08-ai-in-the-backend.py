"""Plausible wrong answers for module 08 (AI in the backend): each must lose points on its own exercise.

Written from the docstrings and the narrative alone, before the hidden tests: the mistakes a learner makes with
deadlines, queues, bins, streams, caches and parsers (off-by-one boundaries, the wrong reference point for a timer,
falsy edge cases, shared state, lenient parsing), not `return None`.
"""

# ---------------------------------------------------------------------------------------------------------------
# Exercise 1 — make_prediction_app
# ---------------------------------------------------------------------------------------------------------------
PREDICT_NO_DEADLINE = '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Catches a crashing model, but waits for a slow one as long as it takes."""
    app = FastAPI()

    @app.post("/predict")
    def predict(tx: ai.Transaction) -> dict:
        try:
            score = float(model.score(tx))
            return {"score": score, "decision": ai.decision(score), "model_version": model.version, "source": "model"}
        except Exception:
            score = ai.rule_score(tx)
            return {"score": score, "decision": ai.decision(score), "model_version": ai.RULES_VERSION, "source": "fallback"}

    return app
'''

PREDICT_FALLBACK_KEEPS_MODEL_VERSION = '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """The fallback answer still names the model's version, although the rules made it."""
    app = FastAPI()

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            score, source = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s)), "model"
        except Exception:
            score, source = ai.rule_score(tx), "fallback"
        return {"score": score, "decision": ai.decision(score), "model_version": model.version, "source": source}

    return app
'''

PREDICT_UNVALIDATED_DICT = '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Takes any JSON object: the model sees whatever arrives (no 422, the model is called on garbage)."""
    app = FastAPI()

    @app.post("/predict")
    async def predict(tx: dict) -> dict:
        try:
            score = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s))
            return {"score": score, "decision": ai.decision(score), "model_version": model.version, "source": "model"}
        except asyncio.TimeoutError:
            score = ai.rule_score(tx)
            return {"score": score, "decision": ai.decision(score), "model_version": ai.RULES_VERSION, "source": "fallback"}

    return app
'''

PREDICT_ONLY_TIMEOUT_FALLS_BACK = '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Falls back when the model is late, but a model that raises becomes a 500."""
    app = FastAPI()

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            score = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s))
            return {"score": score, "decision": ai.decision(score), "model_version": model.version, "source": "model"}
        except TimeoutError:
            score = ai.rule_score(tx)
            return {"score": score, "decision": ai.decision(score), "model_version": ai.RULES_VERSION, "source": "fallback"}

    return app
'''

PREDICT_STRICT_THRESHOLDS = '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Its own thresholds, strictly above: a score of exactly 0.3 is 'review', exactly 0.1 is 'allow'."""
    app = FastAPI()

    def decide(score):
        return "block" if score > ai.BLOCK_AT else "review" if score > ai.REVIEW_AT else "allow"

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            score = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s))
            return {"score": score, "decision": decide(score), "model_version": model.version, "source": "model"}
        except Exception:
            score = ai.rule_score(tx)
            return {"score": score, "decision": decide(score), "model_version": ai.RULES_VERSION, "source": "fallback"}

    return app
'''

PREDICT_ROUNDED_SCORE = '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Rounds the score to 3 decimals "for readability": 0.2999 becomes 0.3 and a block."""
    app = FastAPI()

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            score = round(float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s)), 3)
            return {"score": score, "decision": ai.decision(score), "model_version": model.version, "source": "model"}
        except Exception:
            score = ai.rule_score(tx)
            return {"score": score, "decision": ai.decision(score), "model_version": ai.RULES_VERSION, "source": "fallback"}

    return app
'''

PREDICT_FALLBACK_SAYS_MODEL = '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Hides the degradation: the fallback answer claims source "model"."""
    app = FastAPI()

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            score, version = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s)), model.version
        except Exception:
            score, version = ai.rule_score(tx), ai.RULES_VERSION
        return {"score": score, "decision": ai.decision(score), "model_version": version, "source": "model"}

    return app
'''

PREDICT_MODEL_GETS_A_DICT = '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Validates, then hands the model a plain dict instead of the validated ai.Transaction."""
    app = FastAPI()

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            score = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx.model_dump()), deadline_s))
            return {"score": score, "decision": ai.decision(score), "model_version": model.version, "source": "model"}
        except Exception:
            score = ai.rule_score(tx)
            return {"score": score, "decision": ai.decision(score), "model_version": ai.RULES_VERSION, "source": "fallback"}

    return app
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 2 — simulate_batching
# ---------------------------------------------------------------------------------------------------------------
BATCH_HEAD = '''
import bisect
import math


def simulate_batching(arrivals: list[float], max_batch: int, max_wait_s: float, call_cost_s) -> tuple[list[list[int]], list[float]]:
    """Dynamic micro-batching with one worker, on simulated time."""
    batches, latencies = [], [0.0] * len(arrivals)
    head, free = 0, -math.inf
    while head < len(arrivals):
'''
BATCH_TAIL = '''
        batch = list(range(head, end))
        finish = start + call_cost_s(len(batch))
        for i in batch:
            latencies[i] = float(finish - arrivals[i])
        batches.append(batch)
        head, free = end, finish
    return batches, latencies
'''

BATCH_TIMER_FROM_NEWEST = BATCH_HEAD + '''
        # debounce: wait max_wait_s after the NEWEST arrival of the forming batch
        end = head + 1
        while end < len(arrivals) and end - head < max_batch and arrivals[end] <= arrivals[end - 1] + max_wait_s:
            end += 1
        start = max(free, arrivals[end - 1] + max_wait_s if end - head < max_batch else arrivals[end - 1])
''' + BATCH_TAIL

BATCH_UNBOUNDED_SIZE = BATCH_HEAD + '''
        full_at = arrivals[head + max_batch - 1] if head + max_batch - 1 < len(arrivals) else math.inf
        start = max(free, min(arrivals[head] + max_wait_s, full_at))
        end = bisect.bisect_right(arrivals, start, lo=head)  # everything queued goes in, however many
''' + BATCH_TAIL

BATCH_CALLS_OVERLAP = BATCH_HEAD + '''
        full_at = arrivals[head + max_batch - 1] if head + max_batch - 1 < len(arrivals) else math.inf
        start = min(arrivals[head] + max_wait_s, full_at)  # forgets that the worker may still be busy
        end = min(bisect.bisect_right(arrivals, start, lo=head), head + max_batch)
''' + BATCH_TAIL

BATCH_EXCLUDES_ARRIVALS_AT_START = BATCH_HEAD + '''
        full_at = arrivals[head + max_batch - 1] if head + max_batch - 1 < len(arrivals) else math.inf
        start = max(free, min(arrivals[head] + max_wait_s, full_at))
        end = min(max(bisect.bisect_left(arrivals, start, lo=head), head + 1), head + max_batch)  # "before t", not "at or before"
''' + BATCH_TAIL

BATCH_LATENCY_FROM_CALL_START = '''
import bisect
import math


def simulate_batching(arrivals: list[float], max_batch: int, max_wait_s: float, call_cost_s) -> tuple[list[list[int]], list[float]]:
    """Right batches, but latency measured from when the call starts: the time spent queued is left out."""
    batches, latencies = [], [0.0] * len(arrivals)
    head, free = 0, -math.inf
    while head < len(arrivals):
        full_at = arrivals[head + max_batch - 1] if head + max_batch - 1 < len(arrivals) else math.inf
        start = max(free, min(arrivals[head] + max_wait_s, full_at))
        end = min(bisect.bisect_right(arrivals, start, lo=head), head + max_batch)
        batch = list(range(head, end))
        finish = start + call_cost_s(len(batch))
        for i in batch:
            latencies[i] = float(finish - start)
        batches.append(batch)
        head, free = end, finish
    return batches, latencies
'''

BATCH_ONLY_TIMEOUT = BATCH_HEAD + '''
        start = max(free, arrivals[head] + max_wait_s)  # a full batch still waits for the timer
        end = min(bisect.bisect_right(arrivals, start, lo=head), head + max_batch)
''' + BATCH_TAIL

BATCH_TIMER_FROM_IDLE = BATCH_HEAD + '''
        full_at = arrivals[head + max_batch - 1] if head + max_batch - 1 < len(arrivals) else math.inf
        opened = max(free, arrivals[head])  # the wait starts when the worker is idle, not at the request's arrival
        start = max(free, min(opened + max_wait_s, full_at))
        end = min(bisect.bisect_right(arrivals, start, lo=head), head + max_batch)
''' + BATCH_TAIL

# ---------------------------------------------------------------------------------------------------------------
# Exercise 3 — drift_report
# ---------------------------------------------------------------------------------------------------------------
DRIFT_HEAD = '''
def drift_report(reference: dict, current: dict, warn: float = 0.1, alert: float = 0.25, bins: int = 10) -> dict:
    """PSI per feature."""
    report = {}
    for name, values in reference.items():
        ref, cur = np.asarray(values, float), np.asarray(current[name], float)
'''
DRIFT_QUANTILE_SHARES = '''
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
'''
DRIFT_TAIL = '''
        value = float(np.sum((c - r) * np.log(c / r)))
        report[name] = (value, "drift" if value >= alert else "warn" if value >= warn else "ok")
    return report
'''

DRIFT_EQUAL_WIDTH = DRIFT_HEAD + '''
        edges = np.linspace(ref.min(), ref.max(), bins + 1)[1:-1]  # equal-width bins instead of quantiles
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
''' + DRIFT_TAIL

DRIFT_BINS_FROM_CURRENT = DRIFT_HEAD + '''
        edges = np.unique(np.quantile(cur, np.arange(1, bins) / bins))  # the current sample's quantiles
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
''' + DRIFT_TAIL

DRIFT_NO_FLOOR = '''
def drift_report(reference: dict, current: dict, warn: float = 0.1, alert: float = 0.25, bins: int = 10) -> dict:
    """No floor on the shares: skips the empty bins instead (0 * log 0 'is 0')."""
    report = {}
    for name, values in reference.items():
        ref, cur = np.asarray(values, float), np.asarray(current[name], float)
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
        both = (r > 0) & (c > 0)
        value = float(np.sum((c[both] - r[both]) * np.log(c[both] / r[both])))
        report[name] = (value, "drift" if value >= alert else "warn" if value >= warn else "ok")
    return report
'''

DRIFT_STRICT_THRESHOLDS = DRIFT_HEAD + DRIFT_QUANTILE_SHARES + '''
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
        value = float(np.sum((c - r) * np.log(c / r)))
        report[name] = (value, "drift" if value > alert else "warn" if value > warn else "ok")
    return report
'''

DRIFT_EDGE_VALUE_GOES_BELOW = DRIFT_HEAD + '''
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
        r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1) / len(ref)  # an edge value in the bin below
        c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1) / len(cur)
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
''' + DRIFT_TAIL

DRIFT_ONE_WAY_KL = DRIFT_HEAD + DRIFT_QUANTILE_SHARES + '''
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
        value = float(np.sum(c * np.log(c / r)))  # Kullback-Leibler one way, not the PSI
        report[name] = (value, "drift" if value >= alert else "warn" if value >= warn else "ok")
    return report
'''

DRIFT_NUMPY_FLOAT = DRIFT_HEAD + DRIFT_QUANTILE_SHARES + '''
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
        value = np.sum((c - r) * np.log(c / r))  # a numpy float64, not a Python float
        report[name] = (value, "drift" if value >= alert else "warn" if value >= warn else "ok")
    return report
'''

DRIFT_SORTED_FEATURES = '''
def drift_report(reference: dict, current: dict, warn: float = 0.1, alert: float = 0.25, bins: int = 10) -> dict:
    """Right values, features in alphabetical order instead of reference's order."""
    report = {}
    for name in sorted(reference):
        ref, cur = np.asarray(reference[name], float), np.asarray(current[name], float)
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
        value = float(np.sum((c - r) * np.log(c / r)))
        report[name] = (value, "drift" if value >= alert else "warn" if value >= warn else "ok")
    return report
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 4 — make_relay_app
# ---------------------------------------------------------------------------------------------------------------
RELAY_HEAD = '''
def make_relay_app(upstream_url: str, deadline_s: float) -> FastAPI:
    """Relay the provider's stream."""
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        async with httpx.AsyncClient(timeout=deadline_s + 30) as upstream_client:
            app.state.upstream_client = upstream_client
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/chat")
    async def chat(body: ai.ChatIn, request: Request) -> StreamingResponse:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + deadline_s
        upstream_client = request.app.state.upstream_client
'''
RELAY_RETURN = '''
        return StreamingResponse(relay(), media_type="text/event-stream")

    return app
'''

RELAY_BUFFERS_THEN_SENDS = RELAY_HEAD + '''
        async def relay():
            tokens, reason = [], "deadline"

            async def collect():
                nonlocal reason
                wanted = {"prompt": body.prompt, "stream": True}
                async with upstream_client.stream("POST", f"{upstream_url}/v1/chat", json=wanted) as upstream:
                    async for event, data in ai.aiter_sse(upstream):
                        if event == "token":
                            tokens.append(data)
                        elif event == "done":
                            reason = "done"
                            return

            try:
                await asyncio.wait_for(collect(), deadline_s)  # the whole answer first, then send it
            except TimeoutError:
                pass
            for data in tokens:
                yield ai.sse("token", data)
            yield ai.sse("end", {"reason": reason})
''' + RELAY_RETURN

RELAY_NO_DEADLINE = RELAY_HEAD + '''
        async def relay():
            async with upstream_client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True}) as upstream:
                async for event, data in ai.aiter_sse(upstream):  # trusts the provider to finish
                    if event == "token":
                        yield ai.sse("token", data)
                    elif event == "done":
                        break
            yield ai.sse("end", {"reason": "done"})
''' + RELAY_RETURN

RELAY_TIMEOUT_PER_TOKEN = RELAY_HEAD + '''
        async def relay():
            reason = "deadline"
            async with upstream_client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True}) as upstream:
                events = ai.aiter_sse(upstream)
                while True:
                    try:
                        event, data = await asyncio.wait_for(anext(events), deadline_s)  # resets for every token
                    except (TimeoutError, StopAsyncIteration):
                        break
                    if event == "token":
                        yield ai.sse("token", data)
                    elif event == "done":
                        reason = "done"
                        break
            yield ai.sse("end", {"reason": reason})
''' + RELAY_RETURN

RELAY_PRODUCER_OUTLIVES_CLIENT = RELAY_HEAD + '''
        queue = asyncio.Queue()

        async def produce():
            body_json = {"prompt": body.prompt, "stream": True}
            async with upstream_client.stream("POST", f"{upstream_url}/v1/chat", json=body_json) as upstream:
                async for item in ai.aiter_sse(upstream):
                    await queue.put(item)
            await queue.put(("done", None))

        producer = asyncio.create_task(produce())

        async def relay():
            reason = "deadline"
            while (remaining := deadline - loop.time()) > 0:
                try:
                    event, data = await asyncio.wait_for(queue.get(), remaining)
                except TimeoutError:
                    break
                if event == "token":
                    yield ai.sse("token", data)
                elif event == "done":
                    reason = "done"
                    break
            if reason == "deadline":
                producer.cancel()  # cancelled at the deadline, but never when the client leaves
            yield ai.sse("end", {"reason": reason})
''' + RELAY_RETURN

RELAY_NO_END_AT_DEADLINE = RELAY_HEAD + '''
        async def relay():
            async with upstream_client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True}) as upstream:
                events = ai.aiter_sse(upstream)
                while (remaining := deadline - loop.time()) > 0:
                    try:
                        event, data = await asyncio.wait_for(anext(events), remaining)
                    except (TimeoutError, StopAsyncIteration):
                        return  # just stops: the client cannot tell a deadline from a finished answer
                    if event == "token":
                        yield ai.sse("token", data)
                    elif event == "done":
                        break
            yield ai.sse("end", {"reason": "done"})
''' + RELAY_RETURN

RELAY_REWRITES_TOKENS = RELAY_HEAD + '''
        async def relay():
            reason = "deadline"
            async with upstream_client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True}) as upstream:
                events = ai.aiter_sse(upstream)
                while (remaining := deadline - loop.time()) > 0:
                    try:
                        event, data = await asyncio.wait_for(anext(events), remaining)
                    except (TimeoutError, StopAsyncIteration):
                        break
                    if event == "token":
                        yield ai.sse("token", {"text": data["text"].strip()})  # "cleans" the token, drops the index
                    elif event == "done":
                        reason = "done"
                        break
            yield ai.sse("end", {"reason": reason})
''' + RELAY_RETURN

RELAY_NOT_STREAMING_UPSTREAM = RELAY_HEAD + '''
        async def relay():
            try:
                reply = await asyncio.wait_for(upstream_client.post(f"{upstream_url}/v1/chat", json={"prompt": body.prompt}), deadline_s)
            except TimeoutError:
                yield ai.sse("end", {"reason": "deadline"})
                return
            for i, word in enumerate(reply.json()["text"].split(" ")):  # re-tokenises a non-streamed answer
                yield ai.sse("token", {"index": i, "text": word if i == 0 else " " + word})
            yield ai.sse("end", {"reason": "done"})
''' + RELAY_RETURN

# ---------------------------------------------------------------------------------------------------------------
# Exercise 5 — SemanticCache
# ---------------------------------------------------------------------------------------------------------------
CACHE_HEAD = '''
class SemanticCache:
    """A semantic cache."""

    def __init__(self, embed, threshold: float, ttl_s: float, clock) -> None:
        self.embed, self.threshold, self.ttl_s, self.clock = embed, threshold, ttl_s, clock
        self.entries = {}

    def put(self, tenant: str, prompt: str, answer: str) -> None:
        self.entries.setdefault(tenant, []).append((np.asarray(self.embed(prompt), dtype=float), answer, self.clock()))

    @staticmethod
    def similarity(u, v):
        norms = np.linalg.norm(u) * np.linalg.norm(v)
        return float(u @ v / norms) if norms > 0 else 0.0
'''

CACHE_ACROSS_TENANTS = CACHE_HEAD + '''
    def get(self, tenant: str, prompt: str):
        now, query = self.clock(), np.asarray(self.embed(prompt), dtype=float)
        best = None
        for entries in self.entries.values():  # every tenant's entries
            for vector, cached, stored in entries:
                if now < stored + self.ttl_s:
                    sim = self.similarity(query, vector)
                    if sim >= self.threshold and (best is None or sim >= best[0]):
                        best = (sim, cached)
        return None if best is None else best[1]
'''

CACHE_STRICT_THRESHOLD = CACHE_HEAD + '''
    def get(self, tenant: str, prompt: str):
        now, query = self.clock(), np.asarray(self.embed(prompt), dtype=float)
        best = None
        for vector, cached, stored in self.entries.get(tenant, []):
            if now < stored + self.ttl_s:
                sim = self.similarity(query, vector)
                if sim > self.threshold and (best is None or sim >= best[0]):
                    best = (sim, cached)
        return None if best is None else best[1]
'''

CACHE_SERVES_AT_EXPIRY = CACHE_HEAD + '''
    def get(self, tenant: str, prompt: str):
        now, query = self.clock(), np.asarray(self.embed(prompt), dtype=float)
        best = None
        for vector, cached, stored in self.entries.get(tenant, []):
            if now <= stored + self.ttl_s:  # still serves at exactly t + ttl_s
                sim = self.similarity(query, vector)
                if sim >= self.threshold and (best is None or sim >= best[0]):
                    best = (sim, cached)
        return None if best is None else best[1]
'''

CACHE_FIRST_MATCH = CACHE_HEAD + '''
    def get(self, tenant: str, prompt: str):
        now, query = self.clock(), np.asarray(self.embed(prompt), dtype=float)
        for vector, cached, stored in self.entries.get(tenant, []):
            if now < stored + self.ttl_s and self.similarity(query, vector) >= self.threshold:
                return cached  # the first good-enough entry, not the best one
        return None
'''

CACHE_RAW_DOT_PRODUCT = CACHE_HEAD + '''
    def get(self, tenant: str, prompt: str):
        now, query = self.clock(), np.asarray(self.embed(prompt), dtype=float)
        best = None
        for vector, cached, stored in self.entries.get(tenant, []):
            if now < stored + self.ttl_s:
                sim = float(query @ vector)  # assumes unit vectors: ai.embed's are, other embedders' are not
                if sim >= self.threshold and (best is None or sim >= best[0]):
                    best = (sim, cached)
        return None if best is None else best[1]
'''

CACHE_TIE_KEEPS_OLDEST = CACHE_HEAD + '''
    def get(self, tenant: str, prompt: str):
        now, query = self.clock(), np.asarray(self.embed(prompt), dtype=float)
        best = None
        for vector, cached, stored in self.entries.get(tenant, []):
            if now < stored + self.ttl_s:
                sim = self.similarity(query, vector)
                if sim >= self.threshold and (best is None or sim > best[0]):  # a tie keeps the older answer
                    best = (sim, cached)
        return None if best is None else best[1]
'''

CACHE_SHARED_CLASS_STORAGE = '''
class SemanticCache:
    """Entries in a class attribute: every cache instance shares them."""

    entries = {}

    def __init__(self, embed, threshold: float, ttl_s: float, clock) -> None:
        self.embed, self.threshold, self.ttl_s, self.clock = embed, threshold, ttl_s, clock

    def put(self, tenant: str, prompt: str, answer: str) -> None:
        self.entries.setdefault(tenant, []).append((np.asarray(self.embed(prompt), dtype=float), answer, self.clock()))

    def get(self, tenant: str, prompt: str):
        now, query = self.clock(), np.asarray(self.embed(prompt), dtype=float)
        best = None
        for vector, cached, stored in self.entries.get(tenant, []):
            if now < stored + self.ttl_s:
                norms = np.linalg.norm(query) * np.linalg.norm(vector)
                sim = float(query @ vector / norms) if norms > 0 else 0.0
                if sim >= self.threshold and (best is None or sim >= best[0]):
                    best = (sim, cached)
        return None if best is None else best[1]
'''

CACHE_BEST_THEN_EXPIRY = CACHE_HEAD + '''
    def get(self, tenant: str, prompt: str):
        now, query = self.clock(), np.asarray(self.embed(prompt), dtype=float)
        best = None
        for vector, cached, stored in self.entries.get(tenant, []):
            sim = self.similarity(query, vector)
            if sim >= self.threshold and (best is None or sim >= best[0]):
                best = (sim, cached, stored)
        if best is None or now >= best[2] + self.ttl_s:  # expiry checked after choosing: a fresh second-best is lost
            return None
        return best[1]
'''

CACHE_NAN_FOR_ZERO_VECTORS = CACHE_HEAD + '''
    def get(self, tenant: str, prompt: str):
        now, query = self.clock(), np.asarray(self.embed(prompt), dtype=float)
        best = None
        for vector, cached, stored in self.entries.get(tenant, []):
            if now < stored + self.ttl_s:
                sim = float(query @ vector / (np.linalg.norm(query) * np.linalg.norm(vector)))  # nan for a zero vector
                if sim >= self.threshold and (best is None or sim >= best[0]):
                    best = (sim, cached)
        return None if best is None else best[1]
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 6 — guard_tool_call
# ---------------------------------------------------------------------------------------------------------------
GUARD_CHECKS = '''
    if not isinstance(call, dict) or set(call) != {"tool", "arguments"}:
        raise ai.UnsafeOutput("expected exactly the keys tool and arguments")
    tool, arguments = call["tool"], call["arguments"]
    if not isinstance(tool, str) or tool not in tools:
        raise ai.UnsafeOutput(f"tool {tool!r} is not allowed")
    if not isinstance(arguments, dict):
        raise ai.UnsafeOutput("arguments must be an object")
    try:
        return tool, tools[tool].model_validate(arguments)
    except Exception as exc:
        raise ai.UnsafeOutput(str(exc)) from None
'''
GUARD_STRICT_PARSE = '''
    def unique_keys(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ai.UnsafeOutput("a key appears twice")
        return dict(pairs)

    def no_constants(name):
        raise ai.UnsafeOutput(f"{name} is not JSON")
'''

GUARD_EXTRACTS_FIRST_OBJECT = '''
import re


def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Finds the JSON object inside the model's text and ignores the rest (prose, fences, injected instructions)."""
''' + GUARD_STRICT_PARSE + '''
    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")
    match = re.search(r"\\{.*\\}", raw, re.DOTALL)
    if match is None:
        raise ai.UnsafeOutput("no JSON object")
    try:
        call = json.JSONDecoder(object_pairs_hook=unique_keys, parse_constant=no_constants).raw_decode(match.group(0))[0]
    except json.JSONDecodeError as exc:
        raise ai.UnsafeOutput(str(exc)) from None
''' + GUARD_CHECKS

GUARD_PLAIN_JSON_LOADS = '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Plain json.loads: accepts NaN and Infinity, and keeps the LAST of two equal keys."""
    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")
    try:
        call = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ai.UnsafeOutput(str(exc)) from None
''' + GUARD_CHECKS

GUARD_FORGIVING_TOOL_NAME = '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Normalises the tool name (strip, lower case) "to be forgiving"."""
''' + GUARD_STRICT_PARSE + '''
    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")
    try:
        call = json.loads(raw, object_pairs_hook=unique_keys, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise ai.UnsafeOutput(str(exc)) from None
    if not isinstance(call, dict) or set(call) != {"tool", "arguments"}:
        raise ai.UnsafeOutput("expected exactly the keys tool and arguments")
    tool = str(call["tool"]).strip().lower()
    if tool not in tools or not isinstance(call["arguments"], dict):
        raise ai.UnsafeOutput(f"tool {tool!r} is not allowed")
    try:
        return tool, tools[tool].model_validate(call["arguments"])
    except Exception as exc:
        raise ai.UnsafeOutput(str(exc)) from None
'''

GUARD_EXTRA_KEYS_ALLOWED = '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Needs "tool" and "arguments" but lets any other top-level key through."""
''' + GUARD_STRICT_PARSE + '''
    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")
    try:
        call = json.loads(raw, object_pairs_hook=unique_keys, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise ai.UnsafeOutput(str(exc)) from None
    if not isinstance(call, dict) or not {"tool", "arguments"} <= set(call):
        raise ai.UnsafeOutput("missing tool or arguments")
    tool, arguments = call["tool"], call["arguments"]
    if not isinstance(tool, str) or tool not in tools or not isinstance(arguments, dict):
        raise ai.UnsafeOutput(f"tool {tool!r} is not allowed")
    try:
        return tool, tools[tool].model_validate(arguments)
    except Exception as exc:
        raise ai.UnsafeOutput(str(exc)) from None
'''

GUARD_LETS_LIBRARY_ERRORS_ESCAPE = '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Raises UnsafeOutput for the checks it writes itself, but lets json's and pydantic's errors escape as they are."""
''' + GUARD_STRICT_PARSE + '''
    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")
    call = json.loads(raw, object_pairs_hook=unique_keys, parse_constant=no_constants)  # JSONDecodeError escapes
    if not isinstance(call, dict) or set(call) != {"tool", "arguments"}:
        raise ai.UnsafeOutput("expected exactly the keys tool and arguments")
    tool, arguments = call["tool"], call["arguments"]
    if not isinstance(tool, str) or tool not in tools:
        raise ai.UnsafeOutput(f"tool {tool!r} is not allowed")
    return tool, tools[tool].model_validate(arguments)  # ValidationError escapes
'''

GUARD_NO_LENGTH_LIMIT = '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Every check but the length: trusts the schema's bounds to catch anything oversized."""
''' + GUARD_STRICT_PARSE + '''
    try:
        call = json.loads(raw, object_pairs_hook=unique_keys, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise ai.UnsafeOutput(str(exc)) from None
''' + GUARD_CHECKS

GUARD_MISSING_ARGUMENTS_DEFAULT = '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Treats missing or null arguments as {} and skips validation when there is nothing to validate."""
''' + GUARD_STRICT_PARSE + '''
    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")
    try:
        call = json.loads(raw, object_pairs_hook=unique_keys, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise ai.UnsafeOutput(str(exc)) from None
    if not isinstance(call, dict) or not set(call) <= {"tool", "arguments"}:
        raise ai.UnsafeOutput("unexpected keys")
    tool, arguments = call.get("tool"), call.get("arguments") or {}
    if not isinstance(tool, str) or tool not in tools or not isinstance(arguments, dict):
        raise ai.UnsafeOutput(f"tool {tool!r} is not allowed")
    if not arguments:
        return tool, tools[tool].model_construct()
    try:
        return tool, tools[tool].model_validate(arguments)
    except Exception as exc:
        raise ai.UnsafeOutput(str(exc)) from None
'''

GUARD_DUPLICATES_ONLY_FOR_TOOL = '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Looks for a second "tool" key in the text, but not for duplicates inside the arguments; no NaN check."""
    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")
    if raw.count('"tool"') > 1:
        raise ai.UnsafeOutput("tool named twice")
    try:
        call = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ai.UnsafeOutput(str(exc)) from None
''' + GUARD_CHECKS


WRONG_ANSWERS = {
    "prediction_endpoint": [
        ("no deadline: waits for a model that never answers (only exceptions fall back)", PREDICT_NO_DEADLINE),
        ("the fallback answer keeps model.version instead of ai.RULES_VERSION", PREDICT_FALLBACK_KEEPS_MODEL_VERSION),
        ("the body is a plain dict: no 422, the model is called on invalid input", PREDICT_UNVALIDATED_DICT),
        ("falls back on TimeoutError only: a model that raises gives a 500", PREDICT_ONLY_TIMEOUT_FALLS_BACK),
        ("its own strict thresholds: exactly 0.3 is review, exactly 0.1 is allow", PREDICT_STRICT_THRESHOLDS),
        ("rounds the score to 3 decimals (0.2999 becomes 0.3, a block)", PREDICT_ROUNDED_SCORE),
        ("the fallback claims source 'model'", PREDICT_FALLBACK_SAYS_MODEL),
        ("model.score gets tx.model_dump(), not the validated ai.Transaction", PREDICT_MODEL_GETS_A_DICT),
    ],
    "micro_batching": [
        ("the timer restarts at every new arrival (debounce from the newest, not the oldest)", BATCH_TIMER_FROM_NEWEST),
        ("takes everything queued at t, more than max_batch", BATCH_UNBOUNDED_SIZE),
        ("ignores the busy worker: calls overlap", BATCH_CALLS_OVERLAP),
        ("a request arriving exactly at t is left for the next call", BATCH_EXCLUDES_ARRIVALS_AT_START),
        ("latency counted from the call's start: queueing time left out", BATCH_LATENCY_FROM_CALL_START),
        ("a full batch still waits for max_wait_s", BATCH_ONLY_TIMEOUT),
        ("max_wait_s counted from when the worker became idle, not from the arrival", BATCH_TIMER_FROM_IDLE),
    ],
    "drift_detector": [
        ("equal-width bins over the reference's range instead of quantiles", DRIFT_EQUAL_WIDTH),
        ("bin edges from the current sample's quantiles", DRIFT_BINS_FROM_CURRENT),
        ("no 1e-4 floor: empty bins are skipped", DRIFT_NO_FLOOR),
        ("strict thresholds: PSI == warn is ok, PSI == alert is warn", DRIFT_STRICT_THRESHOLDS),
        ("a value equal to an edge falls in the bin below (searchsorted side='left')", DRIFT_EDGE_VALUE_GOES_BELOW),
        ("one-way Kullback-Leibler divergence instead of the PSI", DRIFT_ONE_WAY_KL),
        ("returns numpy float64 values instead of Python floats", DRIFT_NUMPY_FLOAT),
        ("features in alphabetical order instead of reference's order", DRIFT_SORTED_FEATURES),
    ],
    "streaming_relay": [
        ("collects the whole answer (within the deadline), then sends it", RELAY_BUFFERS_THEN_SENDS),
        ("no deadline: a stalled provider stalls the client", RELAY_NO_DEADLINE),
        ("a timeout per token instead of a total deadline", RELAY_TIMEOUT_PER_TOKEN),
        ("a background reader task that is cancelled at the deadline but outlives a client that leaves", RELAY_PRODUCER_OUTLIVES_CLIENT),
        ("at the deadline the stream just stops, without the end event", RELAY_NO_END_AT_DEADLINE),
        ("rewrites the token data (strips spaces, drops the index)", RELAY_REWRITES_TOKENS),
        ("asks the provider for a non-streamed answer and re-tokenises it", RELAY_NOT_STREAMING_UPSTREAM),
    ],
    "semantic_cache": [
        ("looks across every tenant's entries", CACHE_ACROSS_TENANTS),
        ("strict threshold: similarity == threshold misses", CACHE_STRICT_THRESHOLD),
        ("an entry still serves at exactly t + ttl_s", CACHE_SERVES_AT_EXPIRY),
        ("returns the first entry above the threshold, not the best", CACHE_FIRST_MATCH),
        ("raw dot product, no normalisation", CACHE_RAW_DOT_PRODUCT),
        ("a tie keeps the older entry", CACHE_TIE_KEEPS_OLDEST),
        ("entries in a class attribute, shared by every cache", CACHE_SHARED_CLASS_STORAGE),
        ("picks the best entry first, then drops it if expired (a fresh second-best is lost)", CACHE_BEST_THEN_EXPIRY),
        ("a zero vector gives nan instead of 0.0", CACHE_NAN_FOR_ZERO_VECTORS),
    ],
    "output_guard": [
        ("extracts the first {...} from the text: prose and injected instructions around it pass", GUARD_EXTRACTS_FIRST_OBJECT),
        ("plain json.loads: NaN, Infinity and duplicate keys pass", GUARD_PLAIN_JSON_LOADS),
        ("normalises the tool name (strip, lower case)", GUARD_FORGIVING_TOOL_NAME),
        ("extra top-level keys allowed", GUARD_EXTRA_KEYS_ALLOWED),
        ("JSONDecodeError and ValidationError escape instead of UnsafeOutput", GUARD_LETS_LIBRARY_ERRORS_ESCAPE),
        ("no length limit", GUARD_NO_LENGTH_LIMIT),
        ("missing or null arguments become {} and skip validation", GUARD_MISSING_ARGUMENTS_DEFAULT),
        ("duplicate keys checked only for 'tool', by counting in the text; NaN passes", GUARD_DUPLICATES_ONLY_FOR_TOOL),
    ],
}


# Blind red team, 2026-11-30 (written from the student notebook alone)
# Each answer replaces the whole answer cell and violates one sentence of its docstring; reasons start with 'blind:'.
BLIND_2026_11_30 = {
    'prediction_endpoint': [
        # caught since prediction_endpoint_contract
        ("blind: the model's score is returned as it comes back (no float()): an int or numpy score leaks through as-is", '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Scores with the model within the deadline; forgets that s must be a float."""
    app = FastAPI()

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            s = await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s)
            v, src = model.version, "model"
        except Exception:
            s, v, src = ai.rule_score(tx), ai.RULES_VERSION, "fallback"
        return {"score": s, "decision": ai.decision(s), "model_version": v, "source": src}

    return app
'''),
        ('blind: only the timeout falls back: a model that raises gives a 500', '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Falls back to the rules when the model is too slow; a crashing model is not expected."""
    app = FastAPI()

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            s = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s))
            v, src = model.version, "model"
        except asyncio.TimeoutError:
            s, v, src = ai.rule_score(tx), ai.RULES_VERSION, "fallback"
        return {"score": s, "decision": ai.decision(s), "model_version": v, "source": src}

    return app
'''),
        ("blind: the decision re-implemented with > instead of ai.decision's >= at REVIEW_AT and BLOCK_AT", '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Writes its own thresholds: a score exactly at a threshold is treated as below it."""
    app = FastAPI()

    def decide(s: float) -> str:
        if s > ai.BLOCK_AT:
            return "block"
        if s > ai.REVIEW_AT:
            return "review"
        return "allow"

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            s = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s))
            v, src = model.version, "model"
        except Exception:
            s, v, src = ai.rule_score(tx), ai.RULES_VERSION, "fallback"
        return {"score": s, "decision": decide(s), "model_version": v, "source": src}

    return app
'''),
        # caught since prediction_endpoint_deadline_fallback
        ("blind: the fallback always answers decision 'review' (degraded mode sends to a human) instead of ai.decision(rule score)", '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """In degraded mode every payment goes to a human: decision 'review', whatever the rules say."""
    app = FastAPI()

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            s = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s))
            return {"score": s, "decision": ai.decision(s), "model_version": model.version, "source": "model"}
        except Exception:
            s = ai.rule_score(tx)
            return {"score": s, "decision": "review", "model_version": ai.RULES_VERSION, "source": "fallback"}

    return app
'''),
        ('blind: lenient body: unknown fields are dropped before validation, so an extra field is answered 200, not 422', '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Validates the known fields with ai.Transaction, but silently drops unknown ones instead of refusing them."""
    from fastapi import HTTPException

    app = FastAPI()

    @app.post("/predict")
    async def predict(body: dict) -> dict:
        known = {k: v for k, v in body.items() if k in ai.Transaction.model_fields}
        try:
            tx = ai.Transaction(**known)
        except Exception:
            raise HTTPException(status_code=422, detail="invalid payment") from None
        try:
            s = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s))
            v, src = model.version, "model"
        except Exception:
            s, v, src = ai.rule_score(tx), ai.RULES_VERSION, "fallback"
        return {"score": s, "decision": ai.decision(s), "model_version": v, "source": src}

    return app
'''),
        # caught since prediction_endpoint_deadline_fallback
        ('blind: deadline hard-coded to 1 s (passes the visible 0.3 s and 2 s cases) instead of deadline_s', '''
def make_prediction_app(model, deadline_s: float) -> FastAPI:
    """Uses a fixed one-second budget for the model, whatever deadline_s says."""
    app = FastAPI()

    @app.post("/predict")
    async def predict(tx: ai.Transaction) -> dict:
        try:
            s = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), timeout=1.0))
            v, src = model.version, "model"
        except Exception:
            s, v, src = ai.rule_score(tx), ai.RULES_VERSION, "fallback"
        return {"score": s, "decision": ai.decision(s), "model_version": v, "source": src}

    return app
'''),
    ],
    'micro_batching': [
        ("blind: the max_wait_s timer starts when the worker becomes idle, not at the oldest request's arrival", '''
def simulate_batching(arrivals: list[float], max_batch: int, max_wait_s: float, call_cost_s) -> tuple[list[list[int]], list[float]]:
    """Waits max_wait_s for company from the moment the worker is free (or the request arrived, if later)."""
    n = len(arrivals)
    batches, latencies = [], [0.0] * n
    free = float("-inf")
    i = 0
    while i < n:
        t_full = arrivals[i + max_batch - 1] if i + max_batch - 1 < n else float("inf")
        t_wait = max(free, arrivals[i]) + max_wait_s
        t = max(free, min(t_full, t_wait))
        j = i
        while j < n and j - i < max_batch and arrivals[j] <= t:
            j += 1
        batch = list(range(i, j))
        end = t + call_cost_s(len(batch))
        for k in batch:
            latencies[k] = float(end - arrivals[k])
        batches.append(batch)
        free, i = end, j
    return batches, latencies
'''),
        ('blind: the batch is filled with what had arrived when it became due, not all that arrived by when the busy worker starts', '''
def simulate_batching(arrivals: list[float], max_batch: int, max_wait_s: float, call_cost_s) -> tuple[list[list[int]], list[float]]:
    """Decides the batch's members when it is due; requests arriving while the worker is still busy wait for the next call."""
    n = len(arrivals)
    batches, latencies = [], [0.0] * n
    free = float("-inf")
    i = 0
    while i < n:
        t_full = arrivals[i + max_batch - 1] if i + max_batch - 1 < n else float("inf")
        due = min(t_full, arrivals[i] + max_wait_s)
        j = i
        while j < n and j - i < max_batch and arrivals[j] <= due:
            j += 1
        batch = list(range(i, j))
        t = max(free, due)
        end = t + call_cost_s(len(batch))
        for k in batch:
            latencies[k] = float(end - arrivals[k])
        batches.append(batch)
        free, i = end, j
    return batches, latencies
'''),
        ('blind: every call is costed as a full batch: call_cost_s(max_batch) instead of call_cost_s(len(batch))', '''
def simulate_batching(arrivals: list[float], max_batch: int, max_wait_s: float, call_cost_s) -> tuple[list[list[int]], list[float]]:
    """Costs each model call at its capacity, max_batch rows."""
    n = len(arrivals)
    batches, latencies = [], [0.0] * n
    free = float("-inf")
    i = 0
    while i < n:
        t_full = arrivals[i + max_batch - 1] if i + max_batch - 1 < n else float("inf")
        t = max(free, min(t_full, arrivals[i] + max_wait_s))
        j = i
        while j < n and j - i < max_batch and arrivals[j] <= t:
            j += 1
        batch = list(range(i, j))
        end = t + call_cost_s(max_batch)
        for k in batch:
            latencies[k] = float(end - arrivals[k])
        batches.append(batch)
        free, i = end, j
    return batches, latencies
'''),
        # caught since micro_batching_calls_and_latency
        ("blind: latencies keep the inputs' type: integer arrivals and costs give int latencies, not floats", '''
def simulate_batching(arrivals: list[float], max_batch: int, max_wait_s: float, call_cost_s) -> tuple[list[list[int]], list[float]]:
    """Correct schedule, but latency = end - arrival without float()."""
    n = len(arrivals)
    batches, latencies = [], [0] * n
    free = None
    i = 0
    while i < n:
        t_full = arrivals[i + max_batch - 1] if i + max_batch - 1 < n else None
        t_wait = arrivals[i] + max_wait_s
        due = t_wait if t_full is None else min(t_full, t_wait)
        t = due if free is None else max(free, due)
        j = i
        while j < n and j - i < max_batch and arrivals[j] <= t:
            j += 1
        batch = list(range(i, j))
        end = t + call_cost_s(len(batch))
        for k in batch:
            latencies[k] = end - arrivals[k]
        batches.append(batch)
        free, i = end, j
    return batches, latencies
'''),
        ("blind: max_wait_s == 0 taken as 'no timer' (falsy): with max_batch > 1 requests wait for a full batch or the last arrival", '''
def simulate_batching(arrivals: list[float], max_batch: int, max_wait_s: float, call_cost_s) -> tuple[list[list[int]], list[float]]:
    """A zero wait means 'no timer': calls start only on a full batch (and the tail is flushed after the last arrival)."""
    n = len(arrivals)
    batches, latencies = [], [0.0] * n
    free = float("-inf")
    i = 0
    while i < n:
        if max_wait_s:
            t_full = arrivals[i + max_batch - 1] if i + max_batch - 1 < n else float("inf")
            t_wait = arrivals[i] + max_wait_s
        else:
            t_full = arrivals[min(i + max_batch, n) - 1]
            t_wait = float("inf")
        t = max(free, min(t_full, t_wait))
        j = i
        while j < n and j - i < max_batch and arrivals[j] <= t:
            j += 1
        batch = list(range(i, j))
        end = t + call_cost_s(len(batch))
        for k in batch:
            latencies[k] = float(end - arrivals[k])
        batches.append(batch)
        free, i = end, j
    return batches, latencies
'''),
        # caught since micro_batching_worker_and_edges
        ("blind: the caller's arrivals list is used as the queue and emptied (del queue[:n]): the input is mutated", '''
def simulate_batching(arrivals: list[float], max_batch: int, max_wait_s: float, call_cost_s) -> tuple[list[list[int]], list[float]]:
    """Pops served requests off the front of the queue, which is the caller's list."""
    queue = arrivals
    first = 0
    batches, latencies = [], []
    free = float("-inf")
    while queue:
        t_full = queue[max_batch - 1] if max_batch - 1 < len(queue) else float("inf")
        t = max(free, min(t_full, queue[0] + max_wait_s))
        taken = 0
        while taken < len(queue) and taken < max_batch and queue[taken] <= t:
            taken += 1
        end = t + call_cost_s(taken)
        batches.append(list(range(first, first + taken)))
        latencies.extend(float(end - a) for a in queue[:taken])
        del queue[:taken]
        free, first = end, first + taken
    return batches, latencies
'''),
    ],
    'drift_detector': [
        ("blind: equal-width bins between the reference's min and max instead of the reference's quantiles", '''
def drift_report(reference: dict, current: dict, warn: float = 0.1, alert: float = 0.25, bins: int = 10) -> dict:
    """Cuts each feature's range into `bins` equal-width bins (a histogram), open at both ends."""
    out = {}
    for name, ref in reference.items():
        ref = np.asarray(ref, dtype=float)
        cur = np.asarray(current[name], dtype=float)
        edges = np.unique(np.linspace(ref.min(), ref.max(), bins + 1)[1:-1])
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
        psi = float(np.sum((c - r) * np.log(c / r)))
        out[name] = (psi, "drift" if psi >= alert else "warn" if psi >= warn else "ok")
    return out
'''),
        ('blind: a value equal to an edge falls in the bin BELOW it (np.digitize(..., right=True))', '''
def drift_report(reference: dict, current: dict, warn: float = 0.1, alert: float = 0.25, bins: int = 10) -> dict:
    """Bins with np.digitize(right=True): intervals closed on the right."""
    out = {}
    for name, ref in reference.items():
        ref = np.asarray(ref, dtype=float)
        cur = np.asarray(current[name], dtype=float)
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
        r = np.bincount(np.digitize(ref, edges, right=True), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.digitize(cur, edges, right=True), minlength=len(edges) + 1) / len(cur)
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
        psi = float(np.sum((c - r) * np.log(c / r)))
        out[name] = (psi, "drift" if psi >= alert else "warn" if psi >= warn else "ok")
    return out
'''),
        ('blind: thresholds compared with > : a PSI exactly at warn or alert gets the lower status', '''
def drift_report(reference: dict, current: dict, warn: float = 0.1, alert: float = 0.25, bins: int = 10) -> dict:
    """Statuses from 'above the threshold' rather than 'at or above'."""
    out = {}
    for name, ref in reference.items():
        ref = np.asarray(ref, dtype=float)
        cur = np.asarray(current[name], dtype=float)
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
        psi = float(np.sum((c - r) * np.log(c / r)))
        out[name] = (psi, "drift" if psi > alert else "warn" if psi > warn else "ok")
    return out
'''),
        ('blind: the PSI is left as numpy.float64, not a Python float', '''
def drift_report(reference: dict, current: dict, warn: float = 0.1, alert: float = 0.25, bins: int = 10) -> dict:
    """Returns np.sum's result as it is."""
    out = {}
    for name, ref in reference.items():
        ref = np.asarray(ref, dtype=float)
        cur = np.asarray(current[name], dtype=float)
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
        psi = np.sum((c - r) * np.log(c / r))
        out[name] = (psi, "drift" if psi >= alert else "warn" if psi >= warn else "ok")
    return out
'''),
        # caught since drift_detector_psi_values
        ("blind: features reported in the order of current's keys (those also in reference), not reference's order", '''
def drift_report(reference: dict, current: dict, warn: float = 0.1, alert: float = 0.25, bins: int = 10) -> dict:
    """Walks the current traffic's features and skips those the reference does not know."""
    out = {}
    for name, values in current.items():
        if name not in reference:
            continue
        ref = np.asarray(reference[name], dtype=float)
        cur = np.asarray(values, dtype=float)
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
        psi = float(np.sum((c - r) * np.log(c / r)))
        out[name] = (psi, "drift" if psi >= alert else "warn" if psi >= warn else "ok")
    return out
'''),
        ("blind: the course's thresholds ai.WARN_AT / ai.ALERT_AT are used instead of the warn and alert arguments", '''
def drift_report(reference: dict, current: dict, warn: float = 0.1, alert: float = 0.25, bins: int = 10) -> dict:
    """Applies the standard thresholds from the lab, whatever the caller passed."""
    out = {}
    for name, ref in reference.items():
        ref = np.asarray(ref, dtype=float)
        cur = np.asarray(current[name], dtype=float)
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
        r, c = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
        psi = float(np.sum((c - r) * np.log(c / r)))
        out[name] = (psi, "drift" if psi >= ai.ALERT_AT else "warn" if psi >= ai.WARN_AT else "ok")
    return out
'''),
    ],
    'streaming_relay': [
        ("blind: a per-token timeout (wait_for(anext(events), deadline_s) each time), not a total deadline", '''
def make_relay_app(upstream_url: str, deadline_s: float) -> FastAPI:
    """Gives each upstream event deadline_s seconds: a provider that trickles tokens never trips it."""
    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with httpx.AsyncClient(timeout=None) as client:
            app.state.client = client
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/chat")
    async def chat(body: ai.ChatIn, request: Request):
        client = request.app.state.client

        async def relay():
            async with client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True}) as upstream:
                events = ai.aiter_sse(upstream)
                while True:
                    try:
                        event, data = await asyncio.wait_for(anext(events), deadline_s)
                    except (asyncio.TimeoutError, TimeoutError):
                        yield ai.sse("end", {"reason": "deadline"})
                        return
                    except StopAsyncIteration:
                        return
                    if event == "token":
                        yield ai.sse("token", data)
                    elif event == "done":
                        yield ai.sse("end", {"reason": "done"})
                        return

        return StreamingResponse(relay(), media_type="text/event-stream")

    return app
'''),
        # caught since streaming_relay_deadline_and_disconnect
        ('blind: the deadline clock starts when the upstream stream has opened (inside the generator), not when the request arrived', '''
def make_relay_app(upstream_url: str, deadline_s: float) -> FastAPI:
    """Starts the deadline once the provider has answered the request's headers."""
    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with httpx.AsyncClient(timeout=None) as client:
            app.state.client = client
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/chat")
    async def chat(body: ai.ChatIn, request: Request):
        client = request.app.state.client

        async def relay():
            loop = asyncio.get_running_loop()
            async with client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True}) as upstream:
                start = loop.time()
                events = ai.aiter_sse(upstream)
                while True:
                    remaining = deadline_s - (loop.time() - start)
                    try:
                        event, data = await asyncio.wait_for(anext(events), max(remaining, 0))
                    except (asyncio.TimeoutError, TimeoutError):
                        yield ai.sse("end", {"reason": "deadline"})
                        return
                    except StopAsyncIteration:
                        return
                    if event == "token":
                        yield ai.sse("token", data)
                    elif event == "done":
                        yield ai.sse("end", {"reason": "done"})
                        return

        return StreamingResponse(relay(), media_type="text/event-stream")

    return app
'''),
        ('blind: a producer task reads the provider into a queue; cancelled at deadline and done, not on disconnect', '''
def make_relay_app(upstream_url: str, deadline_s: float) -> FastAPI:
    """Producer task + queue: the deadline is a wait on the queue; the producer is stopped at the two ends it knows."""
    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with httpx.AsyncClient(timeout=None) as client:
            app.state.client = client
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/chat")
    async def chat(body: ai.ChatIn, request: Request):
        loop = asyncio.get_running_loop()
        start = loop.time()
        client = request.app.state.client
        queue = asyncio.Queue()

        async def produce():
            async with client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True}) as upstream:
                async for event, data in ai.aiter_sse(upstream):
                    await queue.put((event, data))
            await queue.put(("eof", None))

        producer = asyncio.create_task(produce())

        async def relay():
            while True:
                remaining = deadline_s - (loop.time() - start)
                try:
                    event, data = await asyncio.wait_for(queue.get(), max(remaining, 0))
                except (asyncio.TimeoutError, TimeoutError):
                    producer.cancel()
                    yield ai.sse("end", {"reason": "deadline"})
                    return
                if event == "token":
                    yield ai.sse("token", data)
                elif event == "done":
                    producer.cancel()
                    yield ai.sse("end", {"reason": "done"})
                    return
                elif event == "eof":
                    return

        return StreamingResponse(relay(), media_type="text/event-stream")

    return app
'''),
        ('blind: tokens are collected and sent together when the stream ends (done or deadline), not on at once', '''
def make_relay_app(upstream_url: str, deadline_s: float) -> FastAPI:
    """Buffers the provider's tokens and flushes them with the end event."""
    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with httpx.AsyncClient(timeout=None) as client:
            app.state.client = client
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/chat")
    async def chat(body: ai.ChatIn, request: Request):
        loop = asyncio.get_running_loop()
        start = loop.time()
        client = request.app.state.client

        async def relay():
            buffered = []
            reason = None
            async with client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True}) as upstream:
                events = ai.aiter_sse(upstream)
                while reason is None:
                    remaining = deadline_s - (loop.time() - start)
                    try:
                        event, data = await asyncio.wait_for(anext(events), max(remaining, 0))
                    except (asyncio.TimeoutError, TimeoutError):
                        reason = "deadline"
                        break
                    except StopAsyncIteration:
                        break
                    if event == "token":
                        buffered.append(ai.sse("token", data))
                    elif event == "done":
                        reason = "done"
            yield "".join(buffered)
            if reason:
                yield ai.sse("end", {"reason": reason})

        return StreamingResponse(relay(), media_type="text/event-stream")

    return app
'''),
        # caught since streaming_relay_tokens_in_order
        ('blind: the body is a plain dict: no ai.ChatIn, so an empty or extra-field body is relayed (200) instead of refused with 422', '''
def make_relay_app(upstream_url: str, deadline_s: float) -> FastAPI:
    """Reads body["prompt"] from whatever JSON arrives."""
    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with httpx.AsyncClient(timeout=None) as client:
            app.state.client = client
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/chat")
    async def chat(body: dict, request: Request):
        loop = asyncio.get_running_loop()
        start = loop.time()
        client = request.app.state.client
        prompt = str(body.get("prompt", ""))

        async def relay():
            async with client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": prompt, "stream": True}) as upstream:
                events = ai.aiter_sse(upstream)
                while True:
                    remaining = deadline_s - (loop.time() - start)
                    try:
                        event, data = await asyncio.wait_for(anext(events), max(remaining, 0))
                    except (asyncio.TimeoutError, TimeoutError):
                        yield ai.sse("end", {"reason": "deadline"})
                        return
                    except StopAsyncIteration:
                        return
                    if event == "token":
                        yield ai.sse("token", data)
                    elif event == "done":
                        yield ai.sse("end", {"reason": "done"})
                        return

        return StreamingResponse(relay(), media_type="text/event-stream")

    return app
'''),
        # caught since streaming_relay_deadline_and_disconnect
        ('blind: the deadline checked only when an event arrives: the end comes late, after an extra token', '''
def make_relay_app(upstream_url: str, deadline_s: float) -> FastAPI:
    """Per-read timeout of the client set to the deadline; elapsed time checked after each event."""
    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with httpx.AsyncClient(timeout=httpx.Timeout(deadline_s)) as client:
            app.state.client = client
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/chat")
    async def chat(body: ai.ChatIn, request: Request):
        loop = asyncio.get_running_loop()
        start = loop.time()
        client = request.app.state.client

        async def relay():
            try:
                async with client.stream("POST", f"{upstream_url}/v1/chat", json={"prompt": body.prompt, "stream": True}) as upstream:
                    async for event, data in ai.aiter_sse(upstream):
                        if event == "token":
                            yield ai.sse("token", data)
                        elif event == "done":
                            yield ai.sse("end", {"reason": "done"})
                            return
                        if loop.time() - start > deadline_s:
                            yield ai.sse("end", {"reason": "deadline"})
                            return
            except httpx.ReadTimeout:
                yield ai.sse("end", {"reason": "deadline"})

        return StreamingResponse(relay(), media_type="text/event-stream")

    return app
'''),
    ],
    'semantic_cache': [
        ("blind: similarity is the plain dot product u.v (ai.embed's vectors happen to be unit length): not normalised", '''
class SemanticCache:
    """Dot product as similarity."""

    def __init__(self, embed, threshold: float, ttl_s: float, clock) -> None:
        self.embed, self.threshold, self.ttl_s, self.clock = embed, threshold, ttl_s, clock
        self.entries = {}

    def put(self, tenant: str, prompt: str, answer: str) -> None:
        self.entries.setdefault(tenant, []).append((np.asarray(self.embed(prompt), dtype=float), answer, self.clock()))

    def get(self, tenant: str, prompt: str) -> str | None:
        q = np.asarray(self.embed(prompt), dtype=float)
        now = self.clock()
        best, best_sim = None, None
        for vec, ans, t in self.entries.get(tenant, []):
            if not now < t + self.ttl_s:
                continue
            sim = float(q @ vec)
            if sim >= self.threshold and (best_sim is None or sim >= best_sim):
                best, best_sim = ans, sim
        return best
'''),
        ('blind: cosine divides by the norms without the zero-vector case: nan (never >= threshold) instead of 0.0', '''
class SemanticCache:
    """u.v / (|u| |v|) without a guard for the zero vector."""

    def __init__(self, embed, threshold: float, ttl_s: float, clock) -> None:
        self.embed, self.threshold, self.ttl_s, self.clock = embed, threshold, ttl_s, clock
        self.entries = {}

    def put(self, tenant: str, prompt: str, answer: str) -> None:
        self.entries.setdefault(tenant, []).append((np.asarray(self.embed(prompt), dtype=float), answer, self.clock()))

    def get(self, tenant: str, prompt: str) -> str | None:
        q = np.asarray(self.embed(prompt), dtype=float)
        now = self.clock()
        best, best_sim = None, None
        for vec, ans, t in self.entries.get(tenant, []):
            if not now < t + self.ttl_s:
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                sim = float(q @ vec / (np.linalg.norm(q) * np.linalg.norm(vec)))
            if sim >= self.threshold and (best_sim is None or sim >= best_sim):
                best, best_sim = ans, sim
        return best
'''),
        ('blind: entries live in a class attribute: every SemanticCache instance shares one store', '''
class SemanticCache:
    """The store is declared on the class, so all caches share it."""

    entries: dict = {}

    def __init__(self, embed, threshold: float, ttl_s: float, clock) -> None:
        self.embed, self.threshold, self.ttl_s, self.clock = embed, threshold, ttl_s, clock

    def put(self, tenant: str, prompt: str, answer: str) -> None:
        self.entries.setdefault(tenant, []).append((np.asarray(self.embed(prompt), dtype=float), answer, self.clock()))

    def get(self, tenant: str, prompt: str) -> str | None:
        q = np.asarray(self.embed(prompt), dtype=float)
        now = self.clock()
        best, best_sim = None, None
        for vec, ans, t in self.entries.get(tenant, []):
            if not now < t + self.ttl_s:
                continue
            nq, nv = float(np.linalg.norm(q)), float(np.linalg.norm(vec))
            sim = 0.0 if nq == 0 or nv == 0 else float(q @ vec) / (nq * nv)
            if sim >= self.threshold and (best_sim is None or sim >= best_sim):
                best, best_sim = ans, sim
        return best
'''),
        # left out of the first commit (six per exercise); kept full marks; caught since semantic_cache_hits_and_misses
        ('blind: an empty-string answer is treated as a miss (falsy check on the best answer)', '''
class SemanticCache:
    """Returns the best answer only if it is truthy."""

    def __init__(self, embed, threshold: float, ttl_s: float, clock) -> None:
        self.embed, self.threshold, self.ttl_s, self.clock = embed, threshold, ttl_s, clock
        self.entries = {}

    def put(self, tenant: str, prompt: str, answer: str) -> None:
        self.entries.setdefault(tenant, []).append((np.asarray(self.embed(prompt), dtype=float), answer, self.clock()))

    def get(self, tenant: str, prompt: str) -> str | None:
        q = np.asarray(self.embed(prompt), dtype=float)
        now = self.clock()
        best, best_sim = None, None
        for vec, ans, t in self.entries.get(tenant, []):
            if not now < t + self.ttl_s:
                continue
            nq, nv = float(np.linalg.norm(q)), float(np.linalg.norm(vec))
            sim = 0.0 if nq == 0 or nv == 0 else float(q @ vec) / (nq * nv)
            if sim >= self.threshold and (best_sim is None or sim >= best_sim):
                best, best_sim = ans, sim
        return best or None
'''),
        ('blind: ties go to the entry stored first (strict > when comparing with the best so far)', '''
class SemanticCache:
    """Keeps the first of equally similar entries."""

    def __init__(self, embed, threshold: float, ttl_s: float, clock) -> None:
        self.embed, self.threshold, self.ttl_s, self.clock = embed, threshold, ttl_s, clock
        self.entries = {}

    def put(self, tenant: str, prompt: str, answer: str) -> None:
        self.entries.setdefault(tenant, []).append((np.asarray(self.embed(prompt), dtype=float), answer, self.clock()))

    def get(self, tenant: str, prompt: str) -> str | None:
        q = np.asarray(self.embed(prompt), dtype=float)
        now = self.clock()
        best, best_sim = None, float("-inf")
        for vec, ans, t in self.entries.get(tenant, []):
            if not now < t + self.ttl_s:
                continue
            nq, nv = float(np.linalg.norm(q)), float(np.linalg.norm(vec))
            sim = 0.0 if nq == 0 or nv == 0 else float(q @ vec) / (nq * nv)
            if sim >= self.threshold and sim > best_sim:
                best, best_sim = ans, sim
        return best
'''),
        ("blind: the best match is chosen among ALL the tenant's entries, then None if expired (a fresh, less similar one is ignored)", '''
class SemanticCache:
    """Finds the most similar entry first, then checks whether it is still fresh."""

    def __init__(self, embed, threshold: float, ttl_s: float, clock) -> None:
        self.embed, self.threshold, self.ttl_s, self.clock = embed, threshold, ttl_s, clock
        self.entries = {}

    def put(self, tenant: str, prompt: str, answer: str) -> None:
        self.entries.setdefault(tenant, []).append((np.asarray(self.embed(prompt), dtype=float), answer, self.clock()))

    def get(self, tenant: str, prompt: str) -> str | None:
        q = np.asarray(self.embed(prompt), dtype=float)
        best, best_sim, best_t = None, None, None
        for vec, ans, t in self.entries.get(tenant, []):
            nq, nv = float(np.linalg.norm(q)), float(np.linalg.norm(vec))
            sim = 0.0 if nq == 0 or nv == 0 else float(q @ vec) / (nq * nv)
            if best_sim is None or sim >= best_sim:
                best, best_sim, best_t = ans, sim, t
        if best_sim is None or best_sim < self.threshold or not self.clock() < best_t + self.ttl_s:
            return None
        return best
'''),
    ],
    'output_guard': [
        ("blind: duplicate keys refused only for 'tool' and 'arguments': a key repeated inside arguments passes", '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Checks the top-level keys for duplicates, the ones an attacker would repeat."""
    import pydantic

    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")

    def pairs(items):
        keys = [k for k, _ in items]
        if keys.count("tool") > 1 or keys.count("arguments") > 1:
            raise ai.UnsafeOutput("duplicate key")
        return dict(items)

    def constant(name):
        raise ai.UnsafeOutput(f"{name} is not JSON")

    try:
        obj = json.loads(raw, object_pairs_hook=pairs, parse_constant=constant)
    except ai.UnsafeOutput:
        raise
    except (ValueError, RecursionError) as exc:
        raise ai.UnsafeOutput(str(exc)) from None
    if not isinstance(obj, dict) or set(obj) != {"tool", "arguments"}:
        raise ai.UnsafeOutput("not exactly tool and arguments")
    tool, args = obj["tool"], obj["arguments"]
    if not isinstance(tool, str) or tool not in tools or not isinstance(args, dict):
        raise ai.UnsafeOutput("tool not allowed")
    try:
        return tool, tools[tool].model_validate(args)
    except pydantic.ValidationError as exc:
        raise ai.UnsafeOutput("invalid arguments") from exc
'''),
        ('blind: NaN and Infinity refused, -Infinity forgotten', '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """parse_constant refuses the two constants the learner remembered."""
    import pydantic

    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")

    def pairs(items):
        obj = {}
        for k, v in items:
            if k in obj:
                raise ai.UnsafeOutput(f"duplicate key {k!r}")
            obj[k] = v
        return obj

    def constant(name):
        if name in ("NaN", "Infinity"):
            raise ai.UnsafeOutput(f"{name} is not JSON")
        return float(name)

    try:
        obj = json.loads(raw, object_pairs_hook=pairs, parse_constant=constant)
    except ai.UnsafeOutput:
        raise
    except (ValueError, RecursionError) as exc:
        raise ai.UnsafeOutput(str(exc)) from None
    if not isinstance(obj, dict) or set(obj) != {"tool", "arguments"}:
        raise ai.UnsafeOutput("not exactly tool and arguments")
    tool, args = obj["tool"], obj["arguments"]
    if not isinstance(tool, str) or tool not in tools or not isinstance(args, dict):
        raise ai.UnsafeOutput("tool not allowed")
    try:
        return tool, tools[tool].model_validate(args)
    except pydantic.ValidationError as exc:
        raise ai.UnsafeOutput("invalid arguments") from exc
'''),
        # left out of the first commit (six per exercise); kept full marks; caught since output_guard_refuses_adversarial_outputs
        ('blind: only json.JSONDecodeError is turned into UnsafeOutput: deeply nested input (RecursionError) escapes', '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Catches the JSON decoder's own error, nothing else."""
    import pydantic

    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")

    def pairs(items):
        obj = {}
        for k, v in items:
            if k in obj:
                raise ai.UnsafeOutput(f"duplicate key {k!r}")
            obj[k] = v
        return obj

    def constant(name):
        raise ai.UnsafeOutput(f"{name} is not JSON")

    try:
        obj = json.loads(raw, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise ai.UnsafeOutput(str(exc)) from None
    if not isinstance(obj, dict) or set(obj) != {"tool", "arguments"}:
        raise ai.UnsafeOutput("not exactly tool and arguments")
    tool, args = obj["tool"], obj["arguments"]
    if not isinstance(tool, str) or tool not in tools or not isinstance(args, dict):
        raise ai.UnsafeOutput("tool not allowed")
    try:
        return tool, tools[tool].model_validate(args)
    except pydantic.ValidationError as exc:
        raise ai.UnsafeOutput("invalid arguments") from exc
'''),
        ("blind: extra top-level keys are tolerated: only checks that 'tool' and 'arguments' are present", '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Requires tool and arguments; ignores anything else the model added next to them."""
    import pydantic

    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")

    def pairs(items):
        obj = {}
        for k, v in items:
            if k in obj:
                raise ai.UnsafeOutput(f"duplicate key {k!r}")
            obj[k] = v
        return obj

    def constant(name):
        raise ai.UnsafeOutput(f"{name} is not JSON")

    try:
        obj = json.loads(raw, object_pairs_hook=pairs, parse_constant=constant)
    except ai.UnsafeOutput:
        raise
    except (ValueError, RecursionError) as exc:
        raise ai.UnsafeOutput(str(exc)) from None
    if not isinstance(obj, dict) or "tool" not in obj or "arguments" not in obj:
        raise ai.UnsafeOutput("missing tool or arguments")
    tool, args = obj["tool"], obj["arguments"]
    if not isinstance(tool, str) or tool not in tools or not isinstance(args, dict):
        raise ai.UnsafeOutput("tool not allowed")
    try:
        return tool, tools[tool].model_validate(args)
    except pydantic.ValidationError as exc:
        raise ai.UnsafeOutput("invalid arguments") from exc
'''),
        ('blind: a non-string tool (a list, an object) reaches `tool in tools`: TypeError (unhashable) escapes instead of UnsafeOutput', '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Looks the tool up in the allow-list without checking that it is a string first."""
    import pydantic

    if len(raw) > max_chars:
        raise ai.UnsafeOutput("too long")

    def pairs(items):
        obj = {}
        for k, v in items:
            if k in obj:
                raise ai.UnsafeOutput(f"duplicate key {k!r}")
            obj[k] = v
        return obj

    def constant(name):
        raise ai.UnsafeOutput(f"{name} is not JSON")

    try:
        obj = json.loads(raw, object_pairs_hook=pairs, parse_constant=constant)
    except ai.UnsafeOutput:
        raise
    except (ValueError, RecursionError) as exc:
        raise ai.UnsafeOutput(str(exc)) from None
    if not isinstance(obj, dict) or set(obj) != {"tool", "arguments"}:
        raise ai.UnsafeOutput("not exactly tool and arguments")
    tool, args = obj["tool"], obj["arguments"]
    if tool not in tools:
        raise ai.UnsafeOutput("tool not allowed")
    if not isinstance(args, dict):
        raise ai.UnsafeOutput("arguments not an object")
    try:
        return tool, tools[tool].model_validate(args)
    except pydantic.ValidationError as exc:
        raise ai.UnsafeOutput("invalid arguments") from exc
'''),
        ('blind: max_chars checked with >= : an output of exactly max_chars characters is refused', '''
def guard_tool_call(raw: str, tools: dict, max_chars: int = 2000) -> tuple:
    """Refuses outputs that reach the limit."""
    import pydantic

    if len(raw) >= max_chars:
        raise ai.UnsafeOutput("too long")

    def pairs(items):
        obj = {}
        for k, v in items:
            if k in obj:
                raise ai.UnsafeOutput(f"duplicate key {k!r}")
            obj[k] = v
        return obj

    def constant(name):
        raise ai.UnsafeOutput(f"{name} is not JSON")

    try:
        obj = json.loads(raw, object_pairs_hook=pairs, parse_constant=constant)
    except ai.UnsafeOutput:
        raise
    except (ValueError, RecursionError) as exc:
        raise ai.UnsafeOutput(str(exc)) from None
    if not isinstance(obj, dict) or set(obj) != {"tool", "arguments"}:
        raise ai.UnsafeOutput("not exactly tool and arguments")
    tool, args = obj["tool"], obj["arguments"]
    if not isinstance(tool, str) or tool not in tools or not isinstance(args, dict):
        raise ai.UnsafeOutput("tool not allowed")
    try:
        return tool, tools[tool].model_validate(args)
    except pydantic.ValidationError as exc:
        raise ai.UnsafeOutput("invalid arguments") from exc
'''),
    ],
}

for _gid, _items in BLIND_2026_11_30.items():
    WRONG_ANSWERS.setdefault(_gid, []).extend(_items)
