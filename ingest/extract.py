"""Extraction: places, incidents, actors, casualties and dates from one article's text.

Pure: reads the gazetteer and the actor table through an in-process cached index (ingest.gazetteer_index), never
writes. Rule-based on purpose: trigger lexicons, a gazetteer trie and context cues, no statistical model (the
English spaCy models are not installable here and the small re-upload mistakes Iraqi towns for people).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from django.conf import settings

from . import gazetteer_index
from .dates import DatePhrase, find_dates
from .events import CAPTION, Trigger, best_trigger, forget, is_realis, triggers
from .gazetteer_index import Token, Trie, tokenize
from .geocode import DIRECTION, NEAR, Mention, find_mentions, km, person_surnames, resolve, unresolved
from .numbers import casualties
from .types import ExtractedIncident, Extraction

COUNTRIES = set(settings.COVERED_COUNTRIES)
# How old an event may be, against the publication date, before it is history rather than news.
BACKGROUND_DAYS = 10
MERGE_KM = 60.0
# Two places named for one event ("in the towns of Sarmada and Dana") are two events when this far apart.
DISTINCT_KM = 3.0

_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Col|Gen|Lt|Sgt|Capt|Maj|Brig|St|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"Gov|Sen|Rep|Prof|Jr|Sr|vs|etc|approx)|\b[A-Z]|\b[A-Z]\.[A-Z])\.$"
)
_SENT_END = re.compile(r"[.!?]+[\"”’»)\]]*\s+(?=[\"“‘«(\[]?[A-Z0-9])")
METONYM_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:officials?|authorities|governor|government|council|police|command|tribes|tribal|residents|"
    r"leaders?|media|spokes(?:man|woman)|administration|parliament|embassy)\b",
    re.I,
)
_SKIP_SENTENCE = re.compile(r"^\s*(?:read more|see also|related|source|by|share|photo|click here)\b", re.I)


def reset_caches() -> None:
    """Drops the in-process gazetteer and actor index (call after the Place or Actor tables change)."""
    gazetteer_index.reset()


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int, int]]:
    """(start, end, paragraph number) of each sentence; a blank line or a line break ends a paragraph."""
    out = []
    for para_no, pm in enumerate(re.finditer(r"[^\n]+", text)):
        para, base = pm.group(), pm.start()
        start = 0
        for m in _SENT_END.finditer(para):
            if _ABBREV.search(para[: m.start() + 1]):
                continue
            out.append((offset + base + start, offset + base + m.start() + 1, para_no))
            start = m.end()
        if para[start:].strip():
            out.append((offset + base + start, offset + base + len(para.rstrip()), para_no))
    return out


@dataclass
class _Draft:
    trigger: Trigger
    sentence_no: int
    paragraph: int
    mention: Mention | None
    geo_precision: str
    date: dt.date | None
    date_precision: str
    background: bool
    actors: list[str] = field(default_factory=list)
    fatalities: int | None = None
    injured: int | None = None
    missing: int | None = None
    evidence: list[str] = field(default_factory=list)
    dated: bool = False  # the date comes from a phrase, not from the publication date
    own_place: bool = False  # the place is named right at the event, in its own sentence
    named_here: bool = False  # the place is named somewhere in the event's own sentence

    def take_casualties(self, cas) -> None:
        self.fatalities = self.fatalities if self.fatalities is not None else cas.fatalities
        self.injured = self.injured if self.injured is not None else cas.injured
        self.missing = self.missing if self.missing is not None else cas.missing


def _actors(sentence: str, tokens: list[Token], trie: Trie) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    i = 0
    while i < len(tokens):
        hit = trie.match_at(tokens, i)
        if not hit:
            i += 1
            continue
        length, entries = hit
        surface = sentence[tokens[i].start : tokens[i + length - 1].end].replace(".", "")
        for e in entries:
            if e.exact and surface != e.exact:
                continue
            found.append((tokens[i].start, e.name))
            break
        i += length
    return found


def _order_actors(sentence: str, found: list[tuple[int, str]], trigger: Trigger) -> list[str]:
    """Actor 1 is the one who acts: the agent of a passive ("by X"), else the last one named before the trigger."""
    names: list[str] = []
    for _, name in sorted(found):
        if name not in names:
            names.append(name)
    before = [name for pos, name in sorted(found) if pos < trigger.start]
    agents = [
        name for pos, name in found if re.search(r"\b(?:by|from)\s+(?:the\s+)?$", sentence[max(0, pos - 12) : pos])
    ]
    first = agents[0] if agents else (before[-1] if before else None)
    if first is not None:
        names.remove(first)
        names.insert(0, first)
    return names


def _locators(sentence: str, s_start: int, mentions: list[Mention]) -> set[int]:
    """Mentions that only locate the one before them: "Sidakan in the Soran district", "Masyaf in Hama province",
    "Mulla Qarah, near Makhmour", "the Victory Base Complex at Baghdad airport", "the road between Tafas and
    al-Muzayrib" (a route's other end)."""
    out = set()
    for a, b in zip(mentions, mentions[1:], strict=False):
        gap = sentence[a.end - s_start : b.start - s_start]
        rest = sentence[b.end - s_start :]
        contained = re.fullmatch(r",?\s+(?:in|of)\s+(?:the\s+)?(?:\w+\s+)?", gap) and (
            b.admin_hint or b.entry.kind == "admin_area" or re.match(r"\s+(?:district|area|region)\b", rest)
        )
        beside = re.fullmatch(
            r",?\s+(?:area\s+|district\s+|region\s+)?(?:near|outside|close to|not far from)\s+(?:the\s+)?"
            r"(?:(?:town|city|village)\s+of\s+)?|\s+(?:at|inside|within)\s+(?:the\s+)?",
            gap,
        )
        route_end = re.fullmatch(r"\s+and\s+(?:the\s+)?", gap) and re.search(
            r"\bbetween\s+(?:the\s+)?(?:(?:towns?|villages?|cities)\s+of\s+)?$", sentence[: a.start - s_start]
        )
        if contained or beside or route_end:
            out.add(id(b))
    return out


