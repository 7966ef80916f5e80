import pytest


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user(username="editor", password="pw-editor-123")
