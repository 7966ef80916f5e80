"""python manage.py demo_ingest: the seed articles and the demo feed, through the real worker (make demo)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db.models import Count
from tqdm import tqdm

from incidents.models import Article, Incident, IncidentSource, Source
from incidents.text import content_hash
from ingest.documents import store_document, store_feed_document
from ingest.manifest import metadata_for
from ingest.tasks import process_article
from ingest.text import parse_plain

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
# The demo feed is a saved copy; its source is inactive so that beat never tries to reach the site offline.
DEMO_SOURCE = {"url": "http://iraqwarnews.net/", "name": "Iraq War News: Iraqi militias (saved feed)"}
DONE = {Article.Status.PROCESSED, Article.Status.FAILED}


class Command(BaseCommand):
    help = "Queue the demo articles and feed for the worker, wait until they are processed, print what resulted."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for the worker")

    def handle(self, *args, timeout: float, **options):
        source, _ = Source.objects.get_or_create(
            url=DEMO_SOURCE["url"], defaults={"name": DEMO_SOURCE["name"], "kind": Source.Kind.FEED, "active": False}
        )
        ids: list[int] = []
        hashes: list[str] = []
        for path in sorted(DEMO_DIR.iterdir()):
            if path.suffix == ".xml":
                new, _ = store_feed_document(path.read_bytes(), source=source)
            elif path.suffix == ".txt":
                # The saved texts lost their pages' dates; the manifest beside them restores them (and re-dates
                # an article an earlier run stored without one, which is then read again).
                new, _ = store_document(path.read_bytes(), name=path.name, meta=metadata_for(path))
                hashes.append(content_hash(parse_plain(path.read_text(encoding="utf-8")).text))
            else:
                continue
            ids += new
        demo = Article.objects.filter(source=source) | Article.objects.filter(content_hash__in=hashes)
        # New or re-dated articles, and any a previous run left queued (a worker stopped mid-way); processed ones
        # stay as they are.
        pending = list(demo.filter(status=Article.Status.QUEUED).values_list("pk", flat=True))
        for article_id in pending:
            process_article.delay(article_id)
        self.stdout.write(f"{len(ids)} new demo articles; {len(pending)} queued for the worker")
        if pending:
            self._wait(pending, timeout)
        stats = demo.aggregate(total=Count("pk", distinct=True))
        failed = demo.filter(status=Article.Status.FAILED).count()
        incidents = Incident.objects.filter(source_links__article__in=demo).distinct().count()
        links = IncidentSource.objects.filter(article__in=demo).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{stats['total']} demo articles ({failed} failed) -> {incidents} incidents with {links} source links; "
                f"{Incident.objects.count()} incidents in the database"
            )
        )

    def _wait(self, ids: list[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with tqdm(total=len(ids), desc="worker", unit="article") as bar:
            done = 0
            while done < len(ids):
                now_done = Article.objects.filter(pk__in=ids, status__in=DONE).count()
                # A copy of another article is deleted by the worker: it is done too.
                now_done += len(ids) - Article.objects.filter(pk__in=ids).count()
                bar.update(now_done - done)
                done = now_done
                if done >= len(ids):
                    break
                if time.monotonic() > deadline:
                    self.stderr.write(f"Gave up waiting after {timeout:.0f} s: is the worker running? (make worker)")
                    break
                time.sleep(0.5)
