"""Django admin as a curator in the `editors` group (staff, not superuser) uses it."""

import datetime as dt
import io
import json
import re
from pathlib import Path

import lxml.html
import pytest
import yaml
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Actor, Incident, IncidentActor, IncidentRemoval, IncidentSource, Place
from tests.factories import ActorFactory, ArticleFactory, IncidentFactory, IncidentSourceFactory, PlaceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:incidents_incident_changelist"


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(username="curator", password="pw-curator-123", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {incident.pk for incident in response.context["cl"].result_list}


def form_values(response, form_id: str) -> dict[str, list[str]]:
    """What the browser would submit for the page's form, unchanged."""
    page = lxml.html.fromstring(response.content)
    values: dict[str, list[str]] = {}
    for name, value in page.get_element_by_id(form_id).form_values():
        values.setdefault(name, []).append(value)
    return values


def history(incident_id: int):
    return Incident.history.filter(id=incident_id).order_by("-history_date", "-history_id").first()


# --- groups --------------------------------------------------------------------------------------------------------


def test_the_groups_exist_with_the_right_permissions_after_migrate():
    editors = set(Group.objects.get(name="editors").permissions.values_list("content_type__model", "codename"))
    for model in ("incident", "place", "actor", "incidentactor", "incidentsource", "unresolvedplace", "article"):
        for action in ("view", "add", "change"):
            assert (model, f"{action}_{model}") in editors
        assert (model, f"delete_{model}") not in editors
    assert ("source", "view_source") in editors
    assert ("source", "change_source") not in editors

    admins = Group.objects.get(name="admins").permissions
    project = Permission.objects.filter(content_type__app_label__in=["incidents", "ingest"])
    assert project.count() == 48  # view, add, change and delete of the 12 models of incidents and ingest
    assert set(project.values_list("pk", flat=True)) <= set(admins.values_list("pk", flat=True))
    assert admins.filter(content_type__app_label="auth", codename="view_user").exists()
    assert not admins.filter(content_type__app_label="auth", codename="change_user").exists()


def test_an_editor_without_superuser_can_open_every_curation_page(editor_client, editor, kirkuk):
    incident = IncidentFactory(place=kirkuk)
    actor = ActorFactory(name="Islamic State", aliases=["ISIS", "Daesh"])
    assert not editor.is_superuser
    urls = [
        reverse("admin:index"),
        reverse(CHANGELIST),
        reverse("admin:incidents_incident_add"),
        reverse("admin:incidents_incident_change", args=[incident.pk]),
        reverse("admin:incidents_incident_history", args=[incident.pk]),
        reverse("admin:incidents_place_changelist"),
        reverse("admin:incidents_place_add"),
        reverse("admin:incidents_place_change", args=[kirkuk.pk]),
        reverse("admin:incidents_actor_changelist"),
        reverse("admin:incidents_actor_change", args=[actor.pk]),
    ]
    for url in urls:
        assert editor_client.get(url).status_code == 200, url


def test_a_staff_user_outside_the_groups_sees_no_incidents(client, django_user_model):
    outsider = django_user_model.objects.create_user(username="outsider", password="pw-outsider-1", is_staff=True)
    client.force_login(outsider)

    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_an_editor_is_not_offered_deletion(editor_client):
    IncidentFactory()

    response = editor_client.get(reverse(CHANGELIST))

    actions = [value for value, _ in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"verify", "reject", "merge"} <= set(actions)


# --- incident changelist: columns, filters, search -----------------------------------------------------------------


def test_the_changelist_shows_place_fatalities_status_and_number_of_sources(editor_client, kirkuk):
    incident = IncidentFactory(place=kirkuk, fatalities=7)
    IncidentSourceFactory(incident=incident)
    IncidentSourceFactory(incident=incident)

    response = editor_client.get(reverse(CHANGELIST))

    row = response.context["cl"].result_list[0]
    assert row.source_count == 2
    html = response.content.decode()
    assert "Kirkuk (Kirkuk)" in html
    assert ">Unreviewed<" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=verified", {"verified"}),
        ("event_type__exact=explosions_remote_violence", {"strike"}),
        ("sub_event_type__exact=air_drone_strike", {"strike"}),
        ("date__gte=2017-01-01&date__lt=2018-01-01", {"strike"}),
        ("date__year=2016&date__month=3", {"verified", "unknown_toll", "peaceful"}),
        ("country=SY", {"strike"}),
        ("admin1=Kirkuk", {"verified", "unknown_toll", "peaceful"}),
        ("country=IQ&admin1=Kirkuk", {"verified", "unknown_toll", "peaceful"}),
        ("has_fatalities=yes", {"verified", "strike"}),
        ("has_fatalities=no", {"peaceful"}),
        ("has_fatalities=unknown", {"unknown_toll"}),
        ("curator_locked__exact=1", {"verified"}),
        ("curator_locked__exact=0", {"strike", "unknown_toll", "peaceful"}),
    ],
)
def test_the_changelist_filters_incidents(editor_client, kirkuk, raqqa, query, expected):
    made = {
        "verified": IncidentFactory(place=kirkuk, status="verified", curator_locked=True, fatalities=3),
        "strike": IncidentFactory(
            place=raqqa,
            country="SY",
            event_type="explosions_remote_violence",
            sub_event_type="air_drone_strike",
            date=dt.date(2017, 6, 1),
            fatalities=12,
        ),
        "unknown_toll": IncidentFactory(place=kirkuk, fatalities=None),
        "peaceful": IncidentFactory(
            place=kirkuk, event_type="protests", sub_event_type="peaceful_protest", fatalities=0
        ),
    }

    response = editor_client.get(reverse(CHANGELIST) + "?" + query)

    assert listed(response) == {made[name].pk for name in expected}


