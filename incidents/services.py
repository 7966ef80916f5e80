"""Every write to the domain: keyword-only, typed functions, each in one transaction (HackSoft style)."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urldefrag

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, models, transaction
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from .models import Article, Incident, IncidentActor, IncidentRemoval, IncidentSource, Place

# --- Curation (curation engineer): edits, review status, merges, search refresh, gazetteer saves -------------------

_PRECISION_RANK = {
    Incident.DatePrecision.DAY: 0,
    Incident.DatePrecision.WEEK: 1,
    Incident.DatePrecision.MONTH: 2,
    Incident.DatePrecision.YEAR: 3,
}
# Fields a curator may set through incident_update; the rest are derived or belong to the pipeline.
_CURATOR_FIELDS = frozenset(
    {
        "event_type",
        "sub_event_type",
        "date",
        "date_precision",
        "place",
        "point",
        "geo_precision",
        "country",
        "admin1",
        "location_name",
        "fatalities_low",
        "fatalities",
        "fatalities_high",
        "injured",
        "missing",
        "summary",
        "status",
        "curator_locked",
    }
)


def _save_with_history(instance: models.Model, *, user, reason: str, **save_kwargs) -> None:
    # django-simple-history reads these two attributes when it writes the historical row.
    instance._history_user = user
    instance._change_reason = reason[:100]
    try:
        instance.save(**save_kwargs)
    finally:
        del instance._history_user
        del instance._change_reason


def _sync_place_fields(incident: Incident, place: Place | None, *, move_point: bool) -> None:
    if place is None:
        return
    if move_point:
        incident.point = place.point
    incident.country = place.country
    incident.admin1 = place.admin1
    incident.location_name = place.name


def incident_update(*, incident: Incident, user, reason: str = "", **changes) -> Incident:
    """Apply a curator's edit: validated, recorded in history with the user, and locked against re-extraction.

    A new place carries its point, country, province and name unless the same edit sets them. Setting the status to
    rejected writes a tombstone. Also saves a new (unsaved) incident a curator creates by hand.
    """
    unknown = set(changes) - _CURATOR_FIELDS
    if unknown:
        raise ValidationError(f"Not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        old_status = None
        if incident.pk is not None:
            old_status = (
                Incident.objects.select_for_update().filter(pk=incident.pk).values_list("status", flat=True).get()
            )
        for field, value in changes.items():
            setattr(incident, field, value)
        if "place" in changes:
            place = changes["place"]
            _sync_place_fields(incident, place, move_point="point" not in changes)
            for field in ("country", "admin1", "location_name"):
                if field in changes:
                    setattr(incident, field, changes[field])
        elif incident.point is None and incident.place_id is not None:
            incident.point = incident.place.point
        if "curator_locked" not in changes:
            incident.curator_locked = True
        incident.full_clean(exclude=["search_vector"])
        if not reason:
            verb = "created" if incident.pk is None else "edited"
            reason = f"{verb}: {', '.join(sorted(changes))}" if changes else verb
        _save_with_history(incident, user=user, reason=reason)
        if incident.status == Incident.Status.REJECTED and old_status != Incident.Status.REJECTED:
            IncidentRemoval.objects.create(incident_id=incident.pk, reason=IncidentRemoval.Reason.REJECTED)
        if old_status is None or {"summary"} & set(changes):
            incident_refresh_search(incident_ids=[incident.pk])
    return incident


def incident_set_status(*, incidents: Iterable[Incident | int] | QuerySet, status: str, user) -> int:
    """Verify, reject or reopen incidents in bulk; returns how many changed. Rejecting writes a tombstone."""
    if status not in Incident.Status.values:
        raise ValidationError(f"Unknown status {status!r}; expected one of {', '.join(Incident.Status.values)}")
    if isinstance(incidents, QuerySet):
        ids = list(incidents.values_list("pk", flat=True))
    else:
        ids = [item.pk if isinstance(item, Incident) else int(item) for item in incidents]
    with transaction.atomic():
        # Locked in pk order so that two curators' overlapping bulk actions cannot deadlock.
        locked = list(Incident.objects.select_for_update().filter(pk__in=ids).exclude(status=status).order_by("pk"))
        now = timezone.now()
        for incident in locked:
            incident._change_reason = f"status: {incident.status} -> {status}"
            incident.status = status
            if status != Incident.Status.UNREVIEWED:
                incident.curator_locked = True
            incident.updated_at = now
        # Every row gets the same values: one UPDATE, then the history rows in batches, so that "select all" on a
        # big filtered list stays one quick request.
        changes = {"status": status, "updated_at": now}
        if status != Incident.Status.UNREVIEWED:
            changes["curator_locked"] = True
        Incident.objects.filter(pk__in=[i.pk for i in locked]).update(**changes)
        Incident.history.bulk_history_create(locked, batch_size=1000, update=True, default_user=user, default_date=now)
        if status == Incident.Status.REJECTED:
            IncidentRemoval.objects.bulk_create(
                [IncidentRemoval(incident_id=i.pk, reason=IncidentRemoval.Reason.REJECTED) for i in locked],
                batch_size=1000,
            )
    return len(locked)


def _fold_evidence(kept: str, extra: str) -> str:
    if not extra.strip() or extra.strip() in kept:
        return kept
    return f"{kept}\n{extra}".strip() if kept.strip() else extra


def _combine_fatalities(incidents: list[Incident]) -> tuple[int | None, int | None, int | None]:
    """UCDP-style low / best / high across reports: the widest range and the highest best estimate.

    Death tolls of one incident rise as bodies are found, so the highest best estimate is the most recent.
    """
    bests = [i.fatalities for i in incidents if i.fatalities is not None]
    lows = [i.fatalities_low for i in incidents if i.fatalities_low is not None]
    highs = [i.fatalities_high for i in incidents if i.fatalities_high is not None]
    best = max(bests) if bests else None
    disagree = len(set(bests)) > 1
    low = min(lows + bests) if lows or disagree else None
    high = max(highs + bests) if highs or disagree else None
    return low, best, high


def incident_merge(*, keep: Incident, drop: list[Incident], user) -> Incident:
    """Fold duplicate reports into `keep`: every source (evidence folded per article), every actor link, the earliest
    date, the widest casualty range; the dropped incidents are deleted (their history stays) and tombstoned."""
    drop_ids = sorted({d.pk for d in drop})
    if not drop_ids:
        raise ValidationError("Choose at least one incident to merge into the kept one.")
    if keep.pk in drop_ids:
        raise ValidationError(f"Incident #{keep.pk} cannot be merged into itself.")
    with transaction.atomic():
        locked = {
            i.pk: i for i in Incident.objects.select_for_update().filter(pk__in=[keep.pk, *drop_ids]).order_by("pk")
        }
        missing = [pk for pk in [keep.pk, *drop_ids] if pk not in locked]
        if missing:
            raise ValidationError(f"Incidents no longer exist: {', '.join(f'#{pk}' for pk in missing)}")
        target = locked[keep.pk]
        dropped = [locked[pk] for pk in drop_ids]
        everyone = [target, *dropped]

        kept_sources = {s.article_id: s for s in IncidentSource.objects.filter(incident=target)}
        for source in IncidentSource.objects.filter(incident_id__in=drop_ids).order_by("created_at", "pk"):
            same = kept_sources.get(source.article_id)
            if same is None:
                source.incident = target
                source.save(update_fields=["incident"])
                kept_sources[source.article_id] = source
            else:
                same.evidence = _fold_evidence(same.evidence, source.evidence)
                same.extracted = same.extracted or source.extracted
                same.save(update_fields=["evidence", "extracted"])
                source.delete()

        kept_actors = set(IncidentActor.objects.filter(incident=target).values_list("actor_id", "role"))
        for link in IncidentActor.objects.filter(incident_id__in=drop_ids).order_by("pk"):
            if (link.actor_id, link.role) in kept_actors:
                link.delete()
            else:
                link.incident = target
                link.save(update_fields=["incident"])
                kept_actors.add((link.actor_id, link.role))

        earliest = min(everyone, key=lambda i: (i.date, _PRECISION_RANK.get(i.date_precision, 9)))
        target.date, target.date_precision = earliest.date, earliest.date_precision
        target.fatalities_low, target.fatalities, target.fatalities_high = _combine_fatalities(everyone)
        for field in ("injured", "missing"):
            values = [getattr(i, field) for i in everyone if getattr(i, field) is not None]
            setattr(target, field, max(values) if values else None)
        if target.place_id is None:
            placed = next((d for d in dropped if d.place_id is not None), None)
            if placed is not None:
                target.place, target.geo_precision = placed.place, placed.geo_precision
                target.point = placed.point or placed.place.point
                _sync_place_fields(target, placed.place, move_point=False)
        if not target.summary.strip():
            target.summary = next((d.summary for d in dropped if d.summary.strip()), "")
        if any(i.status == Incident.Status.VERIFIED for i in everyone):
            target.status = Incident.Status.VERIFIED
        target.curator_locked = True
        reason = f"merged {', '.join(f'#{pk}' for pk in drop_ids)} into #{target.pk}"
        _save_with_history(target, user=user, reason=reason)

        for incident in dropped:
            IncidentRemoval.objects.create(
                incident_id=incident.pk, reason=IncidentRemoval.Reason.MERGED, merged_into_id=target.pk
            )
            incident._history_user = user
            incident._change_reason = reason[:100]
            incident.delete()
        incident_refresh_search(incident_ids=[target.pk])
    keep.refresh_from_db()
    return keep


def incident_refresh_search(*, incident_ids: list[int]) -> None:
    """Rebuild the English full-text vector from the summary (weight A) and every source's evidence (weight B)."""
    if not incident_ids:
        return
    evidence = (
        IncidentSource.objects.filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        .annotate(text=StringAgg("evidence", delimiter="\n"))
        .values("text")
    )
    Incident.objects.filter(pk__in=incident_ids).update(
        search_vector=SearchVector("summary", weight="A", config="english")
        + SearchVector(
            Coalesce(Subquery(evidence), Value(""), output_field=models.TextField()), weight="B", config="english"
        )
    )


