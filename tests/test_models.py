import pytest
from django.db import IntegrityError, transaction

from incidents.models import Incident, Place
from incidents.text import normalize_name
from tests.factories import ArticleFactory, IncidentFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def test_it_rejects_a_sub_event_type_from_another_event_type():
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(event_type="protests", sub_event_type="air_drone_strike")


def test_it_accepts_every_valid_pair():
    incident = IncidentFactory(event_type="explosions_remote_violence", sub_event_type="air_drone_strike")
    assert Incident.objects.filter(pk=incident.pk).exists()


@pytest.mark.parametrize("field", ["fatalities", "injured", "missing", "fatalities_low", "fatalities_high"])
def test_it_rejects_negative_casualties(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(**{field: -1, "fatalities": None} if field != "fatalities" else {field: -1})


def test_it_rejects_a_low_estimate_above_the_best():
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(fatalities_low=10, fatalities=5)


def test_it_rejects_a_best_estimate_above_the_high():
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(fatalities=10, fatalities_high=5)


def test_two_articles_cannot_share_a_url_but_many_may_have_none():
    ArticleFactory(url="https://example.org/a")
    ArticleFactory(url="")
    ArticleFactory(url="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(url="https://example.org/a")


def test_a_place_is_searchable_by_any_spelling_without_accents():
    place = PlaceFactory(name="Erbil", alternate_names=["Arbīl", "Hawlêr", "Irbil"])
    assert sorted(place.search_names) == ["arbil", "erbil", "hawler", "irbil"]
    assert Place.objects.filter(search_names__contains=[normalize_name("HAWLER")]).get() == place


def test_normalize_name_folds_hyphens_apostrophes_and_case():
    assert normalize_name("Al-Anbar") == "al anbar"
    assert normalize_name("Ta’mim") == "tamim"
