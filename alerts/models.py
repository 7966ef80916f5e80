"""Saved views (a name and the dashboard's filters) and the log of what was delivered for them."""

import secrets

from django.conf import settings
from django.db import models


def new_token() -> str:
    return secrets.token_urlsafe(18)


class SavedView(models.Model):
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_views"
    )
    query = models.TextField(blank=True, help_text="The filters as the dashboard writes them, e.g. admin1=Kirkuk")
    # The feed's address carries this token, so feed readers need no login and the address is not guessable.
    feed_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    webhook_url = models.URLField(max_length=1000, blank=True, help_text="POSTed a JSON body per new incident")
    webhook_secret = models.CharField(
        max_length=200, blank=True, help_text="Signs each body: X-Atlas-Signature: sha256=HMAC(secret, body)"
    )
    email = models.EmailField(blank=True, help_text="Receives a digest of new incidents")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def channels(self) -> list[str]:
        return [
            c
            for c, on in ((AlertDelivery.Channel.WEBHOOK, self.webhook_url), (AlertDelivery.Channel.EMAIL, self.email))
            if on
        ]


class AlertDelivery(models.Model):
    """One incident sent on one channel of one saved view: unique, so each is delivered once."""

    class Channel(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        EMAIL = "email", "E-mail digest"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        RETRYING = "retrying", "Will retry"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    saved_view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="deliveries")
    incident_id = models.BigIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "alert deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["saved_view", "incident_id", "channel"], name="alert_delivery_once_per_channel"
            ),
        ]
        indexes = [models.Index(fields=["status", "channel"], name="alert_delivery_status")]

    def __str__(self) -> str:
        return f"incident {self.incident_id} -> {self.saved_view} ({self.channel})"