def place_save(*, place: Place) -> Place:
    """Save a gazetteer entry with fresh search names; incidents that sat on its old point move with it."""
    with transaction.atomic():
        old_point = None
        if place.pk is not None:
            old_point = Place.objects.filter(pk=place.pk).values_list("point", flat=True).first()
        if not place.external_id and place.origin == Place.Origin.CURATED:
            place.external_id = _curated_place_key(place)
        place.refresh_search_names()
        place.full_clean(exclude=["search_names"])
        place.save()
        if old_point is not None and not old_point.equals_exact(place.point, tolerance=1e-9):
            # Only incidents still on the place's old point follow; a point a curator moved by hand stays.
            Incident.objects.filter(place=place, point=old_point).update(point=place.point, updated_at=timezone.now())
        Incident.objects.filter(place=place).exclude(country=place.country, admin1=place.admin1).update(
            country=place.country, admin1=place.admin1, updated_at=timezone.now()
        )
        # A name articles used but the gazetteer lacked: those articles are read again with the new place.
        unresolved_place_resolve(place=place)
    return place


def _curated_place_key(place: Place) -> str:
    base = slugify(f"{place.country}-{place.name}")[:90] or "place"
    key, n = base, 1
    while Place.objects.filter(origin=place.origin, external_id=key).exclude(pk=place.pk).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def actor_save(*, actor: Actor) -> Actor:
    """Save an actor with fresh normalised search names (its aliases are how extraction finds it)."""
    actor.refresh_search_names()
    actor.full_clean(exclude=["search_names"])
    actor.save()
    return actor


