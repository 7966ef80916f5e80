import pytest


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user(username="editor", password="pw-editor-123")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is slow on purpose: about a second for every test user created or logged in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
