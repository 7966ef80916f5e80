"""Gazetteer writes: a curator's place, the bulk load of GeoNames and curated rows, and names the gazetteer lacks."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history
from tqdm import tqdm

from ..models import Article, Incident, Place, UnresolvedPlace
from ..text import normalize_name
from .articles import article_requeue


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
    except IntegrityError:
        unresolved = UnresolvedPlace.objects.get(normalized=normalized[:200])
    if not unresolved.articles.filter(pk=article.pk).exists():
        unresolved.articles.add(article)
        UnresolvedPlace.objects.filter(pk=unresolved.pk).update(mention_count=F("mention_count") + 1)
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