def _pick_places(sentence: str, s_start: int, mentions: list[Mention], trigger: Trigger) -> list[tuple[Mention, str]]:
    """The places where the event happened (not the reference points "north of Baghdad" or a route's ends)."""
    scored = []
    references = []
    # "in Baghdad's Sadr City": the container is context; the inner place takes its preposition.
    inner_of = {
        id(a): b
        for a, b in zip(mentions, mentions[1:], strict=False)
        if re.fullmatch(r"['’]s\s+", sentence[a.end - s_start : b.start - s_start])
    }
    outer_start = {id(b): a.start for a, b in zip(mentions, mentions[1:], strict=False) if id(a) in inner_of}
    # "Sidakan in the Soran district", "Masyaf in Hama province": the second names the container, not a second place.
    containers = _locators(sentence, s_start, mentions)
    for m in mentions:
        if id(m) in inner_of or id(m) in containers:
            continue
        rel_start = m.start - s_start
        ctx_start = outer_start.get(id(m), m.start) - s_start
        before = sentence[max(0, ctx_start - 50) : ctx_start]
        after = sentence[m.end - s_start : m.end - s_start + 30]
        # "Tarmiya, north of Baghdad", "capital of Anbar": reference points, not where it happened.
        if DIRECTION.search(before) or re.search(r"\b(?:capital|district|suburbs?)\s+of\s+$", before, re.I):
            # "100 kilometers west of Baghdad" is far from Baghdad; "south of Rutba" is around it.
            if (
                DIRECTION.search(before)
                and m.entry.kind != "admin_area"
                and not re.search(r"\d\s*(?:km|kilomet|mi)", before)
            ):
                references.append(m)
            continue
        # "Anbar officials", "Baghdad's government": the place names who speaks, not where it happened.
        # ("in Kalar police fired tear gas": after "in", the place is where.)
        if (METONYM_AFTER.match(after) and not re.search(r"\b(?:in|at)\s+$", before)) or WHO_IN.search(before):
            continue
        near = bool(NEAR.search(before))
        if re.search(r"\b(?:from|to)\s+(?:the\s+)?$", before, re.I) and re.search(
            r"\b(?:travel+ing|moving|driving|heading|en route|on their way|fled)\b", sentence, re.I
        ):
            continue
        score = 0.0
        if re.search(r"\b(?:in|at|on|into|inside|near|outside|of|targeting|targeted)\s+(?:the\s+)?$", before, re.I):
            score += 2
        if near:
            score += 1.5
        if rel_start > trigger.start:
            score += 1
        score -= abs(rel_start - trigger.start) / 400
        if m.entry.kind == "admin_area":
            score -= 1.5
        precision = "near" if near else ("admin" if m.entry.kind == "admin_area" else "exact")
        locative = bool(
            re.search(
                r"\b(?:in|at|near|outside)\s+(?:the\s+)?$|\band\s+$|"
                r"\b(?:areas?|parts|outskirts|countryside|towns?|city|cities|villages?)\s+of\s+(?:the\s+)?$",
                before,
                re.I,
            )
        ) or bool(re.match(r"^\s+(?:and|areas?)\b", after))
        scored.append((score, m, precision, locative))
    if references and all(
        m.entry.kind == "admin_area" and m.entry.feature_code in ("ADM1", "") for _, m, _, _ in scored
    ):
        # "in the desert south of Rutba": with no other town named, the reference point is where it happened, roughly.
        return [(references[0], "near")]
    if not scored:
        return []
    scored.sort(key=lambda t: -t[0])
    # One event per location, as ACLED codes it: "convoys were hit in Nasiriyah and Samawah" is two events.
    locatives = [(m, p) for _, m, p, loc in scored if loc and m.entry.kind != "admin_area"]
    distinct = []
    for m, p in sorted(locatives, key=lambda t: t[0].start):
        if all(km(m.entry, o.entry) > DISTINCT_KM for o, _ in distinct):
            distinct.append((m, p))
    if len(distinct) >= 2:
        return distinct
    return [(scored[0][1], scored[0][2])]


