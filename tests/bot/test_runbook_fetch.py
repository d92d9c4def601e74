"""``/maturity runbook import <URL>`` must not let a Slack user probe the bot's network.

Refusals happen before any connection (checked after DNS, on every redirect); what is
allowed is fetched from the address that was vetted, not from a second DNS answer. The
network is never used: literal addresses are refused before connecting, names resolve
through a replaced resolver, and the "allowed" server is a real http.server on 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from bot import runbook_fetch
from bot.runbook_fetch import FetchError, blocked_reason, fetch_runbook

RUNBOOK = "# Ops\n1. Rotate the TLS certificates (30 min)\n2. Restart the workers\n"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers.get("Host", "")))  # type: ignore[attr-defined]
        routes = {
            "/runbook.md": (
                200,
                RUNBOOK.encode(),
                {"Content-Type": "text/markdown; charset=utf-8"},
            ),
            "/to-private": (302, b"", {"Location": "http://10.0.0.5/runbook.md"}),
            "/to-metadata": (301, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}),
            "/to-name": (307, b"", {"Location": "http://internal.example.com/x.md"}),
            "/to-self": (302, b"", {"Location": "/runbook.md"}),
            "/loop": (302, b"", {"Location": "/loop"}),
            "/page.html": (200, b"<html>hi</html>", {"Content-Type": "text/html"}),
            "/declared-big": (
                200,
                b"x",
                {"Content-Type": "text/plain", "Content-Length": "5000000"},
            ),
        }
        if self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"- step\n" * 2000
            try:
                for _ in range(1000):  # ~14 MB if nobody stops reading
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                self.server.stopped_early = True  # type: ignore[attr-defined]
            return
        status, body, headers = routes.get(self.path, (404, b"no", {}))
        if self.path == "/declared-big":
            self.send_response(200)
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
            return
        self._send(status, body, headers)


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.seen = []  # type: ignore[attr-defined]
    srv.stopped_early = False  # type: ignore[attr-defined]
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def _url(srv: ThreadingHTTPServer, path: str) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}{path}"


def no_network() -> httpx.MockTransport:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request should have been made, got {request.url}")

    return httpx.MockTransport(refuse)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1/runbook.md", "loopback"),
        ("http://10.0.0.5/runbook.md", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/runbook.md", "loopback"),
        ("http://[::ffff:10.0.0.5]/runbook.md", "private"),
        ("https://192.168.1.20/runbook.md", "private"),
        ("http://0.0.0.0:8080/", "unspecified"),
        ("http://100.100.100.200/latest/meta-data", "non-public"),
    ],
)
def test_private_loopback_link_local_and_metadata_addresses_are_refused(url: str, why: str) -> None:
    with pytest.raises(FetchError) as err:
        fetch_runbook(url, transport=no_network())
    message = str(err.value)
    assert why in message
    assert "RUNBOOK_FETCH_ALLOW_HOSTS" in message  # says how to allow an internal server


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return {
            "runbooks.example.com": ["10.1.2.3"],
            "mixed.example.com": ["93.184.216.34", "127.0.0.1"],
        }[host]

    monkeypatch.setattr(runbook_fetch, "resolve", resolve)
    with pytest.raises(FetchError, match=r"runbooks\.example\.com: it points to a private address"):
        fetch_runbook("https://runbooks.example.com/ops.md", transport=no_network())
    # One private answer among public ones is enough to refuse.
    with pytest.raises(FetchError, match="loopback"):
        fetch_runbook("https://mixed.example.com/ops.md", transport=no_network())
    assert calls == ["runbooks.example.com", "mixed.example.com"]


@pytest.mark.parametrize("path", ["/to-private", "/to-metadata"])
def test_a_redirect_to_a_private_address_is_refused(server, path: str) -> None:
    with pytest.raises(FetchError, match=r"I won't fetch from (10\.0\.0\.5|169\.254\.169\.254)"):
        fetch_runbook(_url(server, path), allow_hosts={"127.0.0.1"})
    assert [p for p, _host in server.seen] == [path]  # the redirect target was never asked


def test_a_redirect_to_a_name_resolving_privately_is_refused(
    server, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = runbook_fetch.resolve
    monkeypatch.setattr(
        runbook_fetch,
        "resolve",
        lambda host, port: ["10.9.9.9"] if host == "internal.example.com" else real(host, port),
    )
    with pytest.raises(FetchError, match=r"internal\.example\.com"):
        fetch_runbook(_url(server, "/to-name"), allow_hosts={"127.0.0.1"})


def test_an_allowed_host_is_fetched_and_redirects_within_it_are_followed(server) -> None:
    fetched = fetch_runbook(_url(server, "/to-self"), allow_hosts={"127.0.0.1"})
    assert fetched.text == RUNBOOK
    assert fetched.url.endswith("/runbook.md")
    assert [p for p, _h in server.seen] == ["/to-self", "/runbook.md"]
    assert server.seen[0][1] == f"127.0.0.1:{server.server_address[1]}"


def test_a_public_address_is_fetched_from_the_vetted_ip_with_the_real_host_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = iter([["93.184.216.34"], ["10.0.0.5"]])  # a rebinding DNS: public, then private
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return next(answers)

    monkeypatch.setattr(runbook_fetch, "resolve", resolve)
    seen: list[httpx.Request] = []

    def serve(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text=RUNBOOK, headers={"Content-Type": "text/plain"})

    fetched = fetch_runbook(
        "https://docs.example.com/team/runbook.md", transport=httpx.MockTransport(serve)
    )
    assert fetched.text == RUNBOOK
    assert asked == ["docs.example.com"]  # resolved once: no second answer gets a say
    request = seen[0]
    assert request.url.host == "93.184.216.34"
    assert request.url.path == "/team/runbook.md"
    assert request.headers["host"] == "docs.example.com"
    assert request.extensions["sni_hostname"] == "docs.example.com"  # TLS checks the name


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/x",
        "gopher://x/",
        "javascript:alert(1)",
        "not a url",
    ],
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError):
        fetch_runbook(url, transport=no_network())


def test_credentials_in_the_link_are_refused() -> None:
    with pytest.raises(FetchError, match="passwords"):
        fetch_runbook("https://me:secret@docs.example.com/x.md", transport=no_network())


def test_more_than_a_megabyte_stops_the_read(server) -> None:
    with pytest.raises(FetchError, match="bigger than 1 MB"):
        fetch_runbook(_url(server, "/endless"), allow_hosts={"127.0.0.1"})
    with pytest.raises(FetchError, match="bigger than 1 MB"):
        fetch_runbook(_url(server, "/declared-big"), allow_hosts={"127.0.0.1"})


def test_a_web_page_and_a_redirect_loop_get_friendly_answers(server) -> None:
    with pytest.raises(FetchError, match="web page"):
        fetch_runbook(_url(server, "/page.html"), allow_hosts={"127.0.0.1"})
    with pytest.raises(FetchError, match="redirects too many times"):
        fetch_runbook(_url(server, "/loop"), allow_hosts={"127.0.0.1"})
    with pytest.raises(FetchError, match="answered 404"):
        fetch_runbook(_url(server, "/missing.md"), allow_hosts={"127.0.0.1"})


def test_a_server_that_never_answers_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    monkeypatch.setattr(runbook_fetch, "TIMEOUT", httpx.Timeout(0.2))
    try:
        with pytest.raises(FetchError, match="took too long"):
            fetch_runbook(
                f"http://127.0.0.1:{silent.getsockname()[1]}/x.md", allow_hosts={"127.0.0.1"}
            )
    finally:
        silent.close()


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("93.184.216.34", False),
        ("2606:2800:220:1:248:1893:25c8:1946", False),
        ("8.8.8.8", False),
        ("127.0.0.53", True),
        ("10.255.0.1", True),
        ("172.16.5.4", True),
        ("192.168.0.1", True),
        ("169.254.169.254", True),
        ("fd00:ec2::254", True),  # AWS's IPv6 metadata address
        ("fe80::1%eth0", True),
        ("224.0.0.1", True),
        ("239.255.255.250", True),
        ("ff02::1", True),
        ("100.64.0.1", True),  # carrier-grade NAT
        ("::", True),
        ("2002:a00:5::1", True),  # 6to4 wrapping 10.0.0.5
        ("64:ff9b::a9fe:a9fe", True),  # NAT64 wrapping 169.254.169.254
        ("240.0.0.1", True),
    ],
)
def test_address_classification(address: str, blocked: bool) -> None:
    assert (blocked_reason(address) is not None) is blocked
