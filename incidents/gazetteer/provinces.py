"""Provinces (admin1): ISO 3166-2 names and codes from pycountry, GeoNames admin1 codes and news spellings from
incidents/data/admin1_iq_sy.csv, each placed at its capital city."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from ..models import Place
from ..text import normalize_name
from .records import DATA_DIR, GazetteerError, PlaceRecord, ascii_name, clean_names, data_lines

ADMIN1_CSV = DATA_DIR / "admin1_iq_sy.csv"


@dataclasses.dataclass
class Province:
    country: str
    geonames_code: str
    iso_code: str
    name: str
    alternates: list[str]
    capital: str
    capital_geonameid: int


def load_provinces(path: Path = ADMIN1_CSV) -> list[Province]:
    try:
        rows = list(csv.DictReader(data_lines(path)))
    except FileNotFoundError as exc:
        raise GazetteerError(f"province table not found: {path}") from exc
    return [
        Province(
            country=row["country"],
            geonames_code=row["geonames_admin1"],
            iso_code=row["iso_3166_2"],
            name=row["name"],
            alternates=[a for a in row["alternates"].split("|") if a.strip()],
            capital=row["capital"],
            capital_geonameid=int(row["capital_geonameid"]),
        )
        for row in rows
    ]


class ProvinceIndex:
    """Province names by GeoNames admin1 code and by any spelling (for airportsdata's and curators' free text)."""

    def __init__(self, provinces: list[Province]):
        import pycountry

        self.provinces = provinces
        self.by_code = {(p.country, p.geonames_code): p for p in provinces}
        self.iso_names = {}
        self._by_spelling: dict[tuple[str, str], Province] = {}
        for province in provinces:
            if province.iso_code:
                subdivision = pycountry.subdivisions.get(code=province.iso_code)
                if subdivision is not None:
                    self.iso_names[province.iso_code] = subdivision.name
        for province in provinces:
            for spelling in self.spellings(province):
                self._by_spelling.setdefault((province.country, normalize_name(spelling)), province)

    def spellings(self, province: Province) -> list[str]:
        iso_name = self.iso_names.get(province.iso_code, "")
        base = clean_names([province.name, iso_name, ascii_name(iso_name), *province.alternates])
        suffixed = [f"{name} {suffix}" for name in base[:2] for suffix in ("Governorate", "Province")]
        return clean_names([*base, *suffixed])

    def name_for_code(self, country: str, code: str) -> str:
        province = self.by_code.get((country, code))
        return province.name if province else ""

    def resolve(self, country: str, text: str) -> Province | None:
        key = normalize_name(text)
        for suffix in (" governorate", " province", " muhafazat"):
            key = key.removesuffix(suffix)
        return self._by_spelling.get((country, key))


def province_records(index: ProvinceIndex, places: dict[int, PlaceRecord]) -> tuple[list[PlaceRecord], list[str]]:
    """One admin_area row per province at its capital's coordinates; keyed on the ISO code where there is one."""
    records, errors = [], []
    for province in index.provinces:
        capital = places.get(province.capital_geonameid)
        if capital is None:
            errors.append(f"province {province.name}: capital {province.capital_geonameid} is not in the gazetteer")
            continue
        spellings = index.spellings(province)
        if province.iso_code:
            origin, external_id = Place.Origin.ISO3166, province.iso_code
        else:
            # Halabja became a governorate after the ISO 3166-2 list was last revised for Iraq.
            origin, external_id = Place.Origin.CURATED, f"adm1-{province.country}-{province.geonames_code}"
        records.append(
            PlaceRecord(
                origin=origin,
                external_id=external_id,
                name=province.name,
                ascii_name=ascii_name(province.name),
                alternate_names=clean_names(spellings, exclude=(province.name,)),
                country=province.country,
                admin1=province.name,
                kind=Place.Kind.ADMIN_AREA,
                feature_class="A",
                feature_code="ADM1",
                lat=capital.lat,
                lon=capital.lon,
                coord_note=(
                    f"capital proxy: the point of {province.capital} (GeoNames {province.capital_geonameid}), "
                    "not the province's centroid"
                ),
            )
        )
    return records, errors
