"""Place mentions: find every gazetteer name in a text, drop people's names, pick one entry among namesakes.

Over 400 lines for its word lists (features, titles, kin), which the formatter writes one word a line, and because
the code is one concern, each step feeding the next: mentions found, people dropped, namesakes resolved, and names
the gazetteer spells otherwise matched where a list of places vouches for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from incidents.distance import great_circle_km

from .gazetteer_index import ARTICLES, GENERIC_NAMES, PlaceEntry, Token, Trie, consonants
from .types import FoundPlace, UnresolvedMention

ADMIN_WORDS = frozenset({"province", "governorate", "governorates", "provinces", "district", "region", "muhafazat"})
FEATURE_WORDS = frozenset(
    [
        "palace",
        "airport",
        "air",
        "base",
        "airbase",
        "airfield",
        "dam",
        "square",
        "street",
        "road",
        "bridge",
        "university",
        "mountain",
        "mountains",
        "mount",
        "river",
        "valley",
        "plain",
        "plains",
        "camp",
        "crossing",
        "refinery",
        "field",
        "oilfield",
        "gate",
        "hospital",
        "mosque",
        "prison",
        "highway",
        "international",
        "operations",
        "command",
        "council",
        "oil",
        "company",
        "stadium",
        "hotel",
        "market",
        "zone",
        "city",
        "district",
        "province",
        "governorate",
        "region",
        "border",
        "checkpoint",
        "junction",
        "lake",
        "island",
        "desert",
        "neighbourhood",
        "neighborhood",
        "town",
        "village",
        "area",
        "areas",
        "front",
        "sector",
        "countryside",
        "outskirts",
        "axis",
        "corridor",
        "subdistrict",
    ]
)
# Words before a name that make it a person: titles and kinship particles.
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "col",
        "colonel",
        "gen",
        "general",
        "lt",
        "lieutenant",
        "sgt",
        "sergeant",
        "capt",
        "captain",
        "maj",
        "major",
        "brig",
        "brigadier",
        "sheikh",
        "sheik",
        "shaykh",
        "imam",
        "ayatollah",
        "sayyed",
        "sayyid",
        "mullah",
        "president",
        "minister",
        "premier",
        "mayor",
        "governor",
        "commander",
        "spokesman",
        "spokeswoman",
        "chief",
        "judge",
        "king",
        "prince",
        "emir",
        "abu",
        "umm",
        "bin",
        "ibn",
        "bint",
        "haji",
        "hajji",
        "cleric",
        "leader",
        "deputy",
        "ambassador",
        "envoy",
        "mp",
        "senator",
        "secretary",
        "officer",
        "pvt",
        "private",
        "cpl",
        "corporal",
    ]
)
# An occupation in apposition ("Bashir Nazm Kahiya, a provincial official") marks a person.
OCCUPATIONS = re.compile(
    r"^\s*,\s*(?:a|an|the|who|whose|\d{1,2},)\b(?:[^,.;]{0,40}\b(?:official|spokes(?:man|woman|person)|commander|"
    r"minister|leader|governor|chief|member|adviser|advisor|analyst|expert|researcher|officer|mayor|cleric|"
    r"head|director|deputy|lawmaker|mp|resident|farmer|witness|father|mother|son|daughter|brother|sister|"
    r"journalist|reporter|activist|general|colonel|sheikh|judge|president|envoy|ambassador|student|doctor)s?\b|"
    r"\s*who\b|\s*whose\b|\s*\d{1,2},)",
    re.I,
)
# "his brother Zubair said": kin before a name make it a person's.
KIN = frozenset(
    {
        "brother",
        "brothers",
        "son",
        "sons",
        "father",
        "mother",
        "sister",
        "daughter",
        "wife",
        "husband",
        "cousin",
        "nephew",
        "niece",
        "uncle",
        "aunt",
        "widow",
        "grandson",
        "granddaughter",
        "colleague",
        "friend",
    }
)
SPEECH = frozenset({"said", "says", "told", "added", "stated", "explained", "noted", "wrote", "tweeted", "declared"})
PLACE_CUE = re.compile(
    r"\b(?:village|town|city|hamlet|district|sub-?district|province|governorate|region|area|outskirts|neighbou?rhood|"
    r"suburb|countryside|vicinity|capital)\s+of\s*$|\b(?:in|near|at|outside|around|from|to|into|toward|towards|"
    r"across|of|between|and|via|north|south|east|west|northeast|northwest|southeast|southwest|northern|"
    r"southern|eastern|western|central)\s*$",
    re.I,
)
UNRESOLVED = re.compile(
    r"\b(?:the\s+)?(village|town|hamlet|city|sub-?district|district|neighbou?rhood|area)\s+of\s+"
    r"((?:(?:al|el|as|ar|ad|at)[-\s])?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
)
DIRECTION = re.compile(
    r"\b(north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east|south-west)"
    r"(?:ern)?\s+of\s*$",
    re.I,
)
NEAR = re.compile(
    r"\b(?:near|nearby|outskirts of|outside|outside of|close to|vicinity of|around|on the edge of|edge of|"
    r"(?:\d+|a few|several) (?:km|kilomet(?:er|re)s|miles) (?:\w+ )?(?:of|from))\s+(?:the\s+)?(?:\w+\s+){0,4}$",
    re.I,
)


# The first words of compound Arabic place names ("Khan Shaykhun", "Bab Touma", "Deir Hafer", "Kafr Nabl").
NAME_HEADS = frozenset(
    """khan bab deir dayr kafr kfar ain ayn abu umm beit bayt jisr ras qasr tal tall tel tell khirbet khirbat
    mazraat qalaat souq suq hay bir tell sheikh shaykh""".split()  # noqa: SIM905
)


@dataclass
class Mention:
    start: int  # character offsets
    end: int
    text: str
    candidates: list[PlaceEntry]
    token_index: int
    token_end: int
    admin_hint: bool = False  # "X province"
    feature_hint: bool = False
    person: bool = False
    entry: PlaceEntry | None = None

    def found(self, offset: int | None = 0) -> FoundPlace:
        """offset: added to the character offsets (None where the mention is not in the article text)."""
        e = self.entry
        return FoundPlace(
            name=self.text,
            place_id=e.place_id,
            canonical=e.canonical,
            lat=e.lat,
            lon=e.lon,
            country=e.country,
            admin1=e.admin1,
            kind=e.kind,
            start=-1 if offset is None else self.start + offset,
            end=-1 if offset is None else self.end + offset,
        )


def km(a: PlaceEntry, b: PlaceEntry) -> float:
    return great_circle_km(a.lat, a.lon, b.lat, b.lon)


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 4) : pos].rstrip(" \"“‘'(")
    return not before or before[-1] in ".!?\n:"


def find_mentions(text: str, tokens: list[Token], trie: Trie, person_names: set[str]) -> list[Mention]:
    mentions: list[Mention] = []
    i, n = 0, len(tokens)
    while i < n:
        hit = trie.match_at(tokens, i)
        if not hit and tokens[i].capitalised:
            hit = trie.match_loose(tokens, i)
        elif hit and all(e.feature_code in ("ADM2", "ADM3") for e in hit[1]):
            # "Maadan": a district spelt as the news spells it, and its seat town spelt otherwise in GeoNames.
            loose = trie.match_loose(tokens, i)
            if loose and loose[0] == hit[0]:
                hit = (hit[0], hit[1] + [e for e in loose[1] if e not in hit[1]])
        nxt = tokens[i + 1] if i + 1 < n else None
        if (
            nxt is not None
            and tokens[i].norm in NAME_HEADS
            and (not hit or hit[0] == 1)
            and nxt.capitalised
            and text[tokens[i].end : nxt.start] in (" ", "-")
        ):
            # "Khan Shaikhoun", "Bab Touma": the first word of a longer name is not the place "Khan" or "Bab";
            # the whole name, spelt otherwise than the gazetteer spells it, may still be known by its consonants
            # where the second word's frame is long enough to tell names apart (Umm Qusur is not Umm Qasr).
            framed = trie.match_frame(tokens[i : i + 2]) if len(consonants(nxt.norm)) >= 4 else []
            hit = (2, framed) if len({e.place_id for e in framed}) == 1 else None
        if not hit:
            i += 1
            continue
        length, entries = hit
        span = tokens[i : i + length]
        content = [t for t in span if t.norm not in ARTICLES] or span
        # Names are written with capitals; "hit", "mosul" in lower case are not mentions.
        # Names are written with capitals; "hit", "mosul" in lower case are not mentions. Named features of two
        # words or more ("the green zone") are the exception.
        if not content[0].capitalised and not (
            len(content) >= 2 and any(e.kind == "feature" or e.origin == "curated" for e in entries)
        ):
            i += 1
            continue
        start, end = span[0].start, span[-1].end
        art = tokens[i - 1] if i > 0 else None
        if art is not None and art.norm in ARTICLES and (text[art.end : start] in ("-", "‑") or art.capitalised):
            start = tokens[i - 1].start
        m = Mention(start, end, text[start:end], list(entries), i, i + length)
        nxt = tokens[i + length] if i + length < n else None
        if nxt is not None and text[end : nxt.start].strip() == "":
            m.admin_hint = nxt.norm in ADMIN_WORDS
            m.feature_hint = nxt.norm in FEATURE_WORDS and not m.admin_hint
        m.person = _is_person(text, tokens, i, i + length, m, person_names)
        mentions.append(m)
        i += length
    _share_plural_admin_word(text, tokens, mentions)
    return mentions


def _share_plural_admin_word(text: str, tokens: list[Token], mentions: list[Mention]) -> None:
    """ "in Kirkuk, Diyala and Anbar provinces": every place of the list is a province, not only the last."""
    for k, m in enumerate(mentions):
        if (
            not m.admin_hint
            or m.token_end >= len(tokens)
            or tokens[m.token_end].norm not in ("provinces", "governorates")
        ):
            continue
        for prev, nxt in zip(reversed(mentions[:k]), reversed(mentions[: k + 1]), strict=False):
            if not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)", text[prev.end : nxt.start]):
                break
            prev.admin_hint = True


def _is_person(text: str, tokens: list[Token], i: int, j: int, m: Mention, person_names: set[str]) -> bool:
    before = text[max(0, m.start - 60) : m.start]
    cue = bool(PLACE_CUE.search(before))
    prev = tokens[i - 1] if i > 0 else None
    # "Abu Bakr al-Baghdadi": look past the article to the word before it.
    if prev is not None and prev.norm in ARTICLES and i > 1 and text[prev.end : tokens[i].start] in ("-", " "):
        prev, i = tokens[i - 2], i - 1
    nxt = tokens[j] if j < len(tokens) else None
    glue_prev = prev is not None and text[prev.end : tokens[i].start] in (" ", "-", " al-", " al ", " el-")
    if prev is not None and glue_prev and prev.norm in TITLES and prev.capitalised:
        return True
    if prev is not None and prev.norm.rstrip(".") in TITLES and text[prev.end : prev.end + 1] == ".":
        return True
    if prev is not None and prev.norm in KIN and text[prev.end : tokens[i].start] == " ":
        return True
    # "Hay al-Askari", "Jasim al-Masalmeh": a small place's name that goes on with "al-X" is part of a longer name
    # (a person, a neighbourhood) the gazetteer lacks.
    if (
        j + 1 < len(tokens)
        and tokens[j].norm in ARTICLES
        and text[m.end : tokens[j].start] == " "
        and text[tokens[j].end : tokens[j + 1].start] == "-"
        and tokens[j + 1].capitalised
        and max(e.population for e in m.candidates) < 100_000
        and len(m.text.split()) == 1
    ):
        return True
    # "Haider al-Abadi", "Talal Barazi": a capitalised word that is not a place right before the name.
    if (
        prev is not None
        and glue_prev
        and prev.capitalised
        and not prev.text.isupper()
        and prev.norm not in ARTICLES
        and prev.norm not in FEATURE_WORDS
        and not _sentence_start(text, prev.start)
        and not cue
        and not prev.norm.endswith(("i", "ish", "ian", "ern"))
    ):
        return True
    after = text[m.end : m.end + 120]
    # "... approached Ain al-Asad, a spokesman said": the speaker comes after the place, not in apposition to it.
    speaker = re.match(r"^\s*,\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?[\w-]+\s+(?:said|says|told|added)\b", after)
    if OCCUPATIONS.match(after) and not cue and not speaker:
        return True
    if nxt is not None and text[m.end : nxt.start] == " ":
        # "Bashir Nazm Kahiya": a capitalised surname after the name.
        if (
            nxt.capitalised
            and not nxt.text.isupper()
            and nxt.norm not in FEATURE_WORDS
            and nxt.norm not in ADMIN_WORDS
            and not cue
            and nxt.norm not in {"on", "in", "and", "or", "the", "to", "is", "was"}
        ):
            return True
        if nxt.norm in SPEECH and not cue and max(e.population for e in m.candidates) < 100_000:
            return True
    # A surname seen earlier as part of a person's name ("Kahiya said").
    return not cue and len(m.text.split()) == 1 and tokens[i].norm in person_names


def person_surnames(text: str, tokens: list[Token]) -> set[str]:
    """Surnames of people named in full ("Col. Srud Barzanji", "Bashir Nazm Kahiya, a provincial official")."""
    names = set()
    run: list[Token] = []
    skipped = 0  # "al-" inside a name ("Abu Bakr al-Baghdadi") belongs to it
    for k, tok in enumerate([*tokens, Token("", "", len(text), len(text))]):
        if run and tok.norm in ARTICLES and text[tok.end : tok.end + 1] == "-":
            skipped += 1
            continue
        joined = run and text[run[-1].end : tok.start] in (" ", " al-", "-", " el-")
        if tok.capitalised and not tok.text.isupper() and (not run or joined):
            run.append(tok)
            continue
        if len(run) >= 2:
            k0 = k - len(run) - skipped - 1
            titled = (k0 >= 0 and tokens[k0].norm in TITLES) or run[0].norm in {"abu", "umm", "bin", "ibn"}
            after = text[run[-1].end : run[-1].end + 120]
            words = after.split()
            if titled or OCCUPATIONS.match(after) or (words and words[0].strip(",") in SPEECH):
                names.add(run[-1].norm)
        run = [tok] if tok.capitalised and not tok.text.isupper() else []
        skipped = 0
    return names


def resolve(mentions: list[Mention], text: str) -> None:
    """Chooses one gazetteer entry per mention, using what the rest of the article says."""
    places = [m for m in mentions if not m.person]
    anchors = list(
        {
            m.candidates[0].place_id: m.candidates[0] for m in places if len({c.place_id for c in m.candidates}) == 1
        }.values()
    )
    admin1s = {c.admin1 for m in places for c in m.candidates if c.kind == "admin_area" or m.admin_hint}
    admin1s |= {a.admin1 for a in anchors}
    for idx, m in enumerate(places):
        if len(m.candidates) == 1:
            m.entry = m.candidates[0]
            continue
        direction_anchor = None
        # "Bashir south of Kirkuk": the namesake near Kirkuk.
        tail = text[m.end : m.end + 40]
        if re.match(r"^,?\s*(?:\w+\s+){0,1}(?:north|south|east|west)\w*\s+of\b", tail, re.I):
            for other in places[idx + 1 : idx + 3]:
                if other.candidates:
                    direction_anchor = max(other.candidates, key=lambda c: c.weight)
                    break

        def score(c: PlaceEntry, m: Mention = m, direction_anchor: PlaceEntry | None = direction_anchor) -> float:
            s = c.weight + (2.0 if c.primary else 0.0) + (1.0 if c.origin == "curated" else 0.0)
            if c.admin1 and c.admin1 in admin1s:
                s += 2.5
            if m.admin_hint:
                s += 8.0 if c.kind == "admin_area" else 0.0
            elif c.kind == "admin_area":
                # A district or sub-district shares its seat's name: unless the text says "district", the town.
                s -= 1.0 if c.feature_code in ("ADM1", "") else 5.0
            if m.feature_hint and c.kind == "feature":
                s += 3.0
            if direction_anchor is not None and c.place_id != direction_anchor.place_id:
                s += 6.0 if km(c, direction_anchor) < 80 else 0.0
            elif anchors:
                nearest = min(km(c, a) for a in anchors if a.place_id != c.place_id) if len(anchors) > 1 else 1e9
                s += 1.5 if nearest < 60 else 0.0
            return s

        m.entry = max(m.candidates, key=score)


# A list item: one to three capitalised words between a list's commas or its "and" ("Atmeh, Hazano, and Binnish").
_ITEM_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|as well as\s+)?|\s+and\s+)$")
LISTED_KM = 60.0


def listed_places(text: str, tokens: list[Token], mentions: list[Mention], trie: Trie) -> list[Mention]:
    """Names in a list of places that the gazetteer spells otherwise ("demonstrations in central Idlib, Atmeh,
    Hazano and Binnish": Atma, Hazzanu): an item that no name matched takes the populated place with its consonant
    frame that lies near the places listed with it. The list is the evidence that it is a place; the distance
    limit keeps a loose spelling from jumping to a namesake elsewhere."""
    found_at = {m.token_index: m for m in mentions}
    ending_at = {m.token_end: m for m in mentions}
    covered = {k for m in mentions for k in range(m.token_index, m.token_end)}
    out: list[Mention] = []
    i, n = 0, len(tokens)
    while i < n:
        if i in covered or not tokens[i].capitalised or tokens[i].norm in GENERIC_NAMES:
            i += 1
            continue
        # The item: capitalised words (an article may lead) up to the next list separator.
        j = i + 1
        while (
            j < n
            and j - i < 3
            and j not in covered
            and tokens[j].capitalised
            and text[tokens[j - 1].end : tokens[j].start] in (" ", "-")
        ):
            j += 1
        before = text[tokens[i - 1].end : tokens[i].start] if i > 0 else ""
        after = text[tokens[j - 1].end : tokens[j].start] if j < n else ""
        prev_m = ending_at.get(i - (1 if i and tokens[i - 1].norm in ARTICLES else 0))
        next_m = found_at.get(j)
        neighbours = [
            m
            for m, gap in ((prev_m, before), (next_m, after))
            if m is not None and m.entry is not None and not m.person and _ITEM_GAP.match(gap)
        ]
        span = tokens[i:j]
        if neighbours and not any(t.norm in GENERIC_NAMES for t in span):
            near = [c for c in trie.match_frame(span) if min(km(c, m.entry) for m in neighbours) <= LISTED_KM]
            if near:
                entry = max(near, key=lambda c: (c.weight, c.primary))
                start, end = span[0].start, span[-1].end
                m = Mention(start, end, text[start:end], [entry], i, j, entry=entry)
                out.append(m)
                covered.update(range(i, j))
        i = j
    return out


def unresolved(text: str, mentions: list[Mention]) -> list[UnresolvedMention]:
    covered = [(m.start, m.end) for m in mentions if not m.person]
    out = []
    for um in UNRESOLVED.finditer(text):
        s, e = um.start(2), um.end(2)
        if any(s < ce and cs < e for cs, ce in covered):
            continue
        name = um.group(2).strip()
        sent_start = max(text.rfind(". ", 0, s) + 2, text.rfind("\n", 0, s) + 1, 0)
        sent_end = text.find(". ", e)
        out.append(UnresolvedMention(name=name, sentence=text[sent_start : sent_end + 1 if sent_end > 0 else None]))
    return out
