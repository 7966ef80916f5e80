"""Alert writes: finding each view's new incidents once, delivering them by signed webhook and e-mail digest."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from incidents.datefmt import incident_date_label
from incidents.models import Incident
from incidents.taxonomy import SubEventType
from incidents.wording import country_words

from .models import AlertDelivery, SavedView
from .selectors import saved_view_incidents

# Incidents recorded longer ago than this are not "new" to a view, whatever happened to the scans.
LOOKBACK = dt.timedelta(days=7)
SCAN_LIMIT = 500
WEBHOOK_TIMEOUT = 10
Status = AlertDelivery.Status


def saved_view_create(*, name: str, query: str, owner=None, webhook_url: str = "", webhook_secret: str = "",
                      email: str = "") -> SavedView:  # fmt: skip
    view = SavedView(
        name=name, query=query.lstrip("?"), owner=owner, webhook_url=webhook_url, webhook_secret=webhook_secret,
        email=email,
    )  # fmt: skip
    view.full_clean()
    view.save()
    return view


def alerts_scan(*, now: dt.datetime | None = None) -> list[int]:
    """Records a delivery for every channel of every active view and every public incident recorded since the view
    was saved (at most LOOKBACK ago) that it has not had; returns the new deliveries' ids. The unique constraint
    makes two scans at once deliver each incident once."""
    now = now or timezone.now()
    created = []
    for view in SavedView.objects.filter(active=True).exclude(webhook_url="", email=""):
        since = max(view.created_at, now - LOOKBACK)
        for channel in view.channels():
            done = AlertDelivery.objects.filter(saved_view=view, channel=channel).values("incident_id")
            ids = list(
                saved_view_incidents(view=view)
                .filter(created_at__gte=since)
                .exclude(pk__in=done)
                .order_by("created_at", "pk")
                .values_list("pk", flat=True)[:SCAN_LIMIT]
            )
            rows = AlertDelivery.objects.bulk_create(
                [AlertDelivery(saved_view=view, incident_id=i, channel=channel) for i in ids], ignore_conflicts=True
            )
            # With ignore_conflicts PostgreSQL returns no ids: read back what this scan made and nobody sent yet.
            if rows:
                created += list(
                    AlertDelivery.objects.filter(
                        saved_view=view, channel=channel, incident_id__in=ids, status=Status.PENDING, attempts=0
                    ).values_list("pk", flat=True)
                )
    return created


def incident_payload(incident: Incident, *, base_url: str) -> dict:
    return {
        "id": incident.pk,
        "url": f"{base_url}/incidents/{incident.pk}/",
        "api_url": f"{base_url}/api/v1/incidents/{incident.pk}/",
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "type_label": SubEventType(incident.sub_event_type).label,
        "date": incident.date.isoformat(),
        "date_precision": incident.date_precision,
        "date_label": incident_date_label(incident.date, incident.date_precision),
        "location_name": incident.location_name,
        "admin1": incident.admin1,
        "country": incident.country,
        "country_name": country_words(incident.country),
        "fatalities": incident.fatalities,
        "summary": incident.summary,
    }


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _claim(delivery_id: int) -> AlertDelivery | None:
    # One conditional UPDATE: a redelivered task, or a second worker, finds nothing to claim.
    claimed = AlertDelivery.objects.filter(pk=delivery_id, status__in=[Status.PENDING, Status.RETRYING]).update(
        status=Status.SENDING, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None
    return AlertDelivery.objects.select_related("saved_view").get(pk=delivery_id)


def webhook_deliver(*, delivery_id: int, last_try: bool) -> str:
    """POSTs one incident to the view's webhook. Returns "delivered", "retry" (a later attempt may succeed),
    "failed" or "skipped" (already sent, being sent, or gone)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    view = delivery.saved_view
    incident = Incident.objects.filter(pk=delivery.incident_id).first()
    if incident is None or not view.webhook_url:
        _finish(delivery, Status.FAILED, error="The incident or the webhook is gone")
        return "failed"
    payload = {
        "event": "incident.new",
        "delivery": delivery.pk,
        "saved_view": {"id": view.pk, "name": view.name, "query": view.query},
        "incident": incident_payload(incident, base_url=settings.SITE_URL),
    }
    body = json.dumps(payload, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Atlas-Delivery": str(delivery.pk),
        "X-Atlas-Event": "incident.new",
    }
    if view.webhook_secret:
        headers["X-Atlas-Signature"] = signature(view.webhook_secret, body)
    try:
        response = requests.post(view.webhook_url, data=body, headers=headers, timeout=WEBHOOK_TIMEOUT)
    except requests.RequestException as exc:
        return _failed(delivery, last_try, error=f"{type(exc).__name__}: {exc}"[:1000])
    if 200 <= response.status_code < 300:
        _finish(delivery, Status.DELIVERED, code=response.status_code)
        return "delivered"
    # 4xx other than 408/429 will not get better by retrying.
    permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
    return _failed(delivery, last_try or permanent, error=response.text[:500], code=response.status_code)


def _failed(delivery: AlertDelivery, final: bool, *, error: str, code: int | None = None) -> str:
    _finish(delivery, Status.FAILED if final else Status.RETRYING, error=error, code=code)
    return "failed" if final else "retry"


def _finish(delivery: AlertDelivery, status: str, *, error: str = "", code: int | None = None) -> None:
    delivery.status, delivery.error, delivery.response_code = status, error, code
    delivery.delivered_at = timezone.now() if status == Status.DELIVERED else None
    delivery.save(update_fields=["status", "error", "response_code", "delivered_at"])


def email_digest_send(*, view_id: int) -> int:
    """One e-mail listing the view's pending incidents (Django's mail backend); returns how many it listed."""
    with transaction.atomic():
        pending = list(
            AlertDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                saved_view_id=view_id, channel=AlertDelivery.Channel.EMAIL, status__in=[Status.PENDING, Status.RETRYING]
            )
            .order_by("incident_id")
        )
        if not pending:
            return 0
        view = SavedView.objects.get(pk=view_id)
        incidents = Incident.objects.in_bulk([d.incident_id for d in pending])
        lines = []
        for d in pending:
            incident = incidents.get(d.incident_id)
            if incident is None:
                continue
            p = incident_payload(incident, base_url=settings.SITE_URL)
            toll = f", {p['fatalities']} killed" if p["fatalities"] is not None else ""
            where = ", ".join(x for x in (p["location_name"], p["admin1"], p["country_name"]) if x)
            lines.append(f"- {p['date_label']}: {p['type_label']} in {where}{toll}\n  {p['url']}")
        subject = f"[Incident Atlas] {len(lines)} new incident{'s' if len(lines) != 1 else ''}: {view.name}"
        send_mail(subject, "\n".join(lines) + "\n", settings.DEFAULT_FROM_EMAIL, [view.email])
        AlertDelivery.objects.filter(pk__in=[d.pk for d in pending]).update(
            status=Status.DELIVERED, attempts=F("attempts") + 1, delivered_at=timezone.now()
        )
    return len(lines)
