"""Stage 3: the event each sentence reports (the lexicon is ingest.lexicon), and how two events share a sentence."""

from __future__ import annotations

import re

from ..events import Trigger, best_trigger, by_whom, triggers
from .document import Document

# "Separately, ...", "In another attack, ...": a new event, not a follow-up of the one before.
SEPARATE = re.compile(
    r"\b(?:separately|(?:in )?a separate|elsewhere|meanwhile|in another|another (?:[\w-]+ ){0,2}?(?:attack|incident|"
    r"strike|airstrike|air strike|bomb|bombing|blast|explosion|bomber|raid|ambush|clash|shelling|assault))\b",
    re.I,
)
# "Gunmen attacked checkpoints in response": a reprisal is an event of its own, wherever the sentence says so.
RESPONSE = re.compile(r"\bin (?:response|retaliation|revenge)\b|\bretaliat(?:ed|ing|ory)\b", re.I)
_AFTER = re.compile(
    r"\b(?:(?:(a|one|two|three|four|five|six|\d+) days?|a week|hours|shortly|just|only|soon|weeks|days) )?after\b",
    re.I,
)
_DAYS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def run(doc: Document) -> None:
    for s in doc.sentences:
        if not (s.skip or s.heading):
            s.trigger = best_trigger(s.text)


def later_event(sentence: str) -> tuple[Trigger, Trigger, int, int | None] | None:
    """Two events joined by "after" ("X, two days after Y"): (first, second, where the second's clause starts,
    how many days before the first it happened, when the text says)."""
    m = _AFTER.search(sentence)
    if m is None:
        return None
    # "Police arrested 30 people after protesters set fire to a party office": the arrest follows the riot.
    # ("retook a police station after helicopters fired missiles": a town taken after a strike, too.)
    before = [t for t in triggers(sentence) if t.end <= m.start() and (t.rank <= 12 or t.sub_event_type == "arrests")]
    # "The clashes erupted on Sunday after the SDF detained their commander": the arrest is an event of its own.
    after = [t for t in triggers(sentence) if t.start >= m.end() and (t.rank <= 10 or t.sub_event_type == "arrests")]
    if not before or not after:
        return None
    first, second = min(before, key=lambda t: t.rank), min(after, key=lambda t: t.rank)
    first, second = by_whom(sentence[: m.start()], first), by_whom(sentence, second)
    if first.sub_event_type == second.sub_event_type:
        return None
    word = (m.group(1) or "").lower()
    days = int(word) if word.isdigit() else _DAYS.get(word)
    return first, second, m.start(), days


def nearest_specific(sentence: str, position: int) -> Trigger | None:
    """With two means of violence in one sentence, the one told nearest the place is the event there."""
    # "the bodies of four men who had been kidnapped": an earlier deed, told in passing, is not the event here.
    # ("fired live rounds at protesters who stormed the council": a relative clause describes who, not what.)
    specific = [
        t
        for t in triggers(sentence)
        if t.rank < 10
        and not re.search(r"\b(?:had\s+(?:been\s+)?|(?:who|which|that)\s+(?:\w+\s+){0,3})$", sentence[: t.start])
    ]
    if len({t.event_type for t in specific}) < 2:
        return None
    return min(specific, key=lambda t: (min(abs(t.start - position), abs(t.end - position)), t.rank))
