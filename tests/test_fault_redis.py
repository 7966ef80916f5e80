"""A Redis outage mid-flow, against a private Redis this test starts and kills: the API keeps answering and storing
submissions, and after Redis returns (empty: every waiting message is lost) the worker and beat process every
article exactly once, because the database is the queue of record."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.contrib.auth.models import Permission
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from rest_framework.authtoken.models import Token

from incidents.models import Article, IncidentSource
from tests.fixtures.worker import FAST_LEASE, Worker, database_url, wait_for

ROOT = Path(__file__).resolve().parent.parent
REDIS_PORT = 17111  # this worktree's private range
WEB_PORT = 17112
PRIVATE_REDIS = f"redis://127.0.0.1:{REDIS_PORT}/0"
TEXT = "A roadside bomb killed {n} Iraqi soldiers in Tarmiyah, north of Baghdad, on March {day}, 2016, police said."


class PrivateRedis:
    def __init__(self) -> None:
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_for(self.answers, timeout=10, what="the private Redis")

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=REDIS_PORT, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def _process(args, log_name, env):
    log = open(f"/tmp/atlas-test-{log_name}-{uuid.uuid4().hex[:8]}.log", "w+")  # noqa: SIM115 (closed below)
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True), log


def _stop(process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.worker
def test_a_redis_outage_loses_no_submission_and_every_article_is_processed_exactly_once(
    transactional_db, django_user_model
):
    user = django_user_model.objects.create_user(username="newsroom", password="newsroom-pw-1")
    user.user_permissions.add(Permission.objects.get(codename="add_article"))
    auth = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    every_two_seconds = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="recover", task="ingest.tasks.recover_stale_articles", interval=every_two_seconds, enabled=True
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": PRIVATE_REDIS,
        "ARTICLE_REQUEUE_AFTER_SECONDS": "4",
        "DB_CONN_MAX_AGE": "0",
    }
    redis_server = PrivateRedis()
    redis_server.start()
    web, web_log = _process(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{WEB_PORT}", "--noreload"], "web", env
    )
    beat, beat_log = _process(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info", "--max-interval", "1",
         "-s", f"/tmp/atlas-beat-{uuid.uuid4().hex[:8]}"], "beat", env,
    )  # fmt: skip
    worker = None
    api = f"http://127.0.0.1:{WEB_PORT}/api/v1"
    try:
        worker_env = {k: env[k] for k in ("REDIS_URL", "ARTICLE_REQUEUE_AFTER_SECONDS")} | FAST_LEASE
        worker = Worker(**worker_env)
        wait_for(lambda: _answers(f"{api}/incidents/"), timeout=30, what="the web server")
        # Submitted faster than the worker's two processes take them: those still waiting in Redis die with it.
        before = [_submit(api, auth, n) for n in range(1, 9)]
        redis_server.kill()
        # Redis down: reads answer (no cache, no throttle) and submissions are stored.
        assert requests.get(f"{api}/incidents/", timeout=10).status_code == 200
        assert requests.get(f"{api}/articles/{before[0]}/", headers=auth, timeout=10).status_code == 200
        during = [_submit(api, auth, n) for n in range(9, 17)]
        assert Article.objects.filter(pk__in=before + during).count() == 16
        assert Article.objects.filter(pk__in=during, status="queued").count() == 8
        redis_server.start()  # empty: what waited in it is gone
        after = [_submit(api, auth, n) for n in range(17, 21)]
        ids = before + during + after
        interrupted = set()

        def supervised_until_done() -> bool:
            # Celery's worker may exit when its broker connection breaks (kombu 5.7 fails to close the lost
            # connection); deployed, docker-compose's `restart: unless-stopped` starts it again, and so do we. A task
            # it held then is taken again when its claim lapses: the only articles allowed a second attempt.
            nonlocal worker
            if worker.process.poll() is not None:
                interrupted.update(Article.objects.filter(status="processing").values_list("pk", flat=True))
                worker.stop()
                worker = Worker(**worker_env)
            return Article.objects.filter(pk__in=ids, status="processed").count() == len(ids)

        wait_for(supervised_until_done, timeout=120, what="every article to be processed")
        time.sleep(5)  # recovery keeps running: nothing may be processed a second time
        attempts = dict(Article.objects.filter(pk__in=ids).values_list("pk", "attempts"))
        assert set(Article.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"processed"}
        assert {pk for pk, n in attempts.items() if n != 1} <= interrupted, worker.output()[-3000:]
        assert all(attempts[pk] <= 2 for pk in interrupted if pk in attempts)
        links = IncidentSource.objects.filter(article_id__in=ids)
        assert links.count() == links.values("article_id", "incident_id").distinct().count()
    finally:
        if worker is not None:
            worker.stop()
        for process, log in ((web, web_log), (beat, beat_log)):
            _stop(process)
            log.close()
            os.unlink(log.name)
        redis_server.kill()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def _submit(api: str, auth: dict, n: int) -> int:
    response = requests.post(f"{api}/articles/", json={"text": TEXT.format(n=n, day=n)}, headers=auth, timeout=30)
    assert response.status_code == 202, response.text
    return response.json()["id"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path",
    ["/api/v1/incidents/", "/api/v1/incidents/clusters/?bbox=38,29,49,38&zoom=5", "/api/v1/stats/timeline/",
     "/api/v1/stats/summary/", "/api/v1/places/", "/"],
)  # fmt: skip
def test_reads_answer_uncached_and_unthrottled_when_the_cache_is_down(client, settings, path):
    # transaction=True: the response cache is used only outside a transaction that has written.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{REDIS_PORT + 8}/0"}}
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
