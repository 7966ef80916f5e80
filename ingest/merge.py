"""Merge what extraction found in one article into the incidents: one incident per event, however many reports.

Two reports are the same incident when their types are compatible, their places lie within MERGE_RADIUS_KM, their
dates overlap given each one's precision, and their actors (with umbrella groups) overlap where both name some.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import math
from dataclasses import dataclass, field

from django.contrib.gis.geos import Polygon
from django.contrib.gis.measure import D
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import OuterRef, Q

from incidents import services
from incidents.models import Actor, Article, Incident, IncidentActor, IncidentSource, Place

from .types import ExtractedIncident, Extraction

logger = logging.getLogger(__name__)

MERGE_RADIUS_KM = 25
# Merges are serialised per 1° grid cell (transaction-level advisory locks): two articles reporting one new
# incident at once must not both create it, while merges far apart run side by side. Keys: base + cell number.
_MERGE_LOCK_BASE = 0x1A71A5 * 1_000_000
_PLACELESS_LOCK = _MERGE_LOCK_BASE + 999_999
_LOCK_MARGIN_DEG = 0.35  # more than MERGE_RADIUS_KM in longitude at these latitudes
_POLITICAL_VIOLENCE = {"battles", "explosions_remote_violence", "violence_against_civilians"}
_DAY_SLACK = dt.timedelta(days=1)  # "Thursday night" in one report is "Friday" in the next


@dataclass
class MergeResult:
    created: list[int] = field(default_factory=list)
    matched: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why an extracted incident was not recorded
    unresolved: int = 0
    withdrawn: list[int] = field(default_factory=list)  # incidents deleted: this article was their only source

    @property
    def incident_ids(self) -> list[int]:
        return list(dict.fromkeys(self.created + self.matched))


def date_window(date: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """The days a date of the given precision may stand for."""
    if precision == "year":
        return dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)
    if precision == "month":
        last = calendar.monthrange(date.year, date.month)[1]
        return date.replace(day=1), date.replace(day=last)
    if precision == "week":
        return date - dt.timedelta(days=6), date + dt.timedelta(days=6)
    return date - _DAY_SLACK, date + _DAY_SLACK


def _overlaps(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _umbrellas(names: set[str]) -> dict[str, str]:
    """Each named actor's umbrella organisation, if it has one."""
    if not names:
        return {}
    return dict(Actor.objects.filter(name__in=names, parent__isnull=False).values_list("name", "parent__name"))


def types_compatible(a: tuple[str, str], b: tuple[str, str], *, same_place: bool, shared_actors: bool) -> bool:
    if a[0] == b[0]:
        return True
    # One outlet's "clash" is another's "shelling": across violent types only when place and actors agree too.
    return a[0] in _POLITICAL_VIOLENCE and b[0] in _POLITICAL_VIOLENCE and same_place and shared_actors


def find_candidate(
    *,
    event_type: str,
    sub_event_type: str,
    date: dt.date,
    date_precision: str,
    place: Place | None,
    country: str,
    actor_names: list[str],
    umbrellas: dict[str, str] | None = None,
) -> Incident | None:
    """The known incident this report most likely describes, or None."""
    window = date_window(date, date_precision)
    lo, hi = window
    # Bounds per candidate precision, so that the (point, date) GiST index, not a year of rows, answers.
    days = dt.timedelta
    dates = (
        Q(date__range=(lo - days(6), hi + days(6)))
        | Q(date_precision="month", date__range=(lo - days(31), hi + days(31)))
        | Q(date_precision="year", date__range=(lo - days(366), hi + days(366)))
    )
    queryset = Incident.objects.filter(dates)
    if place is not None:
        x, y = place.point.x, place.point.y
        box = Polygon.from_bbox(
            (x - _LOCK_MARGIN_DEG, y - _LOCK_MARGIN_DEG, x + _LOCK_MARGIN_DEG, y + _LOCK_MARGIN_DEG)
        )
        box.srid = 4326
        queryset = queryset.filter(point__bboverlaps=box, point__distance_lte=(place.point, D(km=MERGE_RADIUS_KM)))
    else:
        queryset = queryset.filter(place__isnull=True, point__isnull=True, country=country)
    actor_links = IncidentActor.objects.filter(incident=OuterRef("pk"))
    queryset = queryset.annotate(
        actor_names=ArraySubquery(actor_links.values("actor__name")),
        umbrella_names=ArraySubquery(actor_links.filter(actor__parent__isnull=False).values("actor__parent__name")),
    )
    candidates = list(queryset.order_by()[:200])
    if not candidates:
        return None
    umbrellas = _umbrellas(set(actor_names)) if umbrellas is None else umbrellas
    ours = set(actor_names) | {umbrellas[name] for name in actor_names if name in umbrellas}
    ranked = []
    for candidate in candidates:
        if not _overlaps(window, date_window(candidate.date, candidate.date_precision)):
            continue
        theirs = set(candidate.actor_names) | set(candidate.umbrella_names)
        shared = bool(ours & theirs)
        if ours and theirs and not shared:
            continue
        same_place = place is not None and candidate.place_id == place.pk
        if not types_compatible(
            (event_type, sub_event_type),
            (candidate.event_type, candidate.sub_event_type),
            same_place=same_place,
            shared_actors=shared,
        ):
            continue
        distance = candidate.point.distance(place.point) if place is not None and candidate.point else 0.0
        ranked.append(
            (
                not same_place,
                candidate.sub_event_type != sub_event_type,
                -len(ours & theirs),
                distance,
                abs((candidate.date - date).days),
                candidate.pk,
                candidate,
            )
        )
    return min(ranked)[-1] if ranked else None


