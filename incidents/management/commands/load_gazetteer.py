"""Loads the offline gazetteer: GeoNames (cities500 or country dumps), provinces, airports, curated places."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from incidents import gazetteer
from incidents.models import Place
from incidents.services import place_upsert_many


class Command(BaseCommand):
    help = (
        "Creates or updates the Place rows of Iraq and Syria from the packaged sources and the curated supplement; "
        "re-running changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--geonames",
            nargs="+",
            default=[],
            metavar="FILE",
            help="official GeoNames country dumps (IQ.txt, SY.txt from download.geonames.org/export/dump/)",
        )
        parser.add_argument(
            "--curated",
            nargs="+",
            default=[str(p) for p in gazetteer.CURATED_FILES],
            metavar="FILE",
            help="curated places CSVs (default: the curated supplement and the districts file)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, geonames, curated, no_progress, **options):
        started = time.monotonic()
        files = [Path(f) for f in geonames]
        for path in files:
            if not path.is_file():
                raise CommandError(f"no such GeoNames dump: {path}")
        # Rows from an earlier dump stay as they are unless a dump is loaded again now.
        kept = (
            []
            if files
            else [
                gazetteer.record_from_place(p)
                for p in Place.objects.filter(origin=Place.Origin.GEONAMES, coord_note__startswith=gazetteer.DUMP_NOTE)
            ]
        )
        self.stdout.write("reading sources (GeoNames cities500 takes a few seconds)...")
        try:
            build = gazetteer.build_records(
                geonames_files=files, kept_dump_rows=kept, curated_paths=[Path(c) for c in curated]
            )
        except (gazetteer.GazetteerError, OSError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        sources = ", ".join(f"{name} {count}" for name, count in build.counts.items())
        self.stdout.write(f"sources: {sources}")
        for error in build.errors:
            self.stderr.write(f"skipped: {error}")
        counts = place_upsert_many(records=build.records, progress=not no_progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"places: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged, "
                f"{counts['curator_kept']} kept as curators edited them; {len(build.errors)} problems "
                f"({time.monotonic() - started:.1f} s)"
            )
        )
