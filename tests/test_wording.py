"""Pages speak a journalist's words: no ACLED role numbers, GeoNames codes, country codes or article ids; each
paragraph once; every source with its outlet; tolls that say what they add up."""

import pytest

from incidents.models import IncidentActor
from tests.factories import ActorFactory, ArticleFactory, IncidentFactory, IncidentSourceFactory, PlaceFactory

pytestmark = pytest.mark.django_db
EVIDENCE = "Militants attacked a checkpoint near Kirkuk on Monday, killing three soldiers."


def test_the_incident_page_names_roles_countries_and_outlets_in_words_and_says_each_thing_once(client):
    incident = IncidentFactory(place=PlaceFactory(name="Kirkuk"), country="IQ", admin1="Kirkuk", summary=EVIDENCE)
    IncidentActor.objects.create(incident=incident, actor=ActorFactory(name="Islamic State"), role=1)
    IncidentActor.objects.create(incident=incident, actor=ActorFactory(name="Iraqi Army"), role=2)
    IncidentSourceFactory(
        incident=incident,
        evidence=EVIDENCE,
        article=ArticleFactory(url="https://www.rudaw.net/english/kirkuk", title="Checkpoint attacked", text=EVIDENCE),
    )
    html = client.get(f"/incidents/{incident.pk}/").content.decode()
    for jargon in ("Actor 1", "Actor 2", "Associated", ", IQ"):
        assert jargon not in html
    assert "carried it out" in html and "on the other side" in html
    assert "Kirkuk, Iraq" in html
    assert '<span class="outlet">rudaw.net</span>' in html
    body = html.split("<main", 1)[1]
    assert body.count("killing three soldiers") == 2, "quoted once, and once inside the closed full text"
    assert "<h3>Summary</h3>" not in html


def test_the_history_names_the_article_an_incident_was_recorded_from(client):
    incident = IncidentFactory()
    link = IncidentSourceFactory(incident=incident, article=ArticleFactory(title="Bombing in Tuz"))
    incident._change_reason = f"extracted from article {link.article.pk}"
    incident.save()
    html = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "extracted from article" not in html
    assert "recorded from “Bombing in Tuz”" in html


def test_a_place_page_says_what_the_place_is_and_an_actor_page_what_its_toll_adds_up(client):
    place = PlaceFactory(name="Bashir", feature_code="PPL", population=3000)
    actor = ActorFactory(name="Peshmerga")
    for toll in (300, 50):
        IncidentActor.objects.create(incident=IncidentFactory(place=place, fatalities=toll), actor=actor, role=1)
    html = client.get(f"/places/{place.pk}/").content.decode()
    assert "(PPL)" not in html and "Populated place" not in html
    assert "Village" in html and "Iraq" in html
    actor_html = client.get(f"/actors/{actor.pk}/").content.decode()
    assert "2 incidents recorded, in which 350 people were reported killed" in actor_html
