"""axe-core on every page (map, timeline, incident, place, actor, admin changelist and change form), keyboard use of
the filters, list and popups, and focus that returns where it was."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from incidents.models import IncidentActor
from tests import factories as f

from .conftest import wait_until_settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0-2.2 A and AA, and axe's best practices (one h1, landmarks), with the experimental rule that a control's
# accessible name contains its visible text (speech users say what they see).
AXE_OPTIONS = """{
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    rules: { 'label-content-name-mismatch': { enabled: true } },
}"""


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical findings for the page."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        f"""async () => {{
            const r = await axe.run(document, {AXE_OPTIONS});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => `${{v.id}} x${{v.nodes.length}}: `
                    + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }}"""
    )


def violations_on(page, paths: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found[path] = axe_violations(page)
    return found


@pytest.fixture
def made(kirkuk):
    actor = f.ActorFactory(name="Peshmerga")
    links = [
        f.IncidentSourceFactory(incident=f.IncidentFactory(place=kirkuk, date=dt.date(2016, 3, day), fatalities=day))
        for day in (1, 2, 3)
    ]
    for link in links:
        IncidentActor.objects.create(incident=link.incident, actor=actor, role=1)
    return {"place": kirkuk, "actor": actor, "incident": links[0].incident}


def log_in(page):
    User.objects.create_superuser("curator", "c@example.org", "a-long-test-password")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def test_every_public_page_passes_axe_with_no_serious_or_critical_violation(page, made):
    paths = [
        "/",
        "/timeline/",
        f"/incidents/{made['incident'].pk}/",
        f"/places/{made['place'].pk}/",
        f"/actors/{made['actor'].pk}/",
        "/overview/IQ/Kirkuk/",
    ]
    assert violations_on(page, paths) == {path: [] for path in paths}


def test_the_admin_changelist_and_change_form_pass_axe(page, made):
    log_in(page)
    paths = ["/admin/incidents/incident/", f"/admin/incidents/incident/{made['incident'].pk}/change/"]
    assert violations_on(page, paths) == {path: [] for path in paths}


def test_a_keyboard_user_reaches_every_listed_incident_opens_it_on_the_map_and_esc_brings_focus_back(page, made):
    page.goto("/")
    wait_until_settled(page)
    buttons = page.locator("#incident-list .incident-open")
    assert buttons.count() == 3
    # Tab order reaches each list button (none is skipped or unfocusable).
    buttons.first.focus()
    reached = set()
    for _ in range(12):
        reached.add(page.evaluate("document.activeElement.closest('li.incident')?.dataset.id || ''"))
        page.keyboard.press("Tab")
    assert len(reached - {""}) == 3, reached

    second = buttons.nth(1)
    second.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for()
    page.wait_for_function("document.activeElement.classList.contains('leaflet-popup-content')")
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached")
    focused = page.evaluate("document.activeElement.closest('li.incident')?.dataset.id")
    assert focused == second.evaluate("b => b.closest('li').dataset.id"), "focus returns to the list item"


def test_the_filters_can_be_set_from_the_keyboard_with_date_inputs_instead_of_the_brush(page, made):
    page.goto("/")
    wait_until_settled(page)
    page.locator("#f-date-from").focus()
    page.keyboard.type("03022016")
    page.keyboard.press("Tab")
    page.wait_for_function("new URLSearchParams(location.search).get('date_from') === '2016-03-02'")
    wait_until_settled(page)
    assert page.locator("#incident-list li.incident").count() == 2
