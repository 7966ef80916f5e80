"""Outbound fetch policy: which addresses ingest may connect to.

Every host is resolved at connect time and the socket is opened to the very address that was checked, for the first
request and every redirect, so a DNS name that answers a public address to a check and a private one to the connect
(DNS rebinding) gains nothing. Loopback, private, link-local, multicast, reserved and other non-global addresses are
refused, in IPv4, IPv6 and the IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4, Teredo), unless a
deployment allows them (FETCH_ALLOWED_HOSTS, FETCH_ALLOWED_NETWORKS)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError

ALLOWED_SCHEMES = ("http", "https")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedDestination(Exception):
    """The fetch policy refuses this URL or the address its host resolves to. Raised from inside the connection, so it
    must not be an OSError (urllib3 would retry it and requests wrap it as a connection failure)."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Why an address is not a public destination ("" when it is)."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            problem = address_problem(inner)
            return f"{problem} (inside the IPv6 address {ip})" if problem else ""
    for kind in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            return f"{ip} is a {kind.replace('_', '-')} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return ""


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in getattr(settings, "FETCH_ALLOWED_NETWORKS", ())]


def host_allowed(host: str) -> bool:
    """A host named in FETCH_ALLOWED_HOSTS (exactly, or under a ".example.org" entry) may resolve anywhere."""
    host = host.lower().rstrip(".")
    for entry in getattr(settings, "FETCH_ALLOWED_HOSTS", ()):
        entry = entry.lower().strip()
        if host == entry.lstrip(".") or (entry.startswith(".") and host.endswith(entry)):
            return True
    return False


def check_url(url: str) -> None:
    """Refuse what needs no resolving: a scheme other than http(s), or no host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BlockedDestination(f"Refused to fetch {url!r}: only http and https URLs are fetched")
    if not parts.hostname:
        raise BlockedDestination(f"Refused to fetch {url!r}: the URL names no host")


def allowed_addresses(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to that the policy lets us connect to, in resolver order; raises
    BlockedDestination when it resolves only to refused ones, socket.gaierror when it does not resolve."""
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    allowed_host = host_allowed(host)
    networks = _allowed_networks()
    good, refused = [], []
    for info in infos:
        address = info[4][0]
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        problem = "" if allowed_host else address_problem(ip)
        if problem and any(ip in network for network in networks if network.version == ip.version):
            problem = ""
        if problem:
            refused.append(problem)
        elif address not in good:
            good.append(address)
    if not good:
        raise BlockedDestination(
            f"Refused to fetch from {host}: {refused[0] if refused else 'it has no address'}. Internal addresses are "
            "fetched only when FETCH_ALLOWED_HOSTS or FETCH_ALLOWED_NETWORKS allows them"
        )
    return good


class _GuardedConnectionMixin:
    def _new_conn(self):  # urllib3's hook that opens the socket
        host = self._dns_host
        try:
            addresses = allowed_addresses(host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        last = None
        for address in addresses:
            self._dns_host = address  # the checked address, never a second resolution; TLS still verifies self.host
            try:
                return super()._new_conn()
            except OSError as exc:
                last = exc
            finally:
                self._dns_host = host
        raise last


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


def guarded_session() -> requests.Session:
    """A session whose every connection, redirects included, obeys the policy. Proxies from the environment are
    ignored: through a proxy the policy would check the proxy's address, not the destination's."""
    session = requests.Session()
    session.trust_env = False
    adapter = GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