def test_the_changelist_query_count_does_not_grow_with_the_rows(editor_client):
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(reverse(CHANGELIST)).status_code == 200
        return len(captured)

    IncidentSourceFactory(incident=IncidentFactory())
    few = queries_for_page()
    for _ in range(15):
        IncidentSourceFactory(incident=IncidentFactory())

    # Place and source count come with the rows (select_related, a correlated count), not one query per row.
    assert queries_for_page() == few


def test_the_province_filter_offers_the_provinces_of_the_chosen_country(editor_client, kirkuk, raqqa):
    IncidentFactory(place=kirkuk)

    response = editor_client.get(reverse(CHANGELIST) + "?country=SY")

    province = next(
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "parameter_name", "") == "admin1"
    )
    assert [value for value, _ in province.lookup_choices] == ["Raqqa"]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("checkpoints", {"summary"}),  # English stemming of the summary
        ("Hawija", {"location"}),
        ("al-Hawija", {"location"}),
        ("mortar rounds", {"evidence"}),
        ("market", {"evidence"}),
    ],
)
def test_the_changelist_searches_summary_location_and_evidence(editor_client, term, expected):
    made = {
        "summary": IncidentFactory(summary="Gunmen attacked a checkpoint."),
        "location": IncidentFactory(
            summary="Clashes.", place=PlaceFactory(name="Hawija", alternate_names=["Al Hawija"])
        ),
        "evidence": IncidentFactory(summary="Shelling."),
    }
    IncidentSourceFactory(incident=made["evidence"], evidence="Mortar rounds hit the market on Monday.")
    from incidents.services import incident_refresh_search

    incident_refresh_search(incident_ids=[i.pk for i in made.values()])

    response = editor_client.get(reverse(CHANGELIST), {"q": term})

    assert listed(response) == {made[name].pk for name in expected}


def test_the_changelist_finds_an_incident_by_its_number(editor_client):
    wanted, _other = IncidentFactory(), IncidentFactory()

    assert listed(editor_client.get(reverse(CHANGELIST), {"q": f"#{wanted.pk}"})) == {wanted.pk}


# --- incident change form ------------------------------------------------------------------------------------------


