import pytest


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user(username="editor", password="pw-editor-123")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is slow on purpose: about a second for every test user created or logged in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fetch_loopback(settings):
    """Let fetches reach the tests' local servers on loopback, which the outbound policy refuses by default."""
    from tests.fixtures.http import LOOPBACK_NETWORKS

    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK_NETWORKS


@pytest.fixture
def page_server(fetch_loopback):
    """A local HTTP server for the pages and feeds the fetcher reads (tests/fixtures/http.py)."""
    from tests.fixtures.http import LocalServer

    with LocalServer() as server:
        yield server


@pytest.fixture
def worker(transactional_db):
    """A real Celery worker process on this test's database, Redis database and queue; stopped at the end."""
    from tests.fixtures.broker import purge_queue
    from tests.fixtures.worker import Worker

    purge_queue()
    # Alerts retry a failed webhook within the test's wait rather than after a minute.
    started = Worker(ALERT_RETRY_SECONDS="0.2")
    yield started
    started.stop()


@pytest.fixture
def fresh_extractor_index():
    """A test that builds its own places: the extractor's in-process gazetteer index must not outlive them."""
    from ingest import extract, tasks

    extract.reset_caches()
    tasks._gazetteer_state, tasks._gazetteer_checked = None, float("-inf")


def _named_place_fixture(name: str):
    def place(db):
        from tests.factories import named_place

        return named_place(name)

    place.__doc__ = f"{name} where the gazetteer has it (tests/factories.py)."
    return pytest.fixture(place, name=name.lower())


kirkuk, bashir, hawija, mosul, erbil, baghdad, tarmiya, raqqa = map(
    _named_place_fixture, ["Kirkuk", "Bashir", "Hawija", "Mosul", "Erbil", "Baghdad", "Tarmiya", "Raqqa"]
)


def clear_throttles() -> None:
    """Forget the API's request counts, which live in the shared Redis cache across tests."""
    from django.core.cache import cache

    client = cache._cache.get_client()
    keys = list(client.scan_iter(match="*throttle_*", count=1000))
    if keys:
        client.delete(*keys)


# The trigger-kept summaries a live-server test empties with the incidents (Django's flush leaves them).
SUMMARY_TABLES = (
    "incidents_daily_stat",
    "incidents_daily_stat_delta",
    "incidents_actor_stat",
    "incidents_actor_stat_delta",
)


def empty_summary_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in SUMMARY_TABLES:
            if table in connection.introspection.table_names():
                cursor.execute(f"DELETE FROM {table}")


def forget_cached_responses() -> None:
    """Drops the API's cached responses, and only those (Celery's keys in the same Redis database stay): they are
    keyed on a data version that restarts with every fresh test database, so an earlier run's answer could match."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client()
        for key in client.scan_iter(match=cache.make_key("*"), count=1000):
            client.delete(key)
    else:
        cache.clear()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    clear_throttles()
    return APIClient()


_GAZETTEER = {"loaded": False}
# A row only the gazetteer load creates: present means the loaded gazetteer is in the table.
_GAZETTEER_MARK = {"origin": "curated", "external_id": "bashir-kirkuk"}


def _load_gazetteer() -> str:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("load_gazetteer", "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture(scope="session")
def gazetteer(django_db_setup, django_db_blocker):
    """The real gazetteer (GeoNames cities500, provinces, airports, curated places), loaded once per test database.

    Committed outside the tests' transactions, so every test that asks for it sees it; tests that do not ask see an
    empty Place table (see _gazetteer_only_where_asked). If a transactional test flushed it, it is loaded again, with
    new primary keys: call ingest.extract.reset_caches() in tests that keep place ids across such a reload.
    """
    with django_db_blocker.unblock():
        output = _load_gazetteer()
    _GAZETTEER["loaded"] = True
    return output


@pytest.fixture(autouse=True)
def _gazetteer_only_where_asked(request, django_db_blocker):
    # The gazetteer is committed once per session, so without this every later test would see its ~690 places.
    if not _GAZETTEER["loaded"]:
        return
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    transactional = bool(names & {"transactional_db", "live_server"}) or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not (transactional or marker or "db" in names):
        return
    if not transactional:
        request.getfixturevalue("db")  # inside the test's transaction, so the hiding below is rolled back
    from incidents.models import Place

    with django_db_blocker.unblock():
        present = Place.objects.filter(**_GAZETTEER_MARK).exists()
        if "gazetteer" in names and not present:
            _load_gazetteer()
        elif "gazetteer" not in names and present:
            Place.history.all().delete()
            Place.objects.all().delete()


@pytest.fixture(scope="session")
def actors(django_db_setup, django_db_blocker):
    """The actor seed (incidents/data/actors.json), loaded once per test database like the gazetteer."""
    import io

    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_actors", stdout=io.StringIO())


@pytest.fixture
def extraction_index(gazetteer, actors, db):
    """Gazetteer and actors loaded, and extraction's in-process index rebuilt for this test's data."""
    from ingest.extract import reset_caches

    reset_caches()
    yield
    reset_caches()
