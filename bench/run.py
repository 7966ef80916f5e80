"""`make bench`: fill a dedicated database with N synthetic incidents and measure the hot paths against targets.

    python -m bench.run --n 1000000 [--only list,tiles,timeline,summary,cursor,csv,extraction,ingest,browser,load]
        [--repeat 30]

Every figure is server time in-process (Django test client, no network): median and p95 over repeated requests,
next to the stock approach the technique replaces and the ratio. Writes bench/results.md (bench/results-10m.md for
--n 10000000, and so on) with the machine described. The database is `atlas_bench` for 1M and `atlas_bench_10m`
etc. for other sizes, on the server of DATABASE_URL, so each size is filled once and kept (BENCH_DATABASE_URL
overrides); never incident_atlas.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.md"
SECTIONS = ("list", "cursor", "tiles", "timeline", "summary", "csv", "extraction", "ingest", "browser", "load")
# A province-sized box around Anbar's Euphrates towns (Ramadi, Fallujah, Hit), and the Nineveh plain for tiles.
PROVINCE_BBOX = (42.5, 32.8, 44.5, 34.0)
# Other engineers' benchmarks get a budget, so that `make bench` stays under 30 minutes.
EXTERNAL_TIMEOUT = int(os.environ.get("BENCH_EXTERNAL_TIMEOUT", "600"))


DEFAULT_N = 1_000_000


def size_label(n: int) -> str:
    """1000000 -> "1m", 10000000 -> "10m", 250000 -> "250k": database and results file names per size."""
    for unit, scale in (("m", 1_000_000), ("k", 1_000)):
        if n >= scale and n % scale == 0:
            return f"{n // scale}{unit}"
    return str(n)


def bench_database_url(n: int = DEFAULT_N) -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    base = urlsplit(os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/incident_atlas"))
    name = "atlas_bench" if n == DEFAULT_N else f"atlas_bench_{size_label(n)}"
    return urlunsplit((base.scheme, base.netloc, f"/{name}", "", ""))


def results_path(n: int) -> Path:
    return RESULTS if n == DEFAULT_N else RESULTS.with_name(f"results-{size_label(n)}.md")


def configure_environment(n: int = DEFAULT_N) -> None:
    """Point Django at the bench database and a cache prefix of its own, before settings are read."""
    # Exported, so that the subprocesses (CSV export, runserver) measure the same database.
    os.environ["BENCH_DATABASE_URL"] = os.environ["DATABASE_URL"] = bench_database_url(n)
    os.environ.setdefault("CACHE_KEY_PREFIX", f"atlas-bench-{size_label(n)}")
    # A Redis database of the bench's own: uncached figures clear the cache (FLUSHDB) before each request, which
    # must not touch the broker's queue or a demo's cache on database 0.
    redis = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    os.environ.setdefault("CACHE_URL", urlunsplit((redis.scheme, redis.netloc, "/13", "", "")))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    # The in-process test client has no throttle budget to spend. Per second, so that DRF's throttle keeps a request
    # history as short as a production rate's (per minute, it re-pickled thousands of timestamps per request).
    os.environ.setdefault("API_THROTTLE_ANON", "100000000/s")


def ensure_database() -> None:
    import psycopg

    url = urlsplit(os.environ["BENCH_DATABASE_URL"])
    name = url.path.lstrip("/")
    if name == "incident_atlas":
        sys.exit("refusing to fill incident_atlas with synthetic data; set BENCH_DATABASE_URL")
    admin = urlunsplit(("postgresql", url.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    with psycopg.connect(urlunsplit(("postgresql", url.netloc, url.path, "", "")), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


# --- measuring -------------------------------------------------------------------------------------------------------


@dataclass
class Figure:
    section: str
    what: str
    target: str
    samples: list[float] = field(default_factory=list)  # milliseconds
    stock: str = ""
    stock_samples: list[float] = field(default_factory=list)
    note: str = ""
    value: str = ""  # for figures that are not times (rows/s, MB)
    met: bool | None = None

    @staticmethod
    def _p(samples: list[float], q: float) -> float:
        ordered = sorted(samples)
        return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        return self._p(self.samples, 0.95) if self.samples else None

    @property
    def stock_median(self) -> float | None:
        return statistics.median(self.stock_samples) if self.stock_samples else None

    def check(self, limit_ms: float) -> Figure:
        self.met = self.p95 is not None and self.p95 < limit_ms
        return self


def timed(fn, repeat: int, warmup: int = 1, before=None) -> list[float]:
    for _ in range(warmup):
        if before:
            before()
        fn()
    samples = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def fmt(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{ms:,.1f} ms" if ms < 1000 else f"{ms / 1000:,.2f} s"


class Api:
    """The Django test client against the real URLconf: the full request path, no sockets."""

    def __init__(self):
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1")

    def get(self, path: str, params: dict | None = None, expect: int = 200, **headers):
        url = f"{path}?{urlencode(params, doseq=True)}" if params else path
        response = self.client.get(url, **headers)
        if response.status_code != expect:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            raise RuntimeError(f"GET {url} -> {response.status_code}: {body[:300]!r}")
        if response.streaming:
            for _ in response.streaming_content:
                pass
        else:
            response.content  # noqa: B018 - rendering is part of the server time
        return response


def window(days: int = 730) -> tuple[dt.date, dt.date]:
    from incidents.models import Incident

    last = Incident.objects.order_by("-date").values_list("date", flat=True).first() or dt.date.today()
    return last - dt.timedelta(days=days), last


def bench_list(api: Api, repeat: int) -> list[Figure]:
    from django.contrib.gis.geos import Polygon
    from rest_framework_gis.serializers import GeoFeatureModelSerializer

    from incidents.models import Incident
    from incidents.selectors import incident_list

    bbox = ",".join(map(str, PROVINCE_BBOX))
    params = {"bbox": bbox, "format": "geojson", "page_size": 500}
    features = json.loads(api.get("/api/v1/incidents/", params).content)["features"]
    figure = Figure("list", "GeoJSON page of 500 incidents, province-sized bbox", "< 50 ms")
    figure.samples = timed(lambda: api.get("/api/v1/incidents/", params), repeat)
    figure.note = f"{len(features)} features"

    class StockSerializer(GeoFeatureModelSerializer):
        class Meta:
            model = Incident
            geo_field = "point"
            exclude = ("search_vector",)

    def stock():
        qs = incident_list(filters={}).filter(point__intersects=Polygon.from_bbox(PROVINCE_BBOX))
        page = list(qs.prefetch_related("actors", "articles")[:500])
        json.dumps({"count": qs.count(), **StockSerializer(page, many=True).data}, default=str)

    figure.stock = "DRF GeoFeatureModelSerializer + exact count"
    figure.stock_samples = timed(stock, max(3, repeat // 4))
    return [figure.check(50)]


def bench_cursor(api: Api, repeat: int) -> list[Figure]:
    from django.db import connection

    from incidents.models import Incident
    from incidents.selectors import incident_list

    first = json.loads(api.get("/api/v1/incidents/", {"page_size": 100}).content)
    token = dict(p.split("=", 1) for p in urlsplit(first["next"]).query.split("&"))["cursor"]
    name, _, _ = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    public = incident_list(filters={})
    depth = min(500_000, max(0, public.count() - 200))
    row = public.order_by("-date", "-pk").values("date", "pk")[depth]
    deep = base64.urlsafe_b64encode(json.dumps([name, row["date"].isoformat(), row["pk"]]).encode()).decode()
    deep = deep.rstrip("=")
    figure = Figure("cursor", f"next page (100) at depth {depth:,}, keyset cursor", "< 20 ms")
    figure.samples = timed(lambda: api.get("/api/v1/incidents/", {"page_size": 100, "cursor": deep}), repeat)
    table = Incident._meta.db_table

    def stock():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE status IN ('unreviewed', 'verified')")
            cursor.execute(
                f"SELECT * FROM {table} WHERE status IN ('unreviewed', 'verified') "
                f"ORDER BY date DESC, id DESC OFFSET %s LIMIT 100",
                [depth],
            )
            cursor.fetchall()

    figure.stock = f"OFFSET {depth:,} LIMIT 100 + count(*)"
    figure.stock_samples = timed(stock, max(3, repeat // 4))
    return [figure.check(20)]


# Viewports per zoom around Baghdad: the box a ~1000x700 px map shows at that zoom.
def viewport(zoom: int, lon: float = 44.4, lat: float = 33.3) -> str:
    half_w = 360 / 2**zoom * 1000 / 256 / 2
    half_h = half_w * 0.7
    return f"{lon - half_w:.4f},{lat - half_h:.4f},{lon + half_w:.4f},{lat + half_h:.4f}"


def bench_tiles(api: Api, repeat: int) -> list[Figure]:
    from django.core.cache import cache

    from incidents.selectors import incident_list

    start, end = window()
    zooms = (4, 6, 8, 10, 12)
    requests = [
        {"zoom": z, "bbox": viewport(z), "date_from": start.isoformat(), "date_to": end.isoformat()} for z in zooms
    ]
    per_zoom = {}
    uncached = Figure("tiles", f"map clusters, zoom {zooms[0]}-{zooms[-1]}, 2-year window, uncached", "< 100 ms")
    for params in requests:
        samples = timed(
            lambda p=params: api.get("/api/v1/incidents/clusters/", p), max(3, repeat // 2), before=cache.clear
        )
        uncached.samples += samples
        per_zoom[params["zoom"]] = statistics.median(samples)
    uncached.note = "median per zoom: " + ", ".join(f"z{z} {fmt(ms)}" for z, ms in per_zoom.items())

    cached = Figure("tiles", "map clusters, same request again (cached on the data version)", "< 10 ms")
    for params in requests:
        api.get("/api/v1/incidents/clusters/", params)
        cached.samples += timed(lambda p=params: api.get("/api/v1/incidents/clusters/", p), max(3, repeat // 2))

    def all_points():
        # What Leaflet.markercluster needs: every point of the window, clustered in the browser.
        rows = list(
            incident_list(filters={"date_from": start, "date_to": end})
            .order_by()
            .values_list("pk", "point", "event_type", "fatalities")
        )
        json.dumps([[pk, p.x, p.y, t, f] for pk, p, t, f in rows])
        return len(rows)

    points = all_points()
    uncached.stock = f"all {points:,} points of the window for markercluster"
    uncached.stock_samples = timed(all_points, 3)
    return [uncached.check(100), cached.check(10)]


def bench_timeline(api: Api, repeat: int) -> list[Figure]:
    from django.core.cache import cache
    from django.db.models import Count, Sum
    from django.db.models.functions import Coalesce, Trunc

    from incidents.selectors import incident_list

    def raw(filters):
        return list(
            incident_list(filters=filters)
            .order_by()
            .annotate(bucket=Trunc("date", "month"))
            .values("bucket", "event_type")
            .annotate(count=Count("pk"), fatalities=Coalesce(Sum("fatalities"), 0))
            .order_by("bucket", "event_type")
        )

    # Uncached: the response cache is cleared before every request, so these are the database's figures.
    plain = Figure("timeline", "timeline per month, no filter, uncached (summary roll-up)", "< 20 ms")
    plain.samples = timed(lambda: api.get("/api/v1/stats/timeline/", {"interval": "month"}), repeat, before=cache.clear)
    plain.stock = "GROUP BY over the incident table"
    plain.stock_samples = timed(lambda: raw({}), 3)

    bbox = ",".join(map(str, PROVINCE_BBOX))
    params = {"interval": "month", "bbox": bbox, "event_type": "battles"}
    filtered = Figure("timeline", "timeline per month, bbox + event type, uncached (cell index)", "< 50 ms")
    filtered.samples = timed(lambda: api.get("/api/v1/stats/timeline/", params), repeat, before=cache.clear)
    filtered.stock = "GROUP BY over the GiST's matches (heap reads)"
    filtered.stock_samples = timed(lambda: raw({"bbox": PROVINCE_BBOX, "event_type": ["battles"]}), 5)

    cached = Figure("timeline", "timeline, same requests again (cached on the data version)", "< 20 ms")
    for request in ({"interval": "month"}, params):
        api.get("/api/v1/stats/timeline/", request)
        cached.samples += timed(lambda r=request: api.get("/api/v1/stats/timeline/", r), max(3, repeat // 2))
    return [plain.check(20), filtered.check(50), cached.check(20)]


def bench_summary(api: Api, repeat: int) -> list[Figure]:
    from django.core.cache import cache

    from incidents.selectors import incident_summary_from_incidents

    start, end = window()
    # A two-year window that starts and ends inside months: whole months from the roll-ups, the ends from incidents.
    dates = {"date_from": start.isoformat(), "date_to": end.isoformat()}
    requests = [
        ("no filter", {}),
        ("2-year window", dates),
        ("one country", {"country": "SY"}),
        ("event type + 2-year window", {"event_type": "battles", **dates}),
    ]
    figures = []
    for label, params in requests:
        figure = Figure("summary", f"summary totals + top 25 actors, {label}, uncached (roll-ups)", "< 100 ms")
        body = json.loads(api.get("/api/v1/stats/summary/", params).content)
        figure.samples = timed(lambda p=params: api.get("/api/v1/stats/summary/", p), repeat, before=cache.clear)
        filters = {k: [v] if k in ("country", "event_type") else dt.date.fromisoformat(v) for k, v in params.items()}
        stock = json.loads(json.dumps(incident_summary_from_incidents(filters=filters)))
        figure.stock = "aggregates over the incident table and its actor links"
        figure.stock_samples = timed(lambda f=filters: incident_summary_from_incidents(filters=f), 3)
        figure.note = f"{body['count']:,} incidents; the same response as the stock query: {body == stock}"
        figures.append(figure.check(100))
    return figures


def csv_child() -> None:
    """Runs in its own process, so that its peak RSS is the export's alone."""
    import django

    django.setup()
    api = Api()
    started = time.perf_counter()
    response = api.client.get("/api/v1/incidents/?format=csv")
    assert response.status_code == 200 and response.streaming, response.status_code
    rows = -1  # the header line
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": elapsed, "peak_rss_mb": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """This process's own peak RSS: VmHWM restarts at exec, while getrusage's ru_maxrss keeps the parent's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_csv(api: Api, repeat: int) -> list[Figure]:
    baseline = json.loads(
        subprocess.run(
            [sys.executable, "-c", "import django, json, bench.run as r; r.configure_environment(); "
             "django.setup(); import config.urls; print(json.dumps(r.peak_rss_mb()))"],
            cwd=ROOT, capture_output=True, text=True, check=True, env=os.environ,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-m", "bench.run", "--csv-child"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    rate = result["rows"] / result["seconds"]
    speed = Figure("csv", "CSV export of all public incidents (ACLED columns), streamed", ">= 50,000 rows/s")
    speed.value = f"{rate:,.0f} rows/s ({result['rows']:,} rows in {result['seconds']:.1f} s)"
    speed.met = rate >= 50_000
    memory = Figure("csv", "CSV export peak RSS of the process", "< 200 MB")
    memory.value = f"{result['peak_rss_mb']:,.0f} MB (Django loaded, idle: {baseline:,.0f} MB)"
    memory.met = result["peak_rss_mb"] < 200
    return [speed, memory]


def bench_external(name: str, *args: str) -> list[Figure]:
    """bench/extraction.py and bench/ingest.py: run them and quote what they print."""
    if not (Path(__file__).parent / f"{name}.py").exists():
        return [Figure(name, f"bench/{name}.py", "", note="not written yet", value="–")]
    started = time.monotonic()
    figure = Figure(name, f"bench/{name}.py (its own output below)", "see issue")
    try:
        out = subprocess.run(
            [sys.executable, "-m", f"bench.{name}", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=os.environ,
            timeout=EXTERNAL_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        figure.value = f"stopped after {EXTERNAL_TIMEOUT} s"
        return [figure]
    tail = (out.stdout.strip() or out.stderr.strip()).splitlines()[-25:]
    figure.note = "\n".join(tail)
    figure.value = f"exit {out.returncode} after {time.monotonic() - started:.0f} s"
    import re

    found = re.findall(rf"{name}: ([\d,.]+) articles/s", out.stdout)
    if found:
        rate = float(found[-1].replace(",", ""))
        figure.value = f"{rate:,.1f} articles/s"
        if name == "ingest":
            figure.what, figure.target, figure.met = (
                "ingest end to end through real workers",
                ">= 20 articles/s",
                rate >= 20,
            )
        else:
            figure.what = "extraction, one process"
    return [figure]


def bench_ingest(n: int) -> list[Figure]:
    """bench/ingest.py into a copy of the filled database (at 1M; larger fills are too big to copy per run)."""
    from django.db import connections

    if n > DEFAULT_N:
        return bench_external("ingest")
    connections.close_all()  # a database with sessions open cannot be a template
    figures = bench_external("ingest", "--template", urlsplit(os.environ["BENCH_DATABASE_URL"]).path.lstrip("/"))
    for figure in figures:
        figure.what += f", merging into a copy of the {n:,} incidents"
    return figures


REDRAW_JS = """
async (id) => {
  const box = document.getElementById(id);
  const started = performance.now();
  box.checked = !box.checked;
  box.dispatchEvent(new Event("change", { bubbles: true }));
  await new Promise((resolve) => {
    const settled = () => (document.documentElement.dataset.pending === "0" ? resolve() : setTimeout(settled, 1));
    settled();
  });
  // Two frames: the one that applies the new DOM and canvas, and the one that paints it.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return performance.now() - started;
}
"""


def bench_browser(repeat: int) -> list[Figure]:
    """Headless Chromium on the dashboard, served as in production (gunicorn, 3 workers, whitenoise, DEBUG off) on
    the bench database; timed inside the page. Every change is uncached: the server's response cache is cleared
    and the browser's HTTP cache disabled before each."""
    import re
    import socket

    from django.core.cache import cache

    figure = Figure(
        "browser", "dashboard filter change -> map and timeline redrawn, uncached (Chromium, in page)", "< 300 ms"
    )
    if not Path("/usr/bin/chromium").exists():
        figure.value, figure.note = "not measured", "/usr/bin/chromium is missing"
        return [figure]
    from playwright.sync_api import sync_playwright

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=os.environ, check=True
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [Path(sys.executable).with_name("gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--timeout", "60"],
        cwd=ROOT,
        env=os.environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--no-first-run"],
            )  # fmt: skip
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
            # Map tiles come from the internet, which a benchmark never waits for.
            page.route(re.compile(r"^https?://([a-z]\.)?tile\.openstreetmap\.org/"), lambda route: route.abort())
            page.goto(f"http://127.0.0.1:{port}/", wait_until="load")
            page.wait_for_function("document.documentElement.dataset.pending === '0'", timeout=60_000)
            boxes = ["f-type-battles", "f-type-protests", "f-type-explosions_remote_violence"]
            samples = []
            for i in range(max(4, repeat // 2) + 2):
                cache.clear()
                samples.append(page.evaluate(REDRAW_JS, boxes[(i // 2) % len(boxes)]))
            figure.samples = samples[2:]  # the first two warm the workers (imports, connections, plans)
            page.evaluate("performance.clearResourceTimings()")
            cache.clear()
            page.evaluate(REDRAW_JS, boxes[0])
            slowest = page.evaluate(
                "performance.getEntriesByType('resource').map(e => [e.name.replace(location.origin, '').split('?')[0],"
                " Math.round(e.duration), Math.round(e.responseStart - e.requestStart)])"
            )
            figure.note = "last change's requests (path, total ms, server ms): " + ", ".join(
                f"{path} {total}/{server}" for path, total, server in sorted(slowest, key=lambda r: -r[1])[:4]
            )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return [figure.check(300)]


# --- the run ---------------------------------------------------------------------------------------------------------


def fill(n: int, seed: int) -> dict:
    from django.core.management import call_command, get_commands

    from bench.synthetic import synthetic_count, synthetic_delete, synthetic_generate
    from incidents.models import Actor, Place

    info = {}
    call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
    if "load_gazetteer" in get_commands() and not Place.objects.exists():
        call_command("load_gazetteer", skip_checks=True)
    if "load_actors" in get_commands() and not Actor.objects.exists():
        call_command("load_actors", skip_checks=True)
    have = synthetic_count()
    if have == n:
        print(f"reusing {have:,} synthetic incidents")
        info["fill"] = f"reused {have:,} synthetic incidents"
        return info
    from tqdm import tqdm

    started = time.monotonic()
    if have:
        synthetic_delete()
    with tqdm(total=n, desc="incidents", unit=" rows", unit_scale=True) as bar:
        synthetic_generate(n=n, seed=seed, progress=bar.update)
    info["fill"] = f"generated {n:,} synthetic incidents in {time.monotonic() - started:,.0f} s"
    print(info["fill"])
    return info


def machine() -> dict:
    from django.db import connection

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SELECT postgis_lib_version()")
        postgis = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE is_synthetic) FROM incidents_incident")
        total, synthetic = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": f"{ram:.0f} GB",
        "postgres": pg,
        "postgis": postgis,
        "python": platform.python_version(),
        "incidents": f"{total:,} ({synthetic:,} synthetic)",
        "database size": size,
    }


def render(figures: list[Figure], info: dict, n: int) -> str:
    lines = [
        f"# Benchmark results: {n:,} incidents",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `make bench` (`python -m bench.run --n {n}`). "
        "Server time in-process (Django test client, no network); median and p95 over repeated requests.",
        "",
        "| what | target | median | p95 | met | stock approach | stock median | gain |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        gain = ""
        if f.median and f.stock_median:
            gain = f"{f.stock_median / f.median:,.0f}x"
        median = f.value or fmt(f.median)
        p95 = "" if f.value else fmt(f.p95)
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        lines.append(
            f"| {f.what} | {f.target} | {median} | {p95} | {met} | {f.stock} | {fmt(f.stock_median) if f.stock else ''}"
            f" | {gain} |"
        )
    notes = [f for f in figures if f.note]
    if notes:
        lines += ["", "## Notes", ""]
        for f in notes:
            if "\n" in f.note:
                lines += [f"**{f.what}**", "", "```", f.note, "```", ""]
            else:
                lines.append(f"- {f.what}: {f.note}")
    lines += ["", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="synthetic incidents in the bench database")
    parser.add_argument("--only", default="", help=f"comma-separated sections: {','.join(SECTIONS)}")
    parser.add_argument("--repeat", type=int, default=30, help="requests per figure")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="print the table without writing bench/results.md")
    parser.add_argument("--csv-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    configure_environment(args.n)
    from bench.load import bench_load

    if args.csv_child:
        csv_child()
        return
    only = [s.strip() for s in args.only.split(",") if s.strip()] or list(SECTIONS)
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {','.join(SECTIONS)}")

    ensure_database()
    import django

    django.setup()
    load_before = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    started = time.monotonic()
    info = fill(args.n, args.seed)
    api = Api()
    figures: list[Figure] = []
    runners = {
        "list": lambda: bench_list(api, args.repeat),
        "cursor": lambda: bench_cursor(api, args.repeat),
        "tiles": lambda: bench_tiles(api, args.repeat),
        "timeline": lambda: bench_timeline(api, args.repeat),
        "summary": lambda: bench_summary(api, args.repeat),
        "csv": lambda: bench_csv(api, args.repeat),
        "extraction": lambda: bench_external("extraction"),
        "ingest": lambda: bench_ingest(args.n),
        "browser": lambda: bench_browser(args.repeat),
        "load": lambda: bench_load(Figure),
    }
    for section in only:
        section_started = time.monotonic()
        try:
            figures += runners[section]()
        except Exception as exc:  # one broken section must not hide the others' figures
            figures.append(Figure(section, section, "", value="failed", note=f"{type(exc).__name__}: {exc}"[:500]))
        print(f"{section}: {time.monotonic() - section_started:.0f} s", file=sys.stderr)
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    info = {
        **machine(),
        **info,
        "bench run": f"{time.monotonic() - started:,.0f} s",
        # The machine may be shared: CPU-bound figures scale with what else runs.
        "load average at the start (1/5/15 min)": load_before,
        "load average at the end (1/5/15 min)": load,
    }
    text = render(figures, info, args.n)
    print(text)
    if not args.no_write:
        out = results_path(args.n)
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
