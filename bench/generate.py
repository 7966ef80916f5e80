"""`python -m bench.generate N [--delete] [--seed S]`: synthetic incidents for benchmarks, in the database of
DATABASE_URL (bench/synthetic.py). `make bench` fills its own database through bench/run.py instead."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TextIO


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Adds N synthetic incidents (clustered on gazetteer places, 20 years, several sources each), "
        "marked is_synthetic. With --delete, first removes every synthetic incident and its articles (N may be 0).",
    )
    parser.add_argument("n", type=int, help="how many incidents to add (0 with --delete only deletes)")
    parser.add_argument("--delete", action="store_true", help="remove the existing synthetic incidents first")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same data")
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument(
        "--rebuild-indexes",
        choices=["auto", "yes", "no"],
        default="auto",
        help="drop and rebuild secondary indexes around the load (auto: from 200,000 rows)",
    )
    return parser


def main(argv: list[str] | None = None, *, stdout: TextIO | None = None) -> None:
    """Runs with Django set up (by the caller, or by `python -m bench.generate`)."""
    from tqdm import tqdm

    from bench.synthetic import synthetic_count, synthetic_delete, synthetic_generate

    cli = parser()
    args = cli.parse_args(argv)
    out = stdout or sys.stdout
    if args.n < 0:
        cli.error("N must be 0 or more")
    if args.chunk_size < 1:
        cli.error("--chunk-size must be at least 1")
    if args.delete:
        started = time.monotonic()
        with tqdm(desc="deleting", unit=" step", disable=None) as bar:
            deleted = synthetic_delete(progress=lambda what: bar.set_postfix_str(what) or bar.update(1))
        print(f"deleted {deleted:,} synthetic incidents in {time.monotonic() - started:.1f}s", file=out)
    if not args.n:
        return
    started = time.monotonic()
    rebuild = {"auto": None, "yes": True, "no": False}[args.rebuild_indexes]
    with tqdm(total=args.n, desc="incidents", unit=" rows", unit_scale=True, disable=None) as bar:
        added = synthetic_generate(
            n=args.n, seed=args.seed, chunk_size=args.chunk_size, rebuild_indexes=rebuild, progress=bar.update
        )
    elapsed = time.monotonic() - started
    print(
        f"added {added:,} synthetic incidents in {elapsed:.1f}s ({added / max(elapsed, 1e-9):,.0f}/s); "
        f"{synthetic_count():,} synthetic in total",
        file=out,
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    main()