_PLUPERFECT = re.compile(r"\bhad\s+(?:been\s+)?\w+(?:\s+\w+)?\s*$", re.I)
# "Separately, ...", "In another attack, ...": a new event, not a follow-up of the one before.
SEPARATE = re.compile(
    r"\b(?:separately|(?:in )?a separate|elsewhere|meanwhile|in another|another (?:attack|incident|strike))\b", re.I
)
# "Gunmen attacked checkpoints in response": a reprisal is an event of its own, wherever the sentence says so.
RESPONSE = re.compile(r"\bin (?:response|retaliation|revenge)\b|\bretaliat(?:ed|ing|ory)\b", re.I)


def _event_date(
    dates: list[DatePhrase], trigger: Trigger, published: dt.date | None, sentence: str = ""
) -> tuple[DatePhrase | None, bool]:
    """The date phrase nearest the trigger, and whether the sentence frames the event as history."""
    usable = [d for d in dates if not d.span]
    # "the bodies of four men who had been kidnapped last month": an earlier event's date, told in passing.
    usable = [
        d
        for d in usable
        if not (d.start > trigger.end and _PLUPERFECT.search(sentence[max(trigger.end, d.start - 40) : d.start]))
    ]
    history = any(d.span and d.precision == "year" for d in dates)
    if not usable:
        return None, history
    best = min(usable, key=lambda d: abs(d.start - trigger.start))
    return best, history


def _is_background(phrase: DatePhrase | None, published: dt.date | None, history: bool) -> bool:
    if history:
        return True
    if phrase is None or phrase.date is None:
        return False
    if published is None:
        return False
    if phrase.precision == "year":
        return phrase.date.year < published.year
    return (published - phrase.date).days > BACKGROUND_DAYS


def _dedupe(drafts: list[_Draft]) -> list[_Draft]:
    """One article telling the same kind of event at the same place twice, far apart, is telling one event."""
    kept: list[_Draft] = []
    for d in drafts:
        twin = next(
            (
                k
                for k in kept
                if d.mention is not None
                and k.mention is not None
                and k.mention.entry.place_id == d.mention.entry.place_id
                and k.trigger.sub_event_type == d.trigger.sub_event_type
                and k.background == d.background
                and (k.date is None or d.date is None or abs((k.date - d.date).days) <= 2)
            ),
            None,
        )
        if twin is None:
            kept.append(d)
            continue
        twin.evidence.extend(e for e in d.evidence if e not in twin.evidence)
        twin.take_casualties(d)
        twin.actors.extend(a for a in d.actors if a not in twin.actors)
    return kept


