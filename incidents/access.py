"""The one access policy, for pages, the API and admin alike.

- Reading (pages and API): everyone when API_PUBLIC_READ, else signed-in users and tokens.
- Curating (a status change on the page, PATCH in the API, admin's actions): the model permission
  `incidents.change_incident`, whoever asks; being staff alone is not enough.
- Ingest internals (article errors, feed URLs and their errors, URLs of articles not yet read): staff only.
- The client address throttling counts: REMOTE_ADDR, or X-Forwarded-For when REMOTE_ADDR is a trusted proxy
  (TRUSTED_PROXIES), read from the right past every trusted hop, so a client cannot choose its own address.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings

CURATE_PERMISSION = "incidents.change_incident"


def may_read(user) -> bool:
    return bool(settings.API_PUBLIC_READ or (user is not None and user.is_authenticated))


def may_curate(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(CURATE_PERMISSION))


def sees_internals(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


@cache
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)) if network.version == ip.version)


def client_address(meta: dict) -> str:
    """The address a request came from, as far as this deployment can tell (see the module's docstring)."""
    remote = meta.get("REMOTE_ADDR", "")
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or not _trusted(remote):
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            return hop
    return hops[0] if hops else remote
