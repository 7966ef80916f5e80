"""The server-rendered pages without a browser: filters from the URL, evidence highlighting, editor actions."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from incidents import selectors
from incidents.models import Incident, IncidentActor, IncidentRemoval
from incidents.views import highlight_segments
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_it_highlights_each_evidence_sentence_inside_the_article_text():
    text = "Intro line.\n\nGunmen  attacked a checkpoint near Kirkuk. Police said more. Three soldiers died on Monday."
    evidence = "Gunmen attacked a checkpoint near Kirkuk. Three soldiers died on Monday."
    pieces, found = highlight_segments(text, evidence)
    assert found
    assert [chunk for chunk, marked in pieces if marked] == [
        "Gunmen  attacked a checkpoint near Kirkuk.",
        "Three soldiers died on Monday.",
    ]
    assert "".join(chunk for chunk, _ in pieces) == text, "nothing of the article is lost or repeated"


def test_it_reports_evidence_that_is_not_in_the_article_word_for_word():
    pieces, found = highlight_segments("Something else entirely.", "Militants attacked a checkpoint.")
    assert not found
    assert pieces == [("Something else entirely.", False)]


def test_the_incident_page_escapes_article_html_and_marks_the_evidence(client):
    evidence = "Militants attacked a checkpoint near Kirkuk on Monday."
    article = f.ArticleFactory(text=f"<script>alert('x')</script> {evidence}", title="<i>Headline</i>")
    link = f.IncidentSourceFactory(article=article, evidence=evidence)
    response = client.get(reverse("incidents:incident", args=[link.incident.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;i&gt;Headline&lt;/i&gt;" in html
    assert f'<mark class="evidence-mark">{evidence}</mark>' in html


def test_the_incident_page_links_only_web_addresses(client):
    link = f.IncidentSourceFactory(article=f.ArticleFactory(url="javascript:alert(1)", title="Sneaky"))
    html = client.get(reverse("incidents:incident", args=[link.incident.pk])).content.decode()
    assert "Sneaky" in html
    assert 'href="javascript:' not in html


def test_a_rejected_incident_page_is_hidden_from_the_public_but_not_from_editors(client, user):
    incident = f.IncidentFactory(status=Incident.Status.REJECTED)
    url = reverse("incidents:incident", args=[incident.pk])
    assert client.get(url).status_code == 404
    user.user_permissions.add(Permission.objects.get(codename="change_incident"))
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Edit in admin" in response.content


def test_an_editor_can_verify_and_reject_from_the_incident_page(client, user):
    incident = f.IncidentFactory()
    url = reverse("incidents:incident-status", args=[incident.pk])
    client.force_login(user)
    assert client.post(url, {"status": "verified"}).status_code == 403, "a plain account is not an editor"

    user.user_permissions.add(Permission.objects.get(codename="change_incident"))
    response = client.post(url, {"status": "verified"}, follow=True)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.VERIFIED
    assert "Marked as verified." in response.content.decode()
    assert incident.history.first().history_user == user

    client.post(url, {"status": "rejected"})
    assert IncidentRemoval.objects.filter(incident_id=incident.pk, reason="rejected").exists()
    response = client.post(url, {"status": "nonsense"}, follow=True)
    assert "Unknown status" in response.content.decode()


def test_the_dashboard_ignores_bad_filters_with_a_message_instead_of_failing(client):
    response = client.get("/?date_from=2021-13-01&event_type=bogus&min_fatalities=-4&place=99999999999999999999")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Ignored ") == 4
    assert "Ignored date_from=&#x27;2021-13-01&#x27;" in html
    assert set(response.context["atlas_config"]["ignored"]) == {"date_from", "event_type", "place", "min_fatalities"}


def test_the_dashboard_fills_its_form_from_a_shared_link(client):
    kirkuk = f.PlaceFactory(name="Kirkuk")
    response = client.get(
        f"/?date_from=2016-03-01&event_type=battles,protests&sub_event_type=armed_clash&place={kirkuk.pk}&q=checkpoint"
    )
    html = response.content.decode()
    assert 'id="f-date-from" name="date_from" type="date" value="2016-03-01"' in html
    assert 'value="battles"\n                     checked' in html
    assert 'value="protests"\n                     checked' in html
    assert 'value="Kirkuk — village, Kirkuk province, Iraq"' in html
    assert 'id="f-mode-at" name="place_mode" value="at" checked' in html
    config = response.context["atlas_config"]
    assert config["api"]["clusters"] == "/api/v1/incidents/clusters/"
    assert config["max_incident_id"] == 0


def test_the_timeline_groups_whole_days_and_pages_back_in_time(client):
    place = f.PlaceFactory(name="Kirkuk")
    for day, count in ((20, 2), (19, 3), (18, 1)):
        for _ in range(count):
            f.IncidentFactory(place=place, date=dt.date(2016, 3, day))

    rows, next_until = selectors.incident_day_page(filters={}, user=None, limit=4)
    assert [r["date"].day for r in rows] == [20, 20], "the 19th does not fit whole, so it starts the next page"
    assert next_until == dt.date(2016, 3, 19)

    response = client.get("/timeline/", {"until": "2016-03-19"})
    days = response.context["days"]
    assert [(day["date"].day, day["label"], len(items)) for day, items in days] == [
        (19, "19 March 2016", 3),
        (18, "18 March 2016", 1),
    ]
    assert response.context["next_query"] is None


def test_a_single_day_larger_than_a_page_is_cut_and_the_next_page_starts_the_day_before():
    f.IncidentFactory.create_batch(5, date=dt.date(2016, 3, 20))
    rows, next_until = selectors.incident_day_page(filters={}, user=None, limit=3)
    assert len(rows) == 3
    assert next_until == dt.date(2016, 3, 19)


def test_the_timeline_page_filters_like_the_api(client):
    daesh = f.ActorFactory(name="Islamic State", aliases=["Daesh", "ISIS"])
    hit = f.IncidentFactory(date=dt.date(2016, 3, 3), fatalities=12)
    IncidentActor.objects.create(incident=hit, actor=daesh, role=1)
    f.IncidentFactory(date=dt.date(2016, 3, 4), fatalities=12)
    f.IncidentFactory(date=dt.date(2016, 3, 5), fatalities=1)
    response = client.get("/timeline/", {"actor": "Daesh", "min_fatalities": "5", "until": "not-a-date"})
    ids = [row["id"] for _, items in response.context["days"] for row in items]
    assert ids == [hit.pk]
    assert any("until" in error for error in response.context["errors"])


def test_place_and_actor_pages_list_their_incidents(client):
    place = f.PlaceFactory(name="Makhmur", alternate_names=["Makhmour", "Mexmur"])
    actor = f.ActorFactory(name="Peshmerga")
    incident = f.IncidentFactory(place=place, summary="Clashes near Makhmur.")
    IncidentActor.objects.create(incident=incident, actor=actor, role=2)
    f.IncidentFactory(summary="Elsewhere.")

    response = client.get(reverse("incidents:place", args=[place.pk]))
    assert response.status_code == 200
    assert [r["id"] for r in response.context["recent"]] == [incident.pk]
    assert "Also written: Makhmour, Mexmur" in response.content.decode()

    response = client.get(reverse("incidents:actor", args=[actor.pk]))
    assert [r["id"] for r in response.context["recent"]] == [incident.pk]
    assert response.context["atlas_config"]["filter"] == {"actor": str(actor.pk)}

    assert client.get(reverse("incidents:place", args=[place.pk + 1000])).status_code == 404
    assert client.get(reverse("incidents:actor", args=[actor.pk + 1000])).status_code == 404
