"""A desk editor's day in the browser: honest dates, counts that reconcile, a page that validates its own URL."""

import datetime as dt

import pytest

from tests import factories as f

from .conftest import wait_until_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_list_and_the_popup_write_a_month_as_a_month_and_roles_in_words(page, kirkuk):
    made = f.IncidentFactory(place=kirkuk, date=dt.date(2016, 4, 1), date_precision="month")
    made.actors.add(f.ActorFactory(name="Islamic State"), through_defaults={"role": 1})
    page.goto("/")
    wait_until_settled(page)
    item = page.locator("#incident-list .incident-open").first
    assert item.locator("time").inner_text() == "April 2016"
    item.click()
    popup = page.locator(".leaflet-popup .popup-meta time")
    popup.wait_for()
    assert popup.inner_text() == "April 2016"
    page.wait_for_function("document.querySelector('.leaflet-popup .popup-actors')?.textContent.includes('(')")
    assert "Islamic State (carried it out)" in page.locator(".leaflet-popup .popup-actors").inner_text()


def test_incidents_with_no_map_point_are_listed_counted_and_exported(page, kirkuk):
    f.IncidentFactory(place=kirkuk, date=dt.date(2016, 3, 1), fatalities=10)
    f.IncidentFactory(place=kirkuk, date=dt.date(2016, 5, 1), fatalities=6)
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


def test_a_bad_link_is_cleaned_the_banner_names_each_ignored_value_and_nothing_sends_it(page, kirkuk):
    f.IncidentFactory(place=kirkuk, date=dt.date(2016, 3, 1))
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto("/?date_from=garbage&bbox=1,2,3&min_fatalities=-3&q=checkpoint")
    wait_until_settled(page)
    banner = page.locator(".messages").inner_text()
    assert "Ignored date_from='garbage'" in banner
    assert "Ignored bbox='1,2,3'" in banner
    assert "Ignored min_fatalities='-3'" in banner
    api_calls = [url for url in sent if "/api/v1/" in url]
    assert api_calls, "the page loaded its data"
    assert not [url for url in api_calls if "garbage" in url or "min_fatalities" in url or "bbox=1%2C2%2C3" in url]
    assert "garbage" not in page.locator("#export-csv").get_attribute("href")
    assert "garbage" not in page.url and "bbox" not in page.url and "min_fatalities" not in page.url
    assert "q=checkpoint" in page.url, "what was valid stays"
    assert page.locator("#incident-list li.error").count() == 0


def test_a_bbox_in_the_link_sets_the_map_view(page):
    page.goto("/?bbox=43.9,35.2,44.9,35.8")
    wait_until_settled(page)
    west, south, east, north = page.evaluate(
        "(() => { const b = window.atlas.map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    assert west <= 43.9 and south <= 35.2 and east >= 44.9 and north >= 35.8
    assert east - west < 8, "zoomed to the box, not the whole region"
    assert "lat=" in page.url and "bbox" not in page.url


def test_date_presets_set_the_window_and_the_timeline_can_chart_deaths(page, kirkuk):
    from django.utils import timezone

    today = timezone.now().date()
    f.IncidentFactory(place=kirkuk, date=today - dt.timedelta(days=3), fatalities=7)
    f.IncidentFactory(place=kirkuk, date=today - dt.timedelta(days=20), fatalities=5)
    f.IncidentFactory(place=kirkuk, date=today - dt.timedelta(days=200), fatalities=1)
    page.goto("/")
    wait_until_settled(page)
    page.get_by_role("button", name="7 days").click()
    page.wait_for_function(
        f"new URLSearchParams(location.search).get('date_from') === '{(today - dt.timedelta(days=7)).isoformat()}'"
    )
    wait_until_settled(page)
    assert page.locator("#incident-list li.incident").count() == 1
    page.get_by_role("button", name="30 days").click()
    page.wait_for_function("document.querySelectorAll('#incident-list li.incident').length === 2")
    wait_until_settled(page)  # the timeline may answer after the list
    assert page.locator("#timeline").get_attribute("data-total") == "2"
    page.get_by_label("Chart").select_option("fatalities")
    page.wait_for_function("document.querySelector('#timeline').dataset.total === '12'")
    assert "people killed" in page.locator("#timeline").get_attribute("aria-label")
    assert "tl_metric=fatalities" in page.url
    assert page.locator("#timeline-title-metric").inner_text() == "People killed"


def test_the_offline_map_names_places_by_size_for_the_zoom(page, kirkuk, bashir):
    f.PlaceFactory(name="Kirkuk", admin1="Kirkuk", kind="admin_area", feature_code="ADM1", point=kirkuk.point)
    page.goto(f"/?lat={kirkuk.point.y}&lng={kirkuk.point.x}&z=7")
    wait_until_settled(page)
    # Tiles are blocked in tests, so the page is offline: outlines and names replace them.
    page.wait_for_function("Number(window.atlas.map.getContainer().dataset.labels) >= 2")
    names = page.locator(".place-label").all_inner_texts()
    assert sorted(names) == ["KIRKUK", "Kirkuk"], "the province (upper case) and the city; no village at zoom 7"
    page.evaluate(f"window.atlas.map.setView([{kirkuk.point.y}, {kirkuk.point.x}], 10)")
    page.wait_for_function("Number(window.atlas.map.getContainer().dataset.labels) >= 3")
    assert "Bashir" in page.locator(".place-label").all_inner_texts()


def test_the_map_view_downloads_as_a_png_with_its_legend_and_filters(page, tmp_path, kirkuk):
    f.IncidentFactory(place=kirkuk, date=dt.date(2016, 3, 1), fatalities=4)
    page.goto("/?date_from=2016-01-01&date_to=2016-12-31")
    wait_until_settled(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="PNG of the map").click()
    path = tmp_path / "map.png"
    download.value.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    map_box = page.locator("#map").bounding_box()
    assert width == round(map_box["width"]) and height > map_box["height"], "the legend is drawn below the map"
    caption = page.evaluate("document.querySelector('#counts').textContent")
    assert caption.startswith("1 incident in view")
