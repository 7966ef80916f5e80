"""Stage 4: killed, injured and missing as each sentence states them (the counting rules are ingest.numbers)."""

from __future__ import annotations

import re

from ..numbers import Casualties, casualties, digitize
from .document import Document

# The words between a count and the place it belongs to: "nine people were killed in the town of ", "six in ".
_TOLL_BEFORE_PLACE = re.compile(
    r"(\d{1,5})\s+(?:(?:[\w-]+\s+){0,3}?(?:were\s+|have been\s+)?(?:killed|dead|died|martyred)\s+)?"
    r"(?:in|at)\s+(?:the\s+)?(?:(?:town|city|village|area|neighbou?rhood|district)\s+of\s+)?$",
    re.I,
)


def run(doc: Document) -> None:
    for s in doc.sentences:
        if not (s.skip or s.heading):
            s.casualties = casualties(s.text)


def per_place(sentence: str, s_start: int, mentions: list) -> dict[int, Casualties]:
    """ "nine people were killed in Tal Mannis, six in Maasaran and three in Bidama": each place's own toll, by
    the id of its mention. Empty unless every place listed has a count of its own and the sentence tells deaths."""
    if not re.search(r"\b(?:killed|dead|died|martyred)\b", sentence, re.I):
        return {}
    out: dict[int, Casualties] = {}
    previous_end = 0
    for m in mentions:
        segment = digitize(sentence[previous_end : m.start - s_start])
        found = _TOLL_BEFORE_PLACE.search(segment)
        if found is None:
            return {}
        out[id(m)] = Casualties(fatalities=int(found.group(1)))
        previous_end = m.end - s_start
    return out
