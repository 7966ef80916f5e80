"""Stage 6: incident drafts. Read in order, a sentence that reports an event either continues the story told just
before (same kind, same or no place, same day) or starts a draft of its own; a sentence without an event may add a
toll, a place or a day to the draft before it.

Over 400 lines on purpose: one reading loop (`run`) and the helpers that change the drafts it holds; the words that
cue a sentence's relation to the story live in `cues.py`, places in `places.py`, dates in `dating.py`."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace

from .. import gazetteer_index
from ..dates import DatePhrase
from ..events import Trigger, is_realis, triggers
from ..gazetteer_index import Token, Trie
from ..geocode import DIRECTION, NEAR, Mention, km
from ..lexicon import VICTIMS_ONLY
from ..numbers import Casualties, casualties
from . import dating
from .casualties import per_place
from .cues import (
    ABROAD,
    COUNTRY,
    COUNTRY_CODE,
    FRONTED,
    POINTS_BACK,
    counts_since,
    sums_events,
    sums_toll,
    tallies_period,
)
from .document import Document, Sentence
from .places import DISTINCT_KM, LOCATIVE, METONYM_AFTER, locators, pick_places, speaker_in, usable
from .triggers import RESPONSE, SEPARATE, later_event, nearest_specific

# A follow-up sentence whose place is this far from the story's is another event.
MERGE_KM = 60.0


@dataclass
class Draft:
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
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    evidence: list[str] = field(default_factory=list)
    dated: bool = False  # the date comes from a phrase, not from the publication date
    own_place: bool = False  # the place is named right at the event, in its own sentence
    named_here: bool = False  # the place is named somewhere in the event's own sentence
    place_source: str = "sentence"  # sentence | follow-up | story | headline | dateline | nearby | none
    toll_source: str = "none"  # sentence | follow-up | headline | none
    aggregate: bool = False  # a lede that sums several events ("A series of bombings killed 15"): not one event
    told_apart: bool = False  # the text says it is another event ("In another attack", "Separately")

    def take_casualties(self, cas: Casualties, source: str = "sentence") -> None:
        if cas.any() and self.toll_source == "none":
            self.toll_source = source
        if self.fatalities is None and cas.fatalities is not None:
            self.fatalities_low, self.fatalities_high = cas.fatalities_low, cas.fatalities_high
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


def _sentence_actors(doc: Document, s: Sentence, trigger: Trigger) -> list[str]:
    # The article's tokens, shifted to sentence offsets: tokenising twice costs more than the slice.
    lo, hi = bisect_left(doc.token_starts, s.start), bisect_left(doc.token_starts, s.end)
    tokens = [Token(t.text, t.norm, t.start - s.start, t.end - s.start) for t in doc.tokens[lo:hi]]
    return _order_actors(s.text, _actors(s.text, tokens, gazetteer_index.actor_trie()), trigger)


def _place_loose_draft(previous: Draft, s: Sentence, located: list[Mention]) -> list[Draft]:
    """A lede that names only a region ("bases in the Kurdistan region on Wednesday") and a next sentence that
    names the places ("near Koya ... and in the Zrgwez area"): the event happened there, once per place."""
    if previous.named_here and previous.mention is not None and previous.geo_precision not in ("admin", "country"):
        return []
    sentence, s_start = s.text, s.start
    found = []
    here = [m for m in located if s_start <= m.start < s_start + len(sentence)]
    inside = locators(sentence, s_start, here)
    for m in here:
        before = sentence[max(0, m.start - s_start - 40) : m.start - s_start]
        # "the town of Suluk": a sub-district known only by its seat is that town here.
        seat = m.entry.feature_code in ("ADM2", "ADM3") and re.search(r"\b(?:town|city|village)\s+of\s+$", before)
        if (m.entry.kind == "admin_area" and not seat) or id(m) in inside:
            continue
        if not LOCATIVE.search(before) or DIRECTION.search(before) or speaker_in(before):
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
    previous.place_source = "follow-up"
    previous.evidence.append(sentence)
    previous.sentence_no = s.no
    extra = []
    for m, precision in found[1:]:
        twin = Draft(
            trigger=previous.trigger,
            sentence_no=s.no,
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
            place_source="follow-up",
        )
        extra.append(twin)
    return extra


_NEIGHBOURHOOD = re.compile(r"^\s+(?:neighbou?rhoods?|quarters?)\b", re.I)
_NEIGHBOURHOOD_BEFORE = re.compile(r"\b(?:neighbou?rhoods?|quarters?)\s+of\s+(?:the\s+)?$", re.I)
# How far a neighbourhood may lie from the city the story is in.
CITY_KM = 25.0


def _neighbourhoods_in_the_city(full: str, picks, previous: Draft | None, no: int):
    """ "In Baghdad, a car bomb exploded ... Another blast in the Sadiyah neighborhood": a neighbourhood is in the
    city the story just named; a town of that name elsewhere (Sa'diyah in Diyala) is another place."""
    if previous is None or previous.mention is None or no - previous.sentence_no > 2:
        return picks
    city = previous.mention
    out = []
    for m, precision in picks:
        if (
            m is not None
            and m.entry.kind != "admin_area"
            and (
                _NEIGHBOURHOOD.match(full[m.end : m.end + 20])
                or _NEIGHBOURHOOD_BEFORE.search(full[m.start - 30 : m.start])
            )
            and km(m.entry, city.entry) > CITY_KM
        ):
            # The neighbourhood's own words, placed at the city.
            out.append((replace(m, entry=city.entry), "near"))
        else:
            out.append((m, precision))
    return out


def _place_told_again(previous: Draft, s: Sentence) -> None:
    """The event's place told again, more precisely, in a sentence whose subject is the event."""
    for m in s.mentions:
        before = s.text[max(0, m.start - s.start - 40) : m.start - s.start]
        if LOCATIVE.search(before) and not DIRECTION.search(before) and m.entry.kind != "admin_area":
            if previous.mention is None or km(m.entry, previous.mention.entry) <= MERGE_KM:
                previous.mention, previous.geo_precision = m, "near" if NEAR.search(before) else "exact"
                previous.own_place = previous.named_here = True
                previous.place_source = "follow-up"
            return


@dataclass
class _State:
    """What reading the article so far has established."""

    fallback: Mention | None
    reference: dt.date | None
    last_dates: tuple[int, DatePhrase] | None = None  # (paragraph, the last event date phrase)
    last_day: tuple[int, dt.date] | None = None  # (sentence number, the last day the story gave)


def _without_event(doc: Document, s: Sentence, previous: Draft | None, dates: list[DatePhrase], st: _State) -> None:
    """A sentence with no event of its own: its toll, places and days go to the story told just before."""
    cas = s.casualties
    if (
        cas.any()
        and previous is not None
        and s.no - previous.sentence_no <= 3
        and not sums_toll(s.text)
        and not tallies_period(s.text)
    ):
        previous.take_casualties(cas, "follow-up")
        previous.evidence.append(s.text)
        previous.sentence_no = s.no
    if (
        previous is not None
        and s.no - previous.sentence_no <= 2
        and (previous.geo_precision != "exact" or not previous.named_here)
    ):
        doc.drafts.extend(_place_loose_draft(previous, s, doc.located))
    if [d for d in dates if not d.span]:
        st.last_dates = (s.para, [d for d in dates if not d.span][0])
    days = [d for d in dates if not d.span and d.precision == "day" and d.date is not None]
    if days:
        st.last_day = (s.no, days[-1].date)


def _unnamed_place(doc: Document, s: Sentence, previous: Draft | None, elsewhere: bool, st: _State, cas, phrase):
    """Where an event happened when its own sentence names no place: told just before, the story's place, the
    headline's, or the dateline's. Returns (picks, phrase, source), or None when the sentence is too vague."""
    full = doc.full
    sentences = doc.sentences
    no = s.no
    # The event's place is often named just before ("...near Makhmour. The coalition bombed"), or it is the
    # article's main place, which the headline names.
    window = [(x.start, x.end) for x in sentences[max(0, no - 2) : no] if x.para == s.para]
    prior = [
        m
        for m in doc.located
        if any(a <= m.start < b for a, b in window) and usable(full, m) and id(m) not in doc.datelines
    ]
    story = previous if previous is not None and no - previous.sentence_no <= 2 and not elsewhere else None
    own_line = [m for m in doc.located if id(m) in doc.datelines and sentences[no].start - 200 <= m.start < s.end]
    own_line = [m for m in own_line if full.rfind("\n", 0, m.start) == full.rfind("\n", 0, s.start)]
    if elsewhere:
        return [(None, "country")], phrase, "none"
    if prior:
        return [(prior[-1], "admin" if prior[-1].entry.kind == "admin_area" else "exact")], phrase, "nearby"
    if story is not None and story.mention is not None:
        # "Security forces ... arrested 14 people": the story's place (and day), told just before.
        picks = [(story.mention, "near" if story.geo_precision == "exact" else story.geo_precision)]
        if phrase is None:
            phrase = DatePhrase("", 0, 0, story.date, story.date_precision)
        return picks, phrase, "story"
    if phrase is None and not cas.any():
        return None  # no place, no date, no toll: too vague to be an event ("They attacked the army")
    if st.fallback is not None:
        return [(st.fallback, "admin" if st.fallback.entry.kind == "admin_area" else "exact")], phrase, "headline"
    window = [(x.start, x.end) for x in sentences[max(0, no - 2) : no]]
    prior = [m for m in doc.located if any(a <= m.start < b for a, b in window) and usable(full, m)]
    lines = [m for m in doc.located if id(m) in doc.datelines and m.start < s.end]
    if own_line:
        return [(own_line[-1], "admin" if own_line[-1].entry.kind == "admin_area" else "exact")], phrase, "dateline"
    if prior:
        return [(prior[-1], "exact")], phrase, "nearby"
    if lines:
        return [(lines[-1], "admin" if lines[-1].entry.kind == "admin_area" else "exact")], phrase, "dateline"
    return [(None, "country")], phrase, "none"


def run(doc: Document) -> None:
    full, published = doc.full, doc.published
    st = _State(fallback=doc.headline_place, reference=published or dating.latest_date(doc.text))
    for s in doc.sentences:
        if s.skip:
            continue
        no, sentence, s_start = s.no, s.text, s.start
        if s.heading:
            # A live blog's entry title names the entry's place, as a headline does, but the entry tells the event.
            named = [m for m in doc.located if s_start <= m.start < s.end and usable(full, m)]
            st.fallback = named[0] if named else st.fallback
            continue
        cas, trigger = s.casualties, s.trigger
        # Follow-up sentences continue the news, not the history told in between.
        previous = next((d for d in reversed(doc.drafts) if not d.background), None)
        dates = dating.anchored(s.dates, previous, st.last_day, published)
        if trigger is None or (
            previous is not None
            and no - previous.sentence_no <= 3
            and (
                # "Three people were killed": without a place of its own, the toll of the event told just before.
                (trigger.rank == VICTIMS_ONLY and not s.mentions)
                # "It happened in the town of Suluk, which was liberated in October": the event just told, placed.
                or POINTS_BACK.match(sentence)
            )
        ):
            if previous is not None and previous.geo_precision != "exact" and POINTS_BACK.match(sentence):
                # "The attack took place in the town of Tarmiya": sharper than "north of Baghdad" in the lede.
                _place_told_again(previous, s)
            _without_event(doc, s, previous, dates, st)
            continue
        if not s.mentions and ABROAD.search(sentence):
            continue  # "an ax attack in the Israeli town of Elad": outside the covered countries
        # "X came a day after Y" dates Y, not X; "X, two days after Y" is split into two events below.
        dates = [d for d in dates if d.shift is None or "after" not in d.text.lower() or d.start < trigger.start]
        later = later_event(sentence)
        if later is not None:
            dates = [d for d in dates if d.shift is None]
        # "the bodies of four men who had been kidnapped last month": an earlier deed's date, told in passing.
        dates = [d for d in dates if not dating.told_in_passing(sentence, trigger, d)]
        phrase, history = dating.event_date(dates, trigger, sentence)
        if not is_realis(sentence, trigger, phrase is not None, cas.any()):
            continue
        # "The death toll in the desert has reached 130 since the beginning of 2022": a tally, not an event.
        if cas.any() and counts_since(sentence) and (phrase is None or phrase.precision != "day"):
            continue
        s_mentions = s.mentions
        second_mentions: list[Mention] = []
        second_cas = Casualties()
        days_before = None
        if later is not None:
            # "The base came under attack on Monday, two days after a Marine was killed in a rocket attack": two
            # events, each with its own clause, places and toll.
            trigger, second, split, days_before = later
            second_mentions = [m for m in s_mentions if m.start - s_start >= split]
            s_mentions = [m for m in s_mentions if m.start - s_start < split]
            second_cas, cas = casualties(sentence[split:]), casualties(sentence[:split])
            known = next(
                (d for d in reversed(doc.drafts) if d.dated and d.trigger.sub_event_type == trigger.sub_event_type),
                None,
            )
            if phrase is None and known is not None:
                # "the drone attack ... came a day after X": the attack the story already dated.
                phrase = DatePhrase("", 0, 0, known.date, known.date_precision)
        picks = _neighbourhoods_in_the_city(full, pick_places(sentence, s_start, s_mentions, trigger), previous, no)
        if len(picks) == 1 and picks[0][0] is not None and trigger.rank < 10:
            # Two means of violence in one sentence ("the drone attack came a day after forces fired live
            # ammunition at protesters in Tahrir Square"): the one told next to the place is the event there.
            near_place = nearest_specific(sentence, picks[0][0].start - s_start)
            if near_place is not None:
                trigger = near_place
        actors = _sentence_actors(doc, s, trigger)

        if phrase is None and st.last_dates is not None and st.last_dates[0] == s.para:
            phrase = st.last_dates[1]
        elif phrase is None and st.last_day is not None and no - st.last_day[0] <= 2:
            # "In Ranya, demonstrators torched ...": the next paragraph goes on with the lede's day.
            phrase = DatePhrase("", 0, 0, st.last_day[1], "day")
        # "* SAMARRA - Gunmen attacked ...": a roundup's item, or a new dateline, starts a story of its own.
        # "In Tikrit, 130 militants were killed.": a roundup's item told place first, likewise.
        new_story = any(id(m) in doc.datelines for m in doc.located if s_start <= m.start < s_start + 40) or bool(
            s.mentions and FRONTED.match(sentence[: s.mentions[0].start - s_start])
        )
        aggregate = sums_events(sentence, trigger) and not any(
            m.entry.kind != "admin_area"
            and re.search(r"\b(?:in|at)\s+(?:the\s+)?$", full[max(0, m.start - 12) : m.start])
            for m in s.mentions
        )
        # A place named right at the event is its own; one named in passing further off ("a government in
        # Baghdad ... a nighttime skirmish") may yield to the next sentence's.
        named_here = bool(picks)
        own_place = (
            bool(picks)
            and min(abs(picks[0][0].start - s_start - t.start) for t in [trigger, *triggers(sentence)]) <= 80
            and not DIRECTION.search(full[max(0, picks[0][0].start - 30) : picks[0][0].start])
        )
        abroad = COUNTRY.search(sentence)
        elsewhere = (
            not picks
            and abroad is not None
            and previous is not None
            and previous.mention is not None
            and previous.mention.entry.country != COUNTRY_CODE[abroad.group(1)]
        )
        if phrase is not None:
            st.last_dates = (s.para, phrase)
            if phrase.precision == "day" and phrase.date is not None:
                st.last_day = (no, phrase.date)
        # "in response to a drone attack the previous week and one on June 26": an old date makes it all history.
        background = dating.is_background(phrase, st.reference, history) or any(
            dating.is_background(d, st.reference, False) for d in dates if not d.span and d.precision != "week"
        )
        date = phrase.date if phrase is not None else published

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
        here = picks[0][0] if picks else st.fallback
        if (
            previous is not None
            and not previous.aggregate
            and not aggregate
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
                    and here is not None
                    and here.entry.place_id == previous.mention.entry.place_id
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
            and not _gunfire_after_a_blast(previous, sentence)
            and not _another_told_with_its_toll(previous, sentence, trigger, cas)
            # "12 civilians were killed in raids on Ariha. Another three were killed in shelling": another means,
            # with a toll of its own, is another event.
            and not (
                trigger.rank < 10
                and previous.trigger.rank < 10
                and trigger.sub_event_type != previous.trigger.sub_event_type
                and cas.fatalities is not None
                and previous.fatalities is not None
            )
        ):
            _continue(previous, s, trigger, picks, phrase, cas, actors, own_place)
            continue

        place_source = "sentence"
        if not picks:
            unnamed = _unnamed_place(doc, s, previous, elsewhere, st, cas, phrase)
            if unnamed is None:
                continue
            picks, new_phrase, place_source = unnamed
            if phrase is None and new_phrase is not None:
                phrase, date = new_phrase, new_phrase.date
        # "nine were killed in Tal Mannis, six in Maasaran": several places, each with its own toll.
        tolls = per_place(sentence, s_start, [m for m, _ in picks]) if len(picks) > 1 and not aggregate else {}
        for mention, precision in picks:
            d = Draft(
                trigger=trigger,
                sentence_no=no,
                paragraph=s.para,
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
                place_source=place_source,
                aggregate=aggregate,
                told_apart=bool(SEPARATE.search(sentence[: trigger.end]))
                or _a_means_with_its_toll(sentence, trigger, cas),
            )
            if len(picks) == 1 and not aggregate:
                d.take_casualties(cas)
            elif id(mention) in tolls:
                d.take_casualties(tolls[id(mention)])
            doc.drafts.append(d)
        if later is not None:
            doc.drafts.append(
                _earlier_event(
                    s, second, second_mentions, second_cas, days_before, date, phrase, background, actors, picks, st
                )
            )


_GUNFIRE = re.compile(r"\b(?:gunm[ae]n|shot dead|shot and killed|opened fire|gunfire|bullets|snipers?)\b", re.I)
_BLAST = re.compile(r"\b(?:bomb\w*|blast|explo\w+|IED|mortar|rocket|shell\w*|missile|drone|strike|suicide)\b", re.I)


def _gunfire_after_a_blast(previous: Draft, sentence: str) -> bool:
    """ "A car bomb hit a patrol in west Mosul. Gunmen also sprayed a checkpoint in Mosul with bullets": shooting
    told after a bombing, with no explosive of its own, is another event, not the bombing's follow-up."""
    return (
        previous.trigger.event_type == "explosions_remote_violence"
        and bool(_GUNFIRE.search(sentence))
        and not _BLAST.search(sentence)
    )


# "a bomb", "an explosion", "a car bomb": a means introduced with an indefinite article is a new one.
_A_MEANS = re.compile(
    r"\b(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:bomb|blast|explosion|IED|rocket|mortar(?: shell| round)?|shell|drone|"
    r"air ?strike|suicide bomber|missile)\b",
    re.I,
)


def _a_means_with_its_toll(sentence: str, trigger: Trigger, cas: Casualties) -> bool:
    """A means of its own ("a bomb", not "the bomb") with a toll of its own."""
    return trigger.rank < 10 and cas.any() and bool(_A_MEANS.search(sentence[: trigger.end + 40]))


def _another_told_with_its_toll(previous: Draft, sentence: str, trigger: Trigger, cas: Casualties) -> bool:
    """ "In Baghdad, a bomb killed a policeman. ... A bomb in Shabb killed two people": after an event with its toll,
    a sentence that brings in a means of its own with a toll of its own is another event."""
    return previous.toll_source == "sentence" and _a_means_with_its_toll(sentence, trigger, cas)


def _continue(previous: Draft, s: Sentence, trigger: Trigger, picks, phrase, cas, actors, own_place: bool) -> None:
    """The sentence goes on with the story: its toll, place, day and means complete the draft."""
    previous.evidence.append(s.text)
    previous.take_casualties(cas, "follow-up")
    previous.sentence_no = s.no
    for a in actors:
        if a not in previous.actors:
            previous.actors.append(a)
    far = bool(picks) and previous.mention is not None and km(picks[0][0].entry, previous.mention.entry) > MERGE_KM
    if picks and (previous.mention is None or previous.geo_precision != "exact" or cas.any() or far):
        previous.mention, previous.geo_precision = picks[0]
        previous.own_place, previous.named_here = own_place, True
        previous.place_source = "sentence"
    if phrase is not None and not previous.dated and phrase.precision == "day":
        previous.date, previous.date_precision, previous.dated = phrase.date, phrase.precision, True
    # "Convoys were attacked ... with IEDs": a follow-up names the means of a vaguely told event.
    if (
        trigger.rank < previous.trigger.rank
        and trigger.event_type == previous.trigger.event_type
        and (previous.trigger.rank >= 10 or previous.trigger.event_type != "violence_against_civilians")
    ):
        previous.trigger = trigger


def _earlier_event(s, second, mentions, cas, days_before, date, phrase, background, actors, picks, st) -> Draft:
    """The event after "after" in "X, two days after Y": its own place and toll, dated back from X."""
    second_picks = pick_places(s.text, s.start, mentions, second) or picks[:1]
    mention, precision = second_picks[0]
    earlier = date - dt.timedelta(days=days_before) if (date and days_before is not None) else date
    d = Draft(
        trigger=second,
        sentence_no=s.no,
        paragraph=s.para,
        mention=mention,
        geo_precision=precision,
        date=earlier,
        date_precision="day" if (earlier and days_before is not None and phrase) else "week",
        background=dating.is_background(DatePhrase("", 0, 0, earlier, "day"), st.reference, False)
        if earlier
        else background,
        actors=list(actors),
        evidence=[s.text],
    )
    d.take_casualties(cas)
    return d
