"""Date phrases in a sentence, resolved against the publication date.

Only the phrases found here go to dateparser: over whole sentences it swallows neighbouring words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import dateparser

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_PHRASES = [
    (
        "weekday",
        re.compile(r"\b(?:(last|this|on|early|late|early on|late on)\s+)?(" + "|".join(WEEKDAYS) + r")\b", re.I),
    ),
    ("dayword", re.compile(r"\b(yesterday|today|tonight|last night|this morning|earlier today|overnight)\b", re.I)),
    (
        "anaphor",
        re.compile(
            r"\b(?:(a|one|two|three|four|five|six|\d) days? (earlier|later|before|after)|hours (earlier|later)|"
            r"the (previous|next|following) day|the day (before|after)|(later|earlier) that day|the same day|"
            r"shortly (after|before)|(later|earlier) that night)\b",
            re.I,
        ),
    ),
    (
        "relative",
        re.compile(
            (
                r"\b(last|this|previous|past|earlier this|late last|early last|the previous|"
                r"the past)\s+(week|month|year)\b"
            ),
            re.I,
        ),
    ),
    ("ago", re.compile(r"\b(a|one|two|three|four|\d+)\s+(day|days|week|weeks|month|months)\s+ago\b", re.I)),
    # "Five years after Iraqi forces drove IS out", "two years ago": an anniversary, history by the article's date.
    (
        "years",
        re.compile(
            r"\b(a|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+years?\s+(?:ago|after|since|on)\b", re.I
        ),
    ),
    (
        "explicit",
        re.compile(
            r"\b(" + MONTH + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\d{1,2}\s+" + MONTH + r"(?:\s+\d{4})?)\b",
            re.I,
        ),
    ),
    (
        "month",
        re.compile(r"\b((?:(?:in|since|until|during|by|early|late|mid-?)\s+)?" + MONTH + r"(?:\s+\d{4})?)\b", re.I),
    ),
    ("year", re.compile(r"\b(?:in|since|until|during|by|of|from|between|after|before)\s+((?:19|20)\d{2})\b", re.I)),
]
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Cheap pre-checks per phrase kind: the patterns are the costly part of date finding.
_STEMS = {
    "weekday": ("day",),
    "dayword": ("yesterday", "today", "tonight", "last night", "this morning", "overnight"),
    "anaphor": ("earlier", "later", "before", "after", "previous", "next", "following", "same day"),
    "relative": ("week", "month", "year"),
    "ago": (" ago",),
    "years": ("year",),
    "explicit": _MONTH_STEMS,
    "month": _MONTH_STEMS,
    "year": ("19", "20"),
}
# A date after these words frames a span or a deadline, not the day an event happened.
_SPAN_BEFORE = re.compile(
    r"\b(since|until|by the end of|by|between|from|after|before|ahead of|up to)\s*$|\bbetween\b[^.;]{1,25}\band\s*$",
    re.I,
)
_NUMBERS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


@dataclass(frozen=True)
class DatePhrase:
    text: str
    start: int
    end: int
    date: dt.date | None
    precision: str  # day | week | month | year
    span: bool = False  # "since March", "between 2006 and 2011": context, not an event date
    # "a day earlier", "hours later": days from the date the story last gave (set by the caller), not from today.
    shift: int | None = None


def _weekday(base: dt.date, name: str, qualifier: str) -> dt.date:
    # dateparser returns the previous week's Friday when the base is itself a Friday; news means the same day
    # for "on Friday" and the week before only for "last Friday".
    back = (base.weekday() - WEEKDAYS.index(name)) % 7
    if back == 0 and qualifier == "last":
        back = 7
    return base - dt.timedelta(days=back)


@lru_cache(maxsize=4096)
def _parse(phrase: str, base: dt.date) -> dt.date | None:
    settings = {
        "RELATIVE_BASE": dt.datetime.combine(base, dt.time(12)),
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


# "NASIRIYAH, Iraq, Nov 29 (Reuters) -", "Daraa, June 13 (Enab Baladi) -": the filing date, not the event's.
_DATELINE = re.compile(
    r"^\s*(?!(?:On|In|By|Since|Until|From|After|Before|Late|Early|Last|This|Between|During|And|But)\b)"
    r"[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*){0,3}(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)*,?\s+(?i:"
    + MONTH
    + r"\.?\s+\d{1,2}|\d{1,2}\s+"
    + MONTH
    + r")(?:,?\s+\d{4})?\s*(?:\([^)]{1,40}\))?\s*[-\u2013\u2014]"
)


def find_dates(sentence: str, published: dt.date | None) -> list[DatePhrase]:
    found: list[DatePhrase] = []
    dateline = _DATELINE.match(sentence)
    taken: list[tuple[int, int]] = [(0, dateline.end())] if dateline else []
    low = sentence.lower()
    for kind, pattern in _PHRASES:
        if not any(stem in low for stem in _STEMS[kind]):
            continue
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            phrase = _resolve(kind, m, published)
            if phrase is None:
                continue
            span = bool(_SPAN_BEFORE.search(sentence[: m.start()])) or phrase.text.lower().startswith(
                ("since", "until", "by ", "between")
            )
            if span != phrase.span:
                phrase = DatePhrase(phrase.text, phrase.start, phrase.end, phrase.date, phrase.precision, span)
            found.append(phrase)
            taken.append((m.start(), m.end()))
    found.sort(key=lambda p: p.start)
    return found


def _resolve(kind: str, m: re.Match, published: dt.date | None) -> DatePhrase | None:
    text, start, end = m.group(0), m.start(), m.end()
    low = text.lower()
    if kind == "weekday":
        qualifier = (m.group(1) or "").lower()
        day = _weekday(published, m.group(2).lower(), qualifier) if published else None
        return DatePhrase(text, start, end, day, "day")
    if kind == "dayword":
        if not published:
            return DatePhrase(text, start, end, None, "day")
        back = 1 if low in {"yesterday", "last night"} else 0
        return DatePhrase(text, start, end, published - dt.timedelta(days=back), "day")
    if kind == "anaphor":
        word = (m.group(1) or "").lower()
        n = (int(word) if word.isdigit() else _NUMBERS.get(word, 1)) if word else 1
        if re.search(r"\b(?:hours|that day|that night|same day|shortly)\b", low):
            shift = 0
        elif re.search(r"\b(?:earlier|before|previous)\b", low) or (word and "after" in low):
            # "a day after a drone attack": the event told next happened the day before the story's date.
            shift = -n
        else:
            shift = n
        return DatePhrase(text, start, end, None, "day", shift=shift)
    if kind == "relative":
        unit = m.group(2).lower()
        qualifier = m.group(1).lower()
        if not published:
            return DatePhrase(text, start, end, None, unit)
        current = qualifier.startswith("this") or qualifier == "earlier this"
        if unit == "week":
            day = published - dt.timedelta(days=0 if current else 7)
            return DatePhrase(text, start, end, day, "week")
        if unit == "month":
            first = published.replace(day=1)
            day = first if current else (first - dt.timedelta(days=1)).replace(day=1)
            return DatePhrase(text, start, end, day, "month")
        year = published.year if current else published.year - 1
        return DatePhrase(text, start, end, dt.date(year, 1, 1), "year")
    if kind == "ago":
        if not published:
            return None
        word = m.group(1).lower()
        count = int(word) if word.isdigit() else _NUMBERS.get(word, 1)
        unit = m.group(2).lower().rstrip("s")
        days = {"day": 1, "week": 7, "month": 30}[unit] * count
        return DatePhrase(text, start, end, published - dt.timedelta(days=days), "day" if unit == "day" else unit)
    if kind == "years":
        if not published:
            return None
        word = m.group(1).lower()
        years = int(word) if word.isdigit() else _NUMBERS.get(word, 1)
        return DatePhrase(text, start, end, dt.date(published.year - years, 1, 1), "year")
    if kind == "explicit":
        has_year = bool(re.search(r"\d{4}", text))
        if not published and not has_year:
            return DatePhrase(text, start, end, None, "day")
        day = _parse(m.group(1), published or dt.date(2100, 1, 1))
        return DatePhrase(text, start, end, day, "day") if day else None
    if kind == "month":
        inner = re.sub(r"^(?:in|since|until|during|by|early|late|mid-?)\s+", "", m.group(1), flags=re.I)
        has_year = bool(re.search(r"\d{4}", inner))
        if inner == text and not has_year or inner[:3] == "may" or not inner[:1].isupper():
            return None  # a bare month name, or the verb "may"
        if not published and not has_year:
            return DatePhrase(text, start, end, None, "month")
        day = _parse(inner, published or dt.date(2100, 1, 1))
        return DatePhrase(text, start, end, day.replace(day=1), "month") if day else None
    if kind == "year":
        return DatePhrase(text, start, end, dt.date(int(m.group(1)), 1, 1), "year")
    return None
