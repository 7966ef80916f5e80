"""How sure extraction is of an incident: a logistic score over what the incident rests on, with the reasons.

The features say how the event was recognised (a named means of violence, a clash, a generic "attack"), how its
place was found (named in the event's own sentence, taken from the story or the headline, or not at all), where its
date came from (a phrase in the text or only the publication date) and how its toll was attributed. The weights in
`confidence_weights.json` are fitted on the real-article corpus's first-look batches by
`python -m bench.calibrate` (see README, "Confidence"), so a band's score is the share of incidents in it that
were right.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

WEIGHTS = Path(__file__).with_name("confidence_weights.json")

_TRIGGER_LABELS = {
    "means": "a named means of violence",
    "protest": "a protest or arrest word",
    "clash": "a clash or territorial verb",
    "generic": "only a generic attack word",
}
_PLACE_LABELS = {
    "own": "place named at the event",
    "sentence": "place named in the event's sentence",
    "follow-up": "place named in the next sentence",
    "nearby": "place named in a sentence before",
    "story": "place of the story told before",
    "headline": "place taken from the headline",
    "dateline": "place taken from the dateline",
    "none": "no place found",
}


def features(d) -> dict[str, float]:
    """Binary features of a draft (ingest.extract.drafts.Draft); names are stable, the weights file uses them."""
    rank = d.trigger.rank
    trigger = "means" if rank <= 9 else "clash" if rank <= 13 else "protest" if rank <= 16 else "generic"
    place = d.place_source
    if place == "sentence" and d.own_place:
        place = "own"
    if d.mention is None:
        place = "none"
    date = "phrase_day" if d.dated and d.date_precision == "day" else "phrase_vague" if d.dated else "published"
    toll = d.toll_source
    out = {
        f"trigger:{trigger}": 1.0,
        f"place:{place}": 1.0,
        f"geo:{d.geo_precision}": 1.0,
        f"date:{date}": 1.0,
        f"toll:{toll}": 1.0,
        "evidence:several": 1.0 if len(d.evidence) >= 2 else 0.0,
        "actors:any": 1.0 if d.actors else 0.0,
    }
    return {k: v for k, v in out.items() if v}


@cache
def _weights() -> dict[str, float]:
    return json.loads(WEIGHTS.read_text())["weights"]


def probability(feature_names, weights: dict[str, float] | None = None) -> float:
    w = _weights() if weights is None else weights
    z = w.get("bias", 0.0) + sum(w.get(k, 0.0) for k in feature_names)
    return 1.0 / (1.0 + math.exp(-z))


def score(d) -> tuple[float, list[str]]:
    """(confidence 0-1, reasons a curator can read)."""
    f = features(d)
    p = probability(f)
    reasons = []
    for k in f:
        kind, _, value = k.partition(":")
        if kind == "trigger":
            reasons.append(_TRIGGER_LABELS[value])
        elif kind == "place":
            reasons.append(_PLACE_LABELS.get(value, value))
        elif kind == "geo":
            reasons.append(f"geo precision {value}")
        elif kind == "date":
            reasons.append(
                {"phrase_day": "day named in the text", "phrase_vague": "date given vaguely in the text"}.get(
                    value, "dated by publication only"
                )
            )
        elif kind == "toll":
            reasons.append(
                {
                    "sentence": "toll in the event's sentence",
                    "follow-up": "toll from a following sentence",
                    "headline": "toll from the headline",
                }.get(value, "no toll stated")
            )
        elif k == "evidence:several":
            reasons.append("told in several sentences")
    return round(p, 3), reasons
