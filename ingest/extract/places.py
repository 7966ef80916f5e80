"""Stage 2: the places an article names, and the rules that tell where in a sentence an event happened.

`run` finds every gazetteer name, drops people named like places, resolves namesakes from the rest of the article
and marks datelines. `pick_places` and its helpers are used by the drafting stage: they tell the place where an
event happened from reference points ("north of Baghdad"), containers ("in Hama province"), speakers ("Anbar
officials") and route ends.
"""

from __future__ import annotations

import dataclasses
import math
import re

from incidents.countries import covered_countries

from .. import gazetteer_index
from ..events import Trigger
from ..gazetteer_index import tokenize
from ..geocode import DIRECTION, NEAR, Mention, find_mentions, km, listed_places, person_surnames, resolve, unresolved
from .document import Document

# Two places named for one event ("in the towns of Sarmada and Dana") are two events when this far apart.
DISTINCT_KM = 3.0
METONYM_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:officials?|authorities|governor|government|council|police|command|tribes|tribal|residents|"
    r"leaders?|media|spokes(?:man|woman)|administration|parliament|embassy)\b",
    re.I,
)
# "a provincial official in Kirkuk", "a police source in Basra", "the civil defence agency in Idlib": the place says
# who speaks, not where it happened.
WHO_IN = re.compile(
    r"\b(?:(?:officials?|spokes(?:man|woman|person)|commanders?|governor|sources?|council|mayor|chief|monitor|"
    r"observatory|correspondents?|agency|directorate|department|ministry|committee|director)\s+(?:in|of|at|from)|"
    r"(?:residents?|natives?)\s+of|"
    # "12 citizens from the provinces of Karbala, Najaf and Anbar": where the people come from.
    r"(?:residents?|natives?|citizens|civilians|families|pilgrims|workers|shepherds)\s+from\s+(?:the\s+)?"
    r"(?:(?:city|town|village|provinces?|governorates?|districts?)\s+of\s+)?(?:(?-i:[A-Z])[\w'’-]*,?\s+(?:and\s+)?){0,3}?)"
    r"\s*(?:the\s+)?$",
    re.I,
)
# "gunmen assassinated a local official in Daraa": the official is the victim, and the place is where it happened.
_VICTIM_BEFORE = re.compile(
    r"\b(?:assassinat\w*|kill\w*|shot|shoot\w*|gunned down|kidnapp\w*|abduct\w*|targeted|targeting|attacked|"
    r"murder\w*|execut\w*|wound\w*|injur\w*)\s+(?:an?\s+|the\s+|two\s+|three\s+|\d+\s+)?(?:[\w-]+\s+){0,2}$",
    re.I,
)


def speaker_in(before: str) -> bool:
    """ "Anbar officials", "a source in Kirkuk": the place says who speaks, not where it happened."""
    m = WHO_IN.search(before)
    if m is None:
        return False
    # ("kidnapped 9 shepherds from Karbala": where victims come from is still no place of the event.)
    victim = re.search(r"\s(?:in|at)\s+(?:the\s+)?$", m.group()) and _VICTIM_BEFORE.search(before[: m.start()])
    return not victim


LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|around|(?:outskirts|areas?|towns?|villages?|city|cities|countryside|vicinity)\s+of)\s+"
    r"(?:the\s+)?$",
    re.I,
)
_DATELINE_AFTER = re.compile(
    r"^(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)*(?:,?\s+\w{3,9}\.?\s+\d{1,2})?(?:,?\s+\d{4})?\s*(?:\([^)]{1,40}\))?"
    r"\s*[-:\u2013\u2014]\s"
)


# "40 km west of Kirkuk", "about 70 kilometres (45 miles) southeast of Mosul": a point at that offset.
_OFFSET = re.compile(
    r"(\d+(?:\.\d+)?)\s*(km|kilomet(?:er|re)s?|miles?)\b(?:\s*\([^)]{1,30}\))?\s+(?:to the\s+)?"
    r"(north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east|south-west)"
    r"(?:ern)?\s+of\s+(?:the\s+)?(?:(?:city|town|village|province)\s+of\s+)?$",
    re.I,
)
# "in central Idlib", "in northern Raqqa": the part of a place, still the place.
_SIDE = r"(?:central|northern|southern|eastern|western|north|south|east|west|downtown|rural)"
_IN_LIST = re.compile(
    r"\b(?:in|at)\s+(?:(?:(?:as well as|along with)\s+)?(?:the\s+)?(?:" + _SIDE + r"\s+)?[A-Z][^,.;()]{0,40}"
    r"(?:\([^)]{1,30}\))?\s*,\s*"
    r"(?:and\s+)?)+(?:(?:as well as|along with)\s+)?$"
)
OFFSET = "OFFSET"  # the feature code of a point moved from a gazetteer entry
_BEARING = {
    "north": 0,
    "northeast": 45,
    "east": 90,
    "southeast": 135,
    "south": 180,
    "southwest": 225,
    "west": 270,
    "northwest": 315,
}


