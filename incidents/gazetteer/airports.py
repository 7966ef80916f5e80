"""Airports and air bases from airportsdata (OurAirports, public domain), keyed on the ICAO code."""

from __future__ import annotations

from ..countries import covered_countries
from ..models import Place
from .provinces import ProvinceIndex
from .records import PlaceRecord, ascii_name, clean_names, coordinates


def airport_records(index: ProvinceIndex, errors: list[str]) -> list[PlaceRecord]:
    import airportsdata

    records = []
    for airport in airportsdata.load("ICAO").values():
        if airport["country"] not in covered_countries():
            continue
        province = index.resolve(airport["country"], airport["subd"])
        if province is None:
            errors.append(f"airport {airport['icao']}: unknown province {airport['subd']!r} (kept without one)")
        name = airport["name"]
        military = any(word in name.lower() for word in ("air base", "army air field", "airfield", "air field"))
        alternates = [f"{airport['iata']} airport"] if airport["iata"] else []
        lat, lon = coordinates(airport["lat"], airport["lon"])
        records.append(
            PlaceRecord(
                origin=Place.Origin.AIRPORTS,
                external_id=airport["icao"],
                name=name,
                ascii_name=ascii_name(name),
                alternate_names=clean_names(alternates, exclude=(name,)),
                country=airport["country"],
                admin1=province.name if province else "",
                kind=Place.Kind.FEATURE,
                feature_class="S",
                feature_code="AIRB" if military else "AIRP",
                lat=lat,
                lon=lon,
                coord_note=f"OurAirports via airportsdata {airportsdata.__version__}",
            )
        )
    return records
