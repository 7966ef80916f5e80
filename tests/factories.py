"""Model factories shared by the whole suite."""

import datetime as dt

import factory
from django.contrib.gis.geos import Point

from incidents import models


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
    point = factory.LazyFunction(lambda: Point(44.39, 35.47, srid=4326))
    origin = models.Place.Origin.CURATED
    external_id = factory.Sequence(lambda n: f"test-{n}")

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):
        obj.refresh_search_names()
        if create:
            obj.save(update_fields=["search_names"])


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