# --- Article submission (API engineer): articles sent by tools through POST /api/v1/articles/ ---------------------

_HASH_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def _article_text_hash(text: str) -> str:
    # The same folding as ingest.text.content_hash, so a pasted copy of a fetched article dedupes against it.
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_HASH_QUOTES)
    return hashlib.sha256(re.sub(r"\s+", " ", folded).strip().encode("utf-8")).hexdigest()


def _queue_article(article_id: int) -> None:
    from config.celery_app import app as celery_app

    try:
        # By name: the domain does not import ingest; the ingest worker registers this task.
        celery_app.send_task("ingest.tasks.process_article", args=[article_id])
    except Exception as exc:  # a broker outage must not turn a stored submission into a 500
        logging.getLogger(__name__).error("Could not queue article %s: %s", article_id, exc)
        Article.objects.filter(pk=article_id).update(error=f"Could not queue for ingest: {exc}"[:1000])


def article_submit(*, url: str | None = None, title: str = "", text: str = "", user) -> Article:
    """Store an article sent by a tool and queue it for ingest once the transaction commits.

    The same URL or the same text (folded for case, quotes and spacing) returns the article already stored; one that
    had failed is queued again.
    """
    url = urldefrag((url or "").strip()).url
    text = (text or "").strip()
    title = (title or "").strip()[:1000]
    if not url and not text:
        raise ValidationError("Give the article's URL or its text.")
    if url:
        URLValidator(schemes=["http", "https"], message="Enter a valid http(s) URL.")(url)
        if len(url) > 2000:
            raise ValidationError("The URL is longer than 2,000 characters.")
    content_hash = _article_text_hash(text) if text else None

    def existing() -> Article | None:
        found = Article.objects.filter(url=url).first() if url else None
        if found is None and content_hash:
            found = Article.objects.filter(content_hash=content_hash).first()
        return found

    with transaction.atomic():
        article = existing()
        if article is None:
            try:
                with transaction.atomic():
                    article = Article.objects.create(
                        url=url, title=title, text=text, content_hash=content_hash, status=Article.Status.QUEUED
                    )
            except IntegrityError:
                # Another request stored the same URL or text between our look-up and insert.
                article = existing()
                if article is None:
                    raise
                return article
        elif article.status == Article.Status.FAILED:
            article.status, article.error = Article.Status.QUEUED, ""
            article.save(update_fields=["status", "error", "updated_at"])
        else:
            return article
        article_id = article.pk
        transaction.on_commit(lambda: _queue_article(article_id))
    return article