_AFTER = re.compile(
    r"\b(?:(?:(a|one|two|three|four|five|six|\d+) days?|a week|hours|shortly|just|only|soon|weeks|days) )?after\b",
    re.I,
)
_DAYS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _later_event(sentence: str, trigger: Trigger) -> tuple[Trigger, Trigger, int, int | None] | None:
    """Two events joined by "after" ("X, two days after Y"): (first, second, where the second's clause starts,
    how many days before the first it happened, when the text says)."""
    m = _AFTER.search(sentence)
    if m is None:
        return None
    # "Police arrested 30 people after protesters set fire to a party office": the arrest follows the riot.
    before = [t for t in triggers(sentence) if t.end <= m.start() and (t.rank <= 10 or t.sub_event_type == "arrests")]
    # "The clashes erupted on Sunday after the SDF detained their commander": the arrest is an event of its own.
    after = [t for t in triggers(sentence) if t.start >= m.end() and (t.rank <= 10 or t.sub_event_type == "arrests")]
    if not before or not after:
        return None
    first, second = min(before, key=lambda t: t.rank), min(after, key=lambda t: t.rank)
    if first.sub_event_type == second.sub_event_type:
        return None
    word = (m.group(1) or "").lower()
    days = int(word) if word.isdigit() else _DAYS.get(word)
    return first, second, m.start(), days


def _nearest_specific(sentence: str, position: int) -> Trigger | None:
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


def _usable(full: str, m: Mention) -> bool:
    return not METONYM_AFTER.match(full[m.end : m.end + 30]) and not DIRECTION.search(
        full[max(0, m.start - 30) : m.start]
    )


def _latest_date(text: str) -> dt.date | None:
    """Without a publication date, the latest dated thing the article mentions stands in for it."""
    years = [int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", text)]
    return dt.date(max(years), 12, 31) if years else None


def _main_place(title: str, located: list[Mention], body_offset: int) -> Mention | None:
    """The headline's place: where an event the body leaves unplaced most likely happened."""
    in_title = [m for m in located if m.start < body_offset]
    if in_title:
        return in_title[0]
    return None


def _specify_generic_attacks(drafts: list[_Draft], sentences: list[tuple[int, int, int]], full: str) -> None:
    """ "Convoys were attacked" says no means; a nearby sentence often does ("improvised explosive devices")."""
    for d in drafts:
        if d.trigger.rank < 20:
            continue
        for s, e, para in sentences[max(0, d.sentence_no - 2) : d.sentence_no + 3]:
            if para != d.paragraph:
                continue
            specific = best_trigger(full[s:e])
            if specific is not None and specific.rank <= 5:
                d.trigger = specific
                break


_CLAUSE = re.compile(r",\s+(?:while|whereas)\s+|;\s+")


def _clauses(full: str, sentences: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """ "In Ranya, demonstrators torched party offices, while in Kalar police fired tear gas": two events, each
    clause with its own means and place."""
    out = []
    for start, end, para in sentences:
        sentence = full[start:end]
        cut = start
        for m in _CLAUSE.finditer(sentence):
            left, right = full[cut : start + m.start()], sentence[m.end() :]
            if best_trigger(left) is not None and best_trigger(right) is not None:
                out.append((cut, start + m.start(), para))
                cut = start + m.end()
        out.append((cut, end, para))
    return out


def _anchored(
    dates: list[DatePhrase], previous: _Draft | None, last_day: tuple[int, dt.date] | None, published
) -> list[DatePhrase]:
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


# "a provincial official in Kirkuk", "a police source in Basra": the place says who speaks, not where it happened.
WHO_IN = re.compile(
    r"\b(?:(?:officials?|spokes(?:man|woman|person)|commanders?|governor|sources?|council|mayor|chief|monitor|"
    r"observatory|correspondents?)\s+(?:in|of|at|from)|(?:residents?|natives?)\s+of)\s+(?:the\s+)?$",
    re.I,
)
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|around|(?:outskirts|areas?|towns?|villages?|city|cities|countryside|vicinity)\s+of)\s+"
    r"(?:the\s+)?$",
    re.I,
)


