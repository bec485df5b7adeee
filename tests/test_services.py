"""backendlab.services: a FastAPI app on 127.0.0.1 in a thread, replaced on re-run, stopped cleanly."""

from __future__ import annotations

import socket

import httpx
import pytest
from fastapi import FastAPI, Request

from backendlab import services


def make_app(reply: str = "one") -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    def hello() -> dict[str, str]:
        return {"reply": reply}

    return app


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture(autouse=True)
def _stop_everything():
    yield
    services.stop_all()


def test_serve_answers_on_loopback_and_binds_loopback_only() -> None:
    svc = services.serve(make_app(), name="t-basic", quiet=True)
    assert httpx.get(f"{svc.url}/hello").json() == {"reply": "one"}
    bound = [s.getsockname()[0] for server in svc.server.servers for s in server.sockets]
    assert bound == ["127.0.0.1"]


def test_connections_disable_nagle_so_small_responses_are_not_delayed() -> None:
    # asyncio sets TCP_NODELAY on accepted sockets only when the listening socket says IPPROTO_TCP;
    # without it every response waited ~40 ms for the client's delayed ACK.
    svc = services.serve(make_app(), name="t-nodelay", quiet=True)
    listening = [s for server in svc.server.servers for s in server.sockets]
    assert [s.proto for s in listening] == [socket.IPPROTO_TCP]
    with httpx.Client() as client:
        assert client.get(f"{svc.url}/hello").status_code == 200


def test_a_client_cannot_choose_its_own_address_with_x_forwarded_for() -> None:
    app = FastAPI()

    @app.get("/whoami")
    def whoami(request: Request) -> dict[str, str]:
        return {"client": request.client.host if request.client else ""}

    svc = services.serve(app, name="t-xff", quiet=True)
    spoofed = httpx.get(f"{svc.url}/whoami", headers={"X-Forwarded-For": "203.0.113.7"}).json()
    assert spoofed == {"client": "127.0.0.1"}


def test_serving_the_same_name_twice_replaces_the_first_server_and_frees_its_port() -> None:
    first = services.serve(make_app("one"), name="t-twice", quiet=True)
    second = services.serve(make_app("two"), name="t-twice", quiet=True)
    assert not first.running and not first.thread.is_alive()
    assert httpx.get(f"{second.url}/hello").json() == {"reply": "two"}
    assert second.port == first.port, "a re-run keeps the URL the learner already has"
    second.stop()
    assert port_is_free(first.port)
    assert services.running() == {}


def test_different_names_run_side_by_side_on_different_ports() -> None:
    a = services.serve(make_app("a"), name="t-a", quiet=True)
    b = services.serve(make_app("b"), name="t-b", quiet=True)
    assert a.port != b.port and set(services.running()) >= {"t-a", "t-b"}


def test_a_port_in_use_gives_a_message_that_says_what_to_do() -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(services.ServiceError, match=rf"Port {port} .* already in use.*without port="):
            services.serve(make_app(), name="t-busy", port=port, quiet=True)


def test_stop_is_idempotent_and_the_context_manager_stops() -> None:
    with services.serve(make_app(), name="t-ctx", quiet=True) as svc:
        port = svc.port
    svc.stop()
    assert port_is_free(port)


def test_an_app_that_fails_at_startup_is_reported() -> None:
    async def broken(scope, receive, send):  # an ASGI app whose lifespan startup fails
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.failed", "message": "no database"})

    with pytest.raises(services.ServiceError, match="did not start"):
        services.serve(broken, name="t-broken", quiet=True)


def test_public_url_goes_through_the_jupyter_proxy_on_a_hub_and_in_a_local_jupyterlab(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JUPYTERHUB_SERVICE_PREFIX", "JPY_SESSION_NAME", "BACKENDLAB_PROXY_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    assert services.public_url(8123) == "http://127.0.0.1:8123/", "no Jupyter server: the browser goes direct"
    monkeypatch.setenv("JPY_SESSION_NAME", "modules/00-orientation/01-welcome.ipynb")  # set by a local Jupyter server
    assert services.public_url(8123) == "/proxy/8123/"
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    assert services.public_url(8123) == "/user/ada/proxy/8123/"
    monkeypatch.setenv("BACKENDLAB_PROXY_PREFIX", "/lab-base/proxy/")
    assert services.public_url(8123) == "/lab-base/proxy/8123/"


def test_behind_the_proxy_the_app_sees_its_own_paths_and_the_docs_page_finds_its_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    app = FastAPI()

    @app.get("/where")
    def where(request: Request) -> dict[str, str]:
        return {"path": request.url.path}

    svc = services.serve(app, name="t-proxy", quiet=True)
    assert httpx.get(f"{svc.url}/where").json() == {"path": "/where"}, "a log line must show /where, not a proxy prefix"
    assert "servers" not in httpx.get(f"{svc.url}/openapi.json").json()
    page = httpx.get(f"{svc.url}/docs").text
    assert 'new URL(".", window.location.href)' in page, "Try it out calls the folder the docs page came from"


def test_docs_pages_work_offline_and_behind_any_proxy_path() -> None:
    svc = services.serve(make_app(), name="t-docs", quiet=True)
    for page in ("docs", "redoc"):
        html = httpx.get(f"{svc.url}/{page}").text
        assert "cdn." not in html and "https://" not in html, f"/{page} must not load anything from the internet"
        assert "'openapi.json'" in html or '"openapi.json"' in html, f"/{page} fetches the contract relative to itself"
    js = httpx.get(f"{svc.url}/{services.DOCS_ASSETS}/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000
    assert httpx.get(f"{svc.url}/openapi.json").json()["paths"].keys() == {"/hello"}, "the docs routes stay out of the contract"
    assert httpx.get(f"{svc.url}/hello").status_code == 200


def test_serve_prints_where_to_find_the_service(capsys: pytest.CaptureFixture[str]) -> None:
    svc = services.serve(make_app(), name="t-print")
    out = capsys.readouterr().out
    assert svc.url in out and "docs" in out
