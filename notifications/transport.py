"""Outbound HTTP for webhooks and FHIR Subscriptions, guarded against server-side request forgery.

- Only `https` URLs when WEBHOOK_REQUIRE_HTTPS (on unless DEBUG); no user:password@ in URLs.
- The host name is resolved here and every address it resolves to is checked: loopback, private,
  link-local (cloud metadata at 169.254.169.254), shared, multicast, reserved and unspecified
  addresses are refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS. The connection then goes to the
  address that was checked (TLS still verifies the certificate against the host name), so a DNS
  answer that changes between the check and the connection (DNS rebinding) cannot redirect it.
- Timeouts on connecting and on each read; redirects are not followed (a 3xx is a failure); at
  most 64 KiB of the answer is read, and none of it is kept.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_ANSWER = 64 * 1024
USER_AGENT = "ScreeningAPI-Notifications/1.0"


class Refused(Exception):
    """The URL may not be called: a bad scheme, or an address the guard refuses."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its query


@dataclass(frozen=True)
class Answer:
    """What one attempt came to: the HTTP status (None when no answer came, or not HTTP), the
    time taken, and the error (empty when it succeeded)."""

    status: int | None
    latency_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def parse_target(url: str) -> Target:
    """The URL's parts, or Refused saying what is wrong with it (no DNS lookup)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"not a usable URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise Refused("the URL must start with https://")
    if scheme == "http" and settings.WEBHOOK_REQUIRE_HTTPS:
        raise Refused("only https:// URLs are accepted")
    if parts.username is not None or parts.password is not None:
        raise Refused("credentials in the URL are not accepted; use a header or the signature")
    if not parts.hostname:
        raise Refused("the URL has no host")
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Target(scheme, parts.hostname, port or (443 if scheme == "https" else 80), path)


def address_refusal(address: str) -> str | None:
    """Why the guard refuses to connect to `address`, or None when it is a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return None
    for kind in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            return f"{ip} is a {kind.replace('_', '-')} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


def check_host(target: Target) -> str:
    """The address to connect to: every address of the host checked, the first one used."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(f"{target.host} does not resolve") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        why = address_refusal(address)
        if why:
            raise Refused(
                f"{target.host} resolves to {why}; refused "
                "(WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 allows private networks)"
            )
    if not addresses:
        raise Refused(f"{target.host} does not resolve")
    return addresses[0]


def check_url(url: str) -> None:
    """Refused unless `url` could be called now (syntax, scheme and resolved addresses)."""
    check_host(parse_target(url))


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address; the Host header still names the host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # SNI and certificate verification against the host name, not the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` through the guard; never raises for network trouble (an Answer with
    the error), only Refused for a URL the guard refuses."""
    target = parse_target(url)
    address = check_host(target)
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    timeout = float(settings.WEBHOOK_TIMEOUT)
    connection = kind(target.host, target.port, address, timeout)
    started = time.monotonic()
    try:
        connection.request(
            "POST", target.path, body=body, headers={"User-Agent": USER_AGENT, **headers}
        )
        response = connection.getresponse()
        response.read(MAX_ANSWER)
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        return Answer(None, elapsed, f"{type(exc).__name__}: {exc}"[:300])
    finally:
        connection.close()
    elapsed = int((time.monotonic() - started) * 1000)
    if 300 <= status < 400:
        return Answer(status, elapsed, "redirects are not followed")
    if not 200 <= status < 300:
        return Answer(status, elapsed, f"HTTP {status}")
    return Answer(status, elapsed)