# --- Ingest (ingest engineer): articles, extraction results, unresolved place names, source polls ------------------
# The pipeline itself lives in ingest/; these are the only writes it makes to the domain.

import datetime as _dt  # noqa: E402
import logging as _logging  # noqa: E402

from django.conf import settings as _settings  # noqa: E402
from django.db import IntegrityError as _IntegrityError  # noqa: E402
from django.db.models import F as _F  # noqa: E402
from django.db.models import Q as _Q  # noqa: E402

from .models import Actor, Source, UnresolvedPlace  # noqa: E402
from .text import normalize_name  # noqa: E402

_ingest_log = _logging.getLogger("incidents.ingest")


def _as_utc_datetime(value: _dt.date | _dt.datetime | None) -> _dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=_dt.UTC)
    return _dt.datetime(value.year, value.month, value.day, tzinfo=_dt.UTC)


def _article_lookup(*, url: str, content_hash: str | None) -> Article | None:
    found = Article.objects.filter(url=url).first() if url else None
    if found is None and content_hash:
        found = Article.objects.filter(content_hash=content_hash).first()
    return found


def article_create_or_get(
    *,
    url: str = "",
    title: str = "",
    text: str = "",
    published: _dt.date | _dt.datetime | None = None,
    source: Source | None = None,
    content_hash: str | None = None,
) -> tuple[Article, bool]:
    """One article per canonical URL and per content hash: returns (article, created).

    `url` must already be canonical and `content_hash` computed over the body (ingest.text.content_hash).
    """
    existing = _article_lookup(url=url, content_hash=content_hash)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            article = Article.objects.create(
                url=url,
                title=title[:1000],
                text=text,
                content_hash=content_hash or None,
                published=_as_utc_datetime(published),
                source=source,
                fetched_at=timezone.now() if text else None,
                status=Article.Status.QUEUED,
            )
        return article, True
    except _IntegrityError:
        # Another worker stored the same URL or content between the look-up and the insert.
        existing = _article_lookup(url=url, content_hash=content_hash)
        if existing is None:
            raise
        return existing, False


