"""Incidents recorded from what ingest extracted out of one article, and withdrawn when a re-read no longer finds
them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from ..live import announce_new_incidents
from ..models import Article, Incident, IncidentActor, IncidentRemoval, IncidentSource, Place
from .reports import combine_fatalities, fold_evidence, sync_place_fields
from .search import incident_refresh_search


def _json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Place):
        return value.pk
    return value


def _casualties_from_sources(incident: Incident) -> None:
    """Low / best / high across every source's own figures, so re-reading an article changes nothing."""
    extracted = list(IncidentSource.objects.filter(incident=incident).values_list("extracted", flat=True))
    reported = [e.get("fatalities") for e in extracted if isinstance(e.get("fatalities"), int)]
    reports = [Incident(fatalities=value) for value in reported]
    incident.fatalities_low, incident.fatalities, incident.fatalities_high = combine_fatalities(reports)
    for field in ("injured", "missing"):
        values = [e.get(field) for e in extracted if isinstance(e.get(field), int)]
        setattr(incident, field, max(values) if values else None)


def _take_confidence(incident: Incident, values: dict) -> None:
    """The best-read report decides: the maximum is the same whatever order the reports come in, and a re-read of
    one article changes nothing."""
    new = values.get("confidence")
    if isinstance(new, float | int) and (incident.confidence is None or new > incident.confidence):
        incident.confidence = float(new)
        incident.confidence_reasons = list(values.get("confidence_reasons") or [])


def _recorded_values(incident: Incident) -> tuple:
    fields = ("fatalities_low", "fatalities", "fatalities_high", "injured", "missing", "place_id", "geo_precision",
              "date", "date_precision", "confidence")  # fmt: skip
    return tuple(getattr(incident, field) for field in fields)


def _incident_from_extraction(*, values: dict, evidence: str, article: Article) -> Incident:
    """Saves a new incident from one article's extracted values (see ArticleIncidentRecorder.record)."""
    place: Place | None = values.get("place")
    incident = Incident(
        event_type=values["event_type"],
        sub_event_type=values["sub_event_type"],
        date=values["date"],
        date_precision=values.get("date_precision") or Incident.DatePrecision.DAY,
        place=place,
        point=place.point if place else None,
        geo_precision=values.get("geo_precision") or Incident.GeoPrecision.EXACT,
        country=place.country if place else (values.get("country") or ""),
        admin1=place.admin1 if place else "",
        location_name=place.name if place else "",
        fatalities=values.get("fatalities"),
        injured=values.get("injured"),
        missing=values.get("missing"),
        summary=evidence[:2000],
        confidence=values.get("confidence"),
        confidence_reasons=values.get("confidence_reasons") or [],
    )
    incident._change_reason = f"extracted from article {article.pk}"
    incident.save()
    return incident


