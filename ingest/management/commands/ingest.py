"""python manage.py ingest PATH_OR_URL... : text files, HTML files, feed files, page URLs and feed URLs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from incidents import services
from incidents.models import Article, Source
from incidents.services import ArticleTooLarge
from incidents.text import content_hash
from ingest.feeds import FeedError, parse_feed
from ingest.fetch import FEED_TYPES, HTML_TYPES, FetchError, canonical_url, decode_bytes, fetch
from ingest.manifest import DocumentMeta, ManifestError, metadata_for
from ingest.tasks import ingest_article, poll
from ingest.text import TextError, looks_like_html, parse_html, parse_plain

_FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)
PROGRESS_FROM = 200  # entries in a feed above which storing them shows a progress bar
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}


def looks_like_feed(data: bytes, content_type: str = "") -> bool:
    return content_type in _FEED_TYPES or bool(_FEED_START.match(data[:4096]))


def store_feed_document(
    data: bytes,
    *,
    source: Source | None = None,
    base_url: str = "",
    default_published: dt.date | None = None,
    progress=None,
) -> tuple[list[int], int]:
    """Articles for every entry of a feed document; returns (ids of new articles, entries read).
    `default_published` dates the entries that carry no date of their own."""
    feed = parse_feed(data, base_url=base_url)
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
    return new, len(feed.entries)


def store_document(
    data: bytes,
    *,
    name: str,
    meta: DocumentMeta | None = None,
    default_published: dt.date | None = None,
    progress=None,
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


def store_url(url: str, *, progress=None) -> tuple[list[int], int]:
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


class Command(BaseCommand):
    help = "Ingest articles from text, HTML or feed files, or from page and feed URLs (queued for the worker)."

    def add_arguments(self, parser):
        parser.add_argument("items", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--sync", action="store_true", help="process in this process instead of queueing")
        parser.add_argument(
            "--published",
            type=dt.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="publication date of the files given (over a manifest.json or FILE.json beside them)",
        )

    def _progress(self, entries: list):
        """A progress bar over a feed's entries, for feeds long enough to need one."""
        return tqdm(
            entries, desc="storing entries", unit="entry", file=self.stderr, disable=len(entries) < PROGRESS_FROM
        )

    def handle(self, *args, items: list[str], sync: bool = False, published: dt.date | None = None, **options):
        new_ids: list[int] = []
        failures = 0
        for item in tqdm(items, desc="reading", unit="item", disable=len(items) < 2):
            try:
                if re.match(r"^https?://", item, re.I):
                    ids, entries = store_url(item, progress=self._progress)
                else:
                    path = Path(item)
                    if not path.is_file():
                        raise CommandError(f"no such file: {item}")
                    limit = settings.INGEST_MAX_FILE_BYTES
                    if path.stat().st_size > limit:
                        raise CommandError(f"too large: {path.stat().st_size:,} bytes (limit {limit:,})")
                    meta = DocumentMeta(published=published).over(metadata_for(path))
                    ids, entries = store_document(path.read_bytes(), name=path.name, meta=meta, progress=self._progress)
                if not sync:
                    services.article_queue_on_commit(article_ids=ids)
            except (FetchError, FeedError, TextError, ManifestError, CommandError, OSError, ArticleTooLarge) as exc:
                failures += 1
                self.stderr.write(f"{item}: {exc}")
                continue
            new_ids += ids
            self.stdout.write(f"{item}: {entries} read, {len(ids)} new")
        if sync and new_ids:
            for article_id in tqdm(new_ids, desc="processing", unit="article"):
                if not services.article_claim(article_id=article_id):
                    continue
                article = Article.objects.get(pk=article_id)
                try:
                    outcome = ingest_article(article)
                except Exception as exc:  # one bad article must not stop the rest
                    services.article_mark_failed(article_id=article_id, error=f"{type(exc).__name__}: {exc}")
                    self.stderr.write(f"article {article_id}: {exc}")
                    failures += 1
                    continue
                if outcome.get("duplicate"):
                    self.stdout.write(f"article {article_id}: a copy of an article already stored")
        verb = "processed" if sync else "queued"
        self.stdout.write(f"{len(new_ids)} new articles {verb}; {failures} failed")
        if failures:
            # A non-zero exit status, so that scripts and cron notice.
            raise CommandError(f"{failures} item(s) failed")
