"""Documents becoming articles: files, pages and feeds handed in (the `ingest` command, the admin's submit form, the
demo) and feed sources polled (poll_source). A feed entry becomes an article in one place: store_feed_entries."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable

from incidents import services
from incidents.models import Source
from incidents.text import content_hash

from .feeds import FeedEntry, ParsedFeed, parse_feed
from .fetch import FEED_TYPES, HTML_TYPES, canonical_url, decode_bytes, fetch
from .manifest import DocumentMeta
from .text import looks_like_html, parse_html, parse_plain

logger = logging.getLogger(__name__)

# Wraps a feed's entries to show how far storing them has come (the `ingest` command's progress bar).
Progress = Callable[[list[FeedEntry]], Iterable[FeedEntry]]

_FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}


def looks_like_feed(data: bytes, content_type: str = "") -> bool:
    return content_type in _FEED_TYPES or bool(_FEED_START.match(data[:4096]))


def store_feed_entries(
    feed: ParsedFeed,
    *,
    source: Source | None = None,
    default_published: dt.date | None = None,
    queue: bool = False,
    progress: Progress | None = None,
) -> list[int]:
    """Articles for the entries of a parsed feed (parse_feed has left out unsafe links and oversized texts); an entry
    already stored, by its canonical URL or its text's content hash, is not stored twice. Returns the ids of the new
    articles; with `queue`, each is queued for the worker once the transaction commits.
    `default_published` dates the entries that carry no date of their own."""
    new = []
    for entry in progress(feed.entries) if progress else feed.entries:
        article, created = services.article_create_or_get(
            url=canonical_url(entry.url) if entry.url else "",
            title=entry.title,
            text=entry.text,
            published=entry.published or default_published,
            source=source,
            content_hash=content_hash(entry.text) if entry.text else None,
        )
        if created:
            new.append(article.pk)
            if queue:
                services.article_queue_on_commit(article_ids=[article.pk])
    return new


def _feed_warning(feed: ParsedFeed) -> str:
    """What a curator should hear of a feed that was read: feedparser's complaint and the entries left out."""
    warning = f"Malformed feed, read what could be read: {feed.warning}" if feed.warning else ""
    if feed.skipped:
        left_out = f"{len(feed.skipped)} entries left out: " + "; ".join(feed.skipped[:20])
        warning = f"{warning}\n{left_out}" if warning else left_out
    return warning


def store_feed_document(
    data: bytes,
    *,
    source: Source | None = None,
    base_url: str = "",
    default_published: dt.date | None = None,
    progress: Progress | None = None,
) -> tuple[list[int], int]:
    """Articles for every entry of a feed document; returns (ids of new articles, entries read)."""
    feed = parse_feed(data, base_url=base_url)
    new = store_feed_entries(feed, source=source, default_published=default_published, progress=progress)
    return new, len(feed.entries)


def store_document(
    data: bytes,
    *,
    name: str,
    meta: DocumentMeta | None = None,
    default_published: dt.date | None = None,
    progress: Progress | None = None,
) -> tuple[list[int], int]:
    """A local file: a feed, an HTML page or plain text with the headline on the first line.

    `meta` is what the publisher said beside the text (ingest.manifest); its date wins over one read from the text,
    and `default_published` fills in when neither gives one.
    Returns the ids to process: a new article, or a stored one whose publication date the metadata changed."""
    if looks_like_feed(data):
        published = (meta.published if meta else None) or default_published
        return store_feed_document(data, default_published=published, progress=progress)
    raw = decode_bytes(data)
    page = parse_html(raw) if name.lower().endswith((".html", ".htm")) or looks_like_html(raw) else parse_plain(raw)
    meta = meta or DocumentMeta()
    article, created = services.article_create_or_get(
        url=meta.url,
        title=page.title,
        text=page.text,
        published=meta.published or page.published or default_published,
        content_hash=content_hash(page.text),
    )
    if created:
        return [article.pk], 1
    redated = bool(meta) and services.article_set_metadata(article=article, published=meta.published, url=meta.url)
    return ([article.pk] if redated else []), 1


def store_url(url: str, *, progress: Progress | None = None) -> tuple[list[int], int]:
    """A URL: a feed becomes a polled Source (its new entries are stored), anything else one article."""
    response = fetch(url, accept=tuple(dict.fromkeys(FEED_TYPES + HTML_TYPES)))
    if looks_like_feed(response.content, response.content_type):
        feed = parse_feed(response.content, base_url=response.url, content_type=response.content_type)
        source, _ = Source.objects.get_or_create(
            url=url, defaults={"name": (feed.title or url)[:200], "kind": Source.Kind.FEED}
        )
        Source.objects.filter(pk=source.pk).update(etag="", last_modified="")  # a manual run reads the whole feed
        source.refresh_from_db()
        result = poll(source, queue=False, progress=progress)
        return result["ids"], result.get("entries", 0)
    page = parse_html(response.text(), url=response.url)
    article, created = services.article_create_or_get(
        url=canonical_url(url), title=page.title, text=page.text, published=page.published,
        content_hash=content_hash(page.text),
    )  # fmt: skip
    return ([article.pk] if created else []), 1


def poll(source: Source, *, queue: bool = True, progress: Progress | None = None) -> dict:
    """Fetch a source (conditionally), store its new entries as articles and queue them. Raises on failure.

    The result's "ids" lists the new articles (for the `ingest --sync` command, which processes them itself)."""
    if source.kind == Source.Kind.PAGE:
        article, created = services.article_create_or_get(url=canonical_url(source.url), source=source)
        if created and queue:
            services.article_queue_on_commit(article_ids=[article.pk])
        services.source_record_poll(source_id=source.pk)
        return {"new": int(created), "ids": [article.pk] if created else []}
    response = fetch(source.url, accept=FEED_TYPES, etag=source.etag, last_modified=source.last_modified)
    if response.not_modified:
        services.source_record_poll(source_id=source.pk)
        return {"new": 0, "not_modified": True, "ids": []}
    feed = parse_feed(response.content, base_url=response.url, content_type=response.content_type)
    new = store_feed_entries(feed, source=source, queue=queue, progress=progress)
    warning = _feed_warning(feed)
    services.source_record_poll(
        source_id=source.pk, etag=response.etag, last_modified=response.last_modified, warning=warning
    )
    result = {"new": len(new), "entries": len(feed.entries), "ids": new}
    if warning:
        logger.warning("Feed %s: %d entries read; %s", source.url, len(feed.entries), warning)
        result["warning"] = warning
    return result