def article_claim(*, article_id: int, force: bool = False) -> bool:
    """Take an article for processing with one conditional UPDATE, so two workers never process it at once.

    A claim is a lease (ARTICLE_CLAIM_LEASE_SECONDS, the task's hard time limit): one older than that belongs to a
    worker that died, and may be taken again.
    """
    statuses = [Article.Status.QUEUED, Article.Status.FETCHED]
    if force:
        statuses += [Article.Status.PROCESSED, Article.Status.FAILED]
    now = timezone.now()
    stale = now - _dt.timedelta(seconds=article_claim_lease_seconds())
    claimed = (
        Article.objects.filter(pk=article_id)
        .filter(_Q(status__in=statuses) | _Q(status=Article.Status.PROCESSING, updated_at__lt=stale))
        .update(status=Article.Status.PROCESSING, attempts=_F("attempts") + 1, updated_at=now)
    )
    return claimed == 1


def article_claim_lease_seconds() -> float:
    return float(getattr(_settings, "ARTICLE_CLAIM_LEASE_SECONDS", None) or _settings.CELERY_TASK_TIME_LIMIT)


def article_claim_expiry(*, article_id: int) -> _dt.datetime | None:
    """When another worker's claim on this article lapses, or None if it is not being processed."""
    claimed_at = (
        Article.objects.filter(pk=article_id, status=Article.Status.PROCESSING)
        .values_list("updated_at", flat=True)
        .first()
    )
    return claimed_at + _dt.timedelta(seconds=article_claim_lease_seconds()) if claimed_at else None


def article_recover_stale(*, max_attempts: int) -> tuple[list[int], list[int]]:
    """Articles whose claim lapsed (their worker was killed, or its task hit the hard time limit and was acked):
    returns (ids put back in the queue, ids marked failed because they were claimed `max_attempts` times already,
    so that an article that kills its worker does not do so forever). The caller queues the first list."""
    stale = timezone.now() - _dt.timedelta(seconds=article_claim_lease_seconds())
    lapsed = Article.objects.filter(status=Article.Status.PROCESSING, updated_at__lt=stale)
    failed = list(lapsed.filter(attempts__gte=max_attempts).order_by("pk").values_list("pk", flat=True))
    if failed:
        Article.objects.filter(pk__in=failed, status=Article.Status.PROCESSING).update(
            status=Article.Status.FAILED,
            error=f"Its worker stopped (killed or out of time) on each of {max_attempts} attempts",
            updated_at=timezone.now(),
        )
    requeued = list(lapsed.filter(attempts__lt=max_attempts).order_by("pk").values_list("pk", flat=True))
    if requeued:
        Article.objects.filter(pk__in=requeued, status=Article.Status.PROCESSING, updated_at__lt=stale).update(
            status=Article.Status.QUEUED, updated_at=timezone.now()
        )
    return requeued, failed


