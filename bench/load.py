"""`make bench ONLY=load`: the API under load, served as deployed (gunicorn, WEB_CONCURRENCY workers, DEBUG off).

LOAD_CLIENTS (50) clients, each a thread with its own keep-alive session, send requests back to back for
LOAD_SECONDS (60): map clusters, timeline, list pages, GeoJSON pages and filtered CSV exports, in the proportions of
the dashboard and the tools that call the API, each with its own random window and area so that the response cache
mostly misses. Reported: throughput, p95 and median overall and per kind, and every error (a status other than 200,
or a failed connection) with its first few messages.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("WEB_CONCURRENCY", "3"))  # docker-compose.yml's default
# Iraq and Syria, where the synthetic incidents lie.
AREA = (36.0, 29.5, 48.5, 37.5)
MIX = (("clusters", 30), ("timeline", 20), ("list", 25), ("geojson", 15), ("csv", 10))


def _box(rng: random.Random, span: float) -> str:
    span = min(span, 11.0)  # a low zoom's viewport is clipped to the covered area, as the dashboard's is
    lon = rng.uniform(AREA[0], AREA[2] - span)
    lat = rng.uniform(AREA[1], AREA[3] - span * 0.7)
    return f"{lon:.3f},{lat:.3f},{lon + span:.3f},{lat + span * 0.7:.3f}"


def request_for(kind: str, rng: random.Random, last: dt.date) -> tuple[str, dict]:
    days = rng.choice((30, 90, 365, 730))
    start = last - dt.timedelta(days=days + rng.randrange(0, 365))
    window = {"date_from": start.isoformat(), "date_to": (start + dt.timedelta(days=days)).isoformat()}
    if kind == "clusters":
        zoom = rng.randrange(4, 11)
        return "/api/v1/incidents/clusters/", {"zoom": zoom, "bbox": _box(rng, 1400 / 2**zoom), **window}
    if kind == "timeline":
        params = {"interval": rng.choice(("week", "month")), **window}
        if rng.random() < 0.5:
            params["bbox"] = _box(rng, rng.uniform(1, 6))
        return "/api/v1/stats/timeline/", params
    if kind == "list":
        return "/api/v1/incidents/", {"page_size": 100, "bbox": _box(rng, rng.uniform(1, 6)), **window}
    if kind == "geojson":
        return "/api/v1/incidents/", {"format": "geojson", "page_size": 500, "bbox": _box(rng, 2), **window}
    # A province's month or quarter, as an analyst exports it; the whole table is bench_csv's figure.
    return "/api/v1/incidents/", {"format": "csv", "bbox": _box(rng, 2), "date_from": window["date_from"],
                                  "date_to": (start + dt.timedelta(days=min(days, 90))).isoformat()}  # fmt: skip


def _serve() -> tuple[subprocess.Popen, int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [Path(sys.executable).with_name("gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--timeout", "60"],
        cwd=ROOT, env=os.environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def bench_load(figure_class) -> list:
    import requests

    from incidents.models import Incident

    last = Incident.objects.order_by("-date").values_list("date", flat=True).first() or dt.date.today()
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    samples: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    examples: list[str] = []
    lock = threading.Lock()
    server, port = _serve()
    base = f"http://127.0.0.1:{port}"

    def client(seed: int, until: float) -> None:
        rng = random.Random(seed)
        with requests.Session() as session:
            while time.monotonic() < until:
                kind = rng.choice(kinds)
                path, params = request_for(kind, rng, last)
                started = time.perf_counter()
                try:
                    response = session.get(base + path, params=params, timeout=60)
                    ok, detail = response.status_code == 200, f"{response.status_code} {response.text[:120]!r}"
                except requests.RequestException as exc:
                    ok, detail = False, f"{type(exc).__name__}: {exc}"
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    samples[kind].append(elapsed)
                    if not ok:
                        errors[kind] += 1
                        if len(examples) < 5:
                            examples.append(f"{kind} {path}?{params}: {detail}")

    try:
        # Warm every worker (imports, connections, plans) before the clock starts.
        warm = [threading.Thread(target=client, args=(1000 + i, time.monotonic() + 3)) for i in range(WORKERS * 2)]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
        samples.clear(), errors.clear(), examples.clear()
        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(i, started + SECONDS)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=20)

    everything = [ms for values in samples.values() for ms in values]
    total_errors = sum(errors.values())
    overall = figure_class(
        "load",
        f"{CLIENTS} clients for {SECONDS:.0f} s against gunicorn ({WORKERS} workers): clusters, timeline, list, "
        "GeoJSON, CSV",
        "0 errors",
        samples=everything,
    )
    overall.value = (
        f"{len(everything) / elapsed:,.1f} requests/s, p95 {overall._p(everything, 0.95):,.0f} ms, "
        f"median {overall._p(everything, 0.5):,.0f} ms, {total_errors} errors of {len(everything):,}"
    )
    overall.met = total_errors == 0
    per_kind = []
    for kind, _ in MIX:
        values = samples.get(kind, [])
        figure = figure_class("load", f"under load: {kind}", "", samples=values)
        figure.note = f"{len(values):,} requests, {errors[kind]} errors"
        per_kind.append(figure)
    if examples:
        overall.note = "first errors: " + " | ".join(examples)
    return [overall, *per_kind]
