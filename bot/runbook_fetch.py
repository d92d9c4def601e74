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
- timeouts on connect and read, an overall deadline, and at most 1 MB read (streamed; the
  read stops as soon as the limit is passed).

Hosts named in ``RUNBOOK_FETCH_ALLOW_HOSTS`` skip the address check (an internal Git server
you trust), but not the other rules. Every refusal is a :class:`FetchError` whose message is
written for the person who typed the URL.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Collection
from dataclasses import dataclass

import httpx

MAX_BYTES = 1_000_000
MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
DEADLINE_S = 20.0
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "maturity-bot (runbook import)"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SETTING = "RUNBOOK_FETCH_ALLOW_HOSTS"


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
    port = url.port or (443 if url.scheme == "https" else 80)
    if _is_ip(host):
        addresses = [host]
    else:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError):
            raise FetchError(f"I couldn't find the host {host}. Is the link right?") from None
    if not addresses:
        raise FetchError(f"I couldn't find the host {host}. Is the link right?")
    if host not in allow_hosts:
        for address in addresses:
            reason = blocked_reason(address)
            if reason:
                raise FetchError(
                    f"I won't fetch from {host}: it points to {reason}, and I don't reach "
                    "into private networks for anyone. If it's your team's own server, ask "
                    f"whoever runs maturity-bot to add it to {_SETTING}."
                )
    return host, addresses[0]


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
    allowed = frozenset(h.lower() for h in allow_hosts)
    deadline = time.monotonic() + DEADLINE_S
    for _hop in range(MAX_REDIRECTS + 1):
        host, address = _vet(current, allowed)
        target = current.copy_with(host=address)
        extensions = {}
        if current.scheme == "https" and not _is_ip(host):
            extensions["sni_hostname"] = host  # TLS checks the certificate for the name
        headers = {
            "Host": _host_header(current, host),
            "User-Agent": USER_AGENT,
            "Accept": "text/markdown, text/plain;q=0.9, */*;q=0.5",
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
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("text/html", "application/xhtml+xml"):
        raise FetchError(
            "That's a web page, not a runbook file. Link to the raw Markdown or text (on "
            "GitHub or GitLab: the *Raw* button)."
        )
    too_big = FetchError(
        f"That file is bigger than {max_bytes // 1_000_000 or 1} MB. Split the runbook and "
        "import the parts."
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        if time.monotonic() > deadline:
            raise FetchError(f"{host} is sending that file too slowly. Try again later.")
        chunks.append(chunk)
    body = b"".join(chunks)
    if b"\x00" in body[:4096]:
        raise FetchError("That file isn't text. Link to a Markdown or plain-text runbook.")
    encoding = response.charset_encoding or "utf-8"
    try:
        text = body.decode(encoding, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    return Fetched(url=str(url), text=text, content_type=content_type)