def article_save_text(
    *,
    article: Article,
    title: str,
    text: str,
    content_hash: str,
    published: _dt.date | _dt.datetime | None = None,
    final_url: str = "",
) -> Article | None:
    """Store an article's fetched (or cleaned) text. Returns None when the text is a copy of another article's:
    the placeholder row is then deleted, so that one story is one article."""
    with transaction.atomic():
        duplicate = Article.objects.filter(content_hash=content_hash).exclude(pk=article.pk).first()
        if duplicate is not None:
            _ingest_log.info("Article %s is a copy of article %s; dropped", article.pk, duplicate.pk)
            article.delete()
            return None
        article.text = text
        article.content_hash = content_hash
        article.title = article.title or title[:1000]
        article.published = article.published or _as_utc_datetime(published)
        article.fetched_at = timezone.now()
        fields = ["text", "content_hash", "title", "published", "fetched_at", "updated_at"]
        if final_url and final_url != article.url and not Article.objects.filter(url=final_url).exists():
            article.url = final_url
            fields.append("url")
        article.save(update_fields=fields)
    return article


def article_set_metadata(*, article: Article, published: _dt.date | _dt.datetime | None = None, url: str = "") -> bool:
    """Publisher metadata known apart from the text (a manifest beside saved copies): the publication date is stored
    when it differs, a URL only when the article has none and no other article holds it. A changed date queues the
    article to be read again, since it dates what the text leaves undated. Returns True when it was queued."""
    changes = {}
    published = _as_utc_datetime(published)
    if published is not None and article.published != published:
        changes["published"] = published
    if url and not article.url and not Article.objects.filter(url=url).exclude(pk=article.pk).exists():
        changes["url"] = url
    if not changes:
        return False
    requeue = "published" in changes and article.status != Article.Status.PROCESSING
    if requeue:
        changes["status"] = Article.Status.QUEUED
    Article.objects.filter(pk=article.pk).update(**changes, updated_at=timezone.now())
    for field, value in changes.items():
        setattr(article, field, value)
    return requeue


def article_mark_processed(*, article_id: int, note: str = "") -> None:
    """Done; `note` keeps what was read but not recorded (an incident without a date), for a curator to see."""
    Article.objects.filter(pk=article_id).update(
        status=Article.Status.PROCESSED, error=note[:5000], processed_at=timezone.now(), updated_at=timezone.now()
    )


def article_mark_failed(*, article_id: int, error: str, will_retry: bool = False) -> None:
    """Record why an article failed; one that will be retried goes back to queued with the error kept."""
    status = Article.Status.QUEUED if will_retry else Article.Status.FAILED
    Article.objects.filter(pk=article_id).update(status=status, error=error[:5000], updated_at=timezone.now())


