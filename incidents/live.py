"""Live updates for open dashboards: newly recorded incident ids are published on a Redis channel after commit, and
each dashboard's server-sent-events stream relays them (no poll, no click)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator

import redis
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)
CHANNEL = "atlas:live:incidents"
HEARTBEAT_SECONDS = 15.0


def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)


def announce_new_incidents(ids: Iterable[int]) -> None:
    """After the transaction commits (a stream must never announce what a reader cannot yet see)."""
    ids = sorted({int(i) for i in ids if i})
    if not ids:
        return

    def publish() -> None:
        try:
            _client().publish(CHANNEL, json.dumps({"ids": ids}))
        except redis.RedisError:
            # Live updates are best effort: the dashboard's poll still finds the incidents.
            logger.warning("Could not announce incidents %s", ids, exc_info=True)

    transaction.on_commit(publish)


def event_stream(*, seconds: float | None = None) -> Iterator[str]:
    """Server-sent events: `incidents` with {"ids": [...]} for each announcement, a comment as heartbeat. Ends after
    `seconds` (LIVE_STREAM_SECONDS) so no web worker is held for ever; EventSource reconnects after `retry`."""
    seconds = settings.LIVE_STREAM_SECONDS if seconds is None else seconds
    pubsub = _client().pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(CHANNEL)
    try:
        yield "retry: 1000\n\n: connected\n\n"
        end = time.monotonic() + seconds
        beat = time.monotonic() + HEARTBEAT_SECONDS
        while time.monotonic() < end:
            message = pubsub.get_message(timeout=1.0)
            if message and message.get("type") == "message":
                data = message["data"].decode() if isinstance(message["data"], bytes) else message["data"]
                yield f"event: incidents\ndata: {data}\n\n"
            elif time.monotonic() > beat:
                beat = time.monotonic() + HEARTBEAT_SECONDS
                yield ": heartbeat\n\n"
    finally:
        pubsub.close()
