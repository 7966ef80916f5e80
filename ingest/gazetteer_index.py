"""In-process name indexes over the gazetteer (Place) and the actor table (Actor): a token trie, longest match first.

Built once per process from the database and cached; `ingest.extract.reset_caches()` drops them. Matching is
plain Python over pre-tokenised text, which keeps extraction far above 50 articles/s on one core (a spaCy
PhraseMatcher over the same names costs 20-30 ms per article here).
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

# A word, with the apostrophes inside a transliterated name ("Ba’shiqah", "Ma'dan") kept in it; an English
# possessive or contraction ("Baghdad's", "didn't") ends the word.
TOKEN_RE = re.compile(r"[^\W_]+(?:['’‘`ʿʾ](?!(?:s|t|d|ll|re|ve|m)\b)[^\W_]+)*", re.UNICODE)
_INNER_APOSTROPHE = re.compile(r"['’‘`ʿʾ]")

# Arabic definite articles as transliterated: "al-Taji", "Ar Ramadi", "As Samawah".
ARTICLES = frozenset({"al", "el", "ar", "as", "at", "ad", "an", "az", "ash", "adh", "ath", "aț", "ul"})

# Generic words that GeoNames carries as alternate names or name parts ("Tall" = hill, "Sadr" inside "Sadr City")
# and English words that are also village names; a place is never indexed under these alone.
GENERIC_NAMES = frozenset(
    """
    tall tal tell til jabal jebel jabel wadi ain ayn bir qaryat qarya kani gir sadr al city town village
    district province governorate region area state camp base airport river mountain mountains lake dam bridge
    road street square market north south east west northern southern eastern western central upper lower new
    old great greater little big iraq syria iraqi syrian kurdistan kurdish arab arabs turkey iran iranian jordan
    lebanon middle east shia shiite sunni islamic state army forces force police security party group news media
    office center centre may march june july august april january february september october november december
    monday tuesday wednesday thursday friday saturday sunday today day week month year home house hospital
    school university mosque church palace hotel station field fields farm farms well wells gate border crossing
    port island islands hill hills desert valley plain plains spring springs green zone red white black blue
    gold golden sea gulf bay cape point union unity victory peace freedom liberty hope faith hand head heart
    king queen prince sultan sheikh imam said told says added reports report reuters afp ap bbc cnn telegram
    twitter facebook channel tv press american british french russian turkish israeli us uk un eu nato isis isil
    daesh pmf pmu hashd ira amid about above after again against all also among and any are because been before
    being below between both but by can come could did does doing down during each even ever every few first for
    from further had has have having her here hers him his how if in into its just last least less like long
    made make many more most much must near never next nor not now off once one only onto other our out over own
    past per rather same several she should since some still such than that the their them then there these they
    this those through thus to too under until upon very was were what when where which while who whom whose why
    will with within without would yet you your cross land life line lines light love man men war way work world
    water time times top total tower trade train tree two three four five six seven eight nine ten hundred
    thousand left right free fair fort side nation national nations general governor minister president leader
    leaders deputy chief commander spokesman official officials source sources member members people person
    family families
    """.split()  # noqa: SIM905
)


PREFIX_SPELLINGS = (
    frozenset({"tall", "tal", "tel", "tell"}),
    frozenset({"jabal", "jebel", "jabel", "jebal"}),
    frozenset({"ain", "ayn", "ein", "ayin"}),
    frozenset({"qasr", "kasr"}),
)


def fold(value: str) -> str:
    """Lower-case without accents: "Ḥawlēr" -> "hawler"."""
    value = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in value if not unicodedata.combining(ch)).lower()


def name_tokens(value: str) -> tuple[str, ...]:
    return tuple(_INNER_APOSTROPHE.sub("", t) for t in TOKEN_RE.findall(fold(value)))


class Token(NamedTuple):
    text: str
    norm: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


_FOLD_CACHE: dict[str, str] = {}


def tokenize(text: str) -> list[Token]:
    out = []
    cache = _FOLD_CACHE
    for m in TOKEN_RE.finditer(text):
        word = m.group()
        norm = cache.get(word)
        if norm is None:
            norm = _INNER_APOSTROPHE.sub("", word.lower() if word.isascii() else fold(word))
            if len(cache) < 200_000:
                cache[word] = norm
        out.append(Token(word, norm, m.start(), m.end()))
    return out


@dataclass(frozen=True, slots=True)
class PlaceEntry:
    place_id: int
    canonical: str
    lat: float
    lon: float
    country: str
    admin1: str
    kind: str
    feature_code: str
    population: int
    origin: str
    primary: bool  # the key is the entry's own name or ASCII name, not an alternate

    @property
    def weight(self) -> float:
        return math.log10(self.population + 10)


@dataclass(frozen=True, slots=True)
class ActorEntry:
    name: str
    kind: str
    parent: str | None
    # Acronyms ("IS", "KH") only count in capitals, or "is" in every sentence would be the Islamic State.
    exact: str | None


_DOUBLE = re.compile(r"(.)\1")


_SKELETONS: dict[str, str] = {}


def skeleton(word: str) -> str:
    """A spelling-blind form of one name token: Arabic articles as "al", doubled letters single, "ou" as "u", no
    final "h" after a vowel (Shughour / Shughur, Fallujah / Falluja, Maadan / Ma'dan)."""
    found = _SKELETONS.get(word)
    if found is not None:
        return found
    if word in ARTICLES:
        found = "al"
    else:
        found = _DOUBLE.sub(r"\1", word.replace("ou", "u"))
        found = found[:-1] if len(found) > 3 and found.endswith("h") and found[-2] in "aeiou" else found
    if len(_SKELETONS) < 200_000:
        _SKELETONS[word] = found
    return found


_VOWELS = re.compile(r"[aeiouyw']")


def consonants(word: str) -> str:
    """The consonant frame of one name token, the part transliterations agree on: Atmeh / Atma -> "tm", Hazano /
    Hazzanu -> "hzn", Etarib / Atarib -> "trb" (doubled letters single first, then vowels and glides dropped)."""
    word = _DOUBLE.sub(r"\1", word.replace("ou", "u").replace("q", "k"))
    word = word[:-1] if word.endswith("h") and len(word) > 2 and word[-2] in "aeiou" else word
    return _VOWELS.sub("", word)


@dataclass
class Trie:
    entries: dict[tuple[str, ...], list] = field(default_factory=dict)
    longest: dict[str, int] = field(default_factory=dict)
    # Spelling-blind keys, tried only where the exact ones find nothing.
    loose: dict[tuple[str, ...], list] = field(default_factory=dict)
    loose_longest: dict[str, int] = field(default_factory=dict)
    # Consonant frames of populated places' names, asked only for a name listed among places already found.
    frames: dict[tuple[str, ...], list] = field(default_factory=dict)

    def add(self, key: tuple[str, ...], entry) -> None:
        if not key:
            return
        bucket = self.entries.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)
        if len(key) > self.longest.get(key[0], 0):
            self.longest[key[0]] = len(key)

    def add_loose(self) -> None:
        for key, bucket in self.entries.items():
            loose = tuple(skeleton(part) for part in key)
            # Short single names are too often English words once spelling is relaxed.
            if len(loose) == 1 and len(loose[0]) < 5:
                continue
            target = self.loose.setdefault(loose, [])
            target.extend(e for e in bucket if e not in target)
            if len(loose) > self.loose_longest.get(loose[0], 0):
                self.loose_longest[loose[0]] = len(loose)
            content = tuple(consonants(part) for part in key if part not in ARTICLES)
            if 0 < len(content) <= 2 and all(content):
                target = self.frames.setdefault(content, [])
                target.extend(e for e in bucket if e not in target and e.kind == "populated_place")

    def match_frame(self, tokens: list[Token]) -> list:
        """Populated places whose name has the consonant frame of these tokens (articles left out)."""
        key = tuple(consonants(t.norm) for t in tokens if t.norm not in ARTICLES)
        # Two consonants fit too many names ("Azez" and al-Aziziyah are both "zz").
        if not key or not all(key) or sum(map(len, key)) < 3:
            return []
        return list(self.frames.get(key, ()))

    def match_loose(self, tokens: list[Token], i: int) -> tuple[int, list] | None:
        longest = self.loose_longest.get(skeleton(tokens[i].norm))
        if not longest:
            return None
        for length in range(min(longest, len(tokens) - i), 0, -1):
            found = self.loose.get(tuple(skeleton(t.norm) for t in tokens[i : i + length]))
            if found:
                return length, found
        return None

    def match_at(self, tokens: list[Token], i: int) -> tuple[int, list] | None:
        """The longest key that starts at token i: (length, entries)."""
        longest = self.longest.get(tokens[i].norm)
        if not longest:
            return None
        for length in range(min(longest, len(tokens) - i), 0, -1):
            key = tuple(t.norm for t in tokens[i : i + length])
            found = self.entries.get(key)
            if found:
                # "al-Sukhnah": the names written without the article ("As Sukhnah") are the same candidates.
                bare = self.entries.get(key[1:]) if length > 1 and key[0] in ARTICLES else None
                if bare:
                    found = found + [e for e in bare if e not in found]
                return length, found
        return None


