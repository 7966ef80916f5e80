"""A desk editor's day in the browser: honest dates, counts that reconcile, a page that validates its own URL."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from tests import factories as f

from .conftest import wait_until_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KIRKUK = (44.39, 35.47)


def kirkuk():
    return f.PlaceFactory(name="Kirkuk", admin1="Kirkuk", point=Point(*KIRKUK, srid=4326))


def test_the_list_and_the_popup_write_a_month_as_a_month(page):
    f.IncidentFactory(place=kirkuk(), date=dt.date(2016, 4, 1), date_precision="month")
    page.goto("/")
    wait_until_settled(page)
    item = page.locator("#incident-list .incident-open").first
    assert item.locator("time").inner_text() == "April 2016"
    item.click()
    popup = page.locator(".leaflet-popup .popup-meta time")
    popup.wait_for()
    assert popup.inner_text() == "April 2016"


def test_incidents_with_no_map_point_are_listed_counted_and_exported(page):
    at = kirkuk()
    f.IncidentFactory(place=at, date=dt.date(2016, 3, 1), fatalities=10)
    f.IncidentFactory(place=at, date=dt.date(2016, 5, 1), fatalities=6)
    f.IncidentFactory(
        place=None,
        point=None,
        country="IQ",
        admin1="Kirkuk",
        geo_precision="admin",
        date=dt.date(2016, 4, 1),
        fatalities=1,
    )
    page.goto("/?date_from=2016-01-01&date_to=2016-12-31")
    wait_until_settled(page)
    assert page.locator("#incident-list li.incident").count() == 3
    nopoint = page.locator("#incident-list li.incident", has=page.locator(".badge-nopoint"))
    assert nopoint.count() == 1
    assert "Kirkuk province, Iraq" in nopoint.inner_text()
    counts = page.locator("#counts").inner_text()
    assert "2 incidents in view · 16 killed" in counts
    assert "1 incident with no map point (1 killed)" in counts
    assert page.locator("#map-unplotted").is_visible()
    assert "1 incident in this filter has no map point" in page.locator("#map-unplotted").inner_text()
    csv_link = page.locator("#export-csv").get_attribute("href")
    assert "placeless=include" in csv_link
    body = page.evaluate("async (url) => (await fetch(url)).text()", csv_link)
    assert len(body.strip().splitlines()) == 1 + 3
