"""The pages in a real browser: map, popup, timeline brush, shared links, the incident page, no console errors."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.gis.geos import Point

from incidents.models import IncidentActor
from tests import factories as f

from .conftest import wait_until_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KIRKUK = f.GAZETTEER_POINTS["Kirkuk"]
RAMADI = (43.30778, 33.42056)  # GeoNames cities500


def place(name, lon, lat, admin1="Kirkuk", country="IQ"):
    return f.PlaceFactory(name=name, admin1=admin1, country=country, point=Point(lon, lat, srid=4326))


def incident(at, *, date=dt.date(2016, 3, 14), event_type="battles", sub_event_type="armed_clash", **kwargs):
    return f.IncidentFactory(place=at, date=date, event_type=event_type, sub_event_type=sub_event_type, **kwargs)


def click_on_map(page, lon_lat) -> None:
    x, y = page.evaluate(
        """([lat, lng]) => {
            const p = window.atlas.map.latLngToContainerPoint([lat, lng]);
            const box = window.atlas.map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        [lon_lat[1], lon_lat[0]],
    )
    page.mouse.click(x, y)


def shown_count(page) -> int:
    page.wait_for_function("document.querySelector('#counts').dataset.count !== undefined")
    return int(page.locator("#counts").get_attribute("data-count"))


def query_of(page) -> dict:
    return parse_qs(urlparse(page.url).query)


def test_the_map_shows_the_right_number_of_incidents_for_a_filter(page):
    kirkuk, mosul, ramadi = f.named_place("Kirkuk"), f.named_place("Mosul"), place("Ramadi", *RAMADI)
    for _ in range(4):
        incident(kirkuk)
    incident(ramadi, event_type="battles", sub_event_type="armed_clash")
    for _ in range(3):
        incident(mosul, event_type="protests", sub_event_type="peaceful_protest", fatalities=0)
    f.IncidentFactory(place=mosul, event_type="protests", sub_event_type="peaceful_protest", status="rejected")

    page.goto("/")
    wait_until_settled(page)
    assert shown_count(page) == 8, "rejected incidents stay off the public map"
    assert page.evaluate("window.atlas.incidentMap.drawnCount()") == 8

    page.get_by_label("Protests", exact=True).check()
    page.wait_for_function("document.querySelector('#counts').dataset.count === '3'")
    wait_until_settled(page)
    assert page.evaluate("window.atlas.incidentMap.drawnCount()") == 3
    assert page.locator("#incident-list li.incident").count() == 3
    assert query_of(page)["event_type"] == ["protests"]
    assert page.locator("#counts").inner_text() == "3 incidents in view · 0 killed"


def test_the_map_draws_server_clusters_when_many_incidents_are_in_view(page, settings):
    kirkuk = f.named_place("Kirkuk")
    f.IncidentFactory.create_batch(30, place=kirkuk)
    settings.DASHBOARD_MAX_INDIVIDUAL = 10
    page.goto("/")
    wait_until_settled(page)
    assert page.locator(".leaflet-container").get_attribute("data-mode") == "clusters"
    assert page.locator(".cluster-icon").first.inner_text() == "30"
    page.locator(".cluster-icon").first.click()
    page.wait_for_function("window.atlas.map.getZoom() > 6")


def test_clicking_a_marker_opens_the_popup_with_a_source_link(page):
    kirkuk = f.named_place("Kirkuk")
    link = f.IncidentSourceFactory(
        incident=incident(kirkuk, summary="Gunmen <b>stormed</b> a checkpoint."),
        article=f.ArticleFactory(url="https://news.example.org/kirkuk-checkpoint", title="Checkpoint attacked"),
    )
    IncidentActor.objects.create(incident=link.incident, actor=f.ActorFactory(name="Islamic State"), role=1)

    page.goto(f"/?lat={KIRKUK[1]}&lng={KIRKUK[0]}&z=9")
    wait_until_settled(page)
    click_on_map(page, KIRKUK)
    source = page.locator(".leaflet-popup .popup-sources a")
    source.wait_for()
    assert source.get_attribute("href") == "https://news.example.org/kirkuk-checkpoint"
    assert source.inner_text() == "Checkpoint attacked"
    popup = page.locator(".leaflet-popup")
    assert "Islamic State" in popup.inner_text()
    assert "Gunmen <b>stormed</b> a checkpoint." in popup.inner_text(), "article text is shown as text, not HTML"
    assert popup.locator("b").count() == 0
    assert popup.locator("a.popup-page").get_attribute("href") == f"/incidents/{link.incident.pk}/"


