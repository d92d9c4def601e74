"""``serve --http``: the Bolt app behind gunicorn (threaded workers, graceful SIGTERM).

Routes: ``POST /slack/events`` (commands, interactivity and events), ``GET /healthz`` (200
with JSON while the database answers, 503 otherwise — within two seconds either way),
``POST /hooks/deploys`` and ``POST /hooks/incidents`` (evidence, ``bot/serve/hooks.py``).

Every request to ``/slack/events`` is checked here before Bolt sees it: a signature that
does not verify, for whatever reason, is 401; a verified body that is not a Slack payload
is 400 with one log line. Bolt then answers everything else 200 within Slack's 3 seconds.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine

from bot.serve.hooks import HOOK_PATHS, Hooks
from bot.settings import Settings
from bot.slack.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.slack.verify import log_refusal, signature_ok
from storage.db import make_engine, ping

logger = logging.getLogger("maturity_bot.server")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1_000_000
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


HEALTH_TIMEOUT_S = 2.0


class HealthProbe:
    """``SELECT 1`` with a deadline: a database that does not answer is unhealthy within
    :data:`HEALTH_TIMEOUT_S`, and probes arriving meanwhile share the one in flight rather
    than piling up threads on a database that is not there."""

    def __init__(self, engine: Engine, timeout: float = HEALTH_TIMEOUT_S) -> None:
        self.engine = engine
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health")
        self._lock = threading.Lock()
        self._probe: Future[bool] | None = None

    def healthy(self) -> bool:
        with self._lock:
            if self._probe is None or self._probe.done():
                self._probe = self._pool.submit(ping, self.engine)
            probe = self._probe
        try:
            return probe.result(timeout=self.timeout)
        except FutureTimeout:
            return False


class VerifiedSlackHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, behind a door: only verified, well-formed Slack requests in."""

    def __init__(self, app: App, path: str, signing_secret: str | None) -> None:
        super().__init__(app, path=path)
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        raw, headers = _raw_body(request.environ), request.get_headers()
        if self.verifier is not None and not signature_ok(self.verifier, raw, headers):
            log_refusal(raw, headers)
            return BoltResponse(status=401, body={"error": "invalid request"})
        try:
            body = raw.decode("utf-8")
            bolt_request = BoltRequest(body=body, query=request.query_string, headers=headers)
        except Exception as exc:  # not JSON, not an object, a field of the wrong shape
            logger.warning("refused a signed request that is not a Slack payload: %s", exc)
            return BoltResponse(status=400, body={"error": "malformed request"})
        problem = malformed(bolt_request.body)
        if problem:
            logger.warning("refused a signed request that is not a Slack payload: %s", problem)
            return BoltResponse(status=400, body={"error": "malformed request"})
        try:
            return self.app.dispatch(bolt_request)
        except Exception:  # Bolt answers its own errors; this is the last line of defence
            ref = secrets.token_hex(4)
            logger.exception("request failed outside Bolt's handlers (ref %s)", ref)
            return BoltResponse(status=200, body="")


def malformed(body: Any) -> str:
    """Why ``body`` cannot be a request Slack sent ("" when its shape is right): the few
    fields Bolt's matching reads without checking, each of the type Slack documents."""
    if not isinstance(body, dict):
        return "the payload is not an object"
    kind = body.get("type")
    if kind is not None and not isinstance(kind, str):
        return "type is not a string"
    if "user" in body and not isinstance(body["user"], dict | str):
        return "user is not an object"
    shapes = {
        "block_actions": ("actions", list),
        "view_submission": ("view", dict),
        "view_closed": ("view", dict),
        "event_callback": ("event", dict),
        "shortcut": ("callback_id", str),
        "message_action": ("callback_id", str),
    }
    if kind in shapes:
        name, expected = shapes[kind]
        if not isinstance(body.get(name), expected):
            return f"{kind} without a valid {name}"
    if kind == "block_actions" and not all(
        isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in body["actions"]
    ):
        return "an action without an action_id"
    if kind in ("view_submission", "view_closed") and not isinstance(
        body["view"].get("callback_id", ""), str
    ):
        return "a view without a callback_id"
    if "command" in body and not isinstance(body["command"], str):
        return "command is not a string"
    return ""


