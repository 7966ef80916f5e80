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

from ..lexicon import VICTIMS_ONLY

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
# Features that are there or not, in the words a curator reads.
_FLAG_LABELS = {
    "evidence:several": "told in several sentences",
    "story:lede": "the article's lead event",
    "place:unknown_village_told": "a village the gazetteer lacks is named: the place may be a stand-in",
    "place:in_headline": "place also in the headline",
    "place:namesakes": "place name has namesakes",
    "article:many_events": "one of many events in the article",
}


def features(d, doc=None) -> dict[str, float]:
    """Binary features of a draft (ingest.extract.drafts.Draft) in its article (ingest.extract.document.Document);
    names are stable, the weights file uses them."""
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
        "trigger:victims_only": 1.0 if rank == VICTIMS_ONLY else 0.0,
        "story:lede": 1.0 if d.sentence_no <= 1 else 0.0,
        "place:kind_" + (d.mention.entry.kind if d.mention is not None else "none"): 1.0,
        "place:namesakes": 1.0
        if d.mention is not None and len({c.place_id for c in d.mention.candidates}) > 1
        else 0.0,
    }
    if doc is not None:
        shown = [x for x in doc.drafts if not x.background]
        out["article:many_events"] = 1.0 if len(shown) >= 4 else 0.0
        out["article:one_event"] = 1.0 if len(shown) == 1 else 0.0
        # "the village of X" that the gazetteer lacks, in the event's own sentences: the place found is a stand-in.
        out["place:unknown_village_told"] = (
            1.0 if any(u.sentence and any(u.sentence in e or e in u.sentence for e in d.evidence)
                       for u in doc.result.unresolved) else 0.0
        )  # fmt: skip
        out["place:in_headline"] = (
            1.0
            if d.mention is not None
            and any(not doc.in_body(m) and m.entry.place_id == d.mention.entry.place_id for m in doc.located)
            else 0.0
        )
    return {k: v for k, v in out.items() if v}


@cache
def _weights() -> dict[str, float]:
    return json.loads(WEIGHTS.read_text())["weights"]


def probability(feature_names, weights: dict[str, float] | None = None) -> float:
    w = _weights() if weights is None else weights
    z = w.get("bias", 0.0) + sum(w.get(k, 0.0) for k in feature_names)
    return 1.0 / (1.0 + math.exp(-z))


def score(d, doc=None) -> tuple[float, list[str]]:
    """(confidence 0-1, reasons a curator can read)."""
    f = features(d, doc)
    p = probability(f)
    reasons = []
    for k in f:
        kind, _, value = k.partition(":")
        if k == "trigger:victims_only":
            reasons.append("only the victims are told, not the means")
        elif kind == "trigger":
            reasons.append(_TRIGGER_LABELS[value])
        elif kind == "place" and value.startswith("kind_"):
            continue
        elif kind == "place" and value in _PLACE_LABELS:
            reasons.append(_PLACE_LABELS[value])
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
        elif k in _FLAG_LABELS:
            reasons.append(_FLAG_LABELS[k])
    return round(p, 3), reasons
