"""Full-text search vectors of incidents."""

from __future__ import annotations

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from ..models import Incident, IncidentSource


def incident_refresh_search(*, incident_ids: list[int]) -> None:
    """Rebuild the English full-text vector from the summary (weight A) and every source's evidence (weight B)."""
    if not incident_ids:
        return
    evidence = (
        IncidentSource.objects.filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        .annotate(text=StringAgg("evidence", delimiter="\n"))
        .values("text")
    )
    Incident.objects.filter(pk__in=incident_ids).update(
        search_vector=SearchVector("summary", weight="A", config="english")
        + SearchVector(
            Coalesce(Subquery(evidence), Value(""), output_field=models.TextField()), weight="B", config="english"
        )
    )
