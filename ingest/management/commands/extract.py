"""`manage.py extract --input FILE|-`: articles as JSON Lines in, one JSON line of places and incidents out.

The DOMAIN.md contract: same order as the input, no database writes; a bad line yields an error object for that id.
"""

from __future__ import annotations

import datetime as dt
import sys

import orjson
from django.core.management.base import BaseCommand, CommandError

from ingest.extract import extract_article
from ingest.types import Extraction, FoundPlace


def place_json(p: FoundPlace | None) -> dict | None:
    if p is None:
        return None
    return {
        "name": p.name,
        "canonical": p.canonical,
        "lat": round(p.lat, 6),
        "lon": round(p.lon, 6),
        "country": p.country,
        "admin1": p.admin1,
        "kind": p.kind,
    }


def date_json(value: dt.date | None, precision: str) -> str | None:
    # Month and year dates are written partially, as the labels are ("2021-04", "2006").
    if value is None:
        return None
    if precision == "month":
        return f"{value:%Y-%m}"
    if precision == "year":
        return f"{value:%Y}"
    return value.isoformat()


def extraction_json(article_id, result: Extraction, *, with_background: bool = False) -> dict:
    return {
        "id": article_id,
        "places": [place_json(p) for p in result.places],
        "incidents": [
            {
                "event_type": i.event_type,
                "sub_event_type": i.sub_event_type,
                "date": date_json(i.date, i.date_precision),
                "date_precision": i.date_precision,
                "place": place_json(i.place),
                "geo_precision": i.geo_precision,
                "actors": i.actors,
                "fatalities": i.fatalities,
                **(
                    {"fatalities_low": i.fatalities_low, "fatalities_high": i.fatalities_high}
                    if i.fatalities_high
                    else {}
                ),
                "injured": i.injured,
                "missing": i.missing,
                "evidence": i.evidence,
                "confidence": i.confidence,
                "confidence_reasons": i.confidence_reasons,
                **({"background": True} if i.background else {}),
            }
            for i in result.incidents
            if with_background or not i.background
        ],
        "unresolved": [u.name for u in result.unresolved],
    }


def parse_article(line: bytes) -> tuple[object, dict]:
    row = orjson.loads(line)
    if not isinstance(row, dict):
        raise ValueError("a line must be a JSON object")
    article_id = row.get("id")
    published = row.get("published")
    if published:
        try:
            published = dt.date.fromisoformat(str(published)[:10])
        except ValueError as exc:
            raise ValueError(f"published is not YYYY-MM-DD: {published!r}") from exc
    title, text = row.get("title") or "", row.get("text") or ""
    if not isinstance(title, str) or not isinstance(text, str):
        raise ValueError("title and text must be strings")
    return article_id, {"title": title, "text": text, "published": published or None}


class Command(BaseCommand):
    help = "Extracts places and incidents from JSON Lines articles; writes one JSON line per article, in order."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="a JSON Lines file, or - for standard input")
        parser.add_argument(
            "--with-background", action="store_true", help="also list past events the articles mention as context"
        )

    def handle(self, *args, input: str, with_background: bool, **options):
        try:
            stream = sys.stdin.buffer if input == "-" else open(input, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {input}: {exc}") from exc
        with stream:
            for n, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                article_id = None
                try:
                    article_id, article = parse_article(line)
                    row = extraction_json(article_id, extract_article(**article), with_background=with_background)
                except Exception as exc:  # noqa: BLE001 - one bad article must not stop the batch
                    if article_id is None:
                        article_id = _guess_id(line)
                    row = {
                        "id": article_id,
                        "error": f"line {n}: {type(exc).__name__}: {exc}",
                        "places": [],
                        "incidents": [],
                    }
                self.stdout.write(orjson.dumps(row).decode())
                self.stdout.flush()


def _guess_id(line: bytes):
    try:
        row = orjson.loads(line)
        return row.get("id") if isinstance(row, dict) else None
    except orjson.JSONDecodeError:
        return None