def _place_loose_draft(previous: _Draft, sentence: str, s_start: int, located: list[Mention], no: int) -> list[_Draft]:
    """A lede that names only a region ("bases in the Kurdistan region on Wednesday") and a next sentence that
    names the places ("near Koya ... and in the Zrgwez area"): the event happened there, once per place."""
    if previous.named_here and previous.mention is not None and previous.geo_precision not in ("admin", "country"):
        return []
    found = []
    here = [m for m in located if s_start <= m.start < s_start + len(sentence)]
    locators = _locators(sentence, s_start, here)
    for m in here:
        if m.entry.kind == "admin_area" or id(m) in locators:
            continue
        before = sentence[max(0, m.start - s_start - 40) : m.start - s_start]
        if not _LOCATIVE.search(before) or DIRECTION.search(before) or WHO_IN.search(before):
            continue
        if METONYM_AFTER.match(sentence[m.end - s_start : m.end - s_start + 30]):
            continue
        if previous.named_here and previous.mention is not None and previous.mention.entry.admin1 != m.entry.admin1:
            continue
        if all(km(m.entry, o.entry) > DISTINCT_KM for o, _ in found):
            found.append((m, "near" if NEAR.search(before) else "exact"))
    if not found:
        return []
    previous.mention, previous.geo_precision = found[0]
    previous.own_place = previous.named_here = True
    previous.evidence.append(sentence)
    previous.sentence_no = no
    extra = []
    for m, precision in found[1:]:
        twin = _Draft(
            trigger=previous.trigger,
            sentence_no=no,
            paragraph=previous.paragraph,
            mention=m,
            geo_precision=precision,
            date=previous.date,
            date_precision=previous.date_precision,
            background=previous.background,
            actors=list(previous.actors),
            evidence=list(previous.evidence),
            dated=previous.dated,
            own_place=True,
            named_here=True,
        )
        extra.append(twin)
    return extra


_DATELINE_AFTER = re.compile(
    r"^(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)*(?:,?\s+\w{3,9}\.?\s+\d{1,2})?(?:,?\s+\d{4})?\s*(?:\([^)]{1,40}\))?"
    r"\s*[-:\u2013\u2014]\s"
)


def _datelines(full: str, located: list[Mention]) -> set[int]:
    """ "BAQUBAH, Iraq (Reuters) -", "* KIRKUK -": where the report was filed, not where the event happened."""
    out = set()
    for m in located:
        line_start = full.rfind("\n", 0, m.start) + 1
        if re.fullmatch(r"[\s*\u2022-]*", full[line_start : m.start]) and _DATELINE_AFTER.match(
            full[m.end : m.end + 60]
        ):
            out.add(id(m))
    return out


def _headings(full: str, sentences: list[tuple[int, int, int]]) -> set[int]:
    """Paragraphs that are one short line without a full stop: a live blog's entry title or a subhead."""
    count: dict[int, int] = {}
    for _, _, para in sentences:
        count[para] = count.get(para, 0) + 1
    return {
        para
        for s, e, para in sentences
        if count[para] == 1 and not re.search(r"[.!?\"”’)]\s*$", full[s:e]) and len(full[s:e].split()) <= 16
    }


# "the killing of nine Turkish soldiers in northern Iraq": another country than the story's place, another event.
_COUNTRY = re.compile(
    r"\b(?:in|across|inside)\s+(?:northern |southern |eastern |western |central |northeast(?:ern)? |"
    r"northwest(?:ern)? )?(Iraq|Syria)\b"
)
_COUNTRY_CODE = {"Iraq": "IQ", "Syria": "SY"}


