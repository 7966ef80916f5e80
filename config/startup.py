"""What a serving process checks before it starts: a secret key of its own when DEBUG is off.

Settings allow offline commands (`manage.py extract`, `load_gazetteer`, `migrate`) to run without a key, since they
sign nothing; the web server and the Celery worker must not, or sessions and password-reset links would be signed
with a throwaway (or guessable) key.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    if getattr(settings, "SECRET_KEY_MISSING", False):
        raise ImproperlyConfigured(settings.MISSING_SECRET_KEY)


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if getattr(settings, "SECRET_KEY_MISSING", False):
        return [Error(settings.MISSING_SECRET_KEY, id="atlas.E001")]
    return []
