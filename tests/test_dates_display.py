"""One way to write an incident's date with its precision, the same in Python, in the API's SQL and on every page."""

import datetime as dt

import pytest

from incidents.datefmt import incident_date_label
from tests.factories import ActorFactory, IncidentFactory, PlaceFactory

# 12 April 2016 was a Tuesday: its week is the week of Monday 11 April.
CASES = [
    ("day", dt.date(2016, 4, 12), "12 April 2016"),
    ("week", dt.date(2016, 4, 12), "week of 11 April 2016"),
    ("week", dt.date(2016, 4, 11), "week of 11 April 2016"),
    ("week", dt.date(2016, 4, 17), "week of 11 April 2016"),
    ("week", dt.date(2016, 3, 2), "week of 29 February 2016"),
    ("month", dt.date(2016, 4, 1), "April 2016"),
    ("year", dt.date(2015, 1, 1), "2015"),
]


@pytest.mark.parametrize(("precision", "day", "label"), CASES)
def test_a_date_is_written_as_precisely_as_it_is_known(precision, day, label):
    assert incident_date_label(day, precision) == label


@pytest.mark.django_db
def test_the_api_writes_the_same_label_as_the_pages(api_client):
    place = PlaceFactory()
    made = {
        IncidentFactory(place=place, date=day, date_precision=precision).pk: label for precision, day, label in CASES
    }
    rows = api_client.get("/api/v1/incidents/", {"page_size": 50}).json()["results"]
    assert {row["id"]: row["date_label"] for row in rows} == made
    first = next(iter(made))
    assert api_client.get(f"/api/v1/incidents/{first}/").json()["date_label"] == made[first]
    features = api_client.get("/api/v1/incidents/", {"format": "geojson", "page_size": 50}).json()["features"]
    assert {f["id"]: f["properties"]["date_label"] for f in features} == made


@pytest.mark.django_db
def test_pages_never_write_a_month_or_a_year_as_a_day(client):
    place = PlaceFactory(name="Hit")
    actor = ActorFactory(name="Islamic State")
    by_year = IncidentFactory(place=place, date=dt.date(2015, 1, 1), date_precision="year", summary="year one")
    by_month = IncidentFactory(place=place, date=dt.date(2016, 4, 1), date_precision="month")
    by_day = IncidentFactory(place=place, date=dt.date(2015, 1, 1), date_precision="day", summary="day one")
    for incident in (by_year, by_month, by_day):
        incident.actors.add(actor, through_defaults={"role": 1})

    timeline = client.get("/timeline/").content.decode()
    assert "Thursday 1 January 2015" not in timeline
    # The exact day and the year are separate headings, the day first.
    assert timeline.index(">1 January 2015</time>") < timeline.index(">2015</time>")
    assert ">April 2016</time>" in timeline

    page = client.get(f"/incidents/{by_month.pk}/").content.decode()
    assert ">April 2016</time>" in page and "1 April 2016" not in page
    assert "April 2016 · Incident Atlas" in page

    for url in (f"/actors/{actor.pk}/", f"/places/{place.pk}/"):
        html = client.get(url).content.decode()
        assert ">2015</time>" in html and ">April 2016</time>" in html and ">1 January 2015</time>" in html
        assert "1 Apr 2016" not in html
