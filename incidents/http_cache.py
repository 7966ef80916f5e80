"""HTTP caching for hot read endpoints, keyed on the data version that triggers bump at every incident commit.

`@cached_on_data_version()` on a DRF view's `get` (it runs after authentication, permissions and throttling):
- the ETag is a hash of the data version, the full path with its query, the negotiated media type and who asks
  (anonymous, a session user or a token: editors may see more), so `If-None-Match` answers 304 without a query;
- the rendered body of a 200 is kept in the cache under that ETag, so the same request answers from Redis until
  an incident, actor link or source link changes; a new version makes old entries unreachable (they expire).
"""

from __future__ import annotations

import functools
import hashlib

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from .selectors import data_version

CACHE_SECONDS = 15 * 60


def _committed_version() -> int | None:
    """The data version, or None inside a transaction that has written: what it reads is not what others see
    (and in tests, whose transactions roll back, the version never moves)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version, txid_current_if_assigned() IS NULL FROM incidents_data_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row and row[1] else None


def _who(request) -> str:
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth:
        return "token:" + hashlib.sha256(auth.encode()).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "anon"


def data_etag(request, version: int | None = None) -> str:
    version = data_version() if version is None else version
    renderer = getattr(request, "accepted_media_type", "") or request.META.get("HTTP_ACCEPT", "")
    key = "\n".join([str(version), request.get_full_path(), renderer, _who(request)])
    return f'"v{version}-{hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:20]}"'


def _matches(request, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(",")) or header.strip() == "*"


def _finish(response, etag: str):
    response["ETag"] = etag
    # Clients may keep it but must ask again; the 304 costs one primary-key read.
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
    return response


def cached_on_data_version(timeout: int = CACHE_SECONDS):
    def decorate(get):
        @functools.wraps(get)
        def wrapper(view, request, *args, **kwargs):
            version = _committed_version()
            if version is None:
                return get(view, request, *args, **kwargs)
            etag = data_etag(request, version)
            if _matches(request, etag):
                return _finish(HttpResponseNotModified(), etag)
            key = f"http:{etag}"
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                return _finish(HttpResponse(content, content_type=content_type), etag)
            response = get(view, request, *args, **kwargs)
            if response.status_code != 200 or getattr(response, "streaming", False):
                return response
            if hasattr(response, "render"):
                # DRF renders after the handler returns; render now, with what dispatch would give it.
                response.accepted_renderer = request.accepted_renderer
                response.accepted_media_type = request.accepted_media_type
                response.renderer_context = view.get_renderer_context()
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), timeout)
            return _finish(response, etag)

        return wrapper

    return decorate
