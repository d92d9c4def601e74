"""``/maturity runbook import <URL>`` must not let a Slack user probe the bot's network.

Refusals happen before any connection (checked after DNS, on every redirect); what is
allowed is fetched from the address that was vetted, not from a second DNS answer. The
network is never used: literal addresses are refused before connecting, names resolve
through a replaced resolver, and the "allowed" server is a real http.server on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from bot.usecases.runbook import fetch as runbook_fetch
from bot.usecases.runbook.fetch import FetchError, blocked_reason, fetch_runbook

RUNBOOK = "# Ops\n1. Rotate the TLS certificates (30 min)\n2. Restart the workers\n"
# 20 MB of runbook-looking text that travels as about 20 KB of gzip.
BOMB = gzip.compress(b"- step\n" * 3_000_000)


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
            "/bomb": (200, BOMB, {"Content-Type": "text/plain", "Content-Encoding": "gzip"}),
            "/gzipped.md": (
                200,
                gzip.compress(RUNBOOK.encode()),
                {"Content-Type": "text/markdown", "Content-Encoding": "gzip"},
            ),
            "/deflated.md": (
                200,
                zlib.compress(RUNBOOK.encode()),
                {"Content-Type": "text/plain", "Content-Encoding": "deflate"},
            ),
            "/brotli.md": (
                200,
                b"\x1b\x00\x00",
                {"Content-Type": "text/plain", "Content-Encoding": "br"},
            ),
            "/image.png": (200, b"\x89PNG\r\n\x1a\n", {"Content-Type": "image/png"}),
            "/archive": (200, b"PK\x03\x04", {"Content-Type": "application/zip"}),
            "/untyped.md": (200, RUNBOOK.encode(), {"Content-Type": "application/octet-stream"}),
            "/binary": (
                200,
                b"\x00\x01\x02binary",
                {"Content-Type": "application/octet-stream"},
            ),
            "/to-file": (302, b"", {"Location": "file:///etc/passwd"}),
            "/to-gopher": (302, b"", {"Location": "gopher://127.0.0.1:6379/_INFO"}),
            "/to-hex-loopback": (
                302,
                b"",
                {"Location": f"http://0x7f.1:{self.server.server_address[1]}/runbook.md"},
            ),
        }
        if self.path == "/no-length":  # no Content-Length, no chunks: read until close
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for _ in range(300):  # ~2 MB
                    self.wfile.write(b"- step\n" * 1000)
            except (BrokenPipeError, ConnectionResetError):
                self.server.stopped_early = True  # type: ignore[attr-defined]
            return
        if self.path == "/drip":  # a line now and then, for ever
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"7\r\n- step\n\r\n")
                    self.wfile.flush()
                    time.sleep(0.05)
            except (BrokenPipeError, ConnectionResetError):
                self.server.stopped_early = True  # type: ignore[attr-defined]
            return
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


class _Streamed(httpx.SyncByteStream):
    """A response body that arrives over the wire (not pre-read), as a real one does."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks


def answer(body: bytes, **headers: str) -> httpx.Response:
    return httpx.Response(200, headers=headers, stream=_Streamed(body))


def no_network() -> httpx.MockTransport:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request should have been made, got {request.url}")

    return httpx.MockTransport(refuse)


@pytest.mark.parametrize(
    ("url", "why", "allowable"),
    [
        ("http://127.0.0.1/runbook.md", "loopback", False),
        ("http://10.0.0.5/runbook.md", "private", True),
        ("http://169.254.169.254/latest/meta-data/", "link-local", False),
        ("http://[::1]/runbook.md", "loopback", False),
        ("http://[::ffff:10.0.0.5]/runbook.md", "private", True),
        ("https://192.168.1.20/runbook.md", "private", True),
        ("http://0.0.0.0:8080/", "unspecified", False),
        ("http://100.100.100.200/latest/meta-data", "non-public", False),  # Alibaba metadata
        ("http://100.64.0.7/runbook.md", "non-public", True),  # shared space, no metadata
        ("http://[fd00:ec2::254]/latest/meta-data/", "private", False),  # AWS metadata, IPv6
        ("http://[::ffff:169.254.169.254]/latest/meta-data/", "link-local", False),
    ],
)
def test_private_loopback_link_local_and_metadata_addresses_are_refused(
    url: str, why: str, allowable: bool
) -> None:
    with pytest.raises(FetchError) as err:
        fetch_runbook(url, transport=no_network())
    message = str(err.value)
    assert why in message
    # Only an address an allow-list may open says how to open it; metadata never does.
    assert ("RUNBOOK_FETCH_ALLOW_HOSTS" in message) is allowable