_APOSTROPHES = re.compile(r"(?<=\w)['’‘`ʿʾ](?=\w)")


def _place_keys(name: str) -> set[tuple[str, ...]]:
    key = name_tokens(name)
    if not key:
        return set()
    keys = {key, name_tokens(_APOSTROPHES.sub("", name))}
    content = [part for part in key if part not in ARTICLES]
    if len(content) == 2 and len(key) == 2:
        # "Said Sadiq" is also written "Saidsadiq".
        keys.add(("".join(content),))
    if len(key) > 1 and key[0] in ARTICLES:
        keys.add(key[1:])
    # Transliterations of the same Arabic word: Tall / Tal / Tel / Tell Abyad, Jabal / Jebel, Ain / Ayn / Ein.
    for k in list(keys):
        for group in PREFIX_SPELLINGS:
            if len(k) > 1 and k[0] in group:
                keys.update((variant, *k[1:]) for variant in group)
    out = set()
    for k in keys:
        if len(k) == 1 and (len(k[0]) < 3 or k[0] in GENERIC_NAMES or k[0].isdigit()):
            continue
        content = [part for part in k if part not in ARTICLES]
        if len(content) <= 1 and all(part in GENERIC_NAMES for part in content):
            continue
        out.add(k)
    return out


def _latin(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(ch, "") for ch in letters)


