"""python manage.py ingest PATH_OR_URL... : text files, HTML files, feed files, page URLs and feed URLs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from incidents import services
from incidents.models import Article
from incidents.services import ArticleTooLarge
from ingest.documents import store_document, store_url
from ingest.feeds import FeedError
from ingest.fetch import FetchError
from ingest.manifest import DocumentMeta, ManifestError, metadata_for
from ingest.tasks import ingest_article
from ingest.text import TextError

PROGRESS_FROM = 200  # entries in a feed above which storing them shows a progress bar


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
