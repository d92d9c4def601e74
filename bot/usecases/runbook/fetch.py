"""Fetch a runbook from a URL a Slack user typed, without letting them probe our network.

``/maturity runbook import <URL>`` makes the bot send an HTTP request wherever the user
points it, from inside whatever network the bot runs in. So, for every hop (the URL and
each redirect, followed by hand):

- only ``http``/``https``, no credentials in the URL;
- the host is resolved once, here (:func:`resolve`), and *every* address it resolves to must
  be public: no private, loopback, link-local (cloud metadata at 169.254.169.254),
  multicast, reserved, shared or unspecified address, also when wrapped in IPv6
  (``::ffff:10.0.0.5``, 6to4, NAT64, Teredo);
- the connection goes to the vetted address itself (the URL carries the IP; ``Host`` and
  TLS SNI/certificate checks carry the name), so a second DNS answer (DNS rebinding) never
  gets a say;
- host names that are numbers (``2130706433``, ``0x7f.1``, ``017700000001``, ``127.1``) are
  read the way C's ``inet_aton`` reads them and vetted as the address they are;
- timeouts on DNS, connect and read, an overall deadline, and at most 1 MB read (streamed;
  the read stops as soon as the limit is passed, whatever ``Content-Length`` says). A
  compressed body is inflated here, a bounded piece at a time, and its *inflated* size is
  what counts, so a gzip bomb stops at 1 MB too;
- only text comes back: HTML pages, images, archives and other non-text types are refused;
- proxy settings from the environment are ignored (``trust_env=False``): the peer is the
  vetted address, never a proxy that would resolve the name again.

Hosts named in ``RUNBOOK_FETCH_ALLOW_HOSTS`` skip the address check (an internal Git server
you trust), but not the other rules, and never for a link-local or cloud-metadata address
(:func:`never_allowed`): no allow-list opens those, so a refusal of one never suggests it.
Every refusal is a :class:`FetchError` whose message is written for the person who typed
the URL.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
import zlib
from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

import httpx

MAX_BYTES = 1_000_000
MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
DEADLINE_S = 20.0
RESOLVE_TIMEOUT_S = 5.0
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "maturity-bot (runbook import)"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SETTING = "RUNBOOK_FETCH_ALLOW_HOSTS"
# A host name made only of digits, hex digits, "x" and dots may be an IPv4 address in one
# of inet_aton's forms (decimal, octal, hex, fewer than four parts).
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)
# Content types a runbook may come as. Servers that don't know ``.md`` say
# ``application/octet-stream`` (or nothing): accepted when the bytes turn out to be text.
_TEXT_APPLICATION_TYPES = frozenset(
    {"application/markdown", "application/x-markdown", "application/x-yaml", "application/yaml"}
)
_UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# DNS lookups run here so one that hangs can be given up on (getaddrinfo has no timeout).
_RESOLVER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="runbook-resolve")


class FetchError(Exception):
    """The URL could not (or may not) be fetched; the message says why, for the user."""


@dataclass(frozen=True)
class Fetched:
    url: str  # where the text finally came from (after redirects)
    text: str
    content_type: str


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to. The only DNS lookup of a fetch (tests replace it)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _resolve_in_time(host: str, port: int) -> list[str]:
    future = _RESOLVER.submit(resolve, host, port)
    try:
        return future.result(timeout=RESOLVE_TIMEOUT_S)
    except FutureTimeout:
        future.cancel()
        raise FetchError(f"Looking up {host} took too long. Try again later.") from None


def numeric_ipv4(host: str) -> str | None:
    """``2130706433``, ``0x7f.1``, ``017700000001`` → ``127.0.0.1`` (None for a real name)."""
    if not _NUMERIC_HOST.match(host) or not any(ch.isdigit() for ch in host):
        return None
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def blocked_reason(address: str) -> str | None:
    """Why the bot must not connect to ``address`` ("a private address", …); None if public."""
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            address.split("%", 1)[0]
        )
    except ValueError:
        return "an address I can't read"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return blocked_reason(str(inner))
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (where cloud metadata services live)"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "a private address"  # fec0::/10, deprecated but still routed inside some networks
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "a non-public address"
    return None


# Cloud metadata services outside the link-local ranges (AWS's IPv6 one, Alibaba's).
_METADATA = frozenset(
    {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}
)


def never_allowed(address: str) -> bool:
    """A link-local or cloud-metadata address (also wrapped in IPv6): refused even for a
    host on the allow-list, where the instance's credentials and metadata live."""
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            address.split("%", 1)[0]
        )
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return never_allowed(str(inner))
    return ip.is_link_local or ip in _METADATA