def test_a_popup_for_an_incident_without_actors_or_summary_never_prints_null(page):
    kirkuk = f.named_place("Kirkuk")
    lone = incident(kirkuk, summary="")
    page.goto(f"/?lat={KIRKUK[1]}&lng={KIRKUK[0]}&z=9")
    wait_until_settled(page)
    click_on_map(page, KIRKUK)
    popup = page.locator(".leaflet-popup .popup-page")
    popup.wait_for()
    text = page.locator(".leaflet-popup").inner_text()
    assert "null" not in text and "undefined" not in text, text
    assert popup.get_attribute("href") == f"/incidents/{lone.pk}/"


def test_brushing_the_timeline_changes_the_url_and_the_list(page):
    kirkuk = f.named_place("Kirkuk")
    january = incident(kirkuk, date=dt.date(2016, 1, 12), summary="January clash")
    march = incident(kirkuk, date=dt.date(2016, 3, 16), summary="March clash")
    may = incident(kirkuk, date=dt.date(2016, 5, 18), summary="May clash")

    page.goto("/?date_from=2016-01-01&date_to=2016-06-30")
    wait_until_settled(page)
    assert page.locator("#timeline-interval").inner_text() == "(per week)"
    assert page.locator("#incident-list li.incident").count() == 3

    start, end = page.evaluate(
        """() => {
            const t = window.atlas.timeline;
            const box = t.svg.node().getBoundingClientRect();
            const y = box.top + box.height / 2;
            const at = (iso) => [box.left + t.x(new Date(`${iso}T00:00:00Z`)), y];
            return [at('2016-03-02'), at('2016-03-29')];
        }"""
    )
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, start[1], steps=4)
    page.mouse.move(*end, steps=4)
    page.mouse.up()

    page.wait_for_function("new URLSearchParams(location.search).has('sel_from')")
    query = query_of(page)
    assert query["sel_from"][0] <= "2016-03-16" <= query["sel_to"][0]
    assert query["sel_from"][0] > "2016-01-12" and query["sel_to"][0] < "2016-05-18"
    page.wait_for_function("document.querySelectorAll('#incident-list li.incident').length === 1")
    item = page.locator("#incident-list li.incident")
    assert item.get_attribute("data-id") == str(march.pk)
    assert page.locator("#selection-label").inner_text().startswith("Selected: ")
    assert {january.pk, may.pk}.isdisjoint(
        int(i) for i in page.locator("#incident-list li").evaluate_all("items => items.map(li => li.dataset.id)")
    )

    page.get_by_role("button", name="Clear selection").click()
    page.wait_for_function("document.querySelectorAll('#incident-list li.incident').length === 3")
    assert "sel_from" not in query_of(page)


def test_a_shared_url_restores_the_view_and_back_undoes_a_filter(page):
    kirkuk, mosul = f.named_place("Kirkuk"), f.named_place("Mosul")
    incident(kirkuk, date=dt.date(2016, 3, 3), fatalities=12)
    incident(kirkuk, date=dt.date(2016, 3, 20), fatalities=1)
    incident(mosul, date=dt.date(2016, 3, 5), event_type="protests", sub_event_type="peaceful_protest", fatalities=9)
    incident(kirkuk, date=dt.date(2016, 7, 1), fatalities=30)

    shared = (
        "/?date_from=2016-01-01&date_to=2016-12-31&event_type=battles&min_fatalities=5"
        "&sel_from=2016-02-29&sel_to=2016-04-03&lat=35.4700&lng=44.3900&z=8"
    )
    page.goto(shared)
    wait_until_settled(page)
    assert page.locator("#f-date-from").input_value() == "2016-01-01"
    assert page.locator("#f-type-battles").is_checked()
    assert not page.locator("#f-type-protests").is_checked()
    assert page.locator("#f-min-fatalities").input_value() == "5"
    assert page.locator("#selection-label").inner_text() == "Selected: 2016-02-29 to 2016-04-03"
    center = page.evaluate(
        "(() => { const c = window.atlas.map.getCenter(); return [c.lat, c.lng, window.atlas.map.getZoom()]; })()"
    )
    assert center == pytest.approx([35.47, 44.39, 8], abs=1e-3)
    assert shown_count(page) == 1, "only the March battle with 5+ deaths is in the selection"
    assert page.evaluate("window.atlas.incidentMap.drawnCount()") == 1

    page.locator("#f-min-fatalities").fill("0")
    page.wait_for_function("document.querySelector('#counts').dataset.count === '2'")
    page.go_back()
    page.wait_for_function("document.querySelector('#f-min-fatalities').value === '5'")
    page.wait_for_function("document.querySelector('#counts').dataset.count === '1'")

    export = page.locator("#export-csv").get_attribute("href")
    params = parse_qs(urlparse(export).query)
    assert params["format"] == ["csv"]
    assert params["date_from"] == ["2016-02-29"] and params["date_to"] == ["2016-04-03"]
    assert params["min_fatalities"] == ["5"] and params["event_type"] == ["battles"]
    assert len(params["bbox"][0].split(",")) == 4
    response = page.request.get(export)
    assert response.ok
    rows = response.text().strip().splitlines()
    assert len(rows) == 2, "the export holds exactly the incident shown, under ACLED's header"