class ArticleIncidentRecorder:
    """Records every incident one article reports, with the article's round trips batched: what the known incidents
    hold is read once by the caller, source and actor links are inserted in one statement each by `finish()` (the
    link-summary triggers then run once), and the search vectors are refreshed together.

    `record()` takes values with event_type, sub_event_type, date, date_precision, place (a Place or None),
    geo_precision, country, fatalities, injured, missing. A report of a known incident adds a source link (evidence
    folded when the article states it twice); unless a curator locked the incident, its casualty range is recomputed
    from every report, a missing place or a coarser date is sharpened, and new actors are linked. Idempotent per
    article.

    Known incidents come from the caller locked (`select_for_update`) and annotated with `actor_ids` and
    `actor_roles` (arrays in one order) and `other_reports` (INCIDENT_OTHER_REPORTS_SQL: the casualty figures of every
    other article's report). Use inside the transaction that holds the merge locks; call `finish()` before it commits.
    """

    def __init__(self, *, article: Article, actor_ids: dict[str, int], links: Iterable[IncidentSource] = ()) -> None:
        self.article = article
        self.actor_ids = actor_ids
        self.links = {link.incident_id: link for link in links}  # this article's links, stored and pending
        self.changed_links: dict[int, IncidentSource] = {}
        self.new_actor_links: list[IncidentActor] = []
        self.others: dict[int, dict] = {}  # incident -> casualty figures other articles reported (min/max)
        self.roles: dict[int, list[tuple[int, int]]] = {}
        # Incidents whose searchable text grew: id -> [new (vector built from scratch), evidence to add].
        self.search: dict[int, list] = {}
        self.created_ids: list[int] = []

    def _known(self, incident: Incident) -> None:
        if incident.pk in self.others:
            return
        self.others[incident.pk] = incident.other_reports or {}
        self.roles[incident.pk] = list(zip(incident.actor_ids or [], incident.actor_roles or [], strict=True))

    def _link_actors(self, incident: Incident, actor_names: list[str]) -> None:
        existing = self.roles.setdefault(incident.pk, [])
        linked = {actor_id for actor_id, _ in existing}
        taken = {role for _, role in existing}
        for position, name in enumerate(dict.fromkeys(actor_names)):
            actor_id = self.actor_ids.get(name)
            if actor_id is None or actor_id in linked:
                continue
            role = (IncidentActor.Role.ACTOR1, IncidentActor.Role.ACTOR2)[position] if position < 2 else 3
            if role in taken and role != IncidentActor.Role.ASSOCIATED:
                role = IncidentActor.Role.ASSOCIATED
            self.new_actor_links.append(IncidentActor(incident_id=incident.pk, actor_id=actor_id, role=role))
            existing.append((actor_id, role))
            linked.add(actor_id)
            taken.add(role)

    def record(
        self, *, incident: Incident | None, values: dict, actor_names: list[str], evidence: str
    ) -> tuple[Incident, bool]:
        """One incident read from the article: new (incident=None) or one more report of `incident`, which is a
        locked known incident or one this recorder returned. Returns (incident, created)."""
        article = self.article
        extracted = {k: _json_value(v) for k, v in values.items()}
        extracted["actors"] = list(actor_names)
        place: Place | None = values.get("place")
        if incident is None:
            incident = _incident_from_extraction(values=values, evidence=evidence, article=article)
            self.links[incident.pk] = IncidentSource(
                incident=incident, article=article, evidence=evidence, extracted=extracted
            )
            self.others[incident.pk] = {}
            self.roles[incident.pk] = []
            self._link_actors(incident, actor_names)
            self._searchable(incident, evidence, new=True)
            self.created_ids.append(incident.pk)
            return incident, True
        self._known(incident)
        link = self.links.get(incident.pk)
        if link is None:
            self.links[incident.pk] = IncidentSource(
                incident=incident, article=article, evidence=evidence, extracted=extracted
            )
            link = self.links[incident.pk]
            # A copy of the first report (wire stories republished word for word) adds no word to search on.
            if evidence != incident.summary:
                self._searchable(incident, evidence)
        else:
            folded = fold_evidence(link.evidence, evidence)
            merged = dict(link.extracted or {})
            for field in ("fatalities", "injured", "missing"):
                old, new = merged.get(field), extracted.get(field)
                if isinstance(new, int) and (not isinstance(old, int) or new > old):
                    merged[field] = new
            if folded != link.evidence or merged != link.extracted:
                if folded != link.evidence:
                    self._searchable(incident, evidence)
                link.evidence, link.extracted = folded, merged
                if link.pk is not None:
                    self.changed_links[link.pk] = link
        if not incident.curator_locked:
            before = _recorded_values(incident)
            _casualties_from_reports(incident, self.others[incident.pk], link.extracted or {})
            # A sharper place wins: "the village of X" over "south of Kirkuk", a town over its province.
            geo_rank = Incident.GeoPrecision.rank
            new_geo = values.get("geo_precision") or Incident.GeoPrecision.EXACT
            if place is not None and (
                incident.place_id is None
                or (new_geo in Incident.GeoPrecision.values and geo_rank(new_geo) < geo_rank(incident.geo_precision))
            ):
                incident.place, incident.point, incident.geo_precision = place, place.point, new_geo
                sync_place_fields(incident, place, move_point=False)
            new_precision = values.get("date_precision") or "day"
            date_rank = Incident.DatePrecision.rank
            if new_precision in Incident.DatePrecision.values and date_rank(new_precision) < date_rank(
                incident.date_precision
            ):
                incident.date, incident.date_precision = values["date"], new_precision
            _take_confidence(incident, values)
            if _recorded_values(incident) != before:
                incident._change_reason = f"updated from article {article.pk}"
                incident.save()
            self._link_actors(incident, actor_names)
        return incident, False

    def _searchable(self, incident: Incident, evidence: str, *, new: bool = False) -> None:
        entry = self.search.setdefault(incident.pk, [False, []])
        entry[0] = entry[0] or new
        entry[1].append(evidence)

    def finish(self) -> None:
        """Write the links gathered and extend the search vectors of the incidents whose text grew.

        The vectors grow by the new evidence instead of being rebuilt from every source (as
        `incident_refresh_search` does): an incident reported by dozens of outlets would otherwise re-parse all their
        evidence for each new report. The lexemes and weights are the same; only positions differ."""
        announce_new_incidents(self.created_ids)
        new_links = [link for link in self.links.values() if link.pk is None]
        if new_links:
            IncidentSource.objects.bulk_create(new_links)
        if self.changed_links:
            IncidentSource.objects.bulk_update(list(self.changed_links.values()), ["evidence", "extracted"])
        if self.new_actor_links:
            IncidentActor.objects.bulk_create(self.new_actor_links, ignore_conflicts=True)
        if self.search:
            ids = list(self.search)
            with connection.cursor() as cursor:
                cursor.execute(
                    """UPDATE incidents_incident AS i SET search_vector = CASE
                           WHEN v.new OR i.search_vector IS NULL
                           THEN setweight(to_tsvector('english', coalesce(i.summary, '')), 'A')
                           ELSE i.search_vector END || setweight(to_tsvector('english', v.text), 'B')
                       FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::text[]) AS text, unnest(%s::bool[]) AS new) v
                       WHERE i.id = v.id""",
                    [ids, ["\n".join(self.search[i][1]) for i in ids], [self.search[i][0] for i in ids]],
                )
        self.changed_links, self.new_actor_links, self.search = {}, [], {}