def test_the_change_form_renders_the_leaflet_map_widget_and_the_inlines(editor_client, kirkuk):
    incident = IncidentFactory(place=kirkuk)
    IncidentSourceFactory(incident=incident, evidence="Three soldiers were killed near Kirkuk.")
    IncidentActor.objects.create(incident=incident, actor=ActorFactory(name="Peshmerga"), role=2)

    response = editor_client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))

    html = response.content.decode()
    assert 'id="id_point-div-map"' in html
    assert "leaflet/leaflet.js" in html
    assert "L.GeometryField" in html or "GeometryField" in html
    assert "Three soldiers were killed near Kirkuk." in html
    assert "Peshmerga" in html
    # Autocomplete, not a select with the whole gazetteer.
    page = lxml.html.fromstring(response.content)
    assert page.get_element_by_id("id_place").get("data-theme") == "admin-autocomplete"
    assert page.xpath('//select[@data-field-name="actor"]')


def test_an_edit_in_the_form_goes_through_the_service_with_history_and_lock(editor_client, editor, kirkuk, raqqa):
    incident = IncidentFactory(place=kirkuk, fatalities=3)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    data = form_values(editor_client.get(url), "incident_form")
    data["fatalities"] = ["5"]
    data["place"] = [str(raqqa.pk)]

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    incident.refresh_from_db()
    assert incident.fatalities == 5
    assert incident.curator_locked is True
    assert (incident.country, incident.admin1, incident.location_name) == ("SY", "Raqqa", "Raqqa")
    assert incident.point.equals_exact(raqqa.point, tolerance=1e-9)
    record = history(incident.pk)
    assert record.history_user == editor
    assert record.history_change_reason.startswith("edited: ")
    assert "fatalities" in record.history_change_reason