def test_the_map_falls_back_to_offline_outlines_when_tiles_fail(page):
    page.goto("/")
    page.wait_for_function("document.querySelector('#map-status').textContent.includes('offline outlines')")
    assert page.locator(".leaflet-outlines-pane path").count() > 30, "Iraq, Syria and their provinces"
    assert page.locator(".leaflet-container.offline").count() == 1


def test_new_incidents_are_announced_without_a_reload(page, settings):
    settings.DASHBOARD_POLL_SECONDS = 1
    kirkuk = f.named_place("Kirkuk")
    incident(kirkuk)
    page.goto("/")
    wait_until_settled(page)
    assert page.locator("#new-notice").is_hidden()

    incident(kirkuk, date=dt.date(2016, 3, 20))
    notice = page.locator("#show-new")
    notice.wait_for(state="visible", timeout=8_000)
    assert notice.inner_text().startswith("1 new incident")
    notice.click()
    page.wait_for_function("document.querySelector('#counts').dataset.count === '2'")
    assert page.locator("#new-notice").is_hidden()


def test_the_incident_page_shows_the_evidence_highlighted_in_the_article(page):
    kirkuk = f.named_place("Kirkuk")
    evidence = "Militants attacked a checkpoint near Kirkuk on Monday, killing three soldiers."
    article = f.ArticleFactory(
        title="Kirkuk checkpoint attacked",
        text=f"KIRKUK, Iraq - Officials spoke on Tuesday.\n\n{evidence} <img src=x onerror=alert(1)> Police said more.",
    )
    link = f.IncidentSourceFactory(incident=incident(kirkuk), article=article, evidence=evidence)

    page.goto(f"/incidents/{link.incident.pk}/")
    # The evidence is quoted once above; the full text, with it highlighted, opens on demand.
    assert page.locator(".evidence-quote").inner_text() == evidence
    page.locator(".article-text summary").click()
    mark = page.locator(".article-body mark.evidence-mark")
    assert mark.count() == 1
    assert mark.inner_text() == evidence
    body = page.locator(".article-body")
    assert body.locator("img").count() == 0, "article text is escaped, never parsed as HTML"
    assert "<img src=x onerror=alert(1)>" in body.inner_text()
    assert page.locator("h3 a[href='https://news.example.org/']").count() == 0
    assert page.get_by_role("link", name="Kirkuk checkpoint attacked").get_attribute("href") == article.url
    page.locator(".incident-map path.incident-marker").wait_for()


def test_every_page_renders_without_console_errors(page):
    kirkuk = f.named_place("Kirkuk")
    actor = f.ActorFactory(name="Popular Mobilization Forces", aliases=["PMF", "Hashd al-Shaabi"])
    for day in (3, 9, 17):
        link = f.IncidentSourceFactory(incident=incident(kirkuk, date=dt.date(2016, 3, day)))
        IncidentActor.objects.create(incident=link.incident, actor=actor, role=1)

    for path, name in [
        ("/", "dashboard"),
        (f"/incidents/{link.incident.pk}/", "incident"),
        ("/timeline/?admin1=Kirkuk", "timeline"),
        (f"/places/{kirkuk.pk}/", "place"),
        (f"/actors/{actor.pk}/", "actor"),
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(_artifact(f"page-{name}.png")), full_page=True)
        assert page.locator("h1, h2").first.is_visible()
        assert not page.problems.unexpected(), f"{path}: {page.problems.unexpected()}"

    page.goto("/timeline/?admin1=Kirkuk")
    assert page.locator(".day").count() == 3
    assert page.locator(".day h2").first.inner_text().startswith("17 March 2016")


def test_the_dashboard_fits_a_phone_screen(page):
    kirkuk = f.named_place("Kirkuk")
    incident(kirkuk)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    wait_until_settled(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(_artifact("page-dashboard-phone.png")), full_page=True)


def _artifact(name):
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def test_a_keyboard_user_can_open_an_incident_from_the_list(page):
    kirkuk = f.named_place("Kirkuk")
    f.IncidentSourceFactory(
        incident=incident(kirkuk),
        article=f.ArticleFactory(url="https://news.example.org/keyboard", title="Keyboard story"),
    )
    page.goto("/")
    wait_until_settled(page)
    button = page.locator("#incident-list .incident-open").first
    button.focus()
    assert page.evaluate("window.atlas.incidentMap.highlightLayer.getLayers().length") == 1, "focus rings the marker"
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup a[href='https://news.example.org/keyboard']").wait_for()
    page.wait_for_function("window.atlas.map.getZoom() >= 9")


