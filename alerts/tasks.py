"""Alert tasks: a scan (after ingest records incidents, and every minute from beat) queues one delivery task per
webhook delivery and one digest per view with e-mail."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services
from .models import AlertDelivery

MAX_RETRIES = 5


@shared_task(acks_late=True)
def scan_alerts() -> int:
    ids = services.alerts_scan()
    deliveries = AlertDelivery.objects.filter(pk__in=ids)
    for pk in deliveries.filter(channel=AlertDelivery.Channel.WEBHOOK).values_list("pk", flat=True):
        deliver_webhook.delay_on_commit(pk)
    for view_id in set(deliveries.filter(channel=AlertDelivery.Channel.EMAIL).values_list("saved_view_id", flat=True)):
        send_email_digest.delay_on_commit(view_id)
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def deliver_webhook(self, delivery_id: int) -> str:
    outcome = services.webhook_deliver(delivery_id=delivery_id, last_try=self.request.retries >= MAX_RETRIES)
    if outcome == "retry":
        # 1, 2, 4, 8, 16 x the base (30 s by default).
        raise self.retry(countdown=settings.ALERT_RETRY_SECONDS * 2**self.request.retries)
    return outcome


@shared_task(acks_late=True)
def send_email_digest(view_id: int) -> int:
    return services.email_digest_send(view_id=view_id)
