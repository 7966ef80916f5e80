"""Event triggers: which ACLED event type and sub-type a sentence reports (by the table in ingest.lexicon), and
whether it reports one at all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from incidents.taxonomy import EventType as E
from incidents.taxonomy import SubEventType as S

from .lexicon import CIVILIAN, COUNT, LEXICON, NON_STATE_FORCES, PEOPLE_CAPTURED, STATE_FORCES, VICTIMS_ONLY


@dataclass(frozen=True)
class Trigger:
    event_type: str
    sub_event_type: str
    start: int
    end: int
    rank: int  # lower wins when a sentence has several: the most specific means of violence decides


# One pass finds which stems occur, instead of a substring test per stem (a stem inside a longer one that matched
# at the same place is missed, which only skips a pattern that would need that exact spot anyway).
_STEM_RE = re.compile("|".join(sorted({re.escape(st) for e in LEXICON for st in e[4]}, key=len, reverse=True)))

# Intentions, threats and hypotheticals: no event happened (yet).
IRREALIS = re.compile(
    r"\b(?:threat(?:en(?:ed|s|ing)?|s)?|warn(?:ed|s|ing)?|vow(?:ed|s)?|pledg(?:ed|es)|will|would|could|might|"
    r"plan(?:s|ned|ning)? to|intend(?:s|ed)?|ready to|urg(?:ed|es|ing)|call(?:ed|s|ing)? (?:on|for)|"
    r"prepar(?:e|es|ing) to|if|unless|in order to|aim(?:s|ed)? to|seeking to|try(?:ing)? to|attempts? to|"
    r"alleg(?:ed|es|ing)|accus(?:ed|es|ing)|rumou?rs?)\b",
    re.I,
)
# Habitual and generic statements about a conflict, not a dated event.
HABITUAL = re.compile(
    r"\b(?:have long|has long|regularly|repeatedly|routinely|typically|usually|often|frequently|constantly|"
    r"periodically|sporadically|continue to|continues to|"
    r"attacks (?:on|against) [\w .-]{0,40} continue|responsible for|claimed responsibility for (?:more than|over) \d|"
    r"more than [\d,]+ attacks|over [\d,]+ attacks|numerous|series of|wave of|peaked|increased|"
    r"(?:have|has) (?:\w+ )?(?:pounded|shelled|bombed|attacked|targeted|struck) [^.;]{0,60}\bfor "
    r"(?:two|three|four|several|\d+) (?:days|weeks|months|years))\b",
    re.I,
)
# Verbs that tell that something did happen, outweighing a modal elsewhere in the sentence.
REALIS = re.compile(
    r"\b(?:was|were|has been|have been) (?:killed|wounded|injured|attacked|hit|struck|targeted|bombed|shelled|"
    r"seized|captured|reported|abducted|kidnapped|arrested)|came under|\bdied\b|killing|killed|wounding|injuring|"
    r"exploded|went off|repelled|ambushed|clashed|bombed|shelled|took place|attacked|struck|hit|fired|launched|"
    r"targeted|stormed|seized|captur(?:ed|ing)|overran|recaptured|retook|gathered|blocked|marched|rallied|protested|"
    r"demonstrated|kidnapped|abducted|arrested|detained|burned|torched|came as|have become|has become|"
    r"fell|landed|slammed|exploded|detonated|opened fire|shot down|intercepted|downed|set fire|assassinated|"
    r"erupted|broke out|pounded|raided|spread|exchanged|found|carried out|conducted|"
    r"(?:was|were|had been|have been) (?:held|staged|organi[sz]ed|dispersed|broken up)|dispersed|staged|"
    r"took to the streets|destroyed|engaged|damaged|executed|beheaded|massacred|gunned down|shot dead|"
    r"blew (?:himself|herself|themselves) up|"
    r"(?:attack|strike|bombing|explosion|blast|clash(?:es)?) (?:on|in|at|near|against) |"
    # "Peshmerga forces are currently clashing with militants": under way as the report is written.
    r"(?:is|are) (?:currently |now |still )?(?:clashing|fighting|battling|shelling|bombing|besieging|storming)|"
    r"announced (?:the )?(?:arrest|arresting|capture|capturing|killing|death|detention|detaining)",
    re.I,
)
CROWD = re.compile(
    r"\b(?:protesters|demonstrators|rioters|protest(?:s|ing)?|demonstrations?|sit-ins?|crowds? of)\b", re.I
)
CAPTION = re.compile(
    r"\b(?:photo|file photo|in this photo|pictured|image|screenshot|getty|afp photo|ap photo|reuters/)\b", re.I
)


_FLED = re.compile(r"\b(?:fled|fleeing|flee|escaped|escaping|displaced by)\s+(?:from\s+)?(?:the\s+)?(?:\w+\s+)?$", re.I)
_DEMANDED = re.compile(
    r"\b(?:demand(?:s|ed|ing)?|call(?:s|ed|ing)? for|chant(?:s|ed|ing)?|urg(?:e|es|ed|ing)|seek(?:s|ing)?|"
    r"want(?:s|ed|ing)?|slogans?)\s+(?:\w+\s+){0,2}?(?:the\s+)?$",
    re.I,
)
# "Three children died from the cold", "drowned", "in a traffic accident": deaths, but not violence.
NOT_VIOLENCE = re.compile(
    r"\b(?:died|dying|dies|death|deaths|perished) (?:\w+ ){0,2}?(?:from|of|due to|because of) (?:the )?(?:\w+ )?"
    r"(?:cold|hunger|starvation|malnutrition|illness|disease|cancer|heart attack|natural causes|exposure|thirst|"
    r"covid|coronavirus|cholera|flu|pneumonia|lack of (?:food|medicine|medical care))\b|\bdrown(?:ed|ing)\b|"
    r"\b(?:traffic|car|road|work) accident\b|\bfroze to death\b",
    re.I,
)


def triggers(sentence: str) -> list[Trigger]:
    return list(_triggers(sentence))


@lru_cache(maxsize=8192)
def _triggers(sentence: str) -> tuple[Trigger, ...]:
    # Cached within one article (extract_article clears it, so a benchmark of repeated articles gains nothing):
    # extraction asks about the same sentence several times (type, "after" splits, the nearest means).
    found = []
    present = set(_STEM_RE.findall(sentence.lower()))
    if not present:
        return ()
    for pattern, event, sub, rank, stems in LEXICON:
        if present.isdisjoint(stems):
            continue
        for m in pattern.finditer(sentence):
            # "to recapture", "to seize": an aim, not a deed.
            # ("managed to liberate", "were able to seize": done.)
            if (
                sub in (S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY)
                and re.search(r"\bto\s*$", sentence[: m.start()])
                and not re.search(r"\b(?:managed|succeeded|(?:was|were) able)\s+to\s*$", sentence[: m.start()])
            ):
                continue
            # "areas that were liberated from terrorism", "the liberated town": a description, not a deed.
            if (
                sub in (S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY)
                and m.group().lower().endswith("ed")
                and re.search(
                    r"\b(?:(?:that|which)\s+(?:had\s+)?(?:been|were|was)|the|its|their|newly)\s+$",
                    sentence[: m.start()],
                    re.I,
                )
            ):
                continue
            # "families who had fled the clashes in Sinjar": the fighting they fled is told in passing.
            if _FLED.search(sentence[: m.start()]):
                continue
            # "demonstrators demand the fall of the leader": a slogan, not a town taken.
            if m.group().lower() == "fall of" and _DEMANDED.search(sentence[: m.start()]):
                continue
            # "21 IS members had been captured": people taken (the arrests row), not a place.
            if sub == S.NON_STATE_ACTOR_OVERTAKES_TERRITORY and _PEOPLE_BEFORE.search(sentence[: m.start()]):
                continue
            if rank == VICTIMS_ONLY and NOT_VIOLENCE.search(sentence):
                continue
            found.append(Trigger(str(event), str(sub), m.start(), m.end(), rank))
    found.sort(key=lambda t: (t.rank, t.start))
    return tuple(found)


def forget() -> None:
    _triggers.cache_clear()


# "the Syrian army captured the town", "the town was seized by Iraqi troops": the state took it back.
_BY_STATE = re.compile(r"\b" + STATE_FORCES + r"\b(?:(?!\b(?:and|but|while|after|before|as)\b)[^.;,]){0,60}$", re.I)
_BY_STATE_AFTER = re.compile(r"^(?:\s+[\w-]+){0,4}?\s+by\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?" + STATE_FORCES + r"\b", re.I)


_BY_OTHERS = re.compile(r"\b" + NON_STATE_FORCES + r"\b(?:(?!\b(?:and|but|while|after|before|as|from)\b)[^.;,]){0,60}$")


def _taken_by_others(sentence: str, trigger: Trigger) -> bool:
    # Case-sensitive for the acronyms ("IS", "SDF"), so "is" is never the Islamic State.
    before = sentence[: trigger.start]
    return bool(_BY_OTHERS.search(before) or _BY_OTHERS.search(before.lower()) and not _BY_STATE.search(before))


_PEOPLE_BEFORE = re.compile(r"(?:" + PEOPLE_CAPTURED + r")$", re.I)
_CAPTURED_CIVILIANS = re.compile(r"\s*" + COUNT + CIVILIAN + r"\b", re.I)


def _taken_by_the_state(sentence: str, trigger: Trigger) -> bool:
    return bool(
        _BY_STATE.search(sentence[: trigger.start]) or _BY_STATE_AFTER.match(sentence[trigger.end : trigger.end + 80])
    )


def best_trigger(sentence: str) -> Trigger | None:
    found = triggers(sentence)
    if not found:
        return None
    best = found[0]
    # "defused a car bomb", "foiled a suicide attack": the means named is what was stopped.
    stopped = next((t for t in found if t.sub_event_type == S.DISRUPTED_WEAPONS_USE), None)
    if stopped is not None and best is not stopped and stopped.start <= best.start <= stopped.end + 10:
        return stopped
    # Clashes, advances and the loss of a town together read as a battle over territory; keep the clash unless
    # the territorial verb is the main news and no means of violence is named.
    if best.sub_event_type == S.PEACEFUL_PROTEST and any(t.event_type == E.RIOTS for t in found):
        best = next(t for t in found if t.event_type == E.RIOTS)
    # "Security forces and protesters clashed": a crowd, not an armed side, fought; a riot, as ACLED codes it.
    if best.event_type == E.BATTLES and best.sub_event_type == S.ARMED_CLASH and CROWD.search(sentence):
        best = Trigger(str(E.RIOTS), str(S.VIOLENT_DEMONSTRATION), best.start, best.end, best.rank)
    return by_whom(sentence, best)


def by_whom(sentence: str, best: Trigger) -> Trigger:
    """The sub-type that who did it decides: a town taken by the state or by others, people captured by either."""
    if best.sub_event_type == S.NON_STATE_ACTOR_OVERTAKES_TERRITORY and _taken_by_the_state(sentence, best):
        best = Trigger(str(E.BATTLES), str(S.GOVERNMENT_REGAINS_TERRITORY), best.start, best.end, best.rank)
    if best.sub_event_type == S.GOVERNMENT_REGAINS_TERRITORY and _taken_by_others(sentence, best):
        best = Trigger(str(E.BATTLES), str(S.NON_STATE_ACTOR_OVERTAKES_TERRITORY), best.start, best.end, best.rank)
    # People "captured" by the state are arrested; by anyone else, abducted.
    if (
        best.sub_event_type == S.ARRESTS
        and sentence[best.start : best.end].lower().startswith("captur")
        and _CAPTURED_CIVILIANS.match(sentence[best.end :])
        and not _taken_by_the_state(sentence, best)
    ):
        best = Trigger(
            str(E.VIOLENCE_AGAINST_CIVILIANS), str(S.ABDUCTION_FORCED_DISAPPEARANCE), best.start, best.end, best.rank
        )
    return best


def is_realis(sentence: str, trigger: Trigger, has_date: bool, has_casualties: bool) -> bool:
    """Did the sentence report something that happened, rather than a threat, an aim or a habit?"""
    realis = bool(REALIS.search(sentence)) or has_casualties
    before = sentence[: trigger.start]
    irrealis = IRREALIS.search(before[-80:]) or IRREALIS.search(sentence[trigger.end : trigger.end + 25])
    if irrealis and not (realis and (has_date or has_casualties)):
        return False
    if HABITUAL.search(sentence) and not (has_date or has_casualties):
        return False
    return realis or has_date