def _incident_date(found: ExtractedIncident, article: Article) -> tuple[dt.date | None, str]:
    if found.date is not None:
        return found.date, found.date_precision or "day"
    if article.published is not None:
        # Undated in the text ("this month", "on Friday" without a dateline): the publication date bounds it.
        precision = found.date_precision if found.date_precision in {"week", "month", "year"} else "week"
        return article.published.date(), precision
    return None, ""


def merge_lock_keys(points: list[tuple[float, float] | None]) -> list[int]:
    """The advisory lock keys for merging near these (lon, lat) points (None: an incident with no place), sorted
    so that every worker takes them in the same order and none can deadlock."""
    keys = set()
    for point in points:
        if point is None:
            keys.add(_PLACELESS_LOCK)
            continue
        lon, lat = point
        for x in range(math.floor(lon - _LOCK_MARGIN_DEG), math.floor(lon + _LOCK_MARGIN_DEG) + 1):
            for y in range(math.floor(lat - _LOCK_MARGIN_DEG), math.floor(lat + _LOCK_MARGIN_DEG) + 1):
                keys.add(_MERGE_LOCK_BASE + (x + 180) * 1000 + (y + 90))
    return sorted(keys)


def merge_extraction(*, article: Article, extraction: Extraction) -> MergeResult:
    """Record every incident and unresolved place name of one article, and mark the article processed.

    Idempotent: running it again for the same article and extraction finds the incidents it created and adds nothing.
    """
    result = MergeResult()
    place_ids = {i.place.place_id for i in extraction.incidents if i.place is not None}
    places = Place.objects.in_bulk(place_ids)
    named = Actor.objects.filter(name__in={n for i in extraction.incidents for n in i.actors})
    known = list(named.values_list("name", "parent__name"))
    known_actors = {name for name, _ in known}
    umbrellas = {name: parent for name, parent in known if parent}
    with transaction.atomic():
        previous_points = dict(
            IncidentSource.objects.filter(article=article).values_list("incident_id", "incident__point")
        )
        previous = set(previous_points)
        points = [(i.place.lon, i.place.lat) if i.place is not None else None for i in extraction.incidents]
        points += [(p.x, p.y) if p is not None else None for p in previous_points.values()]
        keys = merge_lock_keys(points)
        if keys:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1) AS sorted",
                    [keys],
                )
        for found in extraction.incidents:
            date, precision = _incident_date(found, article)
            if date is None:
                result.skipped.append(f"{found.sub_event_type}: no date in the text and no publication date")
                continue
            place = places.get(found.place.place_id) if found.place is not None else None
            if found.place is not None and place is None:
                result.skipped.append(
                    f"{found.sub_event_type}: place {found.place.place_id} is gone from the gazetteer"
                )
                continue
            actor_names = [name for name in found.actors if name in known_actors]
            country = place.country if place else (found.place.country if found.place else "")
            values = {
                "event_type": found.event_type,
                "sub_event_type": found.sub_event_type,
                "date": date,
                "date_precision": precision,
                "place": place,
                "geo_precision": found.geo_precision or ("exact" if place else "country"),
                "country": country,
                "fatalities": found.fatalities,
                "injured": found.injured,
                "missing": found.missing,
            }
            candidate = find_candidate(
                event_type=found.event_type,
                sub_event_type=found.sub_event_type,
                date=date,
                date_precision=precision,
                place=place,
                country=country,
                actor_names=actor_names,
                umbrellas=umbrellas,
            )
            incident, created = services.incident_record_extraction(
                article=article,
                incident=candidate,
                values=values,
                actor_names=actor_names,
                evidence=found.evidence.strip(),
                refresh_search=False,
            )
            (result.created if created else result.matched).append(incident.pk)
        for mention in extraction.unresolved:
            if services.unresolved_place_record(article=article, name=mention.name, sentence=mention.sentence):
                result.unresolved += 1
        # Re-read (a place was added, extraction improved): what the article no longer reports is withdrawn.
        withdrawn = previous - set(result.incident_ids)
        if withdrawn:
            result.withdrawn = services.incident_record_withdrawal(article=article, incident_ids=withdrawn)
        services.incident_refresh_search(incident_ids=result.incident_ids)
        services.article_mark_processed(article_id=article.pk, note="; ".join(result.skipped))
    return result
