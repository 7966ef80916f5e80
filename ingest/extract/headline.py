"""Stage 6b: a toll that only the headline gives belongs to the lead incident ("IS kills 4 in village near
Kirkuk" over a body that says "killing four youths" or no figure at all)."""

from __future__ import annotations

from ..events import best_trigger
from ..numbers import casualties
from .cues import sums_toll
from .document import Document

# The lede: an incident first told this far into the body is not the headline's.
LEDE_SENTENCES = 3


def run(doc: Document) -> None:
    if not doc.title:
        return
    toll = casualties(doc.title)
    if not toll.any() or sums_toll(doc.title):
        return  # "Wave of Attacks Kills 32 in Iraq": a sum of the events the body tells, no one event's toll
    trigger = best_trigger(doc.title)
    lead = next(
        (
            d
            for d in sorted(doc.drafts, key=lambda d: d.sentence_no)
            if not d.background
            and d.sentence_no < LEDE_SENTENCES
            and (trigger is None or trigger.event_type == d.trigger.event_type or trigger.rank >= 13)
        ),
        None,
    )
    if lead is not None:
        lead.take_casualties(toll, "headline")
