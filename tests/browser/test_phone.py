"""The dashboard on a phone (390 x 844): the count stays in sight while filtering, list -> map brings the map into
view, and every control is a touch target of at least 44 x 44 px."""

import datetime as dt

import pytest

from tests import factories as f

from .conftest import wait_until_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# Every visible control of the dashboard with its box; a checkbox or radio counts with the row its label makes.
TARGETS = """() => [...document.querySelectorAll(
        '.site-header a, .dash a[href], .dash button, .dash summary, .dash select, .dash input, .leaflet-control a')]
    .filter((e) => e.offsetParent !== null && !e.closest('.leaflet-control-attribution, .visually-hidden'))
    .map((e) => {
        const box = (['checkbox', 'radio'].includes(e.type) ? e.parentElement : e).getBoundingClientRect();
        const what = e.id || e.className || e.textContent.trim().slice(0, 30) || e.tagName;
        return { what, w: box.width, h: box.height };
    })"""


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def made(kirkuk):
    for day in range(1, 7):
        f.IncidentFactory(place=kirkuk, date=dt.date(2016, 3, day), fatalities=day, summary=f"Report {day}.")


def test_the_result_count_stays_in_sight_while_filtering_on_a_phone(phone, made):
    phone.goto("/")
    wait_until_settled(phone)
    phone.locator(".filters-toggle > summary").click()
    phone.locator("#f-q").scroll_into_view_if_needed()
    phone.locator("#f-min-fatalities").fill("4")
    phone.wait_for_function("new URLSearchParams(location.search).get('min_fatalities') === '4'")
    wait_until_settled(phone)
    bar = phone.locator("#filter-count")
    assert bar.inner_text().startswith("Show 3 incidents")
    box = bar.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], "the count is on screen"
    bar.click()
    # The list's heading comes on screen (the page may end before it reaches the top).
    phone.wait_for_function(
        "(() => { const top = document.querySelector('#list-title').getBoundingClientRect().top;"
        f" return top >= 0 && top < {PHONE['height']} - 100; }})()"
    )


def test_choosing_an_incident_in_the_list_on_a_phone_scrolls_the_map_into_view(phone, made):
    phone.goto("/")
    wait_until_settled(phone)
    item = phone.locator("#incident-list .incident-open").nth(2)
    item.scroll_into_view_if_needed()
    assert phone.evaluate("window.atlas.map.getContainer().getBoundingClientRect().bottom < 0"), "map off-screen"
    item.click()
    phone.locator(".leaflet-popup").wait_for()
    top, bottom = phone.evaluate(
        "(() => { const r = window.atlas.map.getContainer().getBoundingClientRect(); return [r.top, r.bottom]; })()"
    )
    assert -1 <= top < PHONE["height"] / 2 and bottom > 0
    popup = phone.locator(".leaflet-popup").bounding_box()
    assert popup["y"] >= 0 and popup["y"] < PHONE["height"]


def test_every_control_on_a_phone_is_at_least_44_px_square(phone, made):
    phone.goto("/")
    wait_until_settled(phone)
    phone.locator(".filters-toggle > summary").click() if not phone.locator("#f-q").is_visible() else None
    small = [t for t in phone.evaluate(TARGETS) if t["w"] < 44 or t["h"] < 44]
    assert small == [], "\n".join(str(t) for t in small)
