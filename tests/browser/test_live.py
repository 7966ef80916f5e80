"""Live updates: an incident recorded while a dashboard is open appears on it within 5 s, highlighted, unclicked."""

import datetime as dt
import time

import pytest

from incidents.models import Incident
from incidents.services import incident_update
from tests import factories as f

from .conftest import wait_until_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newly_recorded_incident_is_pushed_to_an_open_dashboard_within_five_seconds(page, kirkuk):
    f.IncidentFactory(place=kirkuk, date=dt.date(2016, 3, 1))
    page.goto("/")
    wait_until_settled(page)
    page.wait_for_function("document.documentElement.dataset.live === 'open'")
    started = time.monotonic()
    made = incident_update(
        incident=Incident(event_type="battles", sub_event_type="armed_clash", date=dt.date(2016, 3, 2)),
        user=None,
        place=kirkuk,
    )
    page.locator(f"#incident-list li.is-new[data-id='{made.pk}']").wait_for(timeout=5_000)
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed
    item = page.locator(f"#incident-list li[data-id='{made.pk}']")
    assert "new" in item.locator(".badge-new").inner_text()
    assert page.locator("#new-notice").is_hidden(), "no click on 'N new incidents — show' needed"
    assert page.locator("#live-status").inner_text() == "1 new incident recorded just now"
