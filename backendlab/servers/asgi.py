"""ASGI apps (FastAPI, Starlette) on 127.0.0.1, each in a background thread of the notebook's kernel: `serve(app)`."""

from __future__ import annotations

import atexit
import errno
import html
import json
import os
import posixpath
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn

LOOPBACK = "127.0.0.1"
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0


class ServiceError(RuntimeError):
    """A service could not start or stop; the message says what to do."""


@dataclass
class Service:
    """A running ASGI app: `url` is for code in this kernel, `public_url` for your browser."""

    name: str
    port: int
    server: uvicorn.Server = field(repr=False)
    thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def public_url(self) -> str:
        return public_url(self.port)

    @property
    def running(self) -> bool:
        return self.thread.is_alive() and not self.server.should_exit

    def stop(self) -> None:
        """Stop the server and wait for its thread; safe to call twice."""
        self.server.should_exit = True
        self.thread.join(STOP_TIMEOUT_S)
        if self.thread.is_alive():  # a request still running: ask harder
            self.server.force_exit = True
            self.thread.join(STOP_TIMEOUT_S)
        if _running.get(self.name) is self:
            del _running[self.name]

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _repr_html_(self) -> str:
        docs = f"{self.public_url}docs"
        return (
            f"<b>{self.name}</b> is running at <code>{self.url}</code> "
            f"(from this kernel) &mdash; open <a href='{docs}' target='_blank'>{docs}</a> in your browser."
        )


_running: dict[str, Service] = {}


def proxy_prefix() -> str | None:
    """The URL path under which jupyter-server-proxy serves local ports to the browser, or None without a Jupyter server.

    On JupyterHub and Binder: <JUPYTERHUB_SERVICE_PREFIX>proxy. In a local JupyterLab (the kernel was started by a
    Jupyter server, which sets JPY_SESSION_NAME): /proxy, or BACKENDLAB_PROXY_PREFIX when the server has another
    base URL. From a plain Python process (tests, nbgrader): None, the browser is not involved.
    """
    explicit = os.environ.get("BACKENDLAB_PROXY_PREFIX")
    if explicit:
        return explicit.rstrip("/")
    hub = os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
    if hub:
        return hub.rstrip("/") + "/proxy"
    if os.environ.get("JPY_SESSION_NAME"):
        return "/proxy"
    return None


def public_url(port: int) -> str:
    """Where a browser reaches a local port: through the Jupyter server's /proxy/<port>/, or directly without one."""
    prefix = proxy_prefix()
    if prefix is None:
        return f"http://{LOOPBACK}:{port}/"
    return f"{prefix}/{port}/"