def offset_mention(m: Mention, before: str) -> Mention | None:
    """The mention moved to the point "N km <direction> of" it, or None when the text gives no such offset."""
    o = _OFFSET.search(before)
    if o is None or m.entry is None:
        return None
    distance = float(o.group(1)) * (1.609 if o.group(2).lower().startswith("mile") else 1.0)
    if not 2 <= distance <= 300:
        return None
    bearing = math.radians(_BEARING[o.group(3).lower().replace("-", "")])
    lat1, lon1 = math.radians(m.entry.lat), math.radians(m.entry.lon)
    d = distance / 6371.0
    lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(bearing))
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(d) * math.cos(lat1), math.cos(d) - math.sin(lat1) * math.sin(lat2)
    )
    entry = dataclasses.replace(
        m.entry,
        lat=round(math.degrees(lat2), 5),
        lon=round(math.degrees(lon2), 5),
        canonical=f"{o.group(1)} {o.group(2)} {o.group(3).lower()} of {m.entry.canonical}",
        feature_code=OFFSET,
    )
    return dataclasses.replace(m, entry=entry)


def covered(country: str) -> bool:
    return country in covered_countries()


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


def run(doc: Document) -> None:
    full = doc.full
    doc.tokens = tokenize(full)
    doc.token_starts = [t.start for t in doc.tokens]
    people = person_surnames(full, doc.tokens)
    doc.mentions = find_mentions(full, doc.tokens, gazetteer_index.place_trie(), people)
    resolve(doc.mentions, full)
    listed = listed_places(full, doc.tokens, doc.mentions, gazetteer_index.place_trie())
    if listed:
        doc.mentions = sorted(doc.mentions + listed, key=lambda m: m.start)
    doc.located = [m for m in doc.mentions if not m.person and m.entry is not None and covered(m.entry.country)]
    seen: set[int] = set()
    for m in doc.located:
        if m.entry.place_id not in seen:
            seen.add(m.entry.place_id)
            doc.result.places.append(m.found(-doc.body_offset if doc.in_body(m) else None))
    doc.result.unresolved = unresolved(full, doc.mentions)
    doc.datelines = _datelines(full, doc.located)
    # The headline's place: where an event the body leaves unplaced most likely happened.
    doc.headline_place = next((m for m in doc.located if not doc.in_body(m)), None)
    for s in doc.sentences:
        s.mentions = [m for m in doc.located if s.start <= m.start < s.end and id(m) not in doc.datelines]


def usable(full: str, m: Mention) -> bool:
    """Not a speaker ("Anbar officials") and not a reference point ("north of Baghdad")."""
    return not METONYM_AFTER.match(full[m.end : m.end + 30]) and not DIRECTION.search(
        full[max(0, m.start - 30) : m.start]
    )


def locators(sentence: str, s_start: int, mentions: list[Mention]) -> set[int]:
    """Mentions that only locate the one before them: "Sidakan in the Soran district", "Masyaf in Hama province",
    "Mulla Qarah, near Makhmour", "the Victory Base Complex at Baghdad airport", "the road between Tafas and
    al-Muzayrib" (a route's other end)."""
    out = set()
    for a, b in zip(mentions, mentions[1:], strict=False):
        # "South of Baghdad near the city of Hilla": the first is a reference point, so the second is the place.
        if DIRECTION.search(sentence[max(0, a.start - s_start - 30) : a.start - s_start]):
            continue
        gap = sentence[a.end - s_start : b.start - s_start]
        rest = sentence[b.end - s_start :]
        contained = re.fullmatch(r",?\s+(?:in|of)\s+(?:the\s+)?(?:\w+\s+)?", gap) and (
            b.admin_hint
            or b.entry.kind == "admin_area"
            or re.match(r"\s+(?:district|area|region|countryside|desert|plains?|mountains?)\b", rest)
            # "the village of Kafr Nabl in southern Idlib": a side of a place is the region around it.
            or re.fullmatch(r",?\s+in\s+(?:the\s+)?" + _SIDE + r"\s+", gap)
        )
        beside = re.fullmatch(
            r",?\s+(?:area\s+|district\s+|region\s+)?(?:near|outside|close to|not far from)\s+(?:the\s+)?"
            r"(?:(?:town|city|village)\s+of\s+)?|\s+(?:at|inside|within)\s+(?:the\s+)?",
            gap,
        )
        # "Rasulayn (Hasakah)": the province in brackets locates the town.
        bracketed = re.fullmatch(r"\s*\(\s*", gap)
        route_end = re.fullmatch(r"\s+and\s+(?:the\s+)?", gap) and re.search(
            r"\bbetween\s+(?:the\s+)?(?:(?:towns?|villages?|cities)\s+of\s+)?$", sentence[: a.start - s_start]
        )
        if contained or beside or route_end or bracketed:
            out.add(id(b))
    return out


