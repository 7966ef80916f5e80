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


# What a gazetteer entry is, in the words a desk editor uses (never a GeoNames code such as PPL).
_KIND_BY_CODE = {
    "ADM1": "province",
    "ADM2": "district",
    "ADM3": "sub-district",
    "AIRB": "air base",
    "MILB": "base",
    "INSM": "base",
    "AIRP": "airport",
    "AIRF": "airfield",
    "MT": "mountain",
    "MTS": "mountains",
    "STM": "river",
    "DAM": "dam",
    "BDG": "bridge",
    "PSTB": "border crossing",
    "PPLX": "neighbourhood",
}
# Provinces and districts are areas: an incident can be "inside" one.
AREA_CODES = frozenset({"ADM1", "ADM2"})
CITY_POPULATION = 100_000
TOWN_POPULATION = 10_000


def place_kind(place: Place) -> str:
    """ "province", "district", "city", "town", "village", "base"...: what the entry is, for suggestions and lists."""
    code = (place.feature_code or "").upper()
    if code in _KIND_BY_CODE:
        return _KIND_BY_CODE[code]
    if place.kind == Place.Kind.ADMIN_AREA:
        return "area"
    if place.kind == Place.Kind.FEATURE:
        return "site"
    if code in {"PPLC", "PPLA"} or (place.population or 0) >= CITY_POPULATION:
        return "city"
    if (place.population or 0) >= TOWN_POPULATION or code == "PPLA2":
        return "town"
    return "village"


def place_is_area(place: Place) -> bool:
    return (place.feature_code or "").upper() in AREA_CODES


def place_label(place: Place) -> str:
    """ "Kirkuk — city, Kirkuk province, Iraq": unique enough to tell the city from the province of the same name."""
    from ..countries import country_name

    kind = place_kind(place)
    country = country_name(place.country) if place.country else ""
    if kind == "province":
        where = [country]
    elif kind in {"district", "sub-district"}:
        where = [f"{place.admin1} province" if place.admin1 else "", country]
    else:
        where = [
            place.admin2 and place.admin2 != place.name and f"{place.admin2} district",
            f"{place.admin1} province" if place.admin1 else "",
            country,
        ]
    return f"{place.name} — {', '.join([kind, *[w for w in where if w]])}"


def place_suggestions(*, q: str, limit: int = 10) -> list[Place]:
    """Places named `q` for a picker: one entry per label (the gazetteer may hold a province twice, from ISO 3166-2
    and from GeoNames), each carrying `.kind_label` and `.label`."""
    seen: dict[str, Place] = {}
    for place in place_search(q=q, limit=limit * 3):
        label = place_label(place)
        if label in seen:
            continue
        place.kind_label = place_kind(place)
        place.label = label
        seen[label] = place
        if len(seen) >= limit:
            break
    return list(seen.values())


def place_ids_for_spelling(term: str, *, limit: int = 200) -> list[int]:
    """Every place that any spelling of `term` names, and the entries sharing a name with them: "Hawler" names the
    city of Erbil, whose name also names the province of Erbil."""
    name = normalize_name(term or "")
    if not name:
        return []
    variants = _place_name_variants(name)
    named = list(Place.objects.filter(search_names__overlap=variants).values_list("pk", "search_names")[:limit])
    if not named:
        return []
    spellings = sorted({s for _, names in named for s in names})
    family = Place.objects.filter(search_names__overlap=spellings).values_list("pk", flat=True)[:limit]
    return sorted({pk for pk, _ in named} | set(family))


# Which places a base map names at each zoom: provinces always, then cities, towns and villages as it zooms in.
LABEL_LIMIT = 400


def label_rank(place: Place) -> int:
    """0 province, 1 city, 2 town, 3 village or other site: the order in which a map names them."""
    kind = place_kind(place)
    return {"province": 0, "city": 1, "town": 2}.get(kind, 3)


def label_min_population(zoom: int) -> int | None:
    """The smallest population named at a zoom; None: provinces only."""
    if zoom < 6:
        return None
    if zoom < 8:
        return CITY_POPULATION
    if zoom < 10:
        return TOWN_POPULATION
    return 0


def place_labels(*, bbox: tuple[float, float, float, float], zoom: int) -> list[dict]:
    """Place names for an offline base map of the box, largest first: {name, lon, lat, rank}."""
    from django.contrib.gis.geos import Polygon
    from django.db.models import Q

    box = Polygon.from_bbox(bbox)
    condition = Q(feature_code="ADM1")
    minimum = label_min_population(zoom)
    if minimum is not None:
        towns = Q(kind=Place.Kind.POPULATED_PLACE, point__bboverlaps=box)
        condition |= towns & (Q(population__gte=minimum) | Q(feature_code__in=["PPLC", "PPLA"])) if minimum else towns
    places = (
        Place.objects.filter(condition)
        .only("name", "point", "feature_code", "kind", "population")
        .order_by(F("population").desc(nulls_last=True), "pk")[:LABEL_LIMIT]
    )
    seen, labels = set(), []
    for place in places:
        rank = label_rank(place)
        key = (place.name, rank)
        if key in seen:
            continue
        seen.add(key)
        labels.append({"name": place.name, "lon": place.point.x, "lat": place.point.y, "rank": rank})
    return labels
