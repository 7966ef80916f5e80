"""RSS and Atom feeds: parse with feedparser, one FeedEntry per item with its own date and its text."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urljoin

import feedparser
from django.conf import settings

from incidents.links import is_web_url

from .text import clean_text, fragment_to_text

# A summary shorter than this is a teaser: the article page is fetched for the full text.
FULL_TEXT_MIN_CHARS = 600


class FeedError(ValueError):
    """The document is not a feed, or is too broken to read any item from."""


@dataclass
class FeedEntry:
    url: str
    title: str
    published: dt.datetime | None
    text: str  # empty when the feed carries only a teaser; the page is fetched then
    guid: str = ""


@dataclass
class ParsedFeed:
    title: str
    entries: list[FeedEntry]
    warning: str = ""  # feedparser's complaint about a feed it could still read
    skipped: list[str] = field(default_factory=list)  # why entries were left out, one line each


def _entry_datetime(entry) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            # feedparser normalises to a UTC struct_time.
            return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
    return None


def _entry_text(entry, *, has_link: bool = True) -> str:
    contents = [c.get("value", "") for c in entry.get("content") or [] if c.get("value")]
    if contents:
        return fragment_to_text(max(contents, key=len))
    summary = fragment_to_text(entry.get("summary", "") or "")
    # Without a page to fetch, a short summary is all there is to read.
    return summary if len(summary) >= FULL_TEXT_MIN_CHARS or not has_link else ""


def parse_feed(data: bytes | str, *, base_url: str = "", content_type: str = "") -> ParsedFeed:
    """Parse a feed document. Raises FeedError when nothing usable is in it; a feed that is broken but still
    yields items comes back with a `warning` (feedparser's loose parser recovers what it can)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise FeedError("The feed is empty")
    headers = {"content-location": base_url, "content-type": content_type or "application/xml"}
    # Sanitising and URI resolution cost most of feedparser's time; we keep text only and resolve links ourselves.
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    warning = ""
    # A server's wrong content type is harmless: feedparser reads the bytes anyway.
    harmless = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
    if parsed.get("bozo") and not isinstance(parsed.bozo_exception, harmless):
        warning = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"
    if not parsed.entries:
        if warning or not parsed.get("version"):
            raise FeedError(f"Not a readable feed ({warning or 'no feed elements'})")
        return ParsedFeed(title=parsed.feed.get("title", ""), entries=[], warning=warning)
    entries, skipped = [], []
    for number, entry in enumerate(parsed.entries, start=1):
        url = (entry.get("link") or "").strip()
        guid = (entry.get("id") or "").strip()
        if not url and is_web_url(guid):
            url = guid
        if url and base_url:
            url = urljoin(base_url, url)
        title = clean_text(fragment_to_text(entry.get("title", "") or "")).split("\n")[0]
        if url and not is_web_url(url):
            # "javascript:", "data:", "file:" and the like are never fetched nor shown as a link.
            skipped.append(f"entry {number} ({title[:80] or 'untitled'}): link {url[:80]!r} is not an http(s) URL")
            url = ""
        text = _entry_text(entry, has_link=bool(url))
        if len(text) > settings.ARTICLE_MAX_CHARS:
            skipped.append(f"entry {number} ({title[:80] or 'untitled'}): {len(text):,} characters of text, over "
                           f"the limit of {settings.ARTICLE_MAX_CHARS:,}")  # fmt: skip
            continue
        if not url and not text:
            skipped.append(f"entry {number} ({title[:80] or 'untitled'}): no link and no text")
            continue
        entries.append(FeedEntry(url=url, title=title, published=_entry_datetime(entry), text=text, guid=guid))
    if not entries and warning:
        raise FeedError(f"Not a readable feed ({warning})")
    return ParsedFeed(title=parsed.feed.get("title", ""), entries=entries, warning=warning, skipped=skipped)