def extract_article(*, title: str, text: str, published: dt.date | None) -> Extraction:
    """Finds the places an article names and the incidents it reports."""
    forget()
    title = (title or "").strip()
    text = text or ""
    full = f"{title}\n\n{text}" if title else text
    body_offset = len(full) - len(text)
    place_trie = gazetteer_index.place_trie()
    actor_trie = gazetteer_index.actor_trie()

    tokens = tokenize(full)
    starts = [t.start for t in tokens]
    people = person_surnames(full, tokens)
    mentions = find_mentions(full, tokens, place_trie, people)
    resolve(mentions, full)
    located = [m for m in mentions if not m.person and m.entry is not None and m.entry.country in COUNTRIES]

    result = Extraction()
    seen: set[int] = set()
    for m in located:
        if m.entry.place_id not in seen:
            seen.add(m.entry.place_id)
            result.places.append(m.found(-body_offset if m.start >= body_offset else None))
    result.unresolved = unresolved(full, mentions)

    drafts: list[_Draft] = []
    sentences = _clauses(full, split_sentences(text, body_offset))
    reference = published or _latest_date(text)
    fallback = _main_place(title, located, body_offset)
    caption_paragraphs = {p for s, e, p in sentences if CAPTION.search(full[s:e])}
    headings = _headings(full, sentences)
    datelines = _datelines(full, located)
    last_dates: tuple[int, DatePhrase] | None = None
    last_day: tuple[int, dt.date] | None = None
    for no, (s_start, s_end, para) in enumerate(sentences):
        sentence = full[s_start:s_end]
        if para in caption_paragraphs or _SKIP_SENTENCE.match(sentence):
            continue
        if para in headings:
            # A live blog's entry title names the entry's place, as a headline does, but the entry tells the event.
            named = [m for m in located if s_start <= m.start < s_end and _usable(full, m)]
            fallback = named[0] if named else fallback
            continue
        cas = casualties(sentence)
        trigger = best_trigger(sentence)
        # Dates matter only around an event; skipping the rest keeps extraction fast.
        dates = find_dates(sentence, published) if trigger is not None or cas.any() else []
        # Follow-up sentences continue the news, not the history told in between.
        previous = next((d for d in reversed(drafts) if not d.background), None)
        dates = _anchored(dates, previous, last_day, published)
        if trigger is None:
            if cas.any() and previous is not None and no - previous.sentence_no <= 3:
                previous.take_casualties(cas)
                previous.evidence.append(sentence)
                previous.sentence_no = no
            if (
                previous is not None
                and no - previous.sentence_no <= 2
                and (previous.geo_precision != "exact" or not previous.named_here)
            ):
                drafts.extend(_place_loose_draft(previous, sentence, s_start, located, no))
            if [d for d in dates if not d.span]:
                last_dates = (para, [d for d in dates if not d.span][0])
            days = [d for d in dates if not d.span and d.precision == "day" and d.date is not None]
            if days:
                last_day = (no, days[-1].date)
            continue
        # "X came a day after Y" dates Y, not X; "X, two days after Y" is split into two events below.
        dates = [d for d in dates if d.shift is None or "after" not in d.text.lower() or d.start < trigger.start]
        later = _later_event(sentence, trigger)
        if later is not None:
            dates = [d for d in dates if d.shift is None]
        # "the bodies of four men who had been kidnapped last month": an earlier deed's date, told in passing.
        dates = [
            d
            for d in dates
            if not (d.start > trigger.end and _PLUPERFECT.search(sentence[max(trigger.end, d.start - 40) : d.start]))
        ]
        phrase, history = _event_date(dates, trigger, published, sentence)
        if not is_realis(sentence, trigger, phrase is not None, cas.any()):
            continue
        s_mentions = [m for m in located if s_start <= m.start < s_end and id(m) not in datelines]
        if later is not None:
            # "The base came under attack on Monday, two days after a Marine was killed in a rocket attack": two
            # events, each with its own clause, places and toll.
            trigger, second, split, days_before = later
            second_mentions = [m for m in s_mentions if m.start - s_start >= split]
            s_mentions = [m for m in s_mentions if m.start - s_start < split]
            second_cas, cas = casualties(sentence[split:]), casualties(sentence[:split])
            known = next(
                (d for d in reversed(drafts) if d.dated and d.trigger.sub_event_type == trigger.sub_event_type), None
            )
            if phrase is None and known is not None:
                # "the drone attack ... came a day after X": the attack the story already dated.
                phrase = DatePhrase("", 0, 0, known.date, known.date_precision)
        picks = _pick_places(sentence, s_start, s_mentions, trigger)
        if len(picks) == 1 and picks[0][0] is not None and trigger.rank < 10:
            # Two means of violence in one sentence ("the drone attack came a day after forces fired live
            # ammunition at protesters in Tahrir Square"): the one told next to the place is the event there.
            near_place = _nearest_specific(sentence, picks[0][0].start - s_start)
            if near_place is not None:
                trigger = near_place
        # The article's tokens, shifted to sentence offsets: tokenising twice costs more than the slice.
        lo, hi = bisect_left(starts, s_start), bisect_left(starts, s_end)
        s_tokens = [Token(t.text, t.norm, t.start - s_start, t.end - s_start) for t in tokens[lo:hi]]
        actors = _order_actors(sentence, _actors(sentence, s_tokens, actor_trie), trigger)

        if phrase is None and last_dates is not None and last_dates[0] == para:
            phrase = last_dates[1]
        elif phrase is None and last_day is not None and no - last_day[0] <= 2:
            # "In Ranya, demonstrators torched ...": the next paragraph goes on with the lede's day.
            phrase = DatePhrase("", 0, 0, last_day[1], "day")
        # "* SAMARRA - Gunmen attacked ...": a roundup's item, or a new dateline, starts a story of its own.
        new_story = any(id(m) in datelines for m in located if s_start <= m.start < s_start + 40)
        # A place named right at the event is its own; one named in passing further off ("a government in
        # Baghdad ... a nighttime skirmish") may yield to the next sentence's.
        named_here = bool(picks)
        own_place = (
            bool(picks)
            and min(abs(picks[0][0].start - s_start - t.start) for t in [trigger, *triggers(sentence)]) <= 80
            and not DIRECTION.search(full[max(0, picks[0][0].start - 30) : picks[0][0].start])
        )
        abroad = _COUNTRY.search(sentence)
        elsewhere = (
            not picks
            and abroad is not None
            and previous is not None
            and previous.mention is not None
            and previous.mention.entry.country != _COUNTRY_CODE[abroad.group(1)]
        )
        if phrase is not None:
            last_dates = (para, phrase)
            if phrase.precision == "day" and phrase.date is not None:
                last_day = (no, phrase.date)
        # "in response to a drone attack the previous week and one on June 26": an old date makes it all history.
        background = _is_background(phrase, reference, history) or any(
            _is_background(d, reference, False) for d in dates if not d.span and d.precision != "week"
        )
        if phrase is not None:
            date, precision = phrase.date, phrase.precision
        else:
            date, precision = published, "week"

        # A follow-up sentence about the same event (same kind, nearby place or none) joins the incident.
        # Two specific means at two towns in consecutive sentences are two events ("a power station in Amuda ...
        # a drone hit their car in Qamishli"); a loose lede is still completed by the next sentence.
        distinct_place = (
            own_place
            and previous is not None
            and previous.own_place
            and previous.mention is not None
            and previous.geo_precision in ("exact", "near")
            and km(picks[0][0].entry, previous.mention.entry) > 15
            # "their base near Baghdad ... their base in Tarmiya, north of Baghdad": the same place, told better.
            and previous.mention.entry.place_id not in {m.entry.place_id for m in s_mentions}
        )
        if (
            previous is not None
            and not SEPARATE.search(sentence[: trigger.end])
            and not RESPONSE.search(sentence)
            and not new_story
            and not distinct_place
            and not elsewhere
            and not (
                phrase is not None
                and previous.dated
                and previous.date_precision == phrase.precision == "day"
                and previous.date != phrase.date
            )
            and (
                no - previous.sentence_no <= 2
                # The same kind of event at the same place a few sentences on is the story going on.
                or (
                    no - previous.sentence_no <= 5
                    and previous.trigger.sub_event_type == trigger.sub_event_type
                    and previous.mention is not None
                    and (picks[0][0] if picks else fallback) is not None
                    and (picks[0][0] if picks else fallback).entry.place_id == previous.mention.entry.place_id
                )
            )
            and len(picks) <= 1
            and (
                previous.trigger.event_type == trigger.event_type
                or (trigger.rank >= 10 and trigger.sub_event_type != "arrests")
            )
            and (
                not picks
                or previous.mention is None
                or km(picks[0][0].entry, previous.mention.entry) <= MERGE_KM
                or not previous.own_place
                # A lede names the event loosely; the next sentence gives its place and toll.
                or (
                    no - previous.sentence_no == 1
                    and previous.trigger.event_type == trigger.event_type
                    and previous.fatalities is None
                    and previous.injured is None
                    and previous.geo_precision != "exact"
                )
            )
            and (phrase is None or previous.date is None or date is None or abs((previous.date - date).days) <= 2)
            and background == previous.background
            and later is None
        ):
            previous.evidence.append(sentence)
            previous.take_casualties(cas)
            previous.sentence_no = no
            for a in actors:
                if a not in previous.actors:
                    previous.actors.append(a)
            far = (
                bool(picks)
                and previous.mention is not None
                and km(picks[0][0].entry, previous.mention.entry) > MERGE_KM
            )
            if picks and (previous.mention is None or previous.geo_precision != "exact" or cas.any() or far):
                previous.mention, previous.geo_precision = picks[0]
                previous.own_place, previous.named_here = own_place, True
            if phrase is not None and not previous.dated and phrase.precision == "day":
                previous.date, previous.date_precision, previous.dated = phrase.date, phrase.precision, True
            # "Convoys were attacked ... with IEDs": a follow-up names the means of a vaguely told event.
            if (
                trigger.rank < previous.trigger.rank
                and trigger.event_type == previous.trigger.event_type
                and (previous.trigger.rank >= 10 or previous.trigger.event_type != "violence_against_civilians")
            ):
                previous.trigger = trigger
            continue

        if not picks:
            # The event's place is often named just before ("...near Makhmour. The coalition bombed"), or it is
            # the article's main place, which the headline names.
            window = [(s, e) for s, e, p in sentences[max(0, no - 2) : no] if p == para]
            prior = [
                m
                for m in located
                if any(s <= m.start < e for s, e in window) and _usable(full, m) and id(m) not in datelines
            ]
            story = previous if previous is not None and no - previous.sentence_no <= 2 and not elsewhere else None
            own_line = [m for m in located if id(m) in datelines and sentences[no][0] - 200 <= m.start < s_end]
            own_line = [m for m in own_line if full.rfind("\n", 0, m.start) == full.rfind("\n", 0, s_start)]
            if elsewhere:
                picks = [(None, "country")]
            elif prior:
                picks = [(prior[-1], "admin" if prior[-1].entry.kind == "admin_area" else "exact")]
            elif story is not None and story.mention is not None:
                # "Security forces ... arrested 14 people": the story's place (and day), told just before.
                picks = [(story.mention, "near" if story.geo_precision == "exact" else story.geo_precision)]
                if phrase is None:
                    date, phrase = story.date, DatePhrase("", 0, 0, story.date, story.date_precision)
            elif phrase is None and not cas.any():
                continue  # no place, no date, no toll: too vague to be an event ("They attacked the army")
            elif fallback is not None:
                picks = [(fallback, "admin" if fallback.entry.kind == "admin_area" else "exact")]
            else:
                window = [(s, e) for s, e, _ in sentences[max(0, no - 2) : no]]
                prior = [m for m in located if any(s <= m.start < e for s, e in window) and _usable(full, m)]
                lines = [m for m in located if id(m) in datelines and m.start < s_end]
                if own_line:
                    picks = [(own_line[-1], "admin" if own_line[-1].entry.kind == "admin_area" else "exact")]
                elif prior:
                    picks = [(prior[-1], "exact")]
                elif lines:
                    picks = [(lines[-1], "admin" if lines[-1].entry.kind == "admin_area" else "exact")]
                else:
                    picks = [(None, "country")]
        for mention, precision in picks:
            d = _Draft(
                trigger=trigger,
                sentence_no=no,
                paragraph=para,
                mention=mention,
                geo_precision=precision,
                date=date,
                date_precision=phrase.precision if phrase else "week",
                background=background,
                actors=list(actors),
                evidence=[sentence],
                dated=phrase is not None,
                own_place=own_place,
                named_here=named_here,
            )
            if len(picks) == 1:
                d.take_casualties(cas)
            drafts.append(d)
        if later is not None:
            second_picks = _pick_places(sentence, s_start, second_mentions, second) or picks[:1]
            mention, precision = second_picks[0]
            earlier = date - dt.timedelta(days=days_before) if (date and days_before is not None) else date
            d = _Draft(
                trigger=second,
                sentence_no=no,
                paragraph=para,
                mention=mention,
                geo_precision=precision,
                date=earlier,
                date_precision="day" if (earlier and days_before is not None and phrase) else "week",
                background=_is_background(DatePhrase("", 0, 0, earlier, "day"), reference, False)
                if earlier
                else background,
                actors=list(actors),
                evidence=[sentence],
            )
            d.take_casualties(second_cas)
            drafts.append(d)

    _specify_generic_attacks(drafts, sentences, full)
    drafts = _dedupe(drafts)
    for d in drafts:
        result.incidents.append(
            ExtractedIncident(
                event_type=d.trigger.event_type,
                sub_event_type=d.trigger.sub_event_type,
                date=d.date,
                date_precision=d.date_precision,
                place=d.mention.found(-body_offset) if d.mention is not None else None,
                geo_precision=d.geo_precision,
                actors=d.actors,
                fatalities=d.fatalities,
                injured=d.injured,
                missing=d.missing,
                evidence=" ".join(d.evidence),
                background=d.background,
            )
        )
    return result
