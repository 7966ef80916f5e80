"""Cues: the words that tell how a sentence stands to the story around it: a sum of several events ("a wave of
attacks killed 32"), an event told again ("It happened in ..."), a roundup's next item ("In Tikrit, ..."), another
country than the ones covered."""

from __future__ import annotations

import re

from ..events import Trigger

# "the killing of nine Turkish soldiers in northern Iraq": another country than the story's place, another event.
COUNTRY = re.compile(
    r"\b(?:in|across|inside)\s+(?:northern |southern |eastern |western |central |northeast(?:ern)? |"
    r"northwest(?:ern)? )?(Iraq|Syria)\b"
)
COUNTRY_CODE = {"Iraq": "IQ", "Syria": "SY"}
_ELSEWHERE = (
    r"Israel|Turkey|T\u00fcrkiye|Iran|Lebanon|Jordan|Saudi Arabia|Kuwait|Egypt|Gaza|the West Bank|Yemen|Libya|"
    r"Afghanistan|Pakistan|Europe|France|Germany|Britain|the United States|the US|Russia|Ukraine"
)
# "A series of bombings across Iraq killed 15", "Bombings and a shooting killed 19 around Baghdad": a sum of the
# events the story then tells one by one; its toll belongs to none of them.
AGGREGATE = re.compile(
    r"\b(?:(?:an? |new )*(?:series|string|spate|wave|number|rash|flurry|barrage) of (?:[\w-]+ ){0,4}?"
    r"(?:attacks|bombings|bombs|blasts|explosions|strikes|airstrikes|air strikes|raids|shootings|incidents|clashes)|"
    r"a total of|(?:several|separate|multiple|a number of) (?:attacks|bombings|incidents|blasts)|"
    # "killed in areas within the four provinces of Aleppo, Deir Ezzor, ...": a count over several provinces.
    r"(?:in|within|across) (?:areas (?:of|within|in) )?the (?:two|three|four|five|six|seven|\d+) provinces|"
    r"in (?:different|separate|several|various|multiple) (?:areas|places|parts|incidents|attacks|towns|provinces|"
    r"cities|regions)|across (?:the country|Iraq|Syria|the (?:province|region|governorate|capital))|"
    r"(?:bombings|attacks|airstrikes|air strikes|explosions|blasts) and (?:an? )?(?:\w+ )?(?:shootings?|clashes|"
    r"attacks?|airstrikes))\b",
    re.I,
)


def sums_events(sentence: str, trigger: Trigger) -> bool:
    """The sum is the subject of the sentence ("A series of bombings killed 15"), not context ("..., the latest in a
    string of attacks on the base"). (A sum names no town where it happened: the caller checks that.)"""
    return _sum_before(sentence, trigger.end + 15)


_TOLL_VERB = re.compile(
    r"\b(?:kill(?:s|ed|ing)?|die[sd]|dead|wound(?:s|ed|ing)|injur(?:es|ed|ing)|leav(?:es|ing)|left|claim(?:s|ed))\b",
    re.I,
)


def _sum_before(sentence: str, limit: int) -> bool:
    m = AGGREGATE.search(sentence)
    return (
        m is not None
        and m.start() <= limit
        and not re.search(r"\b(?:latest|last|one|part|first|second|third)\s+(?:in|of)\s+$", sentence[: m.start()])
    )


def sums_toll(sentence: str) -> bool:
    """A sentence with no single event whose toll is a sum ("A string of bombs in cities across Iraq killed 32"):
    the sum is told before the toll's verb, so the toll belongs to no one event."""
    verb = _TOLL_VERB.search(sentence)
    return verb is not None and _sum_before(sentence, verb.start())


# A sentence whose subject is the event just told: it places or dates that event, whatever its clauses add.
POINTS_BACK = re.compile(
    r"^\s*(?:It|This|That|The (?:attack|assault|bombing|blast|explosion|incident|strike|raid|ambush|shelling))\s+"
    r"(?:happened|took place|occurred|was carried out|came)\s+(?:in|at|near|on|outside)\b",
    re.I,
)
# "In Tikrit, ...", "Elsewhere in Baghdad, ...": the words before a roundup item's place.
FRONTED = re.compile(
    r"^\s*(?:[•·▪*\u2013\u2014-]\s*)?(?:(?:Elsewhere|Meanwhile|Separately|Also|And),?\s+)?(?:in|at|near|outside|around)\s+(?:the\s+)?"
    r"(?:[\w'’-]+\s+){0,3}$",
    re.I,
)
# An event told in a country the product does not cover, with no covered place named beside it.
ABROAD = re.compile(
    r"\b(?:in|into|inside|across)\s+(?:(?:northern|southern|eastern|western|central|southeast(?:ern)?|"
    r"northwest(?:ern)?)\s+)?(?:" + _ELSEWHERE + r")\b|\b(?:Israeli|Turkish|Iranian|Lebanese|Jordanian|Saudi|Kuwaiti|"
    r"Egyptian|Palestinian|Yemeni|Afghan|Pakistani|European|French|German|British|American|Russian|Ukrainian)\s+"
    r"(?:town|city|village|capital|province|border town|port|region)\b"
)


# "with more than 5,500 people killed this year", "has reached 130 since the beginning of 2022": a tally over a
# period, which is no one event's toll.
_PERIOD = re.compile(
    r"\b(?:(?:so far )?this (?:year|month)|so far|to date|last (?:year|month)|since (?:the (?:start|beginning|"
    r"outbreak) of |early |late |mid-)?(?:\d{4}|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|the (?:war|conflict|uprising|offensive|operation|campaign))|(?:in|over|during) "
    r"the (?:past|last) (?:\w+ )?(?:days|weeks|months|years)|since then)\b",
    re.I,
)


def tallies_period(sentence: str) -> bool:
    """A toll counted over a period ("killed this year", "since 2008"), not at one event."""
    return bool(_PERIOD.search(sentence))


def counts_since(sentence: str) -> bool:
    """A tally that runs up to now ("since the beginning of 2022", "so far this year"), as opposed to a date in the
    past ("kidnapped last month") or an event's own rising toll ("so far"): no one event's sentence."""
    # ("killing two and injuring 150 so far": the event's own toll, still rising; only "since" and "this year" tally.)
    return any(m.group().lower().startswith(("since", "this", "so far this")) for m in _PERIOD.finditer(sentence))