DOCS_ASSETS = "_docs_assets"
# Swagger UI with relative links. Unless the contract names its servers, "Try it out" calls the folder this page was
# served from: http://127.0.0.1:<port>/ directly, /proxy/<port>/ through the Jupyter server proxy, on a hub as well.
SWAGGER_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{css}"><link rel="icon" href="{favicon}"></head>
<body><div id="swagger-ui"></div>
<script src="{js}"></script>
<script>
fetch({openapi}).then(response => response.json()).then(spec => {{
  if (!spec.servers || spec.servers.length === 0) {{
    spec.servers = [{{url: new URL(".", window.location.href).pathname.replace(/\\/$/, "") || "/"}}];
  }}
  window.ui = SwaggerUIBundle({{spec: spec, dom_id: "#swagger-ui", deepLinking: true, layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]}});
}});
</script></body></html>
"""


def offline_docs(app: Any) -> None:
    """Serve a FastAPI app's /docs and /redoc pages from bundled assets, with relative links.

    FastAPI's own pages load Swagger UI and ReDoc from a CDN (blank offline) and fetch /openapi.json from the
    server root (wrong behind /proxy/<port>/). Here the assets come from the fastapi-offline package and every
    link is relative to the page, so the same page works directly, through the Jupyter server proxy and offline.
    """
    from fastapi import FastAPI
    from fastapi.openapi.docs import get_redoc_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    if not isinstance(app, FastAPI) or not app.openapi_url or getattr(app.state, "backendlab_offline_docs", False):
        return
    import fastapi_offline

    pages = {url for url in (app.docs_url, app.redoc_url) if url}
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) not in pages]
    assets = posixpath.join(os.path.dirname(fastapi_offline.__file__), "static")
    app.mount(f"/{DOCS_ASSETS}", StaticFiles(directory=assets), name=DOCS_ASSETS)
    app.state.backendlab_offline_docs = True
    openapi_url = app.openapi_url

    def rel(target: str, page: str) -> str:
        return posixpath.relpath(target, posixpath.dirname(page) or "/")

    if app.docs_url:
        docs_url = app.docs_url

        @app.get(docs_url, include_in_schema=False)
        def swagger_ui() -> HTMLResponse:
            return HTMLResponse(SWAGGER_PAGE.format(
                title=html.escape(f"{app.title} - Swagger UI"), openapi=json.dumps(rel(openapi_url, docs_url)),
                js=rel(f"/{DOCS_ASSETS}/swagger-ui-bundle.js", docs_url), css=rel(f"/{DOCS_ASSETS}/swagger-ui.css", docs_url),
                favicon=rel(f"/{DOCS_ASSETS}/favicon.png", docs_url),
            ))

    if app.redoc_url:
        redoc_url = app.redoc_url

        @app.get(redoc_url, include_in_schema=False)
        def redoc() -> HTMLResponse:
            return get_redoc_html(
                openapi_url=rel(openapi_url, redoc_url), title=f"{app.title} - ReDoc",
                redoc_js_url=rel(f"/{DOCS_ASSETS}/redoc.standalone.js", redoc_url),
                redoc_favicon_url=rel(f"/{DOCS_ASSETS}/favicon.png", redoc_url), with_google_fonts=False,
            )


def _bind(port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on such sockets; without it each response waits ~40 ms
    # for the client's delayed ACK (Nagle's algorithm)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
    except OSError:
        sock.close()
        raise
    return sock


def _run(server: uvicorn.Server, sock: socket.socket) -> None:
    try:
        server.run(sockets=[sock])
    except SystemExit:  # uvicorn exits on a failed startup; its log above says why, serve() raises
        pass
    finally:
        sock.close()


def serve(app: Any, name: str = "app", port: int | None = None, quiet: bool = False) -> Service:
    """Start `app` on 127.0.0.1 and return once it accepts connections.

    Running the same cell again replaces the service of the same `name` (and reuses its port when it can),
    so a re-run never fails with "address already in use". Without `port`, a free one is chosen.
    """
    previous = _running.get(name)
    wanted = port
    if previous is not None:
        previous.stop()
        wanted = wanted or previous.port
    try:
        sock = _bind(wanted or 0)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        if port is not None:
            raise ServiceError(
                f"Port {port} on {LOOPBACK} is already in use, by another program or another kernel. "
                f"Call serve(app, name={name!r}) without port= to get a free port, "
                "or stop the other program (Kernel > Shut Down Kernel, in the other notebook)."
            ) from None
        sock = _bind(0)  # our own previous port was taken meanwhile: any free port will do
    chosen = sock.getsockname()[1]
    offline_docs(app)
    config = uvicorn.Config(
        app,
        log_level="warning",
        timeout_graceful_shutdown=1,
        # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default: any local client could then pick its own
        # address and walk past a per-client rate limit. The course's services see the real peer address.
        proxy_headers=False,
        # no root_path: jupyter-server-proxy strips /proxy/<port> before it forwards, and a root_path would show up
        # in request.url.path; the docs page finds its own prefix (SWAGGER_PAGE)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=_run, args=(server, sock), name=f"service-{name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise ServiceError(
                f"Service {name!r} did not start within {START_TIMEOUT_S:.0f} s: "
                "look for a traceback above (an error in the app's startup code, or an app that is not ASGI)."
            )
        time.sleep(0.005)
    service = Service(name=name, port=chosen, server=server, thread=thread)
    _running[name] = service
    if not quiet:
        print(f"{name} is running at {service.url} · API docs in your browser: {service.public_url}docs")
    return service


def running() -> dict[str, Service]:
    """The services started in this kernel that are still running, by name."""
    return dict(_running)


def stop_all() -> None:
    """Stop every service started in this kernel (also done when the kernel exits)."""
    for service in list(_running.values()):
        service.stop()


atexit.register(stop_all)
