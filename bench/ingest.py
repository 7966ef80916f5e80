"""End-to-end ingest throughput through a real Celery worker: feed poll -> page fetch -> text -> extract -> merge.

    python -m bench.ingest [--n 400] [--concurrency 2] [--template atlas_bench]

Serves a feed of N teaser items and their N article pages (the seed articles, each copy published on another day)
from a local HTTP server, queues one poll of the feed and times until every article is processed. Runs against its
own database, `atlas_bench_ingest` on the server of DATABASE_URL (gazetteer and actors loaded once), and its own
Celery queue, so neither the demo data nor a running worker is touched. Prints `ingest: X articles/s`.

With `--template DB` the database is made afresh as a copy of DB (`make bench` passes its filled database), so the
articles merge against a million incidents: candidate searches, triggers and summaries at volume.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import subprocess
import sys
import tempfile
import time
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Its own database and queue; the environment may rename them, so that two people can run it side by side.
DB_NAME = os.environ.get("BENCH_INGEST_DB", "atlas_bench_ingest")
QUEUE = os.environ.get("BENCH_INGEST_QUEUE", "atlas-bench-ingest")


def bench_database_url() -> str:
    base = urlsplit(os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/incident_atlas"))
    return urlunsplit((base.scheme, base.netloc, f"/{DB_NAME}", "", ""))


def prepare_database(url: str, template: str | None = None) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(("postgresql", parts.netloc, "/postgres", "", "")), autocommit=True) as conn:
        if template:
            # A file-level copy: seconds for a million incidents, and the template is never written to.
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
            conn.execute(f'CREATE DATABASE "{DB_NAME}" TEMPLATE "{template}"')
        elif not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    with psycopg.connect(urlunsplit(("postgresql", parts.netloc, parts.path, "", "")), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_place")
        places = cursor.fetchone()[0]
    if not places:
        print("loading the gazetteer and actors into the bench database (once)...", flush=True)
        subprocess.run([*manage, "load_gazetteer"], cwd=ROOT, check=True, capture_output=True)
        subprocess.run([*manage, "load_actors"], cwd=ROOT, check=True, capture_output=True)
    if template:
        return
    with connection.cursor() as cursor:
        # This database is the benchmark's own: every run starts from no articles and no incidents.
        # DELETE, not TRUNCATE: the incident triggers that keep the timeline summary fire on DELETE only.
        for table in (
            "incidents_incidentsource",
            "incidents_incidentactor",
            "incidents_unresolvedplace_articles",
            "incidents_unresolvedplace",
            "incidents_article",
            "incidents_incident",
            "incidents_source",
        ):
            cursor.execute(f"DELETE FROM {table}")  # fmt: skip


def seed_articles() -> list[tuple[str, str]]:
    from ingest.feeds import parse_feed
    from ingest.text import parse_plain

    demo = ROOT / "ingest" / "demo"
    rows = []
    for path in sorted(demo.glob("*.txt")):
        page = parse_plain(path.read_text(encoding="utf-8"))
        rows.append((page.title, page.text))
    for path in sorted(demo.glob("*.xml")):
        rows += [(entry.title, entry.text) for entry in parse_feed(path.read_bytes()).entries]
    return rows


def page_html(title: str, text: str, copy: int) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>"
        f"<header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header><main><article>"
        f"<h1>{html.escape(title)}</h1>{paragraphs}<p>Bench copy {copy}.</p></article></main>"
        f"<footer>Share. Subscribe to our newsletter.</footer></body></html>"
    )


def feed_xml(base: str, items: list[tuple[str, dt.datetime]]) -> str:
    entries = "".join(
        f"<item><title>{html.escape(title)}</title><link>{base}/a/{i}</link><guid>{base}/a/{i}</guid>"
        f"<pubDate>{format_datetime(published)}</pubDate><description>Teaser.</description></item>"
        for i, (title, published) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench wire</title>'
        f"<link>{base}/</link><description>bench</description>{entries}</channel></rss>"
    )


def start_worker(concurrency: int, log_path: str) -> subprocess.Popen:
    env = {**os.environ, "CELERY_QUEUE": QUEUE, "LOG_LEVEL": "WARNING"}
    log = open(log_path, "w")  # noqa: SIM115 (the worker writes to it until it stops)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "-c", str(concurrency),
         "-Q", QUEUE, "-n", f"bench-ingest-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=400, help="articles to ingest")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2, help="worker processes")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--template", help="copy this database (e.g. the filled atlas_bench) and ingest into it")
    args = parser.parse_args()
    if args.template:
        global DB_NAME
        DB_NAME = os.environ.get("BENCH_INGEST_DB", f"{args.template}_ingest")

    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ["CELERY_QUEUE"] = QUEUE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import IntegrityError, transaction
    from django.db.models import Count
    from tqdm import tqdm

    from config.celery_app import app
    from incidents.models import Article, Incident, IncidentSource, Source
    from ingest.tasks import poll_source
    from tests.fixtures.http import LocalServer

    prepare_database(os.environ["DATABASE_URL"], args.template)
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)
    seeds = seed_articles()
    start = dt.datetime(2021, 1, 1, 8, tzinfo=dt.UTC)
    log_path = tempfile.mktemp(prefix="bench-ingest-worker-", suffix=".log")
    worker = start_worker(args.concurrency, log_path)
    try:
        with LocalServer() as server:
            items = []
            for i in range(args.n):
                title, text = seeds[i % len(seeds)]
                server.add(f"/a/{i}", page_html(title, text, i))
                items.append((title, start + dt.timedelta(days=i // len(seeds), hours=i % len(seeds))))
            warm = server.add(
                "/warm.xml", feed_xml(server.base, items[: 2 * args.concurrency]), content_type="text/xml"
            )
            feed = server.add("/feed.xml", feed_xml(server.base, items), content_type="text/xml")

            # Warm-up: each worker process builds its gazetteer index once; that is start-up, not throughput.
            warm_source = Source.objects.create(name="bench warm-up", url=warm, active=False)
            poll_source.delay(warm_source.pk, force=True)
            finished = ["processed", "failed"]
            wait(lambda: Article.objects.filter(source=warm_source, status__in=finished).count(),
                 2 * args.concurrency, args.timeout, worker, log_path, "warm-up")  # fmt: skip
            # The measured run fetches and merges every page again; a late redelivery may still be writing.
            for attempt in range(5):
                try:
                    with transaction.atomic():
                        Article.objects.filter(source=warm_source).delete()
                    break
                except IntegrityError:
                    time.sleep(1 + attempt)

            source = Source.objects.create(name="bench feed", url=feed, active=False)
            incidents_before = Incident.objects.count()
            started = time.monotonic()
            poll_source.delay(source.pk, force=True)
            done = lambda: Article.objects.filter(source=source, status__in=finished).count()  # noqa: E731
            wait(done, args.n, args.timeout, worker, log_path, "ingest", progress=tqdm)
            elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    statuses = dict(Article.objects.filter(source=source).values_list("status").annotate(n=Count("pk")))
    print(
        f"articles: {statuses}; incidents: {Incident.objects.count() - incidents_before:,} new of "
        f"{Incident.objects.count():,}; source links from them: "
        f"{IncidentSource.objects.filter(article__source=source).count()}; worker processes: {args.concurrency}"
    )
    print(f"ingest: {args.n / elapsed:.1f} articles/s end to end ({args.n} articles in {elapsed:.1f} s; target >= 20)")
    os.unlink(log_path)


def wait(count, total, timeout, worker, log_path, what, progress=None) -> None:
    deadline = time.monotonic() + timeout
    bar = progress(total=total, desc=what, unit="article") if progress else None
    seen = 0
    while True:
        now = count()
        if bar:
            bar.update(now - seen)
        seen = now
        if now >= total:
            break
        if worker.poll() is not None:
            sys.exit(f"the worker stopped:\n{Path(log_path).read_text()[-3000:]}")
        if time.monotonic() > deadline:
            sys.exit(f"{what}: only {now} of {total} articles after {timeout:.0f} s")
        time.sleep(0.1)
    if bar:
        bar.close()


if __name__ == "__main__":
    main()