def test_an_incident_added_by_hand_takes_the_point_of_its_place(editor_client, editor, kirkuk):
    url = reverse("admin:incidents_incident_add")
    data = form_values(editor_client.get(url), "incident_form")
    data.update(
        {
            "event_type": ["violence_against_civilians"],
            "sub_event_type": ["abduction_forced_disappearance"],
            "summary": ["Gunmen abducted two farmers."],
            "date": ["2016-03-14"],
            "place": [str(kirkuk.pk)],
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    incident = Incident.objects.get()
    assert incident.point.equals_exact(kirkuk.point, tolerance=1e-9)
    assert (incident.location_name, incident.admin1, incident.curator_locked) == ("Kirkuk", "Kirkuk", True)
    record = history(incident.pk)
    assert record.history_user == editor and record.history_change_reason.startswith("created: ")
    assert Incident.objects.filter(pk=incident.pk, search_vector="abduct").exists()


def test_the_form_refuses_an_invalid_type_pair_with_a_message(editor_client, kirkuk):
    incident = IncidentFactory(place=kirkuk)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    data = form_values(editor_client.get(url), "incident_form")
    data["sub_event_type"] = ["peaceful_protest"]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "does not belong to the event type" in response.content.decode()
    incident.refresh_from_db()
    assert incident.sub_event_type == "armed_clash"


def test_an_actor_added_in_the_inline_is_saved(editor_client, kirkuk):
    incident = IncidentFactory(place=kirkuk)
    pmf = ActorFactory(name="Popular Mobilization Forces")
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    data = form_values(editor_client.get(url), "incident_form")
    data["actor_links-TOTAL_FORMS"] = ["1"]
    data["actor_links-0-actor"] = [str(pmf.pk)]
    data["actor_links-0-role"] = ["1"]

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert list(incident.actor_links.values_list("actor__name", "role")) == [("Popular Mobilization Forces", 1)]


def test_reverting_to_an_old_version_goes_through_the_service_with_a_reason(editor_client, editor, kirkuk):
    incident = IncidentFactory(place=kirkuk, fatalities=3)
    first_version = incident.history.get().history_id
    from incidents.services import incident_update

    incident_update(incident=incident, user=editor, fatalities=30)
    url = reverse("admin:incidents_incident_simple_history", args=[incident.pk, first_version])
    data = form_values(editor_client.get(url), "historicalincident_form")

    response = editor_client.post(url, data)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.fatalities == 3
    record = history(incident.pk)
    assert (record.history_user, record.history_change_reason) == (editor, f"reverted to version {first_version}")


# --- actions -------------------------------------------------------------------------------------------------------


def test_the_verify_action_changes_status_and_records_the_editor(editor_client, editor):
    first, second, untouched = IncidentFactory(), IncidentFactory(), IncidentFactory()

    response = editor_client.post(
        reverse(CHANGELIST), {"action": "verify", "_selected_action": [first.pk, second.pk]}, follow=True
    )

    assert "2 incident(s) verified." in response.content.decode()
    for incident in (first, second):
        incident.refresh_from_db()
        assert (incident.status, incident.curator_locked) == ("verified", True)
        assert history(incident.pk).history_user == editor
    untouched.refresh_from_db()
    assert untouched.status == "unreviewed"


def test_the_reject_action_tombstones_and_records_the_editor(editor_client, editor):
    incident = IncidentFactory()

    editor_client.post(reverse(CHANGELIST), {"action": "reject", "_selected_action": [incident.pk]})

    incident.refresh_from_db()
    assert incident.status == "rejected"
    record = history(incident.pk)
    assert (record.history_user, record.history_change_reason) == (editor, "status: unreviewed -> rejected")
    assert IncidentRemoval.objects.filter(incident_id=incident.pk, reason="rejected").exists()


def test_the_merge_action_asks_which_incident_to_keep(editor_client):
    first, second = IncidentFactory(), IncidentFactory()
    IncidentSourceFactory(incident=second)

    response = editor_client.post(reverse(CHANGELIST), {"action": "merge", "_selected_action": [first.pk, second.pk]})

    assert response.status_code == 200
    assert response.templates[0].name == "admin/incidents/incident/merge_confirmation.html"
    page = lxml.html.fromstring(response.content)
    radios = page.xpath('//input[@type="radio"][@name="keep"]')
    assert sorted(int(r.get("value")) for r in radios) == sorted([first.pk, second.pk])
    # The one with more sources is offered first.
    assert [int(r.get("value")) for r in radios if r.get("checked") is not None] == [second.pk]
    assert Incident.objects.count() == 2


def test_the_merge_action_merges_after_confirmation_keeping_sources_and_evidence(editor_client, editor):
    keep, drop = IncidentFactory(fatalities=3), IncidentFactory(fatalities=5)
    shared = ArticleFactory()
    IncidentSourceFactory(incident=keep, article=shared, evidence="Three soldiers were killed.")
    IncidentSourceFactory(incident=drop, article=shared, evidence="Two more died in hospital.")
    other = IncidentSourceFactory(incident=drop, evidence="Five soldiers died, the army said.").article
    IncidentActor.objects.create(incident=drop, actor=ActorFactory(name="Islamic State"), role=1)
    confirmation = editor_client.post(reverse(CHANGELIST), {"action": "merge", "_selected_action": [keep.pk, drop.pk]})
    data = form_values(confirmation, "merge-form")
    data["keep"] = [str(keep.pk)]

    response = editor_client.post(reverse(CHANGELIST), data, follow=True)

    assert f"Merged #{drop.pk} into" in response.content.decode()
    assert not Incident.objects.filter(pk=drop.pk).exists()
    sources = IncidentSource.objects.filter(incident=keep)
    assert {s.article_id for s in sources} == {shared.pk, other.pk}
    folded = sources.get(article=shared).evidence
    assert "Three soldiers were killed." in folded and "Two more died in hospital." in folded
    assert list(keep.actors.values_list("name", flat=True)) == ["Islamic State"]
    keep.refresh_from_db()
    assert keep.fatalities == 5
    removal = IncidentRemoval.objects.get(incident_id=drop.pk)
    assert (removal.reason, removal.merged_into_id) == ("merged", keep.pk)
    record = history(keep.pk)
    assert (record.history_user, record.history_change_reason) == (editor, f"merged #{drop.pk} into #{keep.pk}")


def test_the_merge_confirmation_warns_about_incidents_far_apart(editor_client, kirkuk, raqqa):
    near = IncidentFactory(place=kirkuk, date=dt.date(2016, 3, 14))
    same_day = IncidentFactory(place=kirkuk, date=dt.date(2016, 3, 15))
    far = IncidentFactory(place=raqqa, date=dt.date(2016, 5, 1), event_type="riots", sub_event_type="mob_violence")
    url = reverse(CHANGELIST)

    close = editor_client.post(url, {"action": "merge", "_selected_action": [near.pk, same_day.pk]})
    apart = editor_client.post(url, {"action": "merge", "_selected_action": [near.pk, far.pk]})

    assert close.context["warnings"] == []
    warnings = " ".join(apart.context["warnings"])
    assert "different event types" in warnings
    assert "48 days apart" in warnings
    assert "km apart" in warnings
    assert "Are they really the same incident?" in apart.content.decode()


def test_the_merge_action_needs_two_incidents(editor_client):
    only = IncidentFactory()

    response = editor_client.post(reverse(CHANGELIST), {"action": "merge", "_selected_action": [only.pk]}, follow=True)

    assert "Select at least two incidents to merge." in response.content.decode()
    assert Incident.objects.filter(pk=only.pk).exists()


def test_a_merge_confirmation_naming_an_unselected_incident_changes_nothing(editor_client):
    first, second, outsider = IncidentFactory(), IncidentFactory(), IncidentFactory()

    response = editor_client.post(
        reverse(CHANGELIST),
        {"action": "merge", "_selected_action": [first.pk, second.pk], "confirm": "yes", "keep": outsider.pk},
        follow=True,
    )

    assert "Choose the incident to keep" in response.content.decode()
    assert Incident.objects.count() == 3
    assert not IncidentRemoval.objects.exists()


# --- places and actors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["Arbil", "hawler", "ḤAWLĒR", "Irb"])
def test_the_place_list_finds_alternate_spellings(editor_client, term):
    erbil = PlaceFactory(name="Erbil", alternate_names=["Arbil", "Hawler", "Irbil"], population=932800)
    PlaceFactory(name="Mosul", alternate_names=["Al Mawsil"])

    response = editor_client.get(reverse("admin:incidents_place_changelist"), {"q": term})

    assert [p.pk for p in response.context["cl"].result_list] == [erbil.pk]


def test_the_place_autocomplete_puts_exact_spellings_first(editor_client):
    PlaceFactory(name="Bashiqa", population=20000)
    bashir = PlaceFactory(name="Bashir", population=500)

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "incidents", "model_name": "incident", "field_name": "place", "term": "bashir"},
    )

    results = json.loads(response.content)["results"]
    assert [r["id"] for r in results] == [str(bashir.pk)]
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "incidents", "model_name": "incident", "field_name": "place", "term": "bash"},
    )
    assert len(json.loads(response.content)["results"]) == 2


