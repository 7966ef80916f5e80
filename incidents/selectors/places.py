"""Gazetteer reads: a place, the provinces per country, and look-up by any spelling."""

from __future__ import annotations

from django.db.models import BooleanField, Case, F, FloatField, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from ..models import Place
from ..text import normalize_name


def place_get(*, pk: int) -> Place | None:
    return Place.objects.filter(pk=pk).first()


def place_provinces() -> list[tuple[str, list[str]]]:
    """The provinces (admin1) the gazetteer knows, per country code, for the dashboard's province filter."""
    pairs = Place.objects.exclude(admin1="").values_list("country", "admin1").distinct().order_by("country", "admin1")
    provinces: dict[str, list[str]] = {}
    for country, admin1 in pairs:
        provinces.setdefault(country, []).append(admin1)
    return list(provinces.items())


_ARTICLES = ("al ", "el ", "ar ", "as ", "ash ", "at ", "ad ", "adh ", "az ", "an ", "the ")
PLACE_SIMILARITY = 0.45
# normalize_name in SQL (unaccent + the same folding), to rank entries whose own name matches above alternates.
_SQL_NORMALIZED_NAME = (
    "trim(regexp_replace(lower(unaccent(translate(incidents_place.name, '''`‘’ʿʾ', ''))), '[^a-z0-9]+', ' ', 'g'))"
)


def _place_name_variants(name: str) -> list[str]:
    """The normalised name with and without an Arabic article: "Qaim" also finds "Al Qa'im", "al-Hawija" "Hawija"."""
    variants = [name]
    for article in _ARTICLES:
        if name.startswith(article) and len(name) > len(article) + 2:
            variants.append(name[len(article) :])
            break
    else:
        variants.append(f"al {name}")
    return variants


def place_search(*, q: str, limit: int = 20) -> QuerySet[Place]:
    """Places named `q` in any spelling, case and accents ignored; the most populous first, a sliced queryset.

    Exact matches of a normalised name or alternate win (among places of equal or unknown population, those whose own
    name matches first); only when nothing matches exactly do trigram-similar names (pg_trgm) come back, closest first.
    """

    name = normalize_name(q or "")
    if not name:
        return Place.objects.none()
    variants = _place_name_variants(name)
    exact = Place.objects.filter(search_names__overlap=variants)
    if exact.exists():
        own_name = RawSQL(f"{_SQL_NORMALIZED_NAME} = ANY(%s)", (variants,), output_field=BooleanField())
        return exact.annotate(
            match_rank=Case(When(own_name, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by(F("population").desc(nulls_last=True), "match_rank", "name", "pk")[:limit]
    similarity = RawSQL(
        "(SELECT max(similarity(s, %s)) FROM unnest(incidents_place.search_names) AS s)", (name,), FloatField()
    )
    return (
        Place.objects.annotate(similarity=similarity)
        .filter(similarity__gte=PLACE_SIMILARITY)
        .order_by("-similarity", F("population").desc(nulls_last=True), "pk")[:limit]
    )
