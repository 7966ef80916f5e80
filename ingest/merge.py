"""Merge what extraction found in one article into the incidents: one incident per event, however many reports.

Two reports are the same incident when their types are compatible, their places lie within MERGE_RADIUS_KM, their
dates overlap given each one's precision, and their actors (with umbrella groups) overlap where both name some.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import logging
import math
from dataclasses import dataclass, field

from django.contrib.gis.geos import Polygon
from django.contrib.gis.measure import D
from django.db import connection, transaction
from django.db.models import F, JSONField, Q
from django.db.models.expressions import RawSQL

from incidents import services
from incidents.models import Actor, Article, Incident, IncidentSource, Place

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
# An incident dated only by when its article was received happened that day or in the weeks before.
RECEIVED_LOOKBACK = dt.timedelta(days=30)


@dataclass
class MergeResult:
    created: list[int] = field(default_factory=list)
    matched: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why an extracted incident was not recorded
    undated: int = 0  # incidents dated by when the article was received, for a curator to date
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
    if precision == "received":
        return date - RECEIVED_LOOKBACK, date + _DAY_SLACK
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


@dataclass
class Report:
    """One incident as one article reports it, resolved against the gazetteer and the actor table."""

    event_type: str
    sub_event_type: str
    date: dt.date
    date_precision: str
    place: Place | None
    country: str
    actor_names: list[str]

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        return date_window(self.date, self.date_precision)

    @functools.cached_property
    def xy(self) -> tuple[float, float] | None:
        return point_xy(self.place)

    def date_filter(self) -> Q:
        """Incidents whose date window (`date_window` of their precision) overlaps this report's window."""
        lo, hi = self.window
        days = dt.timedelta
        last_of_month = hi.replace(day=calendar.monthrange(hi.year, hi.month)[1])
        return (
            Q(date_precision="day", date__range=(lo - _DAY_SLACK, hi + _DAY_SLACK))
            | Q(date_precision="week", date__range=(lo - days(6), hi + days(6)))
            | Q(date_precision="month", date__range=(lo.replace(day=1), last_of_month))
            | Q(date_precision="year", date__range=(dt.date(lo.year, 1, 1), dt.date(hi.year, 12, 31)))
            | Q(date_precision="received", date__range=(lo - _DAY_SLACK, hi + RECEIVED_LOOKBACK))
        )

    def candidate_filter(self) -> Q:
        """The incidents that may be this one: overlapping dates and within MERGE_RADIUS_KM (a box around the
        place for the (point, date) GiST index, then the sphere distance). In a dense region at
        a million incidents, the box and a loose date slack alone gave ~280 candidates per report, each locked and
        annotated; these give the few that `best_candidate` can accept."""
        # The event type is left to `could_be`: as a condition, PostgreSQL AND-ed the GiST's few matches with a
        # bitmap of every incident of that type (760,000 rows at 1M).
        wanted = self.date_filter()
        if self.place is None:
            return wanted & Q(place__isnull=True, point__isnull=True, country=self.country)
        x, y = self.place.point.x, self.place.point.y
        box = Polygon.from_bbox(
            (x - _LOCK_MARGIN_DEG, y - _LOCK_MARGIN_DEG, x + _LOCK_MARGIN_DEG, y + _LOCK_MARGIN_DEG)
        )
        box.srid = 4326
        return wanted & Q(point__bboverlaps=box) & Q(point__distance_lte=(self.place.point, D(km=MERGE_RADIUS_KM)))

    def could_be(self, incident: Incident) -> bool:
        """`candidate_filter` in Python, for incidents already in memory, and an event type `types_compatible` can
        accept: the same, or any violent type for a violent report."""
        if self.event_type in _POLITICAL_VIOLENCE:
            if incident.event_type not in _POLITICAL_VIOLENCE:
                return False
        elif incident.event_type != self.event_type:
            return False
        if not _overlaps(self.window, date_window(incident.date, incident.date_precision)):
            return False
        if self.place is None:
            return incident.place_id is None and incident.point is None and incident.country == self.country
        theirs = point_xy(incident)
        if theirs is None:
            return False
        return distance_km(self.xy, theirs) <= MERGE_RADIUS_KM


