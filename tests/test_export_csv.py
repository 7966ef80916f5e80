"""The ACLED CSV that PostgreSQL writes line by line reads back as the values stored, whatever the text holds."""

import csv
import io

import pytest

from incidents.models import IncidentActor

from .factories import ActorFactory, ArticleFactory, IncidentFactory, IncidentSourceFactory, PlaceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_quotes_commas_and_line_breaks_in_text_survive_the_export(api_client):
    place = PlaceFactory(name='Qayyarah, "the south"', admin1="Nineveh", admin2="Mosul, District")
    incident = IncidentFactory(place=place, summary='He said "a, b"\nand left.\r\nThen: ""', fatalities=None)
    IncidentActor.objects.create(incident=incident, actor=ActorFactory(name='Unit "7", east'), role=1)
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=SourceFactory(name="Rudaw, English")))
    response = api_client.get("/api/v1/incidents/", {"format": "csv"})
    [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["notes"] == 'He said "a, b"\nand left.\r\nThen: ""'
    assert row["location"] == 'Qayyarah, "the south"'
    assert (row["admin1"], row["admin2"]) == ("Nineveh", "Mosul, District")
    assert (row["actor1"], row["actor2"]) == ('Unit "7", east', "")
    assert row["source"] == "Rudaw, English"
    assert row["fatalities"] == "0"
    assert float(row["latitude"]) == pytest.approx(place.point.y, abs=1e-5)
    assert float(row["longitude"]) == pytest.approx(place.point.x, abs=1e-5)
