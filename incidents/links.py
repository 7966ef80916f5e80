"""Which stored URLs may become links: http(s) only. A feed can carry "javascript:" or "data:" links; escaping does
not stop those from running on click, so they are never rendered as links (pages, admin) nor fetched (ingest)."""

import re

_WEB_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)


def is_web_url(url: str) -> bool:
    return bool(url) and bool(_WEB_URL.match(url.strip()))


def web_url(url: str) -> str:
    """The URL when it is a web address, else ""."""
    return url if is_web_url(url) else ""