@pytest.mark.parametrize(
    "address", ["169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2"]
)
def test_no_allow_list_opens_a_metadata_or_link_local_address(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(FetchError) as err:
        fetch_runbook(
            f"http://{host}/latest/meta-data/", allow_hosts={address}, transport=no_network()
        )
    assert "stays closed" in str(err.value)
    assert "RUNBOOK_FETCH_ALLOW_HOSTS" not in str(err.value)


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
        return answer(RUNBOOK.encode(), **{"Content-Type": "text/plain"})

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
        ("::ffff:127.0.0.1", True),  # IPv4-mapped loopback
        ("::ffff:169.254.169.254", True),
        ("::127.0.0.1", True),  # IPv4-compatible (deprecated)
        ("fe80::a9fe:a9fe", True),
        ("fec0::1", True),  # site-local (deprecated, still routed in places)
        ("100.100.100.200", True),  # Alibaba Cloud's metadata address
        ("192.0.0.170", True),
        ("255.255.255.255", True),
        ("0.0.0.0", True),
    ],
)
def test_address_classification(address: str, blocked: bool) -> None:
    assert (blocked_reason(address) is not None) is blocked


# ------------------------------------------------------------------ spellings of an address


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/runbook.md",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/runbook.md",  # hex, two parts
        "http://0x7f000001/runbook.md",
        "http://017700000001/runbook.md",  # octal
        "http://127.1/runbook.md",
        "http://0/runbook.md",  # 0.0.0.0
        "http://127.0.0.1./runbook.md",  # a trailing dot
        "http://[::ffff:127.0.0.1]/runbook.md",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://[fe80::1%25eth0]/",
        "http://0xa9.0xfe.0xa9.0xfe/latest/meta-data/",  # 169.254.169.254 in hex
        "http://2852039166/latest/meta-data/",  # 169.254.169.254 as one number
    ],
)
def test_every_spelling_of_an_internal_address_is_refused_whatever_dns_says(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def lying_resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]  # "it's public", says a resolver that can't be trusted

    monkeypatch.setattr(runbook_fetch, "resolve", lying_resolver)
    with pytest.raises(FetchError, match="I won't fetch from"):
        fetch_runbook(url, transport=no_network())
    assert asked == []  # an address is read as the address it is, not looked up


def test_a_name_with_a_trailing_dot_is_checked_like_the_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        runbook_fetch, "resolve", lambda host, port: {"localhost": ["127.0.0.1"]}[host]
    )
    with pytest.raises(FetchError, match="loopback"):
        fetch_runbook("http://localhost./runbook.md", transport=no_network())
    with pytest.raises(FetchError, match="loopback"):
        fetch_runbook("http://LOCALHOST/runbook.md", transport=no_network())


@pytest.mark.parametrize(
    "url",
    [
        "http://evil@127.0.0.1/runbook.md",
        "http://127.0.0.1:80@docs.example.com/runbook.md",
        "http://docs.example.com\\@127.0.0.1/runbook.md",
        "http://:@127.0.0.1/runbook.md",
    ],
)
def test_userinfo_tricks_are_refused(url: str) -> None:
    with pytest.raises(FetchError):
        fetch_runbook(url, transport=no_network())


def test_a_numeric_spelling_of_an_allowed_address_reaches_that_address(server) -> None:
    port = server.server_address[1]
    fetched = fetch_runbook(f"http://2130706433:{port}/runbook.md", allow_hosts={"127.0.0.1"})
    assert fetched.text == RUNBOOK
    assert server.seen == [("/runbook.md", f"127.0.0.1:{port}")]


# ------------------------------------------------------------------ redirects


@pytest.mark.parametrize(
    ("path", "why"),
    [("/to-file", "http:// and https://"), ("/to-gopher", "http:// and https://")],
)
def test_a_redirect_to_another_scheme_is_refused(server, path: str, why: str) -> None:
    with pytest.raises(FetchError, match=why):
        fetch_runbook(_url(server, path), allow_hosts={"127.0.0.1"})
    assert [p for p, _host in server.seen] == [path]


