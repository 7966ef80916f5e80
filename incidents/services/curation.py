"""Curators' writes: edits, review status and merges of incidents, each recorded in history with the user."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..live import announce_new_incidents
from ..models import Incident, IncidentActor, IncidentRemoval, IncidentSource
from .reports import combine_fatalities, fold_evidence, save_with_history, sync_place_fields
from .search import incident_refresh_search

# Fields a curator may set through incident_update; the rest are derived or belong to the pipeline.
_CURATOR_FIELDS = frozenset(
    {
        "event_type",
        "sub_event_type",
        "date",
        "date_precision",
        "place",
        "point",
        "geo_precision",
        "country",
        "admin1",
        "location_name",
        "fatalities_low",
        "fatalities",
        "fatalities_high",
        "injured",
        "missing",
        "summary",
        "status",
        "curator_locked",
    }
)


def incident_update(*, incident: Incident, user, reason: str = "", **changes) -> Incident:
    """Apply a curator's edit: validated, recorded in history with the user, and locked against re-extraction.

    A new place carries its point, country, province and name unless the same edit sets them. Setting the status to
    rejected writes a tombstone. Also saves a new (unsaved) incident a curator creates by hand.
    """
    unknown = set(changes) - _CURATOR_FIELDS
    if unknown:
        raise ValidationError(f"Not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        old_status = None
        if incident.pk is not None:
            old_status = (
                Incident.objects.select_for_update().filter(pk=incident.pk).values_list("status", flat=True).get()
            )
        for field, value in changes.items():
            setattr(incident, field, value)
        if "place" in changes:
            place = changes["place"]
            sync_place_fields(incident, place, move_point="point" not in changes)
            for field in ("country", "admin1", "location_name"):
                if field in changes:
                    setattr(incident, field, changes[field])
        elif incident.point is None and incident.place_id is not None:
            incident.point = incident.place.point
        if "curator_locked" not in changes:
            incident.curator_locked = True
        incident.full_clean(exclude=["search_vector"])
        created = incident.pk is None
        if not reason:
            verb = "created" if created else "edited"
            reason = f"{verb}: {', '.join(sorted(changes))}" if changes else verb
        save_with_history(incident, user=user, reason=reason)
        if created:
            announce_new_incidents([incident.pk])
        if incident.status == Incident.Status.REJECTED and old_status != Incident.Status.REJECTED:
            IncidentRemoval.objects.create(incident_id=incident.pk, reason=IncidentRemoval.Reason.REJECTED)
        if old_status is None or {"summary"} & set(changes):
            incident_refresh_search(incident_ids=[incident.pk])
    return incident


def incident_set_status(*, incidents: Iterable[Incident | int] | QuerySet, status: str, user) -> int:
    """Verify, reject or reopen incidents in bulk; returns how many changed. Rejecting writes a tombstone."""
    if status not in Incident.Status.values:
        raise ValidationError(f"Unknown status {status!r}; expected one of {', '.join(Incident.Status.values)}")
    if isinstance(incidents, QuerySet):
        ids = list(incidents.values_list("pk", flat=True))
    else:
        ids = [item.pk if isinstance(item, Incident) else int(item) for item in incidents]
    with transaction.atomic():
        # Locked in pk order so that two curators' overlapping bulk actions cannot deadlock.
        locked = list(Incident.objects.select_for_update().filter(pk__in=ids).exclude(status=status).order_by("pk"))
        now = timezone.now()
        for incident in locked:
            incident._change_reason = f"status: {incident.status} -> {status}"
            incident.status = status
            if status != Incident.Status.UNREVIEWED:
                incident.curator_locked = True
            incident.updated_at = now
        # Every row gets the same values: one UPDATE, then the history rows in batches, so that "select all" on a
        # big filtered list stays one quick request.
        changes = {"status": status, "updated_at": now}
        if status != Incident.Status.UNREVIEWED:
            changes["curator_locked"] = True
        Incident.objects.filter(pk__in=[i.pk for i in locked]).update(**changes)
        Incident.history.bulk_history_create(locked, batch_size=1000, update=True, default_user=user, default_date=now)
        if status == Incident.Status.REJECTED:
            IncidentRemoval.objects.bulk_create(
                [IncidentRemoval(incident_id=i.pk, reason=IncidentRemoval.Reason.REJECTED) for i in locked],
                batch_size=1000,
            )
    return len(locked)


def merged_actor_roles(links: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(actor id, role) pairs of several reports as one incident: each actor once, in the first role given to it;
    one actor 1 and one actor 2 (the first named), the others of those roles as associated actors."""
    taken: set[int] = set()
    seen: set[int] = set()
    merged = []
    for actor_id, role in links:
        if actor_id in seen:
            continue
        seen.add(actor_id)
        if role in taken and role != IncidentActor.Role.ASSOCIATED:
            role = IncidentActor.Role.ASSOCIATED
        taken.add(role)
        merged.append((actor_id, role))
    return sorted(merged, key=lambda pair: pair[1])


