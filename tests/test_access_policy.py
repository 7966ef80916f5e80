"""One access policy: a permission matrix over every write path and every read setting, trusted proxies for the
throttle, and ingest internals (article errors, feed URLs) for staff only."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.models import Incident
from tests.conftest import clear_throttles
from tests.factories import ArticleFactory, IncidentFactory, SourceFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "token_without_permission", "staff_without_permission", "editor", "admin")
MAY_CURATE = {"editor", "admin"}


def make_user(role, django_user_model):
    if role == "anonymous":
        return None
    user = django_user_model.objects.create_user(
        username=role, password="pw-123456", is_staff=role != "token_without_permission", is_superuser=role == "admin"
    )
    if role == "editor":
        user.groups.add(Group.objects.get(name="editors"))
    return user


def clients(user):
    """(page client with a session, API client with a token) for the user; both anonymous for None."""
    page, api = Client(), APIClient()
    if user is not None:
        page.force_login(user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return page, api


@pytest.mark.parametrize("role", ROLES)
def test_every_write_path_asks_for_the_same_model_permission(role, django_user_model):
    clear_throttles()
    page, api = clients(make_user(role, django_user_model))
    allowed = role in MAY_CURATE

    by_page = IncidentFactory()
    response = page.post(reverse("incidents:incident-status", args=[by_page.pk]), {"status": "verified"})
    by_page.refresh_from_db()
    assert (by_page.status == "verified") is allowed, f"page status change by {role}: {response.status_code}"
    if role != "anonymous":
        assert response.status_code == (302 if allowed else 403)

    by_api = IncidentFactory()
    response = api.patch(f"/api/v1/incidents/{by_api.pk}/", {"status": "rejected"}, format="json")
    by_api.refresh_from_db()
    assert (by_api.status == "rejected") is allowed, f"API PATCH by {role}: {response.status_code}"
    assert response.status_code in ((200,) if allowed else (401, 403))

    by_admin = IncidentFactory()
    page.post(reverse("admin:incidents_incident_changelist"), {"action": "verify", "_selected_action": [by_admin.pk]})
    by_admin.refresh_from_db()
    assert (by_admin.status == "verified") is allowed, f"admin action by {role}"


@pytest.mark.parametrize("public", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_pages_and_the_api_obey_the_same_read_setting(role, public, settings, django_user_model):
    settings.API_PUBLIC_READ = public
    clear_throttles()
    page, api = clients(make_user(role, django_user_model))
    incident = IncidentFactory()
    may_read = public or role != "anonymous"
    for path in ("/", "/timeline/", f"/incidents/{incident.pk}/"):
        response = page.get(path)
        if may_read:
            assert response.status_code == 200, path
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], path
    assert (api.get("/api/v1/incidents/").status_code == 200) is may_read


def test_the_status_buttons_show_only_for_users_who_may_curate(django_user_model):
    incident = IncidentFactory()
    staff, _ = clients(make_user("staff_without_permission", django_user_model))
    editor, _ = clients(make_user("editor", django_user_model))
    url = f"/incidents/{incident.pk}/"
    action = reverse("incidents:incident-status", args=[incident.pk])
    assert action not in staff.get(url).content.decode()
    assert action in editor.get(url).content.decode()
    assert Incident.objects.get().status == "unreviewed"


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"},
    }
    clear_throttles()
    api = APIClient()
    # A client that makes up a new address for every request still gets its own address's budget.
    codes = [api.get("/api/v1/places/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)]
    assert codes == [200, 200, 429, 429]

    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]  # the test client's REMOTE_ADDR is our proxy now
    clear_throttles()
    codes = [api.get("/api/v1/places/", HTTP_X_FORWARDED_FOR=f"198.51.100.7, 203.0.113.{n}").status_code
             for n in range(3)]  # fmt: skip
    assert codes == [200, 200, 200], "behind a trusted proxy each client has its own budget"
    clear_throttles()
    spoofed = [api.get("/api/v1/places/", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.8").status_code
               for n in range(3)]  # fmt: skip
    assert spoofed == [200, 200, 429], "what the client wrote before the proxy's entry does not count"


def test_article_errors_and_feed_urls_are_for_staff_only(django_user_model):
    clear_throttles()
    failed = ArticleFactory(
        status="failed", url="http://10.0.0.5/admin/", error="Refused to fetch from 10.0.0.5: a private address"
    )
    processed = ArticleFactory(status="processed", url="https://news.example.org/story")
    SourceFactory(url="http://feeds.internal.lan/rss")
    _, anonymous = clients(None)
    _, outsider = clients(make_user("token_without_permission", django_user_model))
    _, staff = clients(make_user("staff_without_permission", django_user_model))
    for api in (anonymous, outsider):
        detail = api.get(f"/api/v1/articles/{failed.pk}/").json()
        assert detail["error"] == "" and detail["url"] is None and detail["status"] == "failed"
        listed = {row["id"]: row["url"] for row in api.get("/api/v1/articles/").json()["results"]}
        assert listed == {failed.pk: None, processed.pk: "https://news.example.org/story"}
        assert api.get("/api/v1/sources/").json()["results"][0]["url"] is None
    detail = staff.get(f"/api/v1/articles/{failed.pk}/").json()
    assert detail["error"].startswith("Refused") and detail["url"] == "http://10.0.0.5/admin/"
    assert staff.get("/api/v1/sources/").json()["results"][0]["url"] == "http://feeds.internal.lan/rss"
