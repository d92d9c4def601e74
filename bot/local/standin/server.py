"""The local Slack stand-in: an in-process HTTP server speaking the Slack Web API.

Tests and ``maturity-bot shell`` run the real Bolt app with its ``WebClient`` pointed here::

    with SlackStandIn() as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        client.chat_postMessage(channel="C0TEAM", text="hi")
        assert slack.messages("C0TEAM")[0]["text"] == "hi"

Every request is recorded (:class:`RecordedCall`), the resulting workspace state is kept
(messages, ephemerals, views, files, response_url posts), and failures can be injected
(HTTP 429 with ``Retry-After``, 5xx, ``ok: false`` errors, slow answers, dropped
connections, a per-channel rate limit) to exercise slack_sdk's retry handlers.
Standard library only.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import logging
import math
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bot.local.standin.records import (
    FILE_UPLOAD,
    RESPONSE_URL,
    Fault,
    RecordedCall,
    ResponseUrlPost,
)
from bot.local.standin.workspace import DEFAULT_SCOPES, METHOD_SCOPES, Workspace

logger = logging.getLogger(__name__)

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
_JSON_STRING_FIELDS = ("blocks", "attachments", "view", "files", "metadata")
_DEFAULT_ERRORS = {
    429: "ratelimited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "request_timeout",
}

Predicate = Callable[[RecordedCall], bool]


class _Reply:
    """What the handler writes back."""

    def __init__(
        self,
        status: int,
        body: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        text: str | None = None,
        raw: bytes | None = None,
        content_type: str = JSON_CONTENT_TYPE,
        drop: bool = False,
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.text = text
        self.raw = raw
        self.content_type = content_type
        self.drop = drop

    def payload(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.text is not None:
            return self.text.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


class _TokenBucket:
    def __init__(self, per_second: float, burst: int) -> None:
        self.per_second = per_second
        self.capacity = float(max(1, burst))
        self.tokens = self.capacity
        self.updated = time.monotonic()

    def take(self) -> float:
        """0.0 if a request may pass now, else seconds until it may."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.per_second


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # benchmarks open many connections at once

    def __init__(self, address: tuple[str, int], standin: SlackStandIn) -> None:
        self.standin = standin
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "SlackStandIn/1.0"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply = self.server.standin._dispatch(self.command, self.path, headers, body)
        except Exception:  # a bug in the stand-in must not hang the client
            logger.exception("stand-in failed on %s %s", self.command, self.path)
            reply = _Reply(500, {"ok": False, "error": "internal_error"})
        if reply.drop:
            self.close_connection = True
            return
        payload = reply.payload()
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], bytes | None]:
    """Form fields and the first file part of a multipart/form-data body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, Any] = {}
    upload: bytes | None = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            if upload is None:
                upload = data
        elif name:
            fields[str(name)] = data.decode("utf-8", "replace")
    return fields, upload


def _flatten(query: dict[str, list[str]]) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in query.items()}


class SlackStandIn:
    """An in-process Slack Web API on ``http://127.0.0.1:<port>``; see the module docstring."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_token: str = "xoxb-standin",  # noqa: S107 (a fake token for a fake Slack)
        team_id: str = "T0STANDIN",
        team_name: str = "Stand-in Workspace",
        team_domain: str = "standin",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        bot_name: str = "maturity-bot",
        app_id: str = "A0STANDIN",
        scopes: tuple[str, ...] | list[str] = DEFAULT_SCOPES,
        default_tz: str = "UTC",
        response_url_max_uses: int | None = 5,
    ) -> None:
        self.host = host
        self._port = port
        self.bot_token = bot_token
        self.response_url_max_uses = response_url_max_uses
        self.workspace = Workspace(
            base_url=lambda: self.url,
            bot_token=bot_token,
            team_id=team_id,
            team_name=team_name,
            team_domain=team_domain,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            bot_name=bot_name,
            app_id=app_id,
            scopes=tuple(scopes),
            default_tz=default_tz,
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._cond = threading.Condition()
        self._calls: list[RecordedCall] = []
        self._response_url_posts: list[ResponseUrlPost] = []
        self._faults: list[Fault] = []
        self._buckets: dict[str, _TokenBucket] = {}
        self._rate_limit: tuple[float, int, frozenset[str]] | None = None
        self._subscribers: list[Callable[[RecordedCall], None]] = []
        self._response_url_counter = 0

    # -------------------------------------------------------------- lifecycle

    def start(self) -> SlackStandIn:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server((self.host, self._port), self)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"slack-standin-{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SlackStandIn is not started: call start() or use `with`")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What ``WebClient(base_url=...)`` (and ``SLACK_API_URL``) wants."""
        return f"{self.url}/api/"

    @property
    def team_id(self) -> str:
        return self.workspace.team_id

    @property
    def bot_user_id(self) -> str:
        return self.workspace.bot_user_id

    @property
    def bot_id(self) -> str:
        return self.workspace.bot_id

    @property
    def scopes(self) -> tuple[str, ...]:
        return self.workspace.scopes

    # ---------------------------------------------------------- configuration

    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        *,
        real_name: str | None = None,
        display_name: str | None = None,
        tz: str | None = None,
        tz_label: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        email: str | None = None,
    ) -> None:
        """Define what users.info answers for ``user_id`` (unknown U…/W… ids get defaults)."""
        self.workspace.add_user(
            user_id,
            name=name,
            real_name=real_name,
            display_name=display_name,
            tz=tz,
            tz_label=tz_label,
            is_admin=is_admin,
            is_owner=is_owner,
            is_bot=is_bot,
            deleted=deleted,
            email=email,
        )

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        *,
        archived: bool = False,
        member: bool = True,
        private: bool = False,
    ) -> None:
        """Define a channel's metadata.

        Archived → ``is_archived``; the bot not a member → ``not_in_channel``.
        """
        self.workspace.add_channel(
            channel_id, name=name, archived=archived, member=member, private=private
        )

    def remove_channel(self, channel_id: str) -> None:
        """From now on every method naming this channel answers ``channel_not_found``."""
        self.workspace.remove_channel(channel_id)

    def fail_channel(self, channel_id: str, error: str | None = "channel_not_found") -> None:
        """Every method naming this channel answers ``error`` (``None`` lifts it)."""
        self.workspace.fail_channel(channel_id, error)

    def dm_channel_id(self, user_id: str) -> str:
        """The stable DM channel id conversations.open gives for ``user_id``."""
        return self.workspace.dm_channel_id(user_id)

    def new_trigger_id(self, user_id: str | None = None) -> str:
        """A fresh trigger_id bound to ``user_id`` (so views(user=...) finds its modals)."""
        return self.workspace.new_trigger_id(user_id)

    def expire_trigger(self, trigger_id: str) -> None:
        """views.open/push with this trigger_id answers ``expired_trigger_id``."""
        self.workspace.expire_trigger(trigger_id)

    def add_token(self, token: str) -> None:
        """Accept another token as the bot's."""
        self.workspace.add_token(token)

    def revoke_token(self, token: str) -> None:
        """Calls with ``token`` answer ``token_revoked``."""
        self.workspace.revoke_token(token)

    def response_url(
        self,
        name: str | None = None,
        *,
        channel: str | None = None,
        user: str | None = None,
        message_ts: str | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """A response_url on this server. POSTs to it are recorded and answered ``ok``.

        Bind it to where the interaction happened and the stand-in also applies the post:
        ``replace_original``/``delete_original`` act on the message ``(channel, message_ts)``,
        ``response_type: in_channel`` posts a bot message in ``channel``, anything else
        becomes an ephemeral for ``user`` in ``channel``. Re-minting a name resets its use
        count (Slack allows ``response_url_max_uses`` posts, 5 by default).
        """
        if name is None:
            with self._cond:
                self._response_url_counter += 1
                name = f"r{self._response_url_counter}"
        self.workspace.register_response_url(
            name,
            {"channel": channel, "user": user, "message_ts": message_ts, "thread_ts": thread_ts},
        )
        return f"{self.url}/response/{name}"

    # ---------------------------------------------------------------- faults

    def inject(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int = 1,
        delay: float | None = None,
        disconnect: bool = False,
        hold: float | None = None,
        times: int | None = 1,
    ) -> Fault:
        """Make the next ``times`` calls to ``method`` ("*" = any) fail; ``None`` = forever.

        - nothing but ``method``: HTTP 429, ``Retry-After: retry_after``, error ``ratelimited``
        - ``status=500|503|…``: that HTTP status with an ``ok: false`` JSON body
        - ``error="channel_not_found"``: HTTP 200 ``{"ok": false, "error": ...}``
        - ``delay=2.0``: sleep, then answer normally (or with the status/error also given)
        - ``disconnect=True``: close the connection without answering
        - ``hold=30.0``: do the call (a message IS posted), then keep the answer back that
          long — a sender killed meanwhile never learns it was posted
        Faults are consumed in the order injected. Faulted calls are recorded too.
        """
        if status is None and error is None and delay is None and not disconnect and not hold:
            status = 429
        fault = Fault(
            method=method,
            status=status,
            error=error,
            retry_after=retry_after,
            delay=delay,
            disconnect=disconnect,
            hold=hold,
            remaining=times,
        )
        with self._cond:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._cond:
            self._faults.clear()

    def rate_limit_per_channel(
        self,
        per_second: float | None = 1.0,
        *,
        burst: int = 1,
        methods: tuple[str, ...] = ("chat.postMessage",),
    ) -> None:
        """Limit ``methods`` to ``per_second`` per channel (token bucket of ``burst``).

        Over the limit: HTTP 429 with ``Retry-After`` (whole seconds, at least 1) and error
        ``ratelimited``. ``per_second=None`` turns the limit off.
        """
        with self._cond:
            self._buckets.clear()
            if per_second is None:
                self._rate_limit = None
            else:
                if per_second <= 0:
                    raise ValueError("per_second must be positive")
                self._rate_limit = (per_second, burst, frozenset(methods))

    # ------------------------------------------------------------- recording

    @property
    def calls(self) -> list[RecordedCall]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._cond:
            return [c for c in self._calls if c.method == method]

    def clear(self) -> None:
        """Forget recorded calls and response_url posts (the workspace state stays)."""
        with self._cond:
            self._calls.clear()
            self._response_url_posts.clear()

    def reset(self) -> None:
        """Forget recordings, faults, rate limits, messages, ephemerals, views and files.

        Users, channels, tokens and response_url bindings stay configured.
        """
        with self._cond:
            self._calls.clear()
            self._response_url_posts.clear()
            self._faults.clear()
            self._buckets.clear()
            self._rate_limit = None
        self.workspace.reset_state()

    def subscribe(self, callback: Callable[[RecordedCall], None]) -> Callable[[], None]:
        """Call ``callback(call)`` after each recorded call (on a server thread).

        Returns a function that unsubscribes. Exceptions in callbacks are logged, not raised.
        """
        with self._cond:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._cond, contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def wait_for(
        self,
        what: str | Predicate,
        timeout: float = 5.0,
        *,
        count: int = 1,
    ) -> RecordedCall:
        """Block until ``count`` recorded calls match; return the ``count``-th one.

        ``what`` is a method name (``"chat.postMessage"``, ``"response_url"``) or a predicate
        on :class:`RecordedCall`. Calls recorded before this call count too (use ``clear()``
        first to wait only for new ones). Raises ``AssertionError`` naming what was awaited
        and what was recorded instead when ``timeout`` seconds pass.
        """
        predicate: Predicate
        if isinstance(what, str):
            method = what
            predicate = lambda call: call.method == method  # noqa: E731
            label = repr(what)
        else:
            predicate = what
            label = getattr(what, "__name__", repr(what))
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                matches = [c for c in self._calls if predicate(c)]
                if len(matches) >= count:
                    return matches[count - 1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = ", ".join(
                        f"{c.method}({c.status}{', ' + c.error if c.error else ''})"
                        for c in self._calls[-20:]
                    )
                    raise AssertionError(
                        f"SlackStandIn.wait_for: {count} call(s) matching {label} expected "
                        f"within {timeout:g}s, got {len(matches)}; recorded "
                        f"({len(self._calls)} total, last 20): [{seen}]"
                    )
                self._cond.wait(remaining)

    def _record(self, call: RecordedCall) -> None:
        with self._cond:
            self._calls.append(call)
            subscribers = list(self._subscribers)
            self._cond.notify_all()
        for callback in subscribers:
            try:
                callback(call)
            except Exception:
                logger.exception("stand-in subscriber %r failed", callback)

    # ----------------------------------------------------------------- state

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Current messages (after updates/deletes, thread replies included), oldest first.

        Each is Slack's message object plus a ``channel`` key.
        """
        return self.workspace.messages(channel)

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return self.workspace.message(channel, ts)

    def post_user_message(self, channel: str, user_id: str, text: str) -> dict[str, Any]:
        """Store a message ``user_id`` wrote in ``channel`` (as if typed in Slack)."""
        return self.workspace.post_user_message(channel, user_id, text)

    def newest_message(
        self, channel: str, matches: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any] | None:
        """The newest message in ``channel`` that ``matches`` (a copy)."""
        return self.workspace.newest(channel, matches)

    def ephemerals(
        self, channel: str | None = None, user: str | None = None
    ) -> list[dict[str, Any]]:
        """Ephemeral messages: ``{channel, user, text, blocks, attachments, thread_ts,
        message_ts, source}`` where source is "chat.postEphemeral" or "response_url"."""
        return self.workspace.ephemerals(channel, user)

    def views(self, user: str | None = None) -> list[dict[str, Any]]:
        """Current view objects (modals and home tabs) in creation order.

        A modal's user is known when its trigger_id came from ``new_trigger_id(user)``.
        """
        return self.workspace.views(user)

    def files(self) -> list[dict[str, Any]]:
        """Files completed with files.completeUploadExternal: Slack's file object + ``content``."""
        return self.workspace.files()

    def response_url_posts(self, name: str | None = None) -> list[ResponseUrlPost]:
        with self._cond:
            return [p for p in self._response_url_posts if name is None or p.name == name]

    # -------------------------------------------------------------- internals

    def _take_fault(self, method: str) -> Fault | None:
        with self._cond:
            for fault in self._faults:
                if fault.matches(method):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    fault.hits += 1
                    return fault
            return None

    def _rate_limited(self, method: str, params: dict[str, Any]) -> int | None:
        with self._cond:
            if self._rate_limit is None:
                return None
            per_second, burst, methods = self._rate_limit
            if method not in methods:
                return None
            key = str(params.get("channel", ""))
            bucket = self._buckets.setdefault(key, _TokenBucket(per_second, burst))
            wait = bucket.take()
            return None if wait == 0.0 else max(1, math.ceil(wait))

    def _base_headers(self, method: str | None) -> dict[str, str]:
        headers = {"x-oauth-scopes": ",".join(self.workspace.scopes)}
        if method is not None:
            needed = METHOD_SCOPES.get(method)
            headers["x-accepted-oauth-scopes"] = needed or ""
        return headers

    def _fault_reply(self, fault: Fault, method: str | None) -> _Reply | None:
        if fault.delay:
            self._stopping.wait(fault.delay)
        if fault.disconnect:
            return _Reply(0, {}, drop=True)
        if fault.status is None and fault.error is None:
            return None
        status = fault.status or 200
        error = fault.error or _DEFAULT_ERRORS.get(status, "fatal_error")
        headers = self._base_headers(method)
        if status == 429:
            headers["Retry-After"] = str(fault.retry_after)
        return _Reply(status, {"ok": False, "error": error}, headers=headers)

    def _dispatch(self, verb: str, target: str, headers: dict[str, str], body: bytes) -> _Reply:
        parts = urlsplit(target)
        path = parts.path
        if path.startswith("/api/"):
            return self._api(unquote(path[len("/api/") :]), parts.query, headers, body, path)
        if path.startswith("/response/") and verb == "POST":
            return self._response_url(unquote(path[len("/response/") :]), headers, body, path)
        if path.startswith("/upload/v1/") and verb == "POST":
            return self._upload(unquote(path[len("/upload/v1/") :]), headers, body, path)
        if path.startswith("/files/") and verb == "GET":
            found = self.workspace.file_content(path.split("/")[2])
            if found is not None:
                return _Reply(200, {}, raw=found[1], content_type="application/octet-stream")
        return _Reply(404, {}, text="not found", content_type=TEXT_CONTENT_TYPE)

    def _parse_params(
        self, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[dict[str, Any], bool, str | None]:
        """(params, body_was_json, parse_error)."""
        params = _flatten(parse_qs(query, keep_blank_values=True))
        content_type = headers.get("content-type", "").lower()
        is_json = content_type.startswith("application/json")
        error = None
        if body:
            if is_json:
                try:
                    data = json.loads(body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    data, error = {}, "invalid_json"
                if not isinstance(data, dict):
                    data, error = {}, error or "json_not_object"
                params.update(data)
            elif content_type.startswith("multipart/form-data"):
                fields, _upload = _parse_multipart(headers["content-type"], body)
                params.update(fields)
            else:
                text = body.decode("utf-8", "replace")
                params.update(_flatten(parse_qs(text, keep_blank_values=True)))
        for key in _JSON_STRING_FIELDS:
            value = params.get(key)
            if isinstance(value, str) and value.strip():
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params, is_json, error

    def _api(
        self, method: str, query: str, headers: dict[str, str], body: bytes, path: str
    ) -> _Reply:
        params, is_json, parse_error = self._parse_params(query, headers, body)
        reply: _Reply | None = None
        fault = self._take_fault(method)
        if fault is not None:
            reply = self._fault_reply(fault, method)
        if reply is None:
            retry_after = self._rate_limited(method, params)
            if retry_after is not None:
                reply = _Reply(
                    429,
                    {"ok": False, "error": "ratelimited"},
                    headers={**self._base_headers(method), "Retry-After": str(retry_after)},
                )
        if reply is None:
            if parse_error is not None and self.workspace.knows(method):
                answer: dict[str, Any] = {"ok": False, "error": parse_error}
            else:
                answer = self.workspace.call(
                    method, params, token=self._token(headers, params, is_json)
                )
            reply = _Reply(200, answer, headers=self._base_headers(method))
        self._record(
            RecordedCall(
                method=method,
                params=params,
                headers=headers,
                status=reply.status,
                response=reply.body,
                at=time.time(),
                path=path,
            )
        )
        if fault is not None and fault.hold:
            self._stopping.wait(fault.hold)
        return reply

    @staticmethod
    def _token(headers: dict[str, str], params: dict[str, Any], is_json: bool) -> str | None:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[len("bearer ") :].strip() or None
        # Slack ignores a token inside a JSON body: it must come as a Bearer header.
        token = None if is_json else params.get("token")
        return token if isinstance(token, str) and token else None

    def _response_url(self, name: str, headers: dict[str, str], body: bytes, path: str) -> _Reply:
        params, _is_json, parse_error = self._parse_params("", headers, body)
        if isinstance(params.get("payload"), str):  # form-encoded payload=<json>
            with contextlib.suppress(ValueError):
                params = json.loads(params["payload"])
        reply: _Reply | None = None
        fault = self._take_fault(RESPONSE_URL)
        if fault is not None:
            reply = self._fault_reply(fault, None)
        if reply is None:
            error = parse_error or self.workspace.response_url_post(
                name, params, self.response_url_max_uses
            )
            status = 200 if error is None else (404 if error == "used_url" else 400)
            reply = _Reply(
                status,
                {"ok": error is None, **({"error": error} if error else {})},
                text=error or "ok",
                content_type=TEXT_CONTENT_TYPE,
            )
        now = time.time()
        with self._cond:
            if not reply.drop:
                self._response_url_posts.append(
                    ResponseUrlPost(
                        name=name,
                        body=params,
                        status=reply.status,
                        at=now,
                        error=reply.body.get("error"),
                    )
                )
        self._record(
            RecordedCall(
                method=RESPONSE_URL,
                params=params,
                headers=headers,
                status=reply.status,
                response=reply.body,
                at=now,
                path=path,
            )
        )
        if fault is not None and fault.hold:
            self._stopping.wait(fault.hold)
        return reply

    def _upload(self, file_id: str, headers: dict[str, str], body: bytes, path: str) -> _Reply:
        content = body
        content_type = headers.get("content-type", "")
        if content_type.lower().startswith("multipart/form-data"):
            _fields, upload = _parse_multipart(content_type, body)
            content = upload if upload is not None else b""
        reply: _Reply | None = None
        fault = self._take_fault(FILE_UPLOAD)
        if fault is not None:
            reply = self._fault_reply(fault, None)
        if reply is None:
            if self.workspace.receive_upload(file_id, content):
                reply = _Reply(
                    200, {"ok": True}, text=f"OK - {len(content)}", content_type=TEXT_CONTENT_TYPE
                )
            else:
                reply = _Reply(
                    404,
                    {"ok": False, "error": "file_not_found"},
                    text="file_not_found",
                    content_type=TEXT_CONTENT_TYPE,
                )
        self._record(
            RecordedCall(
                method=FILE_UPLOAD,
                params={"file_id": file_id, "size": len(content)},
                headers=headers,
                status=reply.status,
                response=reply.body,
                at=time.time(),
                path=path,
            )
        )
        if fault is not None and fault.hold:
            self._stopping.wait(fault.hold)
        return reply
