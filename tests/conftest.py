import pytest


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user(username="editor", password="pw-editor-123")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is slow on purpose: about a second for every test user created or logged in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def clear_throttles() -> None:
    """Forget the API's request counts, which live in the shared Redis cache across tests."""
    from django.core.cache import cache

    client = cache._cache.get_client()
    keys = list(client.scan_iter(match="*throttle_*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    clear_throttles()
    return APIClient()


@pytest.fixture(scope="session")
def gazetteer(django_db_setup, django_db_blocker):
    """The real gazetteer (GeoNames cities500, provinces, airports, curated places), loaded once per test database.

    Committed outside the tests' transactions, so every test sees it; a `transactional_db` test flushes it, so do not
    mix the two in one session without reloading.
    """
    import io

    from django.core.management import call_command

    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("load_gazetteer", "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


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
