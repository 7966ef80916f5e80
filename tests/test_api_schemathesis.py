"""Property-based run against the generated OpenAPI schema: no 5xx and responses that match the schema.

Bounded (a few examples per operation) so it fits in `make test`; every operation, query parameter and body field is
generated from the schema that /api/schema/ serves, including invalid values (negative mode) for the 400 paths.
"""

import datetime as dt

import orjson
import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from incidents.models import IncidentActor
from tests.conftest import clear_throttles
from tests.factories import ActorFactory, IncidentFactory, IncidentSourceFactory, PlaceFactory, SourceFactory

schema = schemathesis.openapi.from_dict(
    orjson.loads(orjson.dumps(SchemaGenerator().get_schema(request=None, public=True)))
)
schema.app = get_wsgi_application()

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]


@pytest.fixture
def keep_connection():
    # The WSGI handler closes the connection after each request; inside the test's transaction that would end it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, settings, keep_connection):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "article_submit": "100000/min"},
    }
    clear_throttles()
    place = PlaceFactory(name="Kirkuk", alternate_names=["Karkuk"])
    actor = ActorFactory(name="Islamic State", aliases=["ISIS", "Daesh"])
    for n in range(5):
        incident = IncidentFactory(place=place, date=dt.date(2016, 1, 1 + n), fatalities=None if n == 2 else n)
        IncidentActor.objects.create(incident=incident, actor=actor, role=1 + n % 2)
        IncidentSourceFactory(incident=incident, article__source=SourceFactory())
    admin = get_user_model().objects.create_superuser("schema-admin", "a@example.org", "schema-pw-1")
    return {"Authorization": f"Token {Token.objects.create(user=admin).key}"}


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_matches_its_schema_and_never_fails_with_a_5xx(case, world):
    case.call_and_validate(headers=world, checks=CHECKS)


# Rules OpenAPI 3.0 cannot state, which the parameters' descriptions state instead: a 400 for these alone is right.
# (That a place id names a place, and a province or district for `inside`, or that `within_km` comes with `near`.)
UNSTATABLE = (
    "The minimum must not exceed the maximum",
    "Null characters are not allowed",
    "No place has the id",
    "is not a province or district",
    "within_km needs near",
)


@schemathesis.check
def schema_allowed_data_is_accepted(ctx, response, case):
    if response.status_code == 400:
        messages = [m for ms in response.json().values() for m in (ms if isinstance(ms, list) else [ms])]
        if messages and all(any(rule in str(m) for rule in UNSTATABLE) for m in messages):
            return True
    return positive_data_acceptance(ctx, response, case)


@schema.include(method="GET").parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_schema_and_the_code_agree_on_what_a_valid_request_is_in_both_directions(case, world):
    # Positive: what the schema allows is never refused. Negative: what it forbids is refused, not ignored.
    checks = [*CHECKS, schema_allowed_data_is_accepted, negative_data_rejection]
    case.call_and_validate(headers=world, checks=checks)
