"""Looks a name up in the gazetteer the way the extractor and the API do."""

import json

from django.core.management.base import BaseCommand, CommandError

from incidents.selectors import place_search


class Command(BaseCommand):
    help = "Prints the places matching NAME (any spelling, case and accents ignored) as JSON lines, largest first."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="+", help='a place name, e.g. Arbil or "Ain al-Asad"')
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args, name, limit, **options):
        query = " ".join(name)
        places = list(place_search(q=query, limit=max(1, limit)))
        if not places:
            raise CommandError(f"no place matches {query!r}")
        for place in places:
            row = {
                "name": place.name,
                "country": place.country,
                "admin1": place.admin1,
                "admin2": place.admin2,
                "lat": round(place.point.y, 6),
                "lon": round(place.point.x, 6),
                "kind": place.kind,
                "feature_code": place.feature_code,
                "population": place.population,
                "source": place.origin,
                "external_id": place.external_id,
                "alternate_names": place.alternate_names[:10],
            }
            self.stdout.write(json.dumps(row, ensure_ascii=False))