def article_requeue(*, article_ids: Iterable[int]) -> list[int]:
    """Queue articles again (a curator's retry, or a newly added place); one being processed is left alone."""
    ids = list(
        Article.objects.filter(pk__in=list(article_ids))
        .exclude(status=Article.Status.PROCESSING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        Article.objects.filter(pk__in=ids).update(status=Article.Status.QUEUED, error="", updated_at=timezone.now())

        def send() -> None:
            from config.celery_app import app as celery_app

            for article_id in ids:
                # By name: the domain does not import ingest. force: the article may have been processed before.
                celery_app.send_task("ingest.tasks.process_article", args=[article_id], kwargs={"force": True})

        transaction.on_commit(send)
    return ids


def _json_value(value):
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Place):
        return value.pk
    return value


def _casualties_from_sources(incident: Incident) -> None:
    """Low / best / high across every source's own figures, so re-reading an article changes nothing."""
    extracted = list(IncidentSource.objects.filter(incident=incident).values_list("extracted", flat=True))
    reported = [e.get("fatalities") for e in extracted if isinstance(e.get("fatalities"), int)]
    reports = [Incident(fatalities=value) for value in reported]
    incident.fatalities_low, incident.fatalities, incident.fatalities_high = _combine_fatalities(reports)
    for field in ("injured", "missing"):
        values = [e.get(field) for e in extracted if isinstance(e.get(field), int)]
        setattr(incident, field, max(values) if values else None)


def _recorded_values(incident: Incident) -> tuple:
    fields = ("fatalities_low", "fatalities", "fatalities_high", "injured", "missing", "place_id", "geo_precision",
              "date", "date_precision")  # fmt: skip
    return tuple(getattr(incident, field) for field in fields)


_PRECISION_ORDER = ["day", "week", "month", "year"]
_GEO_PRECISION_ORDER = ["exact", "near", "admin", "country"]


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
            folded = _fold_evidence(link.evidence, evidence)
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
            geo_rank = _GEO_PRECISION_ORDER.index
            new_geo = values.get("geo_precision") or Incident.GeoPrecision.EXACT
            if place is not None and (
                incident.place_id is None
                or (new_geo in _GEO_PRECISION_ORDER and geo_rank(new_geo) < geo_rank(incident.geo_precision))
            ):
                incident.place, incident.point, incident.geo_precision = place, place.point, new_geo
                _sync_place_fields(incident, place, move_point=False)
            new_precision = values.get("date_precision") or "day"
            if new_precision in _PRECISION_ORDER and _PRECISION_ORDER.index(new_precision) < _PRECISION_ORDER.index(
                incident.date_precision
            ):
                incident.date, incident.date_precision = values["date"], new_precision
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


def unresolved_place_record(*, article: Article, name: str, sentence: str) -> UnresolvedPlace | None:
    """Count a place name the gazetteer lacks, once per article, keeping an example sentence."""
    normalized = normalize_name(name)
    if not normalized:
        return None
    try:
        with transaction.atomic():
            unresolved, _ = UnresolvedPlace.objects.get_or_create(
                normalized=normalized[:200], defaults={"name": name[:200], "example": sentence}
            )
    except _IntegrityError:
        unresolved = UnresolvedPlace.objects.get(normalized=normalized[:200])
    if not unresolved.articles.filter(pk=article.pk).exists():
        unresolved.articles.add(article)
        UnresolvedPlace.objects.filter(pk=unresolved.pk).update(mention_count=_F("mention_count") + 1)
        if not unresolved.example:
            UnresolvedPlace.objects.filter(pk=unresolved.pk).update(example=sentence)
    return unresolved


def unresolved_place_resolve(*, place: Place) -> list[int]:
    """A curator added (or renamed) `place`: unresolved names it answers are marked resolved and the articles that
    named them are queued again, so their incidents get the new place. Returns the requeued article ids."""
    names = {normalize_name(n) for n in place.all_names()} - {""}
    matches = UnresolvedPlace.objects.filter(normalized__in=names, resolved_place__isnull=True)
    article_ids = set(Article.objects.filter(unresolved_places__in=matches).values_list("pk", flat=True))
    matches.update(resolved_place=place)
    return article_requeue(article_ids=article_ids) if article_ids else []


def source_claim_poll(*, source_id: int, force: bool = False) -> bool:
    """Take a source for polling with one conditional UPDATE: a due source is polled once however many ticks fire."""
    now = timezone.now()
    due = _Q(last_polled_at__isnull=True)
    if force:
        due |= _Q(last_polled_at__lt=now - _dt.timedelta(seconds=5))
    else:
        due |= _Q(last_polled_at__lte=now - _dt.timedelta(minutes=1) * _F("poll_interval_minutes"))
    return Source.objects.filter(pk=source_id, active=True).filter(due).update(last_polled_at=now) == 1 or (
        force and Source.objects.filter(pk=source_id).filter(due).update(last_polled_at=now) == 1
    )


def source_record_poll(
    *,
    source_id: int,
    error: str = "",
    warning: str = "",
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """The outcome of one poll: validators for the next conditional GET, or the error and the failure count.

    A `warning` (a malformed feed that still gave its items) is shown as the last error but is not a failure."""
    if error:
        Source.objects.filter(pk=source_id).update(last_error=error[:5000], error_count=_F("error_count") + 1)
        return
    changes = {"last_error": warning[:5000], "error_count": 0, "last_success_at": timezone.now()}
    if etag is not None:
        changes["etag"] = etag[:500]
    if last_modified is not None:
        changes["last_modified"] = last_modified[:100]
    Source.objects.filter(pk=source_id).update(**changes)


# --- Gazetteer loading (gazetteer engineer): idempotent bulk upsert of Place rows on (origin, external_id) -----------

PLACE_LOAD_FIELDS = (
    "name",
    "ascii_name",
    "alternate_names",
    "country",
    "admin1",
    "admin2",
    "kind",
    "feature_class",
    "feature_code",
    "population",
    "geonames_id",
    "coord_note",
    "point",
)


def place_upsert_many(*, records: Iterable, batch_size: int = 1000, progress: bool = False) -> dict[str, int]:
    """Create or update Place rows from incidents.gazetteer.PlaceRecord values, keyed on (origin, external_id).

    Rows whose values already match are not written, so a second load changes nothing and adds no history. A row a
    curator edited (its latest history entry has a user) is left as the curator made it. Returns the counts of
    created, updated, unchanged and curator_kept rows.
    """
    from django.contrib.gis.geos import Point
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history
    from tqdm import tqdm

    records = list(records)
    existing = {(p.origin, p.external_id): p for p in Place.objects.filter(origin__in={r.origin for r in records})}
    to_create: list[Place] = []
    changed: list[Place] = []
    unchanged = 0
    for record in tqdm(records, desc="places", unit="place", disable=not progress, leave=False):
        values = {field: getattr(record, field) for field in PLACE_LOAD_FIELDS if field != "point"}
        point = Point(record.lon, record.lat, srid=4326)
        place = existing.get((record.origin, record.external_id))
        if place is None:
            place = Place(origin=record.origin, external_id=record.external_id, point=point, **values)
            place.refresh_search_names()
            to_create.append(place)
            continue
        same_point = round(place.point.x, 6) == record.lon and round(place.point.y, 6) == record.lat
        if same_point and all(getattr(place, field) == value for field, value in values.items()):
            unchanged += 1
            continue
        for field, value in values.items():
            setattr(place, field, value)
        place.point = point
        changed.append(place)

    curated_ids: set[int] = set()
    if changed:
        latest = (
            Place.history.filter(id__in=[p.pk for p in changed])
            .order_by("id", "-history_date", "-history_id")
            .distinct("id")
            .values_list("id", "history_user_id")
        )
        curated_ids = {pk for pk, user_id in latest if user_id is not None}
    to_update = [p for p in changed if p.pk not in curated_ids]
    now = timezone.now()
    for place in to_update:
        place.refresh_search_names()
        place.updated_at = now
    with transaction.atomic():
        if to_create:
            bulk_create_with_history(to_create, Place, batch_size=batch_size, default_change_reason="load_gazetteer")
        if to_update:
            bulk_update_with_history(
                to_update,
                Place,
                fields=[*PLACE_LOAD_FIELDS, "search_names", "updated_at"],
                batch_size=batch_size,
                default_change_reason="load_gazetteer",
            )
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": unchanged,
        "curator_kept": len(curated_ids),
    }


# --- Scale (performance engineer): upkeep of the trigger-kept timeline summary ---------------------------------------


def incident_stats_compact() -> int:
    """Fold the timeline and cluster summaries' pending deltas into their tables; returns the cells folded.

    Safe to run at any time and concurrently: each delta row is deleted by exactly one run. Readers add pending
    deltas themselves, so this only keeps the delta table (read by every timeline request) small.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT incidents_daily_stat_compact()")
        moved = int(cursor.fetchone()[0] or 0)
        if moved and not connection.in_atomic_block:
            # The folded deltas are dead rows that every timeline request would still scan (a 200 MB empty delta
            # table cost 150 ms a request at 1M incidents) until a vacuum, and autovacuum may be off or late.
            cursor.execute(
                "VACUUM (ANALYZE) incidents_daily_stat_delta, incidents_daily_stat, incidents_monthly_stat, "
                "incidents_monthly_country_stat, incidents_cluster_stat_delta, incidents_cluster_stat"
            )
        return moved
