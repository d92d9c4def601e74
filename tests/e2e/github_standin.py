"""A local stand-in for GitHub's REST API, as much of it as evidence polling reads: the
workflow runs of a repository (``GET /repos/{owner}/{repo}/actions/workflows/{workflow}/
runs`` and ``GET /repos/{owner}/{repo}/actions/runs``), shaped as GitHub documents them —
``{"total_count", "workflow_runs": [...]}``, newest first, ``per_page``/``page`` with a
``Link`` header (``rel="next"``, ``rel="last"``), the ``status`` filter, an ``ETag`` per
answer and ``304 Not Modified`` for a matching ``If-None-Match``, and the rate limit's
headers. Faults queued with :meth:`GitHubStandIn.fail` answer the next matching requests
(``403`` with ``X-RateLimit-Remaining: 0``, ``429`` with ``Retry-After``, …).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

_RUNS = re.compile(r"^/repos/([^/]+)/([^/]+)/actions/(?:workflows/([^/]+)/)?runs$")


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def run(
    run_id: int,
    *,
    created: datetime,
    minutes: float = 5,
    conclusion: str | None = "success",
    status: str = "completed",
    attempt: int = 1,
    name: str = "Deploy",
) -> dict[str, Any]:
    """A workflow run as GitHub lists it (the fields the bot reads, and a few more)."""
    started = created + timedelta(seconds=20)
    return {
        "id": run_id,
        "name": name,
        "status": status,
        "conclusion": conclusion,
        "run_attempt": attempt,
        "event": "push",
        "head_branch": "main",
        "created_at": iso(created),
        "run_started_at": iso(started),
        "updated_at": iso(started + timedelta(minutes=minutes)),
        "html_url": f"https://github.com/acme/payments/actions/runs/{run_id}",
    }


@dataclass
class Seen:
    """One request the stand-in answered."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int

    @property
    def page(self) -> int:
        return int(self.query.get("page", "1"))


@dataclass
class Fault:
    status: int
    headers: dict[str, str]
    page: int | None = None  # None: any page
    body: dict[str, Any] = field(default_factory=lambda: {"message": "API rate limit exceeded"})


class GitHubStandIn:
    def __init__(self) -> None:
        self.runs: dict[str, list[dict[str, Any]]] = {}  # "owner/repo" → runs
        self.seen: list[Seen] = []
        self.faults: list[Fault] = []
        self.remaining = 4999
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                stand_in._answer(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> GitHubStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def set_runs(self, repo: str, runs: list[dict[str, Any]]) -> None:
        with self._lock:
            self.runs[repo] = sorted(runs, key=lambda r: r["created_at"], reverse=True)

    def fail(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self.seen)

    # ------------------------------------------------------------------ answering

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        headers = {k.lower(): v for k, v in h.headers.items()}
        page = int(query.get("page", "1"))
        with self._lock:
            fault = next((f for f in self.faults if f.page is None or f.page == page), None)
            if fault is not None:
                self.faults.remove(fault)
        match = _RUNS.match(parts.path)
        if fault is not None:
            self._send(h, fault.status, fault.body, fault.headers)
        elif match is None:
            self._send(h, 404, {"message": "Not Found"}, {})
            fault = Fault(404, {})
        else:
            status = self._runs(h, f"{match.group(1)}/{match.group(2)}", query, headers)
            fault = Fault(status, {})
        with self._lock:
            self.seen.append(Seen(parts.path, query, headers, fault.status))

    def _runs(
        self, h: BaseHTTPRequestHandler, repo: str, query: dict[str, str], headers: dict[str, str]
    ) -> int:
        with self._lock:
            runs = list(self.runs.get(repo, []))
        if repo not in self.runs:
            self._send(h, 404, {"message": "Not Found"}, {})
            return 404
        if query.get("status"):
            runs = [r for r in runs if r["status"] == query["status"]]
        per_page = min(int(query.get("per_page", "30")), 100)
        page = int(query.get("page", "1"))
        chunk = runs[(page - 1) * per_page : page * per_page]
        body = {"total_count": len(runs), "workflow_runs": chunk}
        etag = 'W/"' + hashlib.sha256(json.dumps(body).encode()).hexdigest()[:32] + '"'
        extra = {"ETag": etag}
        last = max(1, -(-len(runs) // per_page))
        if page < last:
            base = f"{self.url}{urlsplit(h.path).path}"
            keep = {k: v for k, v in query.items() if k != "page"}
            extra["Link"] = (
                f'<{base}?{urlencode({**keep, "page": page + 1})}>; rel="next", '
                f'<{base}?{urlencode({**keep, "page": last})}>; rel="last"'
            )
        if headers.get("if-none-match") == etag:
            self._send(h, 304, None, {"ETag": etag})
            return 304
        with self._lock:
            self.remaining -= 1
        self._send(h, 200, body, extra)
        return 200

    def _send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: dict[str, Any] | None,
        headers: dict[str, str],
    ) -> None:
        raw = b"" if body is None else json.dumps(body).encode()
        h.send_response(status)
        base = {
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": "4102444800",
        }
        for name, value in {**base, **headers}.items():
            h.send_header(name, value)
        if body is not None:
            h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(raw)))
        h.end_headers()
        if raw:
            h.wfile.write(raw)