@pytest.mark.parametrize(("query", "names"), [("country=SY", {"Raqqa"}), ("admin1=Kirkuk", {"Kirkuk"})])
def test_the_place_list_filters_by_country_and_province(editor_client, kirkuk, raqqa, query, names):
    response = editor_client.get(reverse("admin:incidents_place_changelist") + "?" + query)

    assert {p.name for p in response.context["cl"].result_list} == names


def test_adding_a_village_in_the_admin_makes_it_searchable(editor_client, editor):
    url = reverse("admin:incidents_place_add")
    data = form_values(editor_client.get(url), "place_form")
    data.update(
        {
            "name": ["Mulla Qarah"],
            "alternate_names": ["Mulla Qara,Mullah Qarah"],
            "country": ["IQ"],
            "admin1": ["Kirkuk"],
            "point": [json.dumps({"type": "Point", "coordinates": [44.36, 35.38]})],
            "coord_note": ["Read off OpenStreetMap by a curator"],
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    place = Place.objects.get(name="Mulla Qarah")
    assert "mullah qarah" in place.search_names
    assert place.external_id == "iq-mulla-qarah"
    assert place.history.first().history_user == editor


def test_the_actor_list_counts_incidents_and_finds_aliases(editor_client):
    isis = ActorFactory(name="Islamic State", aliases=["ISIL", "Daesh"])
    ActorFactory(name="Peshmerga")
    for incident in (IncidentFactory(), IncidentFactory()):
        IncidentActor.objects.create(incident=incident, actor=isis, role=1)

    response = editor_client.get(reverse("admin:incidents_actor_changelist"), {"q": "daesh"})

    rows = response.context["cl"].result_list
    assert [(a.name, a.n_incidents) for a in rows] == [("Islamic State", 2)]


def test_saving_an_actor_in_the_admin_refreshes_its_search_names(editor_client):
    actor = ActorFactory(name="Kataib Hezbollah")
    url = reverse("admin:incidents_actor_change", args=[actor.pk])
    data = form_values(editor_client.get(url), "actor_form")
    data["aliases"] = ["Ketaeb Hezbollah,KH"]

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert "ketaeb hezbollah" in Actor.objects.get(pk=actor.pk).search_names


# --- demo_admin ----------------------------------------------------------------------------------------------------


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_demo_admin_refuses_to_run_with_debug_off(monkeypatch, django_user_model):
    monkeypatch.delenv("DEMO_ADMIN_ALLOW_WITHOUT_DEBUG", raising=False)
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_admin", stdout=io.StringIO())
    assert django_user_model.objects.count() == 0


def test_demo_admin_runs_with_debug_off_when_told_by_flag_or_environment(monkeypatch, django_user_model):
    monkeypatch.setenv("DEMO_ADMIN_USER", "flagged")
    call_command("demo_admin", "--allow-without-debug", stdout=io.StringIO())
    monkeypatch.setenv("DEMO_ADMIN_USER", "by-env")
    monkeypatch.setenv("DEMO_ADMIN_ALLOW_WITHOUT_DEBUG", "1")
    call_command("demo_admin", stdout=io.StringIO())
    assert sorted(django_user_model.objects.values_list("username", flat=True)) == ["by-env", "flagged"]


@pytest.mark.usefixtures("debug_on")
def test_demo_admin_creates_a_superuser_in_admins_and_prints_the_credentials(monkeypatch, django_user_model):
    monkeypatch.delenv("DEMO_ADMIN_USER", raising=False)
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    out = io.StringIO()

    call_command("demo_admin", stdout=out)

    user = django_user_model.objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.check_password("atlas-demo")
    assert list(user.groups.values_list("name", flat=True)) == ["admins"]
    assert "'admin'" in out.getvalue() and "'atlas-demo'" in out.getvalue()


@pytest.mark.usefixtures("debug_on")
def test_demo_admin_run_twice_updates_the_same_user_from_the_environment(monkeypatch, django_user_model):
    monkeypatch.setenv("DEMO_ADMIN_USER", "curie")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "first-pass-1")
    call_command("demo_admin", stdout=io.StringIO())
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "second-pass-2")

    call_command("demo_admin", stdout=io.StringIO())

    user = django_user_model.objects.get(username="curie")
    assert django_user_model.objects.count() == 1
    assert user.check_password("second-pass-2")
    assert user.groups.count() == 1


