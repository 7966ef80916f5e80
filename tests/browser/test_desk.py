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
