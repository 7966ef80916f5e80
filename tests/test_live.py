"""The live stream relays incidents announced after commit, and only after commit."""

import json

import pytest

from incidents.live import announce_new_incidents, event_stream

pytestmark = pytest.mark.django_db


def test_an_announced_incident_reaches_an_open_stream_once_its_transaction_commits(django_capture_on_commit_callbacks):
    stream = event_stream(seconds=5)
    assert next(stream).startswith("retry: 1000")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        announce_new_incidents([7, 7, 3])
    assert len(callbacks) == 1, "published by an on-commit callback"
    event = next(stream)
    stream.close()
    assert event.startswith("event: incidents\n")
    assert json.loads(event.split("data: ", 1)[1]) == {"ids": [3, 7]}


def test_the_stream_endpoint_answers_as_server_sent_events(client, settings):
    settings.LIVE_STREAM_SECONDS = 0.5
    response = client.get("/live/incidents/")
    assert response["Content-Type"] == "text/event-stream"
    assert response["X-Accel-Buffering"] == "no"
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("retry: 1000")
