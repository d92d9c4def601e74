"""``serve --http``: the Bolt app behind gunicorn (threaded workers, graceful SIGTERM).

Routes: ``POST /slack/events`` (commands, interactivity and events, signature-verified by
Bolt), ``GET /healthz`` (200 with JSON while the database answers, 503 otherwise).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy.engine import Engine

from bot.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.settings import Settings
from storage.db import make_engine, ping

logger = logging.getLogger("maturity_bot.server")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1_000_000
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def build_wsgi(app: App, engine: Engine | None) -> WSGIApp:
    """The WSGI callable: Bolt for Slack's requests, plus a health check."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            healthy = engine is None or ping(engine)
            body = json.dumps({"status": "ok" if healthy else "unavailable", "database": healthy})
            return _reply(start_response, 200 if healthy else 503, body, "application/json")
        if app.oauth_flow is not None and method == "GET" and path in (INSTALL_PATH, REDIRECT_PATH):
            return slack(environ, start_response)
        if path == EVENTS_PATH and method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_BODY_BYTES:
                return _reply(start_response, 413, "request body too large", "text/plain")
            return slack(environ, start_response)
        return _reply(start_response, 404, "not found", "text/plain")

    return wsgi


def _reply(start_response: Callable[..., Any], status: int, body: str, ctype: str) -> list[bytes]:
    data = body.encode()
    reason = {200: "OK", 404: "Not Found", 413: "Payload Too Large", 503: "Service Unavailable"}
    start_response(
        f"{status} {reason.get(status, '')}",
        [("Content-Type", f"{ctype}; charset=utf-8"), ("Content-Length", str(len(data)))],
    )
    return [data]


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, factory: Callable[[], WSGIApp], options: dict[str, Any]) -> None:
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self._factory()


def run_wsgi(
    factory: Callable[[], WSGIApp],
    *,
    host: str,
    port: int,
    workers: int = 1,
    threads: int = 16,
    hooks: dict[str, Callable[..., Any]] | None = None,
) -> int:
    """Serve ``factory()`` (built in each worker, after fork) until SIGTERM/SIGINT.

    On SIGTERM gunicorn stops accepting, lets requests in flight finish (up to
    ``graceful_timeout``) and exits 0.
    """
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "graceful_timeout": 25,
        "timeout": 60,
        "keepalive": 5,
        "preload_app": False,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "maturity-bot",
        **(hooks or {}),
    }
    _Gunicorn(factory, options).run()
    return 0


def settle_heap() -> None:
    """Before taking traffic: finish lazy imports the first Web API call would otherwise do
    under the GIL, and move start-up objects out of the garbage collector's sight, so full
    collections over that heap do not pause the first requests (measured in bench/ack.py)."""
    import encodings.idna  # noqa: F401  (imported by the first HTTPS call otherwise)
    import gc

    gc.collect()
    gc.freeze()


def serve_http(
    settings: Settings, *, host: str, port: int, workers: int = 1, scheduler: bool = True
) -> int:
    from bot.app import build_app
    from storage.migrate import upgrade

    upgrade(settings.database_url)

    def factory() -> WSGIApp:
        # Runs in each worker after the fork: its own engine, and its own scheduler (the
        # database claims keep scheduled posts exactly-once across workers and replicas).
        engine = make_engine(settings.database_url)
        if scheduler:
            from bot.runtime import start_background

            start_background(settings, engine)
        wsgi = build_wsgi(build_app(settings, engine=engine), engine)
        settle_heap()
        return wsgi

    print(f"maturity-bot: serving Slack over HTTP on http://{host}:{port}{EVENTS_PATH}", flush=True)
    return run_wsgi(factory, host=host, port=port, workers=workers)