@pytest.mark.usefixtures("debug_on")
def test_the_demo_admin_can_log_in_and_open_the_admin(client, monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_USER", "demo")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-123")
    call_command("demo_admin", stdout=io.StringIO())

    assert client.login(username="demo", password="demo-pass-123")
    assert client.get(reverse(CHANGELIST)).status_code == 200


# --- deployment ----------------------------------------------------------------------------------------------------


def test_docker_compose_hands_every_setting_variable_to_web_worker_and_beat():
    root = Path(__file__).resolve().parent.parent
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    settings_source = (root / "config" / "settings.py").read_text()
    read = set(re.findall(r'(?:environ\.get|env_bool|env_list|env_int|env_float)\(\s*"([A-Z0-9_]+)"', settings_source))
    # Set by the image, or only meaningful in tests.
    read -= {"STATIC_ROOT", "CELERY_TASK_ALWAYS_EAGER"}
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"} <= read

    services = compose["services"]
    assert {"postgis", "redis", "web", "worker", "beat"} <= set(services)
    assert services["postgis"]["image"].startswith("postgis/postgis:15-3.4")
    for name in ("web", "worker", "beat"):
        missing = read - set(services[name]["environment"])
        assert not missing, f"{name} lacks {sorted(missing)}"
    assert services["worker"]["command"][:3] == ["celery", "-A", "config"]