def _refusal(host: str, address: str, reason: str) -> FetchError:
    """Why not, and — only for an address an allow-list may open, inside a private network —
    who can open it."""
    text = (
        f"I won't fetch from {host}: it points to {reason}, and I don't reach into private "
        "networks for anyone."
    )
    if never_allowed(address):
        return FetchError(
            f"{text} That address is where a server keeps its own credentials, so it stays "
            "closed whatever the settings say."
        )
    if reason in ("a private address", "a non-public address"):
        return FetchError(
            f"{text} If it's your team's own server, ask whoever runs maturity-bot to add "
            f"{host} to {_SETTING}."
        )
    return FetchError(f"{text} Link to a copy on a public host instead.")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _vet(url: httpx.URL, allow_hosts: Collection[str]) -> tuple[str, str]:
    """(host, the address to connect to) for one hop, or a :class:`FetchError`."""
    if url.scheme not in ("http", "https"):
        raise FetchError("I only fetch http:// and https:// links.")
    if url.userinfo:
        raise FetchError("Leave passwords and tokens out of the link: I only fetch public files.")
    host = url.host.rstrip(".").lower()
    if not host:
        raise FetchError("That link has no host name in it.")
    host = numeric_ipv4(host) or host
    port = url.port or (443 if url.scheme == "https" else 80)
    if _is_ip(host):
        addresses = [host]
    else:
        try:
            addresses = _resolve_in_time(host, port)
        except (OSError, UnicodeError):
            raise FetchError(f"I couldn't find the host {host}. Is the link right?") from None
    if not addresses:
        raise FetchError(f"I couldn't find the host {host}. Is the link right?")
    for address in addresses:
        reason = blocked_reason(address)
        if reason and (host not in allow_hosts or never_allowed(address)):
            raise _refusal(host, address, reason)
    return host, addresses[0]


def check_form(url: str, *, allow_hosts: Collection[str] = ()) -> None:
    """Refuse at once what can be refused without the network: not a link, not http(s), a
    password in it, no host, or a host that is an address we never fetch from. (The host
    name's addresses are vetted again, hop by hop, when fetching.)"""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchError("That doesn't look like a link I can fetch.") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError("I only fetch http:// and https:// links.")
    if parsed.userinfo:
        raise FetchError("Leave passwords and tokens out of the link: I only fetch public files.")
    host = parsed.host.rstrip(".").lower()
    if not host:
        raise FetchError("That link has no host name in it.")
    address = numeric_ipv4(host) or host
    allowed = frozenset(h.strip().rstrip(".").lower() for h in allow_hosts)
    if _is_ip(address):
        reason = blocked_reason(address)
        if reason and (host not in allowed or never_allowed(address)):
            raise _refusal(host, address, reason)


def _host_header(url: httpx.URL, host: str) -> str:
    name = f"[{host}]" if ":" in host else host
    return name if url.port is None else f"{name}:{url.port}"


