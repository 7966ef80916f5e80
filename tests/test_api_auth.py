"""Reading open or token-only by setting, writing with a token that carries the model permission, throttling."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/incidents/"


@pytest.fixture
def token(django_user_model):
    user = django_user_model.objects.create_user(username="tool", password="tool-pw-123")
    return Token.objects.create(user=user)


def grant(token, codename):
    token.user.user_permissions.add(Permission.objects.get(codename=codename))


def test_reading_is_open_when_public_read_is_on(api_client, settings):
    settings.API_PUBLIC_READ = True
    assert api_client.get(URL).status_code == 200


def test_reading_needs_a_token_when_public_read_is_off(api_client, settings, token):
    settings.API_PUBLIC_READ = False
    assert api_client.get(URL).status_code == 401
    assert api_client.get(URL, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert api_client.get(URL, HTTP_AUTHORIZATION="Token not-a-real-token").status_code == 401


def test_writing_needs_a_token_with_the_model_permission(api_client, token):
    incident = IncidentFactory()
    body = {"fatalities": 7}
    assert api_client.patch(f"{URL}{incident.pk}/", body, format="json").status_code == 401
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert api_client.patch(f"{URL}{incident.pk}/", body, format="json", **auth).status_code == 403
    grant(token, "change_incident")
    assert api_client.patch(f"{URL}{incident.pk}/", body, format="json", **auth).status_code == 200

    submit = {"text": "Gunmen killed two shepherds near Tarmiyah on Sunday."}
    assert api_client.post("/api/v1/articles/", submit, format="json", **auth).status_code == 403
    grant(token, "add_article")
    assert api_client.post("/api/v1/articles/", submit, format="json", **auth).status_code == 202


def test_anonymous_clients_are_throttled(api_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "9/min"}}
    codes = [api_client.get(URL).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Retry-After" in api_client.get(URL)


def test_token_users_have_their_own_budget(api_client, settings, token):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "3/min"}}
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    codes = [api_client.get(URL, **auth).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_article_submissions_have_a_lower_scoped_rate(api_client, settings, token):
    grant(token, "add_article")
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "100/min", "article_submit": "2/hour"},
    }
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    codes = [
        api_client.post(
            "/api/v1/articles/", {"text": f"Report number {n} from Mosul."}, format="json", **auth
        ).status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 429]
    # Reading is not counted against the submission budget.
    assert api_client.get("/api/v1/articles/", **auth).status_code == 200


def test_the_openapi_schema_and_offline_swagger_ui_are_served(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/incidents/", "/api/v1/incidents/clusters/", "/api/v1/articles/"} <= set(paths)
    params = {p["name"]: p for p in paths["/api/v1/incidents/"]["get"]["parameters"]}
    assert "minLon,minLat,maxLon,maxLat" in params["bbox"]["description"]
    assert params["event_type"]["schema"]["items"]["enum"][0] == "battles"
    docs = api_client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    # The UI's assets come from drf-spectacular-sidecar under /static/, not from a CDN.
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