def pick_places(sentence: str, s_start: int, mentions: list[Mention], trigger: Trigger) -> list[tuple[Mention, str]]:
    """The places where the event happened (not the reference points "north of Baghdad" or a route's ends), each
    with its geo precision."""
    scored = []
    references = []
    offsets = []
    # "in Baghdad's Sadr City": the container is context; the inner place takes its preposition.
    inner_of = {
        id(a): b
        for a, b in zip(mentions, mentions[1:], strict=False)
        if re.fullmatch(r"['’]s\s+", sentence[a.end - s_start : b.start - s_start])
    }
    outer_start = {id(b): a.start for a, b in zip(mentions, mentions[1:], strict=False) if id(a) in inner_of}
    # "12 citizens from Karbala and Najaf near Nukhaib": a place that only says who the people are locates nothing.
    speakers = {id(m) for m in mentions if speaker_in(sentence[max(0, m.start - s_start - 80) : m.start - s_start])}
    containers = locators(sentence, s_start, [m for m in mentions if id(m) not in speakers])
    listed = False  # the last place was where it happened: the next in a list ("in A, B and C") is too
    for m in mentions:
        if id(m) in inner_of or id(m) in containers:
            continue
        rel_start = m.start - s_start
        ctx_start = outer_start.get(id(m), m.start) - s_start
        before = sentence[max(0, ctx_start - 50) : ctx_start]
        after = sentence[m.end - s_start : m.end - s_start + 30]
        # "Tarmiya, north of Baghdad", "capital of Anbar": reference points, not where it happened.
        if DIRECTION.search(before) or re.search(r"\b(?:capital|district|suburbs?)\s+of\s+$", before, re.I):
            moved = offset_mention(m, before)
            if moved is not None:
                offsets.append(moved)
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
        if (METONYM_AFTER.match(after) and not re.search(r"\b(?:in|at)\s+$", before)) or speaker_in(before):
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
        locative = (
            bool(
                re.search(
                    r"\b(?:in|at|near|outside)\s+(?:the\s+)?(?:" + _SIDE + r"\s+)?$|\band\s+$|"
                    r"\b(?:areas?|parts|outskirts|countryside|towns?|city|cities|villages?)\s+of\s+(?:the\s+)?$",
                    before,
                    re.I,
                )
            )
            or bool(re.match(r"^\s+(?:and|areas?)\b", after))
            or (listed and bool(re.search(r"(?:,|\band|\bas well as|\balong with)\s*$", before, re.I)))
            # "in Rasulayn (Hasakah), Binnish, and Termen": a list that "in" opened, whatever the gazetteer knew.
            or bool(_IN_LIST.search(sentence[max(0, ctx_start - 200) : ctx_start]))
        )
        listed = locative
        scored.append((score, m, precision, locative))
    if offsets and all(m.entry.kind == "admin_area" for _, m, _, _ in scored):
        # "an attack 40 km west of Kirkuk": nowhere else named, the event is at that offset, roughly.
        return [(offsets[0], "near")]
    if references and all(
        m.entry.kind == "admin_area" and m.entry.feature_code in ("ADM1", "") for _, m, _, _ in scored
    ):
        # "in the desert south of Rutba": with no other town named, the reference point is where it happened, roughly.
        return [(references[0], "near")]
    if not scored:
        # "on the road between A and B in Daraa countryside": the route's ends locate nothing, the region does.
        region = [m for m in mentions if id(m) in containers and id(m) not in speakers]
        return [(region[-1], "admin" if region[-1].entry.kind == "admin_area" else "near")] if region else []
    scored.sort(key=lambda t: -t[0])
    # One event per location, as ACLED codes it: "convoys were hit in Nasiriyah and Samawah" is two events.
    locatives = [(m, p) for _, m, p, loc in scored if loc and m.entry.kind != "admin_area"]
    # "in Baghdad, Basra, Dhi Qar and Diwaniya": a province listed among towns of other provinces is a place too.
    towns_in = {m.entry.admin1 for m, _ in locatives}
    locatives += [
        (m, p)
        for _, m, p, loc in scored
        if loc and locatives and m.entry.feature_code == "ADM1" and m.entry.admin1 not in towns_in
    ]
    distinct = []
    for m, p in sorted(locatives, key=lambda t: t[0].start):
        if all(km(m.entry, o.entry) > DISTINCT_KM for o, _ in distinct):
            distinct.append((m, p))
    if len(distinct) >= 2:
        return distinct
    # "raids in Kirkuk, Diyala and Anbar provinces": with no town named, one event per province listed.
    provinces = [(m, p) for _, m, p, loc in scored if loc and m.entry.feature_code in ("ADM1", "")]
    if not locatives and len({m.entry.place_id for m, _ in provinces}) >= 2:
        return sorted({m.entry.place_id: (m, p) for m, p in provinces}.values(), key=lambda t: t[0].start)
    return [(scored[0][1], scored[0][2])]
