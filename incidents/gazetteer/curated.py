"""The curated supplement (incidents/data/curated_places.csv, districts_iq_sy.csv): places the packages lack, and
rows that extend an entry of another source with spellings, a name or a district."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from ..countries import covered_countries
from ..models import Place
from .provinces import ProvinceIndex
from .records import DATA_DIR, GazetteerError, PlaceRecord, ascii_name, clean_names, coordinates, data_lines

CURATED_CSV = DATA_DIR / "curated_places.csv"
# Districts and sub-districts (ADM2, ADM3) at their seats: news places villages by them ("in the Y district").
DISTRICTS_CSV = DATA_DIR / "districts_iq_sy.csv"
CURATED_FILES = (CURATED_CSV, DISTRICTS_CSV)


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


@dataclasses.dataclass
class Extension:
    """A curated row that adds to an entry of another source instead of creating one."""

    target: tuple[str, str]
    line: int
    name: str = ""
    alternates: list[str] = dataclasses.field(default_factory=list)
    admin2: str = ""


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
        lines = data_lines(path)
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
            lat, lon = coordinates(row["lat"], row["lon"])
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
