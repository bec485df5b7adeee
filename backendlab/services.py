"""Start a service from a notebook: `serve(app)` runs an ASGI app on 127.0.0.1 and returns its `url` and `stop()`.

The servers themselves live in backendlab.servers (one file per kind of server); this module is the one name a
notebook's setup cell imports.
"""

from backendlab.servers.asgi import (
    DOCS_ASSETS,
    LOOPBACK,
    SWAGGER_PAGE,
    Service,
    ServiceError,
    offline_docs,
    proxy_prefix,
    public_url,
    running,
    serve,
    stop_all,
)

__all__ = ["DOCS_ASSETS", "LOOPBACK", "SWAGGER_PAGE", "Service", "ServiceError", "offline_docs", "proxy_prefix", "public_url",
           "running", "serve", "stop_all"]
