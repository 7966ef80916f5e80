"""Admin's map widget: the offline base (outlines and place names) and the point as numbers a curator can type."""

import json

import pytest
from django.contrib.gis.geos import Point

from incidents.models import Incident
from tests import factories as f

from .test_accessibility import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_map_widget_shows_the_offline_base_and_takes_the_point_as_numbers(page):
    place = f.PlaceFactory(name="Kirkuk", admin1="Kirkuk", population=850_000, point=Point(44.39, 35.47, srid=4326))
    incident = f.IncidentFactory(place=place)
    log_in(page)
    page.goto(f"/admin/incidents/incident/{incident.pk}/change/")
    lat, lng = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    lat.wait_for()
    assert (lat.input_value(), lng.input_value()) == ("35.47000", "44.39000")
    page.wait_for_function("document.querySelectorAll('.leaflet-container .place-label').length >= 1")
    assert page.locator(".leaflet-container path.leaflet-interactive, .leaflet-container svg path").count() > 0

    lat.fill("35.3300")
    lng.fill("44.3400")
    lng.press("Tab")
    page.wait_for_function("JSON.parse(document.getElementById('id_point').value).coordinates[1] === 35.33")
    assert json.loads(page.locator("#id_point").input_value())["coordinates"] == [44.34, 35.33]
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/incidents/incident/")
    saved = Incident.objects.get(pk=incident.pk).point
    assert (round(saved.x, 4), round(saved.y, 4)) == (44.34, 35.33)
