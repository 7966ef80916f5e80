"""Feed sources: claimed for one poll at a time, and the outcome of each poll."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.utils import timezone

from ..models import Source


def source_claim_poll(*, source_id: int, force: bool = False) -> bool:
    """Take a source for polling with one conditional UPDATE: a due source is polled once however many ticks fire."""
    now = timezone.now()
    due = Q(last_polled_at__isnull=True)
    if force:
        due |= Q(last_polled_at__lt=now - dt.timedelta(seconds=5))
    else:
        due |= Q(last_polled_at__lte=now - dt.timedelta(minutes=1) * F("poll_interval_minutes"))
    return Source.objects.filter(pk=source_id, active=True).filter(due).update(last_polled_at=now) == 1 or (
        force and Source.objects.filter(pk=source_id).filter(due).update(last_polled_at=now) == 1
    )


def source_record_poll(
    *,
    source_id: int,
    error: str = "",
    warning: str = "",
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """The outcome of one poll: validators for the next conditional GET, or the error and the failure count.

    A `warning` (a malformed feed that still gave its items) is shown as the last error but is not a failure."""
    if error:
        Source.objects.filter(pk=source_id).update(last_error=error[:5000], error_count=F("error_count") + 1)
        return
    changes = {"last_error": warning[:5000], "error_count": 0, "last_success_at": timezone.now()}
    if etag is not None:
        changes["etag"] = etag[:500]
    if last_modified is not None:
        changes["last_modified"] = last_modified[:100]
    Source.objects.filter(pk=source_id).update(**changes)