def test_the_timeline_can_follow_the_map_area(page):
    kirkuk, aleppo = f.named_place("Kirkuk"), place("Aleppo", 37.16, 36.20, "Aleppo", "SY")
    incident(kirkuk, date=dt.date(2016, 3, 3))
    incident(aleppo, date=dt.date(2016, 3, 4))
    page.goto(f"/?lat={KIRKUK[1]}&lng={KIRKUK[0]}&z=9")
    wait_until_settled(page)
    total = "window.atlas.timeline.rows.reduce((s, r) => s + r.count, 0)"
    assert page.evaluate(total) == 2, "by default the timeline counts the whole filter"
    assert shown_count(page) == 1

    page.get_by_label("Only the map area").check()
    page.wait_for_function(f"{total} === 1")
    assert query_of(page)["tl_bbox"] == ["1"]


def test_choosing_a_place_by_another_spelling_filters_and_moves_the_map(page):
    erbil = f.named_place("Erbil", alternate_names=["Arbil", "Hawler"])
    incident(erbil)
    incident(f.named_place("Kirkuk"))
    page.goto("/")
    wait_until_settled(page)
    assert shown_count(page) == 2

    page.get_by_label("Place", exact=True).fill("Hawler")
    page.wait_for_function("document.querySelectorAll('#place-options option').length > 0")
    label = "Erbil — city, Erbil province, Iraq"
    assert page.locator("#place-options option").first.get_attribute("value") == label
    page.get_by_label("Place", exact=True).fill(label)
    page.wait_for_function(f"new URLSearchParams(location.search).get('near') === '{erbil.pk}'")
    page.wait_for_function("window.atlas.map.getZoom() >= 9")
    page.wait_for_function("document.querySelectorAll('#incident-list li.incident').length === 1")


def test_a_place_filter_offers_at_within_km_and_inside_a_province(page):
    at = f.gazetteer_point("Kirkuk")
    province = f.PlaceFactory(name="Kirkuk", admin1="Kirkuk", kind="admin_area", feature_code="ADM1", point=at)
    # The same province twice, as the gazetteer holds it from two sources: offered once.
    f.PlaceFactory(name="Kirkuk", admin1="Kirkuk", kind="admin_area", feature_code="ADM1", point=at)
    city = f.named_place("Kirkuk")
    bashir = f.named_place("Bashir")
    hawija = f.named_place("Hawija")
    incident(bashir, date=dt.date(2016, 4, 12))
    incident(hawija, date=dt.date(2016, 5, 2))
    page.goto("/?date_from=2016-01-01&date_to=2016-12-31")
    wait_until_settled(page)

    page.get_by_label("Place", exact=True).fill("Kirkuk")
    page.wait_for_function("document.querySelectorAll('#place-options option').length === 2")
    labels = page.locator("#place-options option").evaluate_all("options => options.map(o => o.value)")
    assert sorted(labels) == ["Kirkuk — city, Kirkuk province, Iraq", "Kirkuk — province, Iraq"]

    page.get_by_label("Place", exact=True).fill("Kirkuk — city, Kirkuk province, Iraq")
    page.wait_for_function(f"new URLSearchParams(location.search).get('near') === '{city.pk}'")
    wait_until_settled(page)
    assert page.get_by_label("within", exact=True).is_checked()
    assert page.locator("#f-mode-inside-row").is_hidden()
    page.wait_for_function("document.querySelectorAll('#incident-list li.incident').length === 1")

    page.get_by_label("at this place").check()
    page.wait_for_function(f"new URLSearchParams(location.search).get('place') === '{city.pk}'")
    page.wait_for_function("document.querySelector('#incident-list li.empty') !== null")

    page.get_by_label("Place", exact=True).fill("Kirkuk — province, Iraq")
    page.wait_for_function(f"new URLSearchParams(location.search).get('inside') === '{province.pk}'")
    wait_until_settled(page)
    assert page.get_by_label("inside this province or district").is_checked()
    page.wait_for_function("document.querySelectorAll('#incident-list li.incident').length === 2")

    # The shared link restores the choice and its mode.
    page.goto(f"/?near={city.pk}&within_km=80")
    wait_until_settled(page)
    assert page.get_by_label("Place", exact=True).input_value() == "Kirkuk — city, Kirkuk province, Iraq"
    assert page.get_by_label("Distance in kilometres").input_value() == "80"
