"""Who may see which incidents: the one home of the status rule (rejected incidents only for editors)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Incident

PUBLIC_STATUSES = (Incident.Status.UNREVIEWED, Incident.Status.VERIFIED)
EDITOR_GROUPS = ("editors", "admins")


def as_list(value) -> list:
    """A filter value as a list: comma-separated text, a sequence, or nothing."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def user_is_editor(user) -> bool:
    """Staff, members of the editors/admins groups, or anyone allowed to change incidents."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if user.has_perm("incidents.change_incident"):
        return True
    return user.groups.filter(name__in=EDITOR_GROUPS).exists()


def visible_statuses(*, user, requested=None) -> list[str]:
    """The statuses of `requested` (the public ones when none are asked for) this user may see, in the model's
    order: everyone sees unreviewed and verified incidents, only editors see rejected ones."""
    statuses = as_list(requested) or list(PUBLIC_STATUSES)
    if not user_is_editor(user):
        statuses = [s for s in statuses if s in PUBLIC_STATUSES]
    return [s for s in Incident.Status.values if s in statuses]


def visible_incidents(queryset: QuerySet[Incident], *, user) -> QuerySet[Incident]:
    """The incidents of the queryset this user may see, whatever their status."""
    statuses = visible_statuses(user=user, requested=Incident.Status.values)
    if len(statuses) == len(Incident.Status.values):
        return queryset
    return queryset.filter(status__in=statuses)
