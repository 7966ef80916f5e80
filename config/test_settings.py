"""Settings for the test suite: production settings (DEBUG off) with a throw-away key, and static files from the
plain storage, since tests run without collectstatic (the manifest storage needs its output).

pytest-django exports DJANGO_SETTINGS_MODULE, so the worker and server processes tests start use these too."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")

from .settings import *  # noqa: E402, F403
from .settings import STORAGES  # noqa: E402

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
