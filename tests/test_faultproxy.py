"""Tests for backendlab/servers/faultproxy.py: each fault does what it says, is decided per observed request (not by
the clock), is repeatable with a seed, and the proxy stops cleanly."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from backendlab.servers import faultproxy as fp
from backendlab.services import serve


@pytest.fixture(scope="module")
def upstream():
    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict:
        return {"ok": True}

    calls = {"n": 0}

    @app.post("/charge")
    def charge() -> dict:
        calls["n"] += 1
        return {"charges": calls["n"]}

    app.state.calls = calls

    @app.get("/big")
    def big() -> PlainTextResponse:
        return PlainTextResponse("x" * 4000)

    service = serve(app, name="faultproxy-upstream", quiet=True)
    yield service
    service.stop()


@pytest.fixture
def proxy(upstream):
    p = fp.fault_proxy(upstream.port, name="t-proxy", max_hang_s=2)
    yield p
    p.stop()


def test_transparent_by_default_and_counts_requests_on_one_keep_alive_connection(proxy) -> None:
    with httpx.Client(base_url=proxy.url, timeout=5) as c:
        for _ in range(5):
            assert c.get("/ping").json() == {"ok": True}
    assert proxy.stats.requests == 5 and proxy.stats.forwarded == 5 and proxy.stats.connections == 1
    assert proxy.url.startswith("http://127.0.0.1:")


def test_errors_start_after_n_observed_requests_with_problem_json_and_retry_after(proxy) -> None:
    proxy.set(error_rate=1.0, error_status=503, retry_after_s=2, after=3)
    with httpx.Client(base_url=proxy.url, timeout=5) as c:
        codes = [c.get("/ping") for _ in range(5)]
    assert [r.status_code for r in codes] == [200, 200, 200, 503, 503]
    assert codes[3].headers["content-type"] == "application/problem+json" and codes[3].headers["retry-after"] == "2"
    assert codes[3].json()["status"] == 503
    assert proxy.stats.errors == 2


def test_seeded_random_faults_repeat(proxy) -> None:
    def run() -> list[int]:
        proxy.set(error_rate=0.5, seed=7)
        with httpx.Client(base_url=proxy.url, timeout=5) as c:
            return [c.get("/ping").status_code for _ in range(20)]

    first, second = run(), run()
    assert first == second and 200 in first and 503 in first


def test_latency_is_added_per_request(proxy) -> None:
    with httpx.Client(base_url=proxy.url, timeout=5) as c:
        c.get("/ping")
        proxy.set(latency_ms=300)
        t0 = time.perf_counter()
        c.get("/ping")
        assert time.perf_counter() - t0 >= 0.29
    assert proxy.stats.delayed == 1


def test_drop_resets_the_connection_and_hang_is_bounded(proxy) -> None:
    proxy.set(rule=lambda i: "drop" if i == 0 else "hang")
    with httpx.Client(base_url=proxy.url, timeout=5) as c:
        with pytest.raises(httpx.TransportError):
            c.get("/ping")
    with httpx.Client(base_url=proxy.url, timeout=0.5) as c:
        with pytest.raises(httpx.ReadTimeout):
            c.get("/ping")
    assert proxy.stats.drops == 1 and proxy.stats.hangs == 1


def test_slow_body_is_throttled(proxy) -> None:
    proxy.set(bytes_per_s=8000)
    t0 = time.perf_counter()
    r = httpx.get(proxy.url + "/big", timeout=10)
    assert r.text == "x" * 4000 and time.perf_counter() - t0 >= 0.4  # ~4.1 kB at 8 kB/s


def test_down_refuses_connections_and_up_serves_again(proxy) -> None:
    proxy.down()
    with pytest.raises(httpx.ConnectError):
        httpx.get(proxy.url + "/ping", timeout=2)
    proxy.up()
    assert httpx.get(proxy.url + "/ping", timeout=5).status_code == 200


def test_bad_settings_are_refused_with_a_message(proxy) -> None:
    with pytest.raises(fp.FaultProxyError, match="probability"):
        proxy.set(error_rate=1.5)
    with pytest.raises(fp.FaultProxyError, match="4xx or 5xx"):
        proxy.set(error_status=200)


def test_rerun_reuses_and_clears_and_stop_closes(upstream) -> None:
    first = fp.fault_proxy(upstream.port, name="t-rerun")
    first.set(error_rate=1.0)
    again = fp.fault_proxy(upstream.port, name="t-rerun")
    assert again is first and again.faults == fp.Faults()
    port = first.port
    first.stop()
    assert not first.running and "t-rerun" not in fp.running()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/ping", timeout=2)
    first.stop()


def test_lose_lets_the_upstream_do_the_work_and_resets_the_client(proxy, upstream) -> None:
    calls = upstream.server.config.app.state.calls
    before = calls["n"]
    proxy.set(rule=lambda i: "lose" if i == 0 else None)
    with pytest.raises(httpx.TransportError):
        httpx.post(proxy.url + "/charge", timeout=5)
    assert calls["n"] == before + 1, "the upstream must have done the work whose reply was lost"
    assert httpx.post(proxy.url + "/charge", timeout=5).json() == {"charges": before + 2}  # a retry charges again
    assert proxy.stats.lost == 1


def test_after_and_rule_count_from_the_set_call(proxy) -> None:
    with httpx.Client(base_url=proxy.url, timeout=5) as c:
        for _ in range(3):
            c.get("/ping")
        proxy.set(error_rate=1.0, after=1)
        assert [c.get("/ping").status_code for _ in range(2)] == [200, 503]
    seen: list[int] = []
    proxy.set(rule=lambda i: seen.append(i))
    with httpx.Client(base_url=proxy.url, timeout=5) as c:
        c.get("/ping")
        c.get("/ping")
    assert seen == [0, 1]
