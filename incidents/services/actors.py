"""Actor table writes."""

from __future__ import annotations

from ..models import Actor


def actor_save(*, actor: Actor) -> Actor:
    """Save an actor with fresh normalised search names (its aliases are how extraction finds it)."""
    actor.refresh_search_names()
    actor.full_clean(exclude=["search_names"])
    actor.save()
    return actor