def incident_merge(*, keep: Incident, drop: list[Incident], user) -> Incident:
    """Fold duplicate reports into `keep`: every source (evidence folded per article), every actor link, the earliest
    date, the widest casualty range; the dropped incidents are deleted (their history stays) and tombstoned."""
    drop_ids = sorted({d.pk for d in drop})
    if not drop_ids:
        raise ValidationError("Choose at least one incident to merge into the kept one.")
    if keep.pk in drop_ids:
        raise ValidationError(f"Incident #{keep.pk} cannot be merged into itself.")
    with transaction.atomic():
        locked = {
            i.pk: i for i in Incident.objects.select_for_update().filter(pk__in=[keep.pk, *drop_ids]).order_by("pk")
        }
        missing = [pk for pk in [keep.pk, *drop_ids] if pk not in locked]
        if missing:
            raise ValidationError(f"Incidents no longer exist: {', '.join(f'#{pk}' for pk in missing)}")
        target = locked[keep.pk]
        dropped = [locked[pk] for pk in drop_ids]
        everyone = [target, *dropped]

        kept_sources = {s.article_id: s for s in IncidentSource.objects.filter(incident=target)}
        for source in IncidentSource.objects.filter(incident_id__in=drop_ids).order_by("created_at", "pk"):
            same = kept_sources.get(source.article_id)
            if same is None:
                source.incident = target
                source.save(update_fields=["incident"])
                kept_sources[source.article_id] = source
            else:
                same.evidence = fold_evidence(same.evidence, source.evidence)
                same.extracted = same.extracted or source.extracted
                same.save(update_fields=["evidence", "extracted"])
                source.delete()

        # The kept incident's links first, so its roles win; then the dropped ones in the order they were made.
        links = list(IncidentActor.objects.filter(incident=target).order_by("role", "pk")) + list(
            IncidentActor.objects.filter(incident_id__in=drop_ids).order_by("incident_id", "role", "pk")
        )
        wanted = merged_actor_roles([(link.actor_id, link.role) for link in links])
        if wanted != [(link.actor_id, link.role) for link in links if link.incident_id == target.pk]:
            IncidentActor.objects.filter(incident_id__in=[target.pk, *drop_ids]).delete()
            IncidentActor.objects.bulk_create(
                [IncidentActor(incident=target, actor_id=actor_id, role=role) for actor_id, role in wanted]
            )

        earliest = min(everyone, key=lambda i: (i.date, Incident.DatePrecision.rank(i.date_precision)))
        target.date, target.date_precision = earliest.date, earliest.date_precision
        target.fatalities_low, target.fatalities, target.fatalities_high = combine_fatalities(everyone)
        for field in ("injured", "missing"):
            values = [getattr(i, field) for i in everyone if getattr(i, field) is not None]
            setattr(target, field, max(values) if values else None)
        if target.place_id is None:
            placed = next((d for d in dropped if d.place_id is not None), None)
            if placed is not None:
                target.place, target.geo_precision = placed.place, placed.geo_precision
                target.point = placed.point or placed.place.point
                sync_place_fields(target, placed.place, move_point=False)
        if not target.summary.strip():
            target.summary = next((d.summary for d in dropped if d.summary.strip()), "")
        if any(i.status == Incident.Status.VERIFIED for i in everyone):
            target.status = Incident.Status.VERIFIED
        target.curator_locked = True
        reason = f"merged {', '.join(f'#{pk}' for pk in drop_ids)} into #{target.pk}"
        save_with_history(target, user=user, reason=reason)

        for incident in dropped:
            IncidentRemoval.objects.create(
                incident_id=incident.pk, reason=IncidentRemoval.Reason.MERGED, merged_into_id=target.pk
            )
            incident._history_user = user
            incident._change_reason = reason[:100]
            incident.delete()
        incident_refresh_search(incident_ids=[target.pk])
    keep.refresh_from_db()
    return keep