def point_xy(obj: Place | Incident | None) -> tuple[float, float] | None:
    """(lon, lat) of a place's or incident's point as floats, kept on the object: each GEOS coordinate read is a
    ctypes call, and matching compares every report of an article with every candidate."""
    if obj is None or obj.point is None:
        return None
    cached = obj.__dict__.get("_xy")
    if cached is None or cached[0] is not obj.point:
        cached = (obj.point, (obj.point.x, obj.point.y))
        obj.__dict__["_xy"] = cached
    return cached[1]


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between (lon, lat) pairs on PostGIS's sphere (ST_DistanceSphere), the measure
    `distance_lte` uses here."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6370.986 * math.asin(min(1.0, math.sqrt(h)))


def candidates_for(
    reports: list[Report], *, article_id: int = 0, lock: bool = False, limit: int = 200
) -> list[Incident]:
    """Every known incident any of these reports may describe, in one query, with what matching and recording
    (services.ArticleIncidentRecorder, for `article_id`) need from their links. `lock`: the rows are locked for the
    recording that follows."""
    if not reports:
        return []
    where = Q()
    for report in reports:
        where |= report.candidate_filter()
    queryset = Incident.objects.filter(where).annotate(
        # The actor links as the link-summary triggers keep them (migration 0009): one column, not four array
        # subqueries per candidate.
        actor_list=F("actors_json"),
        other_reports=RawSQL(services.INCIDENT_OTHER_REPORTS_SQL, [article_id], output_field=JSONField()),
    )
    # Never saved from here: the search vector (a parse of every source's evidence) and the link summaries.
    queryset = queryset.defer(
        "search_vector", "actors_json", "actor1_names", "actor2_names", "n_sources", "outlet_names"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    found = [i for i in queryset.order_by()[: limit * len(reports)] if any(r.could_be(i) for r in reports)]
    ids = {a["id"] for i in found for a in i.actor_list}
    parents = dict(Actor.objects.filter(pk__in=ids, parent__isnull=False).values_list("pk", "parent__name"))
    for incident in found:
        links = incident.actor_list
        incident.actor_names = [a["name"] for a in links]
        incident.actor_ids = [a["id"] for a in links]
        incident.actor_roles = [a["role"] for a in links]
        incident.umbrella_names = [parents[a["id"]] for a in links if a["id"] in parents]
    return found


def best_candidate(report: Report, candidates: list[Incident], umbrellas: dict[str, str]) -> Incident | None:
    """The known incident this report most likely describes, or None."""
    ours = set(report.actor_names) | {umbrellas[name] for name in report.actor_names if name in umbrellas}
    ranked = []
    for candidate in candidates:
        if not report.could_be(candidate):  # type family, overlapping dates, within the radius
            continue
        theirs = set(candidate.actor_names) | set(candidate.umbrella_names)
        shared = bool(ours & theirs)
        if ours and theirs and not shared:
            continue
        same_place = report.place is not None and candidate.place_id == report.place.pk
        if not types_compatible(
            (report.event_type, report.sub_event_type),
            (candidate.event_type, candidate.sub_event_type),
            same_place=same_place,
            shared_actors=shared,
        ):
            continue
        at = point_xy(candidate)
        # Planar, in degrees (as GEOS's distance was): only a tie-breaker between candidates within the radius.
        distance = math.dist(report.xy, at) if report.xy is not None and at is not None else 0.0
        ranked.append(
            (
                not same_place,
                candidate.sub_event_type != report.sub_event_type,
                -len(ours & theirs),
                distance,
                abs((candidate.date - report.date).days),
                candidate.pk,
                candidate,
            )
        )
    return min(ranked)[-1] if ranked else None


def _incident_date(found: ExtractedIncident, article: Article) -> tuple[dt.date, str]:
    if found.date is not None:
        return found.date, found.date_precision or "day"
    if article.published is not None:
        # Undated in the text ("this month", "on Friday" without a dateline): the publication date bounds it.
        precision = found.date_precision if found.date_precision in {"week", "month", "year"} else "week"
        return article.published.date(), precision
    # No date at all: recorded, dated by receipt and marked so (the precision), rather than dropped.
    return article.created_at.astimezone(dt.UTC).date(), Incident.DatePrecision.RECEIVED


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
    The round trips are per article, not per incident: one candidate query for all its reports (locked), links
    written in one statement each (see services.ArticleIncidentRecorder).
    """
    result = MergeResult()
    if not extraction.incidents and not extraction.unresolved and article.processed_at is None:
        # Nothing to record, and nothing recorded before (links are written in the transaction that marks the
        # article processed): no transaction, no locks.
        services.article_mark_processed(article_id=article.pk)
        return result
    place_ids = {i.place.place_id for i in extraction.incidents if i.place is not None}
    places = Place.objects.in_bulk(place_ids)
    names = {n for i in extraction.incidents for n in i.actors}
    known = list(Actor.objects.filter(name__in=names).values_list("name", "pk", "parent__name")) if names else []
    actor_ids = {name: pk for name, pk, _ in known}
    umbrellas = {name: parent for name, _, parent in known if parent}
    reports: list[tuple[ExtractedIncident, Report]] = []
    for found in extraction.incidents:
        date, precision = _incident_date(found, article)
        if precision == Incident.DatePrecision.RECEIVED:
            result.undated += 1
        place = places.get(found.place.place_id) if found.place is not None else None
        if found.place is not None and place is None:
            result.skipped.append(f"{found.sub_event_type}: place {found.place.place_id} is gone from the gazetteer")
            continue
        country = place.country if place else (found.place.country if found.place else "")
        actor_names = [name for name in found.actors if name in actor_ids]
        reports.append((found, Report(found.event_type, found.sub_event_type, date, precision, place, country,
                                      actor_names)))  # fmt: skip
    with transaction.atomic():
        previous_links = list(
            IncidentSource.objects.filter(article=article).annotate(incident_point=F("incident__point"))
        )
        previous = {link.incident_id for link in previous_links}
        points = [(r.place.point.x, r.place.point.y) if r.place is not None else None for _, r in reports]
        points += [
            (link.incident_point.x, link.incident_point.y) if link.incident_point else None for link in previous_links
        ]
        keys = merge_lock_keys(points)
        if keys:
            with connection.cursor() as cursor:
                # No wait for the WAL flush at commit: a database crash can lose the last fraction of a second of
                # merges, which leaves those articles unprocessed, and ingest reads them again (idempotent).
                cursor.execute(
                    "SELECT set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock(k) "
                    "FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1) AS sorted",
                    [keys],
                )
        pool = candidates_for([r for _, r in reports], article_id=article.pk, lock=True)
        recorder = services.ArticleIncidentRecorder(article=article, actor_ids=actor_ids, links=previous_links)
        for found, report in reports:
            values = {
                "event_type": report.event_type,
                "sub_event_type": report.sub_event_type,
                "date": report.date,
                "date_precision": report.date_precision,
                "place": report.place,
                "geo_precision": found.geo_precision or ("exact" if report.place else "country"),
                "country": report.country,
                "fatalities": found.fatalities,
                "injured": found.injured,
                "missing": found.missing,
                "confidence": found.confidence,
                "confidence_reasons": list(found.confidence_reasons),
            }
            candidate = best_candidate(report, pool, umbrellas)
            incident, created = recorder.record(
                incident=candidate, values=values, actor_names=report.actor_names, evidence=found.evidence.strip()
            )
            if created:
                incident.actor_names, incident.umbrella_names = [], []
                pool.append(incident)
            if created or not incident.curator_locked:
                # Later reports in this article match on the actors just linked, as they would after a re-query.
                incident.actor_names = list(dict.fromkeys([*incident.actor_names, *report.actor_names]))
                incident.umbrella_names = list(
                    dict.fromkeys(
                        [*incident.umbrella_names, *(umbrellas[n] for n in report.actor_names if n in umbrellas)]
                    )
                )
            (result.created if created else result.matched).append(incident.pk)
        recorder.finish()
        for mention in extraction.unresolved:
            if services.unresolved_place_record(article=article, name=mention.name, sentence=mention.sentence):
                result.unresolved += 1
        # Re-read (a place was added, extraction improved): what the article no longer reports is withdrawn.
        withdrawn = previous - set(result.incident_ids)
        if withdrawn:
            result.withdrawn = services.incident_record_withdrawal(article=article, incident_ids=withdrawn)
        notes = list(result.skipped)
        if result.undated:
            notes.append(
                f"{result.undated} incident(s) dated by when the article was received: no date in the text and no "
                "publication date (set the publication date to date them)"
            )
        services.article_mark_processed(article_id=article.pk, note="; ".join(notes))
    return result
