"""Stage 5: date phrases around events (ingest.dates resolves them), and which one dates an event."""

from __future__ import annotations

import datetime as dt
import re

from ..dates import DatePhrase, find_dates
from ..events import Trigger
from .document import Document

# How old an event may be, against the publication date, before it is history rather than news.
BACKGROUND_DAYS = 10
# "the bodies of four men who had been kidnapped last month": an earlier event's date, told in passing.
PLUPERFECT = re.compile(r"\bhad\s+(?:been\s+)?\w+(?:\s+\w+)?\s*$", re.I)


def run(doc: Document) -> None:
    # Dates matter only around an event; skipping the rest keeps extraction fast.
    for s in doc.sentences:
        if s.trigger is not None or s.casualties.any():
            s.dates = find_dates(s.text, doc.published)


def told_in_passing(sentence: str, trigger: Trigger, d: DatePhrase) -> bool:
    return d.start > trigger.end and bool(PLUPERFECT.search(sentence[max(trigger.end, d.start - 40) : d.start]))


def event_date(dates: list[DatePhrase], trigger: Trigger, sentence: str) -> tuple[DatePhrase | None, bool]:
    """The date phrase nearest the trigger, and whether the sentence frames the event as history."""
    usable = [d for d in dates if not d.span and not told_in_passing(sentence, trigger, d)]
    history = any(d.span and d.precision == "year" for d in dates)
    if not usable:
        return None, history
    return min(usable, key=lambda d: abs(d.start - trigger.start)), history


def is_background(phrase: DatePhrase | None, reference: dt.date | None, history: bool) -> bool:
    if history:
        return True
    if phrase is None or phrase.date is None or reference is None:
        return False
    if phrase.precision == "year":
        return phrase.date.year < reference.year
    return (reference - phrase.date).days > BACKGROUND_DAYS


def latest_date(text: str) -> dt.date | None:
    """Without a publication date, the latest dated thing the article mentions stands in for it."""
    years = [int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", text)]
    return dt.date(max(years), 12, 31) if years else None


def anchored(dates: list[DatePhrase], previous, last_day: tuple[int, dt.date] | None, published) -> list[DatePhrase]:
    """ "A day earlier", "hours later": counted from the day the story last gave, else from publication."""
    if not any(d.shift is not None for d in dates):
        return dates
    if last_day is not None and (previous is None or not previous.dated or last_day[0] >= previous.sentence_no):
        anchor = last_day[1]
    elif previous is not None and previous.dated and previous.date is not None:
        if previous.date_precision != "day":
            # "this month ... later that night": as vague as the date it hangs on.
            return [
                DatePhrase(d.text, d.start, d.end, previous.date, previous.date_precision) if d.shift is not None else d
                for d in dates
            ]
        anchor = previous.date
    else:
        anchor = published
    return [
        DatePhrase(
            d.text, d.start, d.end, anchor + dt.timedelta(days=d.shift) if anchor else None, "day", shift=d.shift
        )
        if d.shift is not None
        else d
        for d in dates
    ]