def _raw_body(environ: dict[str, Any]) -> bytes:
    """The request body as sent (the length was checked against the cap before)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    return stream.read(length) if stream is not None and length > 0 else b""


def build_wsgi(
    app: App,
    engine: Engine | None,
    signing_secret: str | None = None,
    hooks: Hooks | None = None,
) -> WSGIApp:
    """The WSGI callable: Bolt for Slack's requests, a health check, and (given
    ``hooks``) the evidence hooks."""
    slack = VerifiedSlackHandler(app, EVENTS_PATH, signing_secret)
    probe = HealthProbe(engine) if engine is not None else None

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            healthy = probe is None or probe.healthy()
            body = json.dumps({"status": "ok" if healthy else "unavailable", "database": healthy})
            return _reply(start_response, 200 if healthy else 503, body, "application/json")
        if hooks is not None and path in HOOK_PATHS and method == "POST":
            hook = hooks.handle(environ, path)
            return _reply(
                start_response, hook.status, json.dumps(hook.body), "application/json", hook.headers
            )
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


def _reply(
    start_response: Callable[..., Any],
    status: int,
    body: str,
    ctype: str,
    headers: Iterable[tuple[str, str]] = (),
) -> list[bytes]:
    data = body.encode()
    reason = {
        200: "OK",
        202: "Accepted",
        400: "Bad Request",
        401: "Unauthorized",
        404: "Not Found",
        413: "Payload Too Large",
        429: "Too Many Requests",
        503: "Service Unavailable",
    }
    start_response(
        f"{status} {reason.get(status, '')}",
        [
            ("Content-Type", f"{ctype}; charset=utf-8"),
            ("Content-Length", str(len(data))),
            *headers,
        ],
    )
    return [data]


class DrainingThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker, but on SIGTERM it first accepts every connection the
    kernel already completed (the listen backlog) and answers them: closing the listening
    socket with connections still queued would reset them, and Slack would show an error
    for requests that reached us before the shutdown began."""

    def set_accept_enabled(self, enabled: bool) -> None:
        if not enabled and not self.alive:
            self._drain_backlog()
        super().set_accept_enabled(enabled)

    def _drain_backlog(self) -> None:
        for listener in self.sockets:
            listener.setblocking(False)
            while True:
                try:
                    client, address = listener.accept()
                except OSError:  # EAGAIN: nothing more is queued
                    break
                client.setblocking(True)
                self.nr_conns += 1
                self.enqueue_req(TConn(self.cfg, client, address, listener.getsockname()))


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
        "worker_class": f"{__name__}.DrainingThreadWorker",
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

    upgrade(settings.database_url, token_keys=settings.token_encryption_keys)

    def factory() -> WSGIApp:
        # Runs in each worker after the fork: its own engine, and its own scheduler (the
        # database claims keep scheduled posts exactly-once across workers and replicas).
        engine = make_engine(settings.database_url)
        if scheduler:
            from bot.serve.runtime import start_background

            start_background(settings, engine)
        secret = settings.slack_signing_secret
        hooks = Hooks(
            engine,
            per_minute=settings.hook_rate_per_minute,
            window_days=settings.evidence_window_days,
        )
        wsgi = build_wsgi(
            build_app(settings, engine=engine),
            engine,
            secret.get_secret_value() if secret else None,
            hooks,
        )
        settle_heap()
        return wsgi

    print(f"maturity-bot: serving Slack over HTTP on http://{host}:{port}{EVENTS_PATH}", flush=True)
    return run_wsgi(factory, host=host, port=port, workers=workers)
