"""Stage 7: drafts become incidents: a vaguely told means refined from a neighbouring sentence, the same event told
twice folded into one, each scored for confidence, then written out."""

from __future__ import annotations

from ..events import best_trigger
from ..geocode import km
from ..numbers import Casualties
from ..types import ExtractedIncident
from . import confidence
from .document import Document
from .drafts import Draft
from .places import OFFSET

# A point "N km from" a town this close to a named place is that place, told the other way round.
SAME_PLACE_KM = 12.0


def _same_place(a, b) -> bool:
    if OFFSET in (a.feature_code, b.feature_code):
        return km(a, b) <= SAME_PLACE_KM
    return a.place_id == b.place_id


def _specify_generic_attacks(doc: Document) -> None:
    """ "Convoys were attacked" says no means; a nearby sentence often does ("improvised explosive devices")."""
    for d in doc.drafts:
        if d.trigger.rank < 20:
            continue
        for s in doc.sentences[max(0, d.sentence_no - 2) : d.sentence_no + 3]:
            if s.para != d.paragraph:
                continue
            specific = best_trigger(s.text)
            if specific is not None and specific.rank <= 5:
                d.trigger = specific
                break


def _own_tolls_differ(a: Draft, b: Draft) -> bool:
    """Each told with a toll of its own, at places only near each other ("30 km north of Baghdad ... killing seven",
    "in Tarmiyah ... killing three") or named otherwise (a neighbourhood placed at its city): two events, not one
    told twice."""
    return (
        a.toll_source == b.toll_source == "sentence"
        and a.fatalities is not None
        and b.fatalities is not None
        and a.fatalities != b.fatalities
        and (a.mention.entry.place_id != b.mention.entry.place_id or a.mention.text != b.mention.text)
    )


def _dedupe(drafts: list[Draft]) -> list[Draft]:
    """One article telling the same kind of event at the same place twice, far apart, is telling one event."""
    kept: list[Draft] = []
    for d in drafts:
        twin = next(
            (
                k
                for k in kept
                if d.mention is not None
                and k.mention is not None
                and _same_place(k.mention.entry, d.mention.entry)
                and k.trigger.sub_event_type == d.trigger.sub_event_type
                and k.background == d.background
                and (k.date is None or d.date is None or abs((k.date - d.date).days) <= 2)
                and not _own_tolls_differ(k, d)
                # "In another attack Thursday, 11 civilians were wounded in Damascus": told apart, kept apart.
                and not (d.told_apart and d.toll_source == "sentence")
            ),
            None,
        )
        if twin is None:
            kept.append(d)
            continue
        twin.evidence.extend(e for e in d.evidence if e not in twin.evidence)
        twin.take_casualties(
            Casualties(d.fatalities, d.injured, d.missing, d.fatalities_low, d.fatalities_high), d.toll_source
        )
        twin.actors.extend(a for a in d.actors if a not in twin.actors)
    return kept


def _without_sums(drafts: list[Draft]) -> list[Draft]:
    """A lede that sums the events told after it is not an event of its own; alone, it is the only one there is."""
    told = [d for d in drafts if not d.aggregate and not d.background]
    return [d for d in drafts if not (d.aggregate and told)]


def run(doc: Document) -> None:
    _specify_generic_attacks(doc)
    for d in _dedupe(_without_sums(doc.drafts)):
        score, reasons = confidence.score(d, doc)
        doc.result.incidents.append(
            ExtractedIncident(
                event_type=d.trigger.event_type,
                sub_event_type=d.trigger.sub_event_type,
                date=d.date,
                date_precision=d.date_precision,
                place=d.mention.found(-doc.body_offset) if d.mention is not None else None,
                geo_precision=d.geo_precision,
                actors=d.actors,
                fatalities=d.fatalities,
                injured=d.injured,
                missing=d.missing,
                evidence=" ".join(d.evidence),
                background=d.background,
                confidence=score,
                confidence_reasons=reasons,
                confidence_features=sorted(confidence.features(d, doc)),
                fatalities_low=d.fatalities_low,
                fatalities_high=d.fatalities_high,
            )
        )