def build_place_trie(rows) -> Trie:
    """rows: (id, name, ascii, alternates, country, admin1, kind, feature_code, population, origin, lat, lon)."""
    trie = Trie()
    for pid, name, ascii_name, alternates, country, admin1, kind, fcode, pop, origin, lat, lon in rows:
        if fcode in {"PCLI", "PCL", "CONT", "RGN"} and kind != "feature":
            continue
        primaries = {k for n in (name, ascii_name) if n for k in _place_keys(n)}
        base = {
            "place_id": pid,
            "canonical": name,
            "lat": lat,
            "lon": lon,
            "country": country,
            "admin1": admin1 or "",
            "kind": kind,
            "feature_code": fcode or "",
            "population": pop or 0,
            "origin": origin,
        }
        for key in primaries:
            trie.add(key, PlaceEntry(**base, primary=True))
        for alt in alternates or ():
            if not _latin(alt):
                continue
            for key in _place_keys(alt) - primaries:
                trie.add(key, PlaceEntry(**base, primary=False))
    trie.add_loose()
    return trie


def build_actor_trie(rows) -> Trie:
    """rows: (name, kind, aliases, parent name)."""
    trie = Trie()
    for name, kind, aliases, parent in rows:
        for alias in dict.fromkeys([name, *(aliases or [])]):
            key = name_tokens(alias)
            if not key:
                continue
            compact = alias.replace(".", "")
            exact = compact if compact.isupper() and len(compact) <= 5 else None
            trie.add(key, ActorEntry(name=name, kind=kind, parent=parent, exact=exact))
    return trie


_lock = threading.Lock()
_cache: dict[str, Trie] = {}


def place_trie() -> Trie:
    trie = _cache.get("places")
    if trie is None:
        from incidents.models import Place

        with _lock:
            rows = Place.objects.values_list(
                "pk",
                "name",
                "ascii_name",
                "alternate_names",
                "country",
                "admin1",
                "kind",
                "feature_code",
                "population",
                "origin",
                "point",
            )
            trie = build_place_trie([(*r[:10], r[10].y, r[10].x) for r in rows.iterator(chunk_size=2000)])
            _cache["places"] = trie
    return trie


def actor_trie() -> Trie:
    trie = _cache.get("actors")
    if trie is None:
        from incidents.models import Actor

        with _lock:
            rows = Actor.objects.values_list("name", "kind", "aliases", "parent__name")
            trie = build_actor_trie(list(rows))
            _cache["actors"] = trie
    return trie


def reset() -> None:
    with _lock:
        _cache.clear()
