"""Editors' tools: country and province overviews, and the incident page's share card."""

import datetime as dt

import pytest

from incidents.models import IncidentActor
from tests.factories import ActorFactory, IncidentFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def test_a_province_overview_tabulates_types_and_tolls_per_year_with_its_top_actors(client):
    kirkuk = PlaceFactory(name="Kirkuk", admin1="Kirkuk")
    mosul = PlaceFactory(name="Mosul", admin1="Nineveh")
    isis = ActorFactory(name="Islamic State")
    for day, toll in ((dt.date(2016, 3, 1), 5), (dt.date(2016, 4, 1), 2), (dt.date(2017, 1, 1), 1)):
        made = IncidentFactory(place=kirkuk, date=day, fatalities=toll, country="IQ", admin1="Kirkuk")
        IncidentActor.objects.create(incident=made, actor=isis, role=1)
    IncidentFactory(place=mosul, date=dt.date(2016, 3, 1), fatalities=50, country="IQ", admin1="Nineveh")

    response = client.get("/overview/IQ/Kirkuk/")
    assert response.status_code == 200
    table = {row["year"]: (row["count"], row["fatalities"]) for row in response.context["table"]}
    assert table == {2016: (2, 7), 2017: (1, 1)}
    html = response.content.decode()
    assert "<h1>Kirkuk province, Iraq</h1>" in html
    assert "Islamic State</a>: 3 incidents, 8 killed" in html

    country = client.get("/overview/IQ/")
    assert {row["year"]: row["count"] for row in country.context["table"]} == {2016: 3, 2017: 1}
    assert client.get("/overview/FR/").status_code == 404
    assert "/overview/IQ/Kirkuk/" in client.get("/overview/").content.decode()


def test_an_incident_page_has_an_open_graph_share_card(client):
    incident = IncidentFactory(
        place=PlaceFactory(name="Hit", admin1="Anbar"), location_name="Hit", admin1="Anbar", country="IQ",
        date=dt.date(2016, 4, 12), date_precision="week", fatalities=4, summary="A car bomb hit a market.",
    )  # fmt: skip
    html = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert '<meta property="og:title" content="Armed clash in Hit, Anbar, Iraq, week of 11 April 2016">' in html
    assert (
        '<meta property="og:description" content="week of 11 April 2016 · Hit, Anbar, Iraq · 4 killed. '
        'A car bomb hit a market.">'
    ) in html
    assert f'<meta property="og:url" content="http://testserver/incidents/{incident.pk}/">' in html