def fetch_runbook(
    url: str,
    *,
    allow_hosts: Collection[str] = (),
    transport: httpx.BaseTransport | None = None,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """GET a raw runbook file (Markdown or text) under the rules in the module docstring."""
    try:
        current = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchError("That doesn't look like a link I can fetch.") from None
    allowed = frozenset(h.strip().rstrip(".").lower() for h in allow_hosts)
    deadline = time.monotonic() + DEADLINE_S
    for _hop in range(MAX_REDIRECTS + 1):
        if time.monotonic() > deadline:
            raise FetchError("That link took too long to fetch. Try again later.")
        host, address = _vet(current, allowed)
        target = current.copy_with(host=address)
        extensions = {}
        if current.scheme == "https" and not _is_ip(host):
            extensions["sni_hostname"] = host  # TLS checks the certificate for the name
        headers = {
            "Host": _host_header(current, host),
            "User-Agent": USER_AGENT,
            "Accept": "text/markdown, text/plain;q=0.9, */*;q=0.5",
            # What _Inflater reads; anything else a server sends anyway is refused.
            "Accept-Encoding": "gzip, deflate",
        }
        # A fresh client (and connection) per hop: nothing vetted for one name is reused
        # for another. No proxies from the environment: the vetted address is the peer.
        try:
            with (
                httpx.Client(
                    timeout=TIMEOUT, follow_redirects=False, trust_env=False, transport=transport
                ) as client,
                client.stream("GET", target, headers=headers, extensions=extensions) as response,
            ):
                if response.status_code not in REDIRECTS:
                    return _read(response, current, host, max_bytes, deadline)
                location = response.headers.get("location")
        except httpx.TimeoutException:
            raise FetchError(f"{host} took too long to answer. Try again later.") from None
        except httpx.HTTPError:
            raise FetchError(
                f"I couldn't fetch that from {host}. Check the link opens in a browser "
                "without signing in."
            ) from None
        if not location:
            raise FetchError(f"{host} sent me on without saying where to.")
        try:
            current = current.join(location)
        except (httpx.InvalidURL, ValueError):
            raise FetchError(f"{host} redirected me to a broken link.") from None
    raise FetchError("That link redirects too many times.")


class _Inflater:
    """Undo ``Content-Encoding`` (identity, gzip or deflate) without ever holding more than
    ``limit`` inflated bytes: each piece is inflated to at most the room left, plus one
    byte to notice the overflow."""

    def __init__(self, content_encoding: str, limit: int, too_big: FetchError) -> None:
        coding = content_encoding.strip().lower()
        self._limit, self._too_big, self._size = limit, too_big, 0
        self._zlib: zlib._Decompress | None = None
        self._deflate = coding == "deflate"
        if coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._deflate:
            self._zlib = zlib.decompressobj()
        elif coding not in ("", "identity"):
            raise FetchError(
                "That server compressed the file in a way I don't read. Link to the plain file."
            )

    def feed(self, raw: bytes) -> bytes:
        room = self._limit - self._size
        if self._zlib is None:
            out = raw
        else:
            try:
                out = self._zlib.decompress(raw, room + 1)
            except zlib.error:
                if not (self._deflate and self._size == 0):
                    raise FetchError("That file arrived damaged. Try again later.") from None
                # "deflate" without its zlib wrapper, as some servers send it
                self._zlib, self._deflate = zlib.decompressobj(-zlib.MAX_WBITS), False
                out = self._zlib.decompress(raw, room + 1)
        if len(out) > room:
            raise self._too_big
        self._size += len(out)
        return out


def _content_type_problem(content_type: str) -> str | None:
    if content_type in _HTML_TYPES:
        return (
            "That's a web page, not a runbook file. Link to the raw Markdown or text (on "
            "GitHub or GitLab: the *Raw* button)."
        )
    if (
        content_type.startswith("text/")
        or content_type in _TEXT_APPLICATION_TYPES
        or content_type in _UNTYPED
    ):
        return None
    return f"That link serves {content_type}, not text. Link to a Markdown or plain-text runbook."


def _pieces(response: httpx.Response, raw_limit: int, too_big: FetchError) -> Iterator[bytes]:
    raw_size = 0
    for raw in response.iter_raw():
        raw_size += len(raw)
        if raw_size > raw_limit:
            raise too_big
        yield raw


def _read(
    response: httpx.Response, url: httpx.URL, host: str, max_bytes: int, deadline: float
) -> Fetched:
    if response.status_code >= 400:
        hint = (
            " It may need a sign-in: use a public (raw) link."
            if response.status_code in (401, 403)
            else ""
        )
        raise FetchError(f"{host} answered {response.status_code} for that link.{hint}")
    if response.status_code != 200:
        raise FetchError(f"{host} answered {response.status_code} instead of sending the file.")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    problem = _content_type_problem(content_type)
    if problem:
        raise FetchError(problem)
    too_big = FetchError(
        f"That file is bigger than {max_bytes // 1_000_000 or 1} MB. Split the runbook and "
        "import the parts."
    )
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    inflater = _Inflater(response.headers.get("content-encoding", ""), max_bytes, too_big)
    chunks: list[bytes] = []
    for raw in _pieces(response, max_bytes, too_big):
        chunks.append(inflater.feed(raw))
        if time.monotonic() > deadline:
            raise FetchError(f"{host} is sending that file too slowly. Try again later.")
    body = b"".join(chunks)
    if b"\x00" in body[:4096]:
        raise FetchError("That file isn't text. Link to a Markdown or plain-text runbook.")
    encoding = response.charset_encoding or "utf-8"
    try:
        text = body.decode(encoding, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    return Fetched(url=str(url), text=text, content_type=content_type)
