"""The cache degrades instead of failing: with Redis down, a read is a miss and a write is dropped, so the API keeps
answering (uncached, unthrottled) and the outage is logged once a minute rather than turned into 500s."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)
_last_logged = float("-inf")


def _log_outage(exc: BaseException) -> None:
    global _last_logged
    if time.monotonic() - _last_logged > 60:
        _last_logged = time.monotonic()
        logger.error("Cache unavailable, serving without it: %s", exc)


def _degrading(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(DegradingRedisCache, self), name)(*args, **kwargs)
        except _OUTAGE as exc:
            _log_outage(exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


class DegradingRedisCache(RedisCache):
    get = _degrading("get", lambda key, default=None, version=None: default)
    get_many = _degrading("get_many", {})
    has_key = _degrading("has_key", False)
    set = _degrading("set", None)
    add = _degrading("add", False)
    touch = _degrading("touch", False)
    set_many = _degrading("set_many", [])
    delete = _degrading("delete", False)
    delete_many = _degrading("delete_many", None)
    clear = _degrading("clear", False)
    incr = _degrading("incr", lambda key, delta=1, version=None: delta)
