"""HTTP fetching for feeds and pages: timeouts, a size cap, a redirect limit, a content-type check, safe decoding."""

from __future__ import annotations

import codecs
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import charset_normalizer
import requests
import urllib3
from django.conf import settings

from .netpolicy import BlockedDestination, check_url, guarded_session

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    # Many servers send feeds as text/html or a bare octet stream; feedparser decides.
    "text/html",
    "text/plain",
    "application/octet-stream",
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding=["']([A-Za-z0-9_.:-]+)""", re.I)


_TRACKING_PARAMS = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|at_medium|at_campaign)$", re.I)


def canonical_url(url: str) -> str:
    """The URL an article is known by: lower-case scheme and host, no fragment, no tracking parameters."""
    url = url.strip()
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    host = parts.hostname or ""
    port = parts.port if parts.port and (parts.scheme, parts.port) not in {("http", 80), ("https", 443)} else None
    netloc = f"{host}:{port}" if port else host
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)]
    )
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


class FetchError(Exception):
    """A fetch that failed for a reason that another attempt will not fix (404, wrong type, too large)."""

    transient = False


class RefusedFetchError(FetchError):
    """The outbound fetch policy refuses the URL or an address on its way (ingest/netpolicy.py)."""


class TransientFetchError(FetchError):
    """A network error, a timeout or a server error: worth retrying with backoff."""

    transient = True


@dataclass
class FetchResult:
    url: str  # after redirects
    status: int
    content: bytes = b""
    content_type: str = ""
    charset: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    def text(self) -> str:
        return decode_bytes(self.content, self.charset)


def _session() -> requests.Session:
    session = guarded_session()
    session.max_redirects = settings.FETCH_MAX_REDIRECTS
    session.headers["User-Agent"] = settings.FETCH_USER_AGENT
    return session


def fetch(
    url: str,
    *,
    accept: tuple[str, ...] = HTML_TYPES,
    etag: str = "",
    last_modified: str = "",
    timeout: float | None = None,
    max_bytes: int | None = None,
    deadline: float | None = None,
) -> FetchResult:
    """GET url; raise FetchError (or TransientFetchError) with a message fit for an admin to read."""
    timeout = settings.FETCH_TIMEOUT if timeout is None else timeout
    max_bytes = settings.FETCH_MAX_BYTES if max_bytes is None else max_bytes
    headers = {"Accept": ", ".join(accept) + ", */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    # requests' timeout bounds each read, not the whole download: a server that trickles bytes is cut at the
    # deadline by shutting the socket from a timer, which ends a read blocked in the middle of a chunk.
    limit = settings.FETCH_DEADLINE if deadline is None else deadline
    deadline = time.monotonic() + limit
    try:
        check_url(url)
        with _session() as session, session.get(url, headers=headers, timeout=timeout, stream=True) as response:
            result = FetchResult(
                url=response.url,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
            )
            if response.status_code == 304:
                return result
            if response.status_code in (408, 425, 429) or response.status_code >= 500:
                raise TransientFetchError(f"HTTP {response.status_code} from {url}")
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} from {url}")
            mime, _, params = response.headers.get("Content-Type", "").partition(";")
            result.content_type = mime.strip().lower()
            charset = re.search(r"charset=([^\s;]+)", params, re.I)
            result.charset = charset.group(1).strip("\"'") if charset else ""
            if result.content_type and result.content_type not in accept:
                raise FetchError(f"Unsupported content type {result.content_type!r} from {url}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"Too large: {int(declared)} bytes from {url} (limit {max_bytes})")
            chunks, size = [], 0
            timer = threading.Timer(max(0.0, deadline - time.monotonic()), response.raw.shutdown)
            timer.daemon = True
            timer.start()
            try:
                for chunk in response.iter_content(chunk_size=65536):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"Too large: more than {max_bytes} bytes from {url}")
                    chunks.append(chunk)
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
                if time.monotonic() < deadline:
                    raise
            finally:
                timer.cancel()
            if time.monotonic() >= deadline:
                raise TransientFetchError(f"Timed out reading {url}: the {limit:g} s deadline for a download passed")
            result.content = b"".join(chunks)
            return result
    except FetchError:
        raise
    except BlockedDestination as exc:
        raise RefusedFetchError(str(exc)) from exc
    except requests.TooManyRedirects as exc:
        raise FetchError(f"Too many redirects (limit {settings.FETCH_MAX_REDIRECTS}) from {url}") from exc
    except requests.Timeout as exc:
        raise TransientFetchError(f"Timed out after {timeout:g} s fetching {url}") from exc
    except requests.ConnectionError as exc:
        raise TransientFetchError(f"Connection failed for {url}: {exc.__class__.__name__}") from exc
    except (
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
    ) as exc:
        raise FetchError(f"Invalid URL {url!r}: {exc}") from exc
    except requests.RequestException as exc:
        raise TransientFetchError(f"Fetching {url} failed: {exc}") from exc


def _known(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return ""


def decode_bytes(content: bytes, declared: str = "") -> str:
    """Bytes to text without ever raising: the declared charset, the page's own, UTF-8, then a best guess."""
    if not content:
        return ""
    candidates = [declared]
    head = content[:2048]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        if found:
            candidates.append(found.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for name in filter(None, (_known(c) for c in candidates if c)):
        try:
            return content.decode("utf-8-sig" if name == "utf-8" else name)
        except UnicodeDecodeError:
            continue
    # Guessing needs some text to go on; a short snippet is most often Windows-1252 mislabelled as UTF-8.
    best = charset_normalizer.from_bytes(content).best() if len(content) >= 200 else None
    if best is not None:
        return str(best)
    return content.decode("cp1252", errors="replace")
