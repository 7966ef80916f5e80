"""How reports of one incident combine: recorded with history, casualty ranges, evidence and place fields."""

from __future__ import annotations

from django.db import models

from ..models import Incident, Place


def save_with_history(instance: models.Model, *, user, reason: str, **save_kwargs) -> None:
    # django-simple-history reads these two attributes when it writes the historical row.
    instance._history_user = user
    instance._change_reason = reason[:100]
    try:
        instance.save(**save_kwargs)
    finally:
        del instance._history_user
        del instance._change_reason


def sync_place_fields(incident: Incident, place: Place | None, *, move_point: bool) -> None:
    if place is None:
        return
    if move_point:
        incident.point = place.point
    incident.country = place.country
    incident.admin1 = place.admin1
    incident.location_name = place.name


def fold_evidence(kept: str, extra: str) -> str:
    if not extra.strip() or extra.strip() in kept:
        return kept
    return f"{kept}\n{extra}".strip() if kept.strip() else extra


def combine_fatalities(incidents: list[Incident]) -> tuple[int | None, int | None, int | None]:
    """UCDP-style low / best / high across reports: the widest range and the highest best estimate.

    Death tolls of one incident rise as bodies are found, so the highest best estimate is the most recent.
    """
    bests = [i.fatalities for i in incidents if i.fatalities is not None]
    lows = [i.fatalities_low for i in incidents if i.fatalities_low is not None]
    highs = [i.fatalities_high for i in incidents if i.fatalities_high is not None]
    best = max(bests) if bests else None
    disagree = len(set(bests)) > 1
    low = min(lows + bests) if lows or disagree else None
    high = max(highs + bests) if highs or disagree else None
    return low, best, high
