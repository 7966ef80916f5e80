"""Extraction throughput on one core: the seed articles repeated to at least N, through ingest.extract.

    python -m bench.extraction [--n 1000] [--articles ../shared/eval/seeds/articles.jsonl]

Reads the gazetteer and actors from DATABASE_URL (build time is reported apart: it is paid once per worker).
Prints `extraction: X articles/s`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLES = [
    ROOT.parent / "shared" / "eval" / "seeds" / "articles.jsonl",
    ROOT / "tests" / "fixtures" / "extraction" / "articles.jsonl",
]


def load_articles(path: Path | None) -> list[dict]:
    candidates = [path] if path else DEFAULT_ARTICLES
    for p in candidates:
        if p and p.exists():
            rows = [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
            return [
                {
                    "title": r.get("title") or "",
                    "text": r.get("text") or "",
                    "published": dt.date.fromisoformat(r["published"][:10]) if r.get("published") else None,
                }
                for r in rows
            ]
    raise SystemExit(f"no articles found in {', '.join(str(c) for c in candidates)}")


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="at least this many articles")
    parser.add_argument("--articles", type=Path, default=None, help="JSON Lines articles (id, title, text, published)")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from tqdm import tqdm

    from ingest import gazetteer_index
    from ingest.extract import extract_article, reset_caches

    articles = load_articles(args.articles)
    repeats = -(-args.n // len(articles))
    batch = (articles * repeats)[: max(args.n, len(articles))]

    reset_caches()
    t0 = time.perf_counter()
    gazetteer_index.place_trie()
    gazetteer_index.actor_trie()
    build = time.perf_counter() - t0

    incidents = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for article in tqdm(batch, desc="extract", unit="article", mininterval=0.5):
        incidents += len(extract_article(**article).incidents)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    # CPU time: one process on one core, so other work on a shared machine does not skew the figure.
    rate = len(batch) / cpu
    print(
        f"extraction: {rate:.0f} articles/s on one core ({len(batch)} articles, {len(articles)} distinct, "
        f"{cpu:.2f} s CPU, {elapsed:.2f} s wall, {incidents} incidents; index built in {build:.2f} s)"
    )
    return rate


if __name__ == "__main__":
    main()
