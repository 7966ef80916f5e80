import os

from celery import Celery
from celery.signals import task_postrun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("incident_atlas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect
def _close_old_connections(task=None, **kwargs):
    # As after a web request: a connection past DB_CONN_MAX_AGE, or broken, is closed; others serve the next task.
    # Not for a task run in the caller's process (apply, eager mode): the connection is the caller's.
    if task is not None and task.request.is_eager:
        return
    from django.db import close_old_connections

    close_old_connections()


@worker_init.connect
def _refuse_without_a_key(**kwargs):
    from config.startup import require_secret_key

    require_secret_key()