def test_a_redirect_to_a_numeric_spelling_of_loopback_is_refused(
    server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first hop is an allowed internal name; the redirect spells 127.0.0.1 in hex,
    which no allow-list entry names: refused before it is asked."""
    monkeypatch.setattr(
        runbook_fetch, "resolve", lambda host, port: {"runbooks.internal": ["127.0.0.1"]}[host]
    )
    url = f"http://runbooks.internal:{server.server_address[1]}/to-hex-loopback"
    with pytest.raises(FetchError, match=r"I won't fetch from 127\.0\.0\.1: it points to a loop"):
        fetch_runbook(url, allow_hosts={"runbooks.internal"})
    assert [p for p, _host in server.seen] == ["/to-hex-loopback"]


# ------------------------------------------------------------------ what comes back


def test_a_gzip_bomb_stops_at_a_megabyte_of_inflated_text(server) -> None:
    assert len(BOMB) < 100_000  # small on the wire, 20 MB inflated
    with pytest.raises(FetchError, match="bigger than 1 MB"):
        fetch_runbook(_url(server, "/bomb"), allow_hosts={"127.0.0.1"})


def test_a_bomb_in_one_piece_is_refused_too() -> None:
    """Inflation is bounded per piece, so one huge piece never becomes 20 MB in memory."""
    served = httpx.MockTransport(
        lambda request: answer(BOMB, **{"Content-Type": "text/plain", "Content-Encoding": "gzip"})
    )
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="bigger than 1 MB"):
            fetch_runbook("http://93.184.216.34/runbook.md", transport=served)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000  # the 20 MB it inflates to were never in memory


@pytest.mark.parametrize("path", ["/gzipped.md", "/deflated.md", "/untyped.md"])
def test_compressed_and_untyped_text_is_read(server, path: str) -> None:
    assert fetch_runbook(_url(server, path), allow_hosts={"127.0.0.1"}).text == RUNBOOK


def test_raw_deflate_is_read() -> None:
    squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = squeezer.compress(RUNBOOK.encode()) + squeezer.flush()
    served = httpx.MockTransport(
        lambda request: answer(raw, **{"Content-Type": "text/plain", "Content-Encoding": "deflate"})
    )
    assert fetch_runbook("http://93.184.216.34/r.md", transport=served).text == RUNBOOK


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/image.png", "serves image/png, not text"),
        ("/archive", "serves application/zip, not text"),
        ("/binary", "isn't text"),
        ("/brotli.md", "compressed the file in a way I don't read"),
    ],
)
def test_what_is_not_text_is_refused(server, path: str, why: str) -> None:
    with pytest.raises(FetchError, match=why):
        fetch_runbook(_url(server, path), allow_hosts={"127.0.0.1"})


def test_without_a_content_length_the_read_still_stops_at_a_megabyte(server) -> None:
    with pytest.raises(FetchError, match="bigger than 1 MB"):
        fetch_runbook(_url(server, "/no-length"), allow_hosts={"127.0.0.1"})


def test_a_server_dripping_the_file_is_given_up_on(server, monkeypatch) -> None:
    monkeypatch.setattr(runbook_fetch, "DEADLINE_S", 0.3)
    with pytest.raises(FetchError, match="too slowly"):
        fetch_runbook(_url(server, "/drip"), allow_hosts={"127.0.0.1"})


def test_a_dns_lookup_that_hangs_is_given_up_on(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hanging(host: str, port: int) -> list[str]:
        release.wait(10)
        return ["93.184.216.34"]

    monkeypatch.setattr(runbook_fetch, "resolve", hanging)
    monkeypatch.setattr(runbook_fetch, "RESOLVE_TIMEOUT_S", 0.1)
    try:
        with pytest.raises(FetchError, match=r"Looking up docs\.example\.com took too long"):
            fetch_runbook("https://docs.example.com/runbook.md", transport=no_network())
    finally:
        release.set()


# ------------------------------------------------------------------ proxies


class _Proxy(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        body = b"- served by the proxy\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_proxy_settings_in_the_environment_are_ignored(
    server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy would resolve the name again (and could be anywhere): the vetted address is
    the peer, so HTTP(S)_PROXY / ALL_PROXY are not used."""
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    proxy.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=proxy.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        address = f"http://127.0.0.1:{proxy.server_address[1]}"
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
            monkeypatch.setenv(name, address)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        fetched = fetch_runbook(_url(server, "/runbook.md"), allow_hosts={"127.0.0.1"})
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert fetched.text == RUNBOOK
    assert proxy.seen == []  # type: ignore[attr-defined]
