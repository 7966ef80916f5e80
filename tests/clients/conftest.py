"""Real clients nobody here wrote (GDAL's ogrinfo/ogr2ogr, OWSLib, pandas, a generated client) against a live server.

The server is pytest-django's live server thread on a port from ATLAS_TEST_PORTS (default 17300-17399), so
parallel test runs of other worktrees on this machine, which use other ranges, never collide with it.
"""

from __future__ import annotations

import os
import shutil
import socket

import pytest

from tests.conftest import clear_throttles


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
def server(_server_thread, transactional_db):
    """The base URL of a live server over this test's committed data, with no throttle counts or cached answers."""
    from tests.browser.conftest import _empty_summary_tables, _forget_cached_responses

    clear_throttles()
    _forget_cached_responses()
    _empty_summary_tables()
    yield _server_thread.url
    _empty_summary_tables()


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: `make install` installs Debian's gdal-bin")
    return path
