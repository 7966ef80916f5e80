from .celery_app import app as celery_app

__all__ = ("celery_app",)
from . import startup  # noqa: F401, E402 - registers the deploy check that a secret key is set
