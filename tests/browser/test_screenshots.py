"""Screenshots for the README: the dashboard (desktop and phone), an incident page, an overview page and admin's map
widget, over a small realistic data set. They land in tests/artifacts/; with ATLAS_SCREENSHOTS=1 also in docs/."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point

from incidents.models import IncidentActor
from tests import factories as f

from .conftest import ARTIFACTS, wait_until_settled
from .test_accessibility import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
TOWNS = [
    ("Kirkuk", "Kirkuk", 44.39, 35.47, 850_000),
    ("Hawija", "Kirkuk", 43.80, 35.32, 40_000),
    ("Bashir", "Kirkuk", 44.34, 35.33, 3_000),
    ("Mosul", "Nineveh", 43.13, 36.34, 1_700_000),
    ("Tikrit", "Salah ad-Din", 43.68, 34.61, 160_000),
    ("Ramadi", "Anbar", 43.30, 33.42, 270_000),
    ("Erbil", "Erbil", 44.01, 36.19, 900_000),
    ("Raqqa", "Ar-Raqqah", 39.01, 35.95, 220_000),
]
TYPES = [
    ("battles", "armed_clash"),
    ("explosions_remote_violence", "remote_explosive_landmine_ied"),
    ("explosions_remote_violence", "air_drone_strike"),
    ("violence_against_civilians", "attack"),
    ("protests", "peaceful_protest"),
]


def shoot(page, name: str, **kwargs) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"docs-{name}.png"
    page.screenshot(path=str(path), **kwargs)
    if os.environ.get("ATLAS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / f"{name}.png")


@pytest.fixture
def atlas():
    places = []
    for name, admin1, lon, lat, population in TOWNS:
        country = "SY" if name == "Raqqa" else "IQ"
        places.append(f.PlaceFactory(name=name, admin1=admin1, country=country, population=population,
                                     feature_code="PPLA" if population > 100_000 else "PPL",
                                     point=Point(lon, lat, srid=4326)))  # fmt: skip
        f.PlaceFactory(name=admin1, admin1=admin1, country=country, kind="admin_area", feature_code="ADM1",
                       point=Point(lon, lat, srid=4326))  # fmt: skip
    isis, isf = f.ActorFactory(name="Islamic State"), f.ActorFactory(name="Iraqi Security Forces")
    made = []
    for i in range(40):
        at = places[i % len(places)]
        event, sub = TYPES[i % len(TYPES)]
        incident = f.IncidentFactory(
            place=at, country=at.country, admin1=at.admin1, location_name=at.name, event_type=event,
            sub_event_type=sub, date=dt.date(2016, 1, 1) + dt.timedelta(days=9 * i), fatalities=(i * 7) % 23,
            date_precision="week" if i % 9 == 0 else "day", status="verified" if i % 3 == 0 else "unreviewed",
            summary=f"Report {i}: an attack near {at.name}, officials said.",
        )  # fmt: skip
        IncidentActor.objects.create(incident=incident, actor=isis, role=1)
        IncidentActor.objects.create(incident=incident, actor=isf, role=2)
        made.append(incident)
    f.IncidentSourceFactory(incident=made[-1])
    return made


def test_screenshots_of_the_dashboard_incident_overview_and_admin_map(page, atlas):
    page.goto("/?date_from=2016-01-01&date_to=2016-12-31")
    wait_until_settled(page)
    page.wait_for_function("Number(window.atlas.map.getContainer().dataset.labels) >= 1")
    shoot(page, "dashboard-desktop")

    page.goto(f"/incidents/{atlas[-1].pk}/")
    page.wait_for_load_state("networkidle")
    shoot(page, "incident", full_page=True)

    page.goto("/overview/IQ/Kirkuk/")
    page.wait_for_load_state("networkidle")
    shoot(page, "overview", full_page=True)

    log_in(page)
    page.goto(f"/admin/incidents/incident/{atlas[0].pk}/change/")
    page.get_by_label("Latitude").wait_for()
    page.wait_for_function("document.querySelectorAll('.leaflet-container .place-label').length >= 1")
    page.locator("#id_point_lat").scroll_into_view_if_needed()
    shoot(page, "admin-map-widget")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/?date_from=2016-01-01&date_to=2016-12-31")
    wait_until_settled(page)
    shoot(page, "dashboard-phone", full_page=True)
