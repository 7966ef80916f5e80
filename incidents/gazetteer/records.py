"""The record every source makes (one Place row's values), and the cleaning all sources share: names, ASCII forms,
coordinates and the data files' comment lines."""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ..models import Place

# incidents/data: the shipped tables, each with its provenance in leading comment lines.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


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


def rounded(value: float) -> float:
    return round(float(value), 6)


def coordinates(lat: str | float, lon: str | float) -> tuple[float, float]:
    lat_f, lon_f = float(lat), float(lon)
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)) or not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise ValueError(f"coordinates out of range: {lat}, {lon}")
    return rounded(lat_f), rounded(lon_f)


def data_lines(path: Path) -> list[str]:
    # The shipped CSV files carry their provenance in leading '#' comment lines.
    with open(path, encoding="utf-8", newline="") as handle:
        return [line for line in handle if not line.startswith("#")]
