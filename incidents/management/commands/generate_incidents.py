"""`manage.py generate_incidents N [--delete] [--seed S]`: synthetic incidents for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from incidents.synthetic import synthetic_count, synthetic_delete, synthetic_generate


class Command(BaseCommand):
    help = (
        "Adds N synthetic incidents (clustered on gazetteer places, 20 years, several sources each), marked "
        "is_synthetic. With --delete, first removes every synthetic incident and its articles (N may be 0)."
    )

    def add_arguments(self, parser):
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

    def handle(self, *args, n: int, delete: bool, seed: int, chunk_size: int, rebuild_indexes: str, **options):
        if n < 0:
            raise CommandError("N must be 0 or more")
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        if delete:
            started = time.monotonic()
            with tqdm(desc="deleting", unit=" step", disable=None) as bar:
                deleted = synthetic_delete(progress=lambda what: bar.set_postfix_str(what) or bar.update(1))
            self.stdout.write(f"deleted {deleted:,} synthetic incidents in {time.monotonic() - started:.1f}s")
        if not n:
            return
        started = time.monotonic()
        rebuild = {"auto": None, "yes": True, "no": False}[rebuild_indexes]
        with tqdm(total=n, desc="incidents", unit=" rows", unit_scale=True, disable=None) as bar:
            added = synthetic_generate(
                n=n, seed=seed, chunk_size=chunk_size, rebuild_indexes=rebuild, progress=bar.update
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"added {added:,} synthetic incidents in {elapsed:.1f}s ({added / max(elapsed, 1e-9):,.0f}/s); "
            f"{synthetic_count():,} synthetic in total"
        )
