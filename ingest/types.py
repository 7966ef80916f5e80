"""What extraction hands to the rest of the pipeline: plain data, no database objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FoundPlace:
    """A place named in the text, resolved to a gazetteer entry."""

    name: str  # as written in the text
    place_id: int  # incidents.Place pk
    canonical: str  # the gazetteer name
    lat: float
    lon: float
    country: str
    admin1: str
    kind: str  # incidents.Place.Kind value
    start: int = -1  # character offsets of the mention in the article text
    end: int = -1


@dataclass(frozen=True)
class UnresolvedMention:
    """A name used as a place ("the village of X") that the gazetteer lacks."""

    name: str
    sentence: str


@dataclass
class ExtractedIncident:
    event_type: str
    sub_event_type: str
    date: dt.date | None
    date_precision: str  # day | week | month | year
    place: FoundPlace | None
    geo_precision: str  # exact | near | admin | country
    actors: list[str] = field(default_factory=list)  # canonical Actor names; actors[0] is actor 1, [1] actor 2
    fatalities: int | None = None
    injured: int | None = None
    missing: int | None = None
    evidence: str = ""  # the sentences, verbatim
    background: bool = False  # a past event mentioned as context
    confidence: float = 0.5  # 0-1: how likely a curator finds it right (ingest.extract.confidence)
    confidence_reasons: list[str] = field(default_factory=list)
    confidence_features: list[str] = field(default_factory=list)  # what the score rests on, for calibration
    fatalities_low: int | None = None  # a range or a superseded figure in the text ("between 20 and 25")
    fatalities_high: int | None = None


@dataclass
class Extraction:
    places: list[FoundPlace] = field(default_factory=list)
    incidents: list[ExtractedIncident] = field(default_factory=list)
    unresolved: list[UnresolvedMention] = field(default_factory=list)
