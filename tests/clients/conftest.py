"""Real clients nobody here wrote (GDAL's ogrinfo/ogr2ogr, OWSLib, pandas, a generated client) against a live server.

The server is pytest-django's live server thread on a port from ATLAS_TEST_PORTS (default 17300-17399), so
parallel test runs of other worktrees on this machine, which use other ranges, never collide with it.
"""

from __future__ import annotations

import os
import shutil
import socket

import pytest

from tests.conftest import clear_throttles, empty_summary_tables, forget_cached_responses


def _free_port(host: str) -> int:
    first, last = (int(p) for p in os.environ.get("ATLAS_TEST_PORTS", "17300-17399").split("-"))
    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{last}")


@pytest.fixture(scope="session")
def _server_thread(django_db_setup, django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        server = LiveServer(f"127.0.0.1:{_free_port('127.0.0.1')}")
    yield server
    server.stop()


@pytest.fixture
def live_app_url(_server_thread, transactional_db):
    """The base URL of a live server of the Django app (not the page server of the ingest tests) over this test's
    committed data, with no throttle counts or cached answers."""
    clear_throttles()
    forget_cached_responses()
    empty_summary_tables()
    yield _server_thread.url
    empty_summary_tables()


def battles_at_kirkuk_and_riots_at_raqqa(kirkuk, raqqa, *, battles: int, riots: int, riots_on, rejected: int = 0):
    """Enough rows for the clients to page through; the first battle names Islamic State (alias Daesh) as actor1,
    the rejected riots (the day after) are hidden from the public."""
    import datetime as dt

    from incidents.models import Incident, IncidentActor
    from tests.factories import ActorFactory, IncidentFactory

    made = Incident.objects.bulk_create(
        IncidentFactory.build_batch(battles, place=kirkuk, date=dt.date(2017, 5, 1))
        + IncidentFactory.build_batch(riots, place=raqqa, date=riots_on, event_type="riots",
                                      sub_event_type="mob_violence")
        + IncidentFactory.build_batch(rejected, place=raqqa, date=riots_on + dt.timedelta(days=1), status="rejected")
    )  # fmt: skip
    IncidentActor.objects.create(incident=made[0], actor=ActorFactory(name="Islamic State", aliases=["Daesh"]), role=1)
    return made


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: `make install` installs Debian's gdal-bin")
    return path