# Per incident, what every other article's report said of casualties: enough for low / best / high without reading
# each source (an incident republished by dozens of outlets has dozens). %s is the article being recorded.
INCIDENT_OTHER_REPORTS_SQL = """(
    SELECT jsonb_build_object(
        'low', min((s.extracted->>'fatalities')::bigint) FILTER (WHERE s.extracted->>'fatalities' ~ '^\\d+$'),
        'high', max((s.extracted->>'fatalities')::bigint) FILTER (WHERE s.extracted->>'fatalities' ~ '^\\d+$'),
        'injured', max((s.extracted->>'injured')::bigint) FILTER (WHERE s.extracted->>'injured' ~ '^\\d+$'),
        'missing', max((s.extracted->>'missing')::bigint) FILTER (WHERE s.extracted->>'missing' ~ '^\\d+$'))
    FROM incidents_incidentsource s WHERE s.incident_id = incidents_incident.id AND s.article_id <> %s)"""


def _casualties_from_reports(incident: Incident, others: dict, mine: dict) -> None:
    """`_casualties_from_sources` from other articles' aggregated figures and this article's own."""
    fatalities = [v for v in (others.get("low"), others.get("high")) if v is not None]
    if isinstance(mine.get("fatalities"), int):
        fatalities.append(mine["fatalities"])
    best = max(fatalities) if fatalities else None
    disagree = len(set(fatalities)) > 1
    incident.fatalities_low = min(fatalities) if disagree else None
    incident.fatalities, incident.fatalities_high = best, (best if disagree else None)
    for field in ("injured", "missing"):
        values = [v for v in (others.get(field), mine.get(field)) if isinstance(v, int)]
        setattr(incident, field, max(values) if values else None)


def incident_record_withdrawal(*, article: Article, incident_ids: Iterable[int]) -> list[int]:
    """A re-read article no longer reports these incidents (a place was added, extraction improved): its source
    links go. An incident left with no source is deleted with a tombstone; one with other sources gets its casualty
    range back from them. A curator-locked incident keeps the link. Returns the ids of deleted incidents."""
    deleted = []
    for incident in Incident.objects.select_for_update().filter(pk__in=list(incident_ids)).order_by("pk"):
        if incident.curator_locked:
            continue
        IncidentSource.objects.filter(incident=incident, article=article).delete()
        if not IncidentSource.objects.filter(incident=incident).exists():
            IncidentRemoval.objects.create(incident_id=incident.pk, reason=IncidentRemoval.Reason.DELETED)
            incident._change_reason = f"withdrawn: article {article.pk} no longer reports it"
            deleted.append(incident.pk)
            incident.delete()
            continue
        _casualties_from_sources(incident)
        incident._change_reason = f"article {article.pk} no longer reports it"
        incident.save()
        incident_refresh_search(incident_ids=[incident.pk])
    return deleted
