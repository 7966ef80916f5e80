"""Casualty counts from a sentence: killed, injured and missing, from digits and number words.

Over 400 lines on purpose: the counting rules run in a fixed order (rewrites of words into counts, then tolls, parts,
lists and running totals), and each rule is read beside the ones it must not break; each has its tests in
tests/test_extract_numbers.py.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from text_to_num import alpha2digit

# text2num leaves vague quantities alone; ACLED codes "dozens" as 12 and "hundreds" as 100 (lower bounds).
_VAGUE = [
    (re.compile(r"\bhalf a dozen\b", re.I), "6"),
    (re.compile(r"\b(?:a|one) dozen\b", re.I), "12"),
    (re.compile(r"\bdozens\b", re.I), "12"),
    (re.compile(r"\bscores\b(?= of)", re.I), "20"),
    (re.compile(r"\bhundreds\b(?= of)", re.I), "100"),
    (re.compile(r"\bthousands\b(?= of)", re.I), "1000"),
]
# "a U.S. Marine was killed", "killing a soldier": one person.
_ONE = re.compile(
    r"\b(?:a|an|one)\s+(?=(?:[\w.’'-]+\s+){0,7}?(?:(?:was|has been|had been|is)\s+(?:killed|shot dead|wounded|"
    r"injured|found dead)|died|lost (?:his|her) life)\b)",
    re.I,
)
# "the death of four civilians", "claimed the lives of 12 workers", "stoned to death one civilian": the count after.
# "resulted in the death of the SDF fighter": one.
_DEATH_OF_ONE = re.compile(r"\b(?:the\s+)?death\s+of\s+(?:the|a|an|one)\s+(?=[\w-]+)", re.I)
_DEATH_OF = re.compile(
    r"\b(?:(?:the\s+)?deaths?\s+of|claim(?:ed|ing)\s+the\s+lives\s+of|(?:stoned|beaten|stabbed|burned|tortured|hacked)"
    r"\s+to\s+death)\s+",
    re.I,
)

# "Tahsin al-Shahmani was shot dead", "Atheel al-Nujaifi, the governor, was killed": a named person told dead is
# one person (a pronoun's person was counted where the text named them).
_NAMED_ONE = re.compile(
    r"(?:^|(?<=[;:]\s)|(?<=,\s))(?!(?:He|She|It|This|That|Who|The|His|Her|Its)\b)"
    r"(?=[A-Z][\w\u2019'.-]*(?:\s+(?:[A-Z][\w\u2019'.-]*|al-[\w\u2019'-]+|bin|ibn)){0,4}"
    r"(?:,[^.;]{0,120}?,)?\s+(?:(?:was|has been|had been)\s+(?:shot dead|killed|assassinated|gunned down|murdered|"
    r"executed|beheaded|found dead|stabbed to death|shot and killed)|lost (?:his|her) life)\b)"
)
# "killed a contractor", "wounding an officer": one person.
_VERB_ONE = re.compile(
    r"\b(kill(?:ed|ing|s)|wound(?:ed|ing|s)|injur(?:ed|ing|es)|shot dead|gunned down|assassinat(?:ed|ing)|"
    r"murder(?:ed|ing))\s+(?:a|an|its|his|her)\s+"
    r"(?!(?:number|total|few|dozen|handful|lot)\b)",
    re.I,
)
# "a policeman and a militant were killed": two.
_PAIR = re.compile(
    r"\b(?:a|an)\s+(?=[\w-]+(?:\s+[\w-]+)?\s+and\s+(?:a|an|1)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:were|have been)\s+"
    r"(?:killed|wounded|injured|shot dead))|(?<=\band\s)(?:a|an)\s+(?=[\w-]+(?:\s+[\w-]+)?\s+(?:were|have been)\s+"
    r"(?:killed|wounded|injured|shot dead))",
    re.I,
)
# "killed him, his wife and two sons": the man named before is one of the dead.
_VERB_PRONOUN = re.compile(r"\b(kill(?:ed|ing)|shot dead|shooting dead)\s+(?:him|her)\b", re.I)
# Whole numbers only (no start inside a longer run of digits, which would also make the scan quadratic).
NUM = r"(?<![\w,])(\d{1,3}(?:,\d{3})+|\d{1,7})(?![\d,]\d)"
_QUAL_WORDS = (
    r"(?:at least |nearly |almost |around |about |some |more than |over |up to |as many as |another |an estimated )"
)
QUAL = _QUAL_WORDS + "?"
KILLED = (
    r"(?:killed|dead|died|slain|martyred|lost (?:their|his|her) li(?:ves|fe)|perished|shot dead|deaths|fatalities|"
    r"assassinated|murdered|"
    r"(?:were|was|been) (?:executed|beheaded))"
)
INJURED = r"(?:injured|wounded|wounding|hurt|injuries|injuries to)"
MISSING = r"(?:missing|unaccounted for|disappeared)"
# Nouns that a count may quantify without being people ("14 rockets", "3 days", "34 seats").
_THINGS = (
    r"(?:years?|days?|months?|weeks?|hours?|minutes?|km|kilomet(?:er|re)s?|miles?|metres?|meters?|percent|%|"
    r"rockets?|missiles?|drones?|mortars?|shells?|seats?|attacks?|vehicles?|trucks?|cars?|houses?|homes?|times?|"
    r"convoys?|bases?|strikes?|airstrikes?|raids?|bombs?|bombings?|explosions?|blasts?|grenades?|devices?|shots?|"
    r"rounds?|tons?|dollars?|million|billion)\b"
)
_NOT_PEOPLE = re.compile(r"^\s*" + _THINGS, re.I)
# "two adjacent houses", "two separate roadside bombs": the noun a word or two on says what was counted.
# ("three policemen were shot": a verb between, so the count is of people.)
_NOT_PEOPLE_AHEAD = re.compile(
    r"^(?:\s+(?!(?:and|or|of|were|was|are|is|been|have|has|had)\b)[A-Za-z-]+){1,2}?\s+" + _THINGS, re.I
)
_MONTHS = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$", re.I)
# Between a count and its verb (within one sentence): words, brackets, abbreviations, but no other count and no
# other casualty verb ("killed 1 contractor and wounded 9": the 1 is not the wounded).
GAP = r"(?:(?!kill|wound|injur|died|dead\b)[^\d;:!?()\u2013\u2014]|\[[^\]]*\]|\([^)]*\)){0,75}?"


def _patterns(word: str, outcome: str) -> list[re.Pattern]:
    return [
        # "15 members have been killed", "six died", "31 people ... were injured", "90 wounded"
        re.compile(QUAL + NUM + r"(?![\w])" + GAP + r"\b" + word + r"\b", re.I),
        # "killing four", "killed 30 people", "death toll rose to 12", "injuring more than 150"
        re.compile(
            r"\b(?:"
            + word.replace("killed", "kill(?:ed|ing|s)|execut(?:ed|ing)|behead(?:ed|ing)|massacr(?:ed|ing)").replace(
                "injured", "injur(?:ed|ing|es)"
            )
            # ("the bodies of 12 men" and a toll count the dead only.)
            + (
                r"|bodies of|toll (?:rose |climbed |reached |stood |jumped |increased |risen )?(?:to |of |at )?"
                if outcome.startswith("(?:dead")
                else ""
            )
            + r")\s+"
            + QUAL
            + NUM
            + r"(?!\d)",
            re.I,
        ),
        # "left 24 dead and 50 wounded": "left" says nothing until the outcome word after the count.
        re.compile(
            r"\b(?:left|leaving)\s+" + QUAL + NUM + r"(?!\d)(?=(?:\s+[A-Za-z-]+){0,2}?\s+" + outcome + r"\b)", re.I
        ),
    ]


_KILLED_P = _patterns(KILLED, r"(?:dead|killed)")
_INJURED_P = _patterns(INJURED, r"(?:wounded|injured|hurt)")
_MISSING_P = [re.compile(QUAL + NUM + r"(?![\w])" + GAP + r"\b" + MISSING + r"\b", re.I)]
_BREAKDOWN = re.compile(r"^[^.;]{0,40}?[\u2013\u2014:-]\s*((?:" + NUM + r"[^\d;.]{1,40}){2,})", re.I)


# "There were no casualties", "No one was hurt": a toll of zero, which is news, not a missing figure.
_NONE_KILLED = re.compile(
    r"\b(?:there (?:were|was) no (?:reported )?(?:casualt(?:y|ies)|deaths|fatalities|"
    r"injuries)|no (?:casualties|deaths|fatalities|injuries) (?:were|was) (?:reported|caused)|"
    r"caus(?:ed|ing) no (?:casualties|deaths|injuries|human losses)|without (?:causing )?(?:any )?(?:human )?"
    r"(?:casualties|losses|injuries)|(?:no one|nobody) was (?:killed|hurt|injured|wounded|harmed)|"
    r"no (?:human )?(?:casualties|losses) (?:were )?(?:reported|recorded))\b",
    re.I,
)
_NONE_HURT = re.compile(
    r"\b(?:(?:no one|nobody) was (?:hurt|injured|wounded|harmed)|caus(?:ed|ing) no (?:casualties|injuries)|"
    r"without (?:causing )?(?:any )?(?:human )?(?:casualties|injuries)|there (?:were|was) no (?:reported )?"
    r"(?:casualt(?:y|ies)|injuries))\b",
    re.I,
)
# "11 civilians, including four children, were killed", "12 civilians including three children were killed": the
# subset is not the toll.
_SUBSET = re.compile(
    r",?\s*\b(?:including|among them|of whom|among whom)\s+(?:[^,;:()]{1,60},|[^,;:()]{1,60}?(?=\s+(?:were|was|"
    r"have|has|had|are)\b))",
    re.I,
)
# "a 15-year-old boy", "two men, 25 and 30 years old,", "aged 40", "Ahmed Saleh, 25, was killed": ages, not counts.
_AGE = re.compile(
    r"\b\d{1,3}(?:\s*(?:and|or|to|-)\s*\d{1,3})?[-\s]+years?[-\s]+old\b|\baged\s+\d{1,3}(?:\s*(?:and|or|to|-)\s*"
    r"\d{1,3})?\b|(?<=[A-Za-z]),\s*\d{1,2}\s*(?=,)",
    re.I,
)
# The words of one part: a casualty verb between two counts ends a part ("1 was killed and 1 other was hurt").
_PART_WORDS = r"(?:\s+(?!(?:killed|dead|died|wounded|injured|hurt|was|were)\b)[A-Za-z-]+){0,3}?"
# "28 SDF fighters and five civilians dead": the parts of one toll.
_PARTS = re.compile(
    r"(?<![\w,])((?:\d{1,5}" + _PART_WORDS + r"(?:\s*,\s*|\s+and\s+))+\d{1,5}" + _PART_WORDS + r")"
    r"\s+(?:were\s+|have been\s+|had been\s+)?(?:killed|dead|martyred|died)\b",
    re.I,
)


_PARTS_HURT = re.compile(_PARTS.pattern.replace("(?:killed|dead|martyred|died)", "(?:wounded|injured|hurt)"), re.I)


# "Two children were killed and a third wounded": one more person.
_ORDINAL_ONE = re.compile(
    r"\b(?:and|while) an? (?:third|fourth|fifth|sixth)\b(?=\s+(?:was\s+|were\s+)?(?:wounded|injured|hurt)\b)", re.I
)


# "a former commander and five companions were killed", "a mother and her two daughters were killed": one more
# than the count (the words in between are kept short, so "a car bomb ... and 5 people" is not read so).
_ONE_AND = re.compile(
    r"\b(?:a|an)\s+((?:[\w’'-]+\s+){1,6}?)and\s+(?:(?:his|her|their)\s+)?(\d{1,4})\s+(?=(?:[\w’'-]+\s+){0,2}?"
    r"(?:were|have been|had been)\s+(?:killed|shot dead|executed|murdered|assassinated|found dead)\b)",
    re.I,
)


def _one_and(m: re.Match) -> str:
    if re.search(r"\b(?:bomb|attack|strike|blast|explosion|shell|rocket|and)\b", m.group(1), re.I):
        return m.group()
    return f"{int(m.group(2)) + 1} {m.group(1)}and "


# "killed three civilians and wounded another", "one was killed and another was injured": one more person.
_ANOTHER = re.compile(
    r"\b(?:(wound(?:ed|ing)?|injur(?:ed|ing)|kill(?:ed|ing))\s+(?:an)?other\b(?!\s+(?:\d|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|dozen|several|person|people))|(?<=\band\s)another(?=\s+(?:\w+\s+)?(?:was|were)\s+"
    r"(?:wounded|injured|hurt|killed)\b))",
    re.I,
)


# "Three of the dead were children": who some of the dead were, not how many died.
_OF_THE_DEAD = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|some|most|many|all) of (?:the|those) "
    r"(?:dead|killed|victims|wounded|injured)\b",
    re.I,
)


_WOUND_VERB = re.compile(
    r"\bwound(?=\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|at least|more than|several|dozens)\b)", re.I
)
# "The body of a young man was found": one dead.
_ONE_BODY = re.compile(r"\b(?:the\s+)?body\s+of\s+(?:a|an|one)\b", re.I)


def digitize(sentence: str) -> str:
    sentence = _ONE_BODY.sub("the bodies of 1", _OF_THE_DEAD.sub("some of them", sentence))
    # "gunmen shoot dead two soldiers and wound one": the verb in the present tense ("his wounds" is no count).
    sentence = _WOUND_VERB.sub("wounding", sentence)
    sentence = _ANOTHER.sub(lambda m: f"{m.group(1)} 1 other" if m.group(1) else "1 other", sentence)
    text = _ORDINAL_ONE.sub("and 1", _SUBSET.sub(",", sentence))
    for pattern, repl in _VAGUE:
        text = pattern.sub(repl, text)
    text = _DEATH_OF_ONE.sub("killed 1 ", text)
    text = _DEATH_OF.sub("killed ", text)
    text = _PAIR.sub("1 ", text)
    text = _ONE.sub("1 ", text)
    text = _NAMED_ONE.sub("1 ", text)
    text = _VERB_ONE.sub(r"\1 1 ", text)
    text = _VERB_PRONOUN.sub(r"\1 1 man", text)
    text = re.sub(r"\b\d+(?:st|nd|rd|th)\b", "nth", text)  # "the 26th Marine Expeditionary Unit" is no count
    with contextlib.suppress(ValueError, IndexError):
        text = alpha2digit(text, "en", threshold=0)
    text = _AGE.sub(lambda m: "" if m.group().startswith(",") else "young", text)
    text = _ONE_AND_KIN.sub("2 ", _ONE_AND.sub(_one_and, text))
    return _AND_ONE.sub(lambda m: f"{int(m.group(1)) + 1} {m.group(2)}", text)


# Larger figures are war totals or typos, never one event's toll (and would overflow the database column).
MAX_COUNT = 1_000_000


# "Kurdistan 24", "France 24", "Channel 4": a number right after a name is part of the name; a headline's
# "Kills 20", "Leaves 12 Dead" and the words that qualify a count are not names.
_NAME_BEFORE = re.compile(r"(?<![.!?:\n]\s)(?<!^)\b([A-Z][A-Za-z]+) $")
_COUNT_WORDS = re.compile(
    r"(?:at|about|around|nearly|almost|some|over|more|than|up|to|least|another|only|just|of|and|all|the|by|with|"
    r"estimated|toll|rose|reached|were|are|was|had|has|have|dead|die[sd]?|bodies|found|kill\w*|wound\w*|injur\w*|"
    r"leav\w*|left|claim\w*|execut\w*|behead\w*|massacr\w*|recover\w*|"
    # "On Tuesday 12 civilians were killed": a day, not a name the number belongs to.
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|overnight|night|morning|evening)",
    re.I,
)


def _is_count(text: str, m: re.Match) -> bool:
    number_end = m.end(1)
    before = text[: m.start(1)]
    if _MONTHS.search(before[-12:]):
        return False
    name = _NAME_BEFORE.search(before[-30:]) if len(before) > 1 else None
    if name is not None and not _COUNT_WORDS.fullmatch(name.group(1)):
        return False
    if _NOT_PEOPLE.match(text[number_end:]) or _NOT_PEOPLE_AHEAD.match(text[number_end:]):
        return False
    value = int(m.group(1).replace(",", ""))
    if value > MAX_COUNT:
        return False
    # A bare four-digit number between 1900 and 2100 is a year, not a toll.
    return not (1900 <= value <= 2100 and "," not in m.group(1))


_AFTER_VERB = re.compile(
    r"\b(?:(?:kill|wound|injur|execut|behead)\w*|shoot(?:ing)? dead|shot dead|gunned down)\s+" + QUAL + r"$", re.I
)


def _first(text: str, patterns: list[re.Pattern]) -> tuple[int, int, int] | None:
    """(count, where its match ends, which pattern: 0 when the count comes before its verb) of the first toll."""
    best = None
    for n, pattern in enumerate(patterns):
        for m in pattern.finditer(text):
            # "killed 1 contractor and wounded 9": a count right after a verb belongs to that verb.
            if n == 0 and _AFTER_VERB.search(text, 0, m.start(1)):
                continue
            if _is_count(text, m):
                if best is None or m.start() < best[1]:
                    best = (int(m.group(1).replace(",", "")), m.start(), m.end(), n)
                break
    return (best[0], best[2], best[3]) if best else None


def _sum_breakdown(text: str, end: int, total: int) -> int:
    """ "nearly 300 killed - 123 soldiers, 115 fighters and 57 civilians": the itemised sum is the firmer figure."""
    m = _BREAKDOWN.match(text[end:])
    if not m:
        return total
    parts = [int(n.replace(",", "")) for n in re.findall(NUM, m.group(1))]
    subtotal = sum(parts)
    return subtotal if len(parts) >= 2 and 0 < subtotal <= total * 1.2 else total


@dataclass
class Casualties:
    fatalities: int | None = None  # the best figure
    injured: int | None = None
    missing: int | None = None
    # A range or a superseded figure in the same sentence ("between 20 and 25", "rose to 45 from 30").
    fatalities_low: int | None = None
    fatalities_high: int | None = None

    def any(self) -> bool:
        return any(v is not None for v in (self.fatalities, self.injured, self.missing))


_AND_MORE = re.compile(
    r"(?:\s+[A-Za-z-]+){0,2}?\s*(?:,\s*|\s+and\s+)(\d{1,5}|an?|one)(?!\s*(?:\w+\s+){0,2}(?:wounded|injured|hurt|missing))"
    r"(?:\s+[A-Za-z-]+){0,2}?(?=\s*(?:[,.;]|$|\s(?:in|on|at|near|when|as|after|while|and)\b))",
    re.I,
)


def _plausible_parts(text: str) -> bool:
    # Only people are summed: "14 rockets and 2 drones" are not a toll.
    return not any(_NOT_PEOPLE.match(m) for m in re.findall(r"\d+(\s+\w+)", text))


_KILL_STEMS = (
    "kill",
    "dead",
    "died",
    "death",
    "slain",
    "martyr",
    "perish",
    "lost their",
    "fatalit",
    "execut",
    "behead",
    "assassin",
    "murder",
    "bodies",
    "body of",
    "no one",
    "nobody",
    "casualt",
    "toll",
    "lives",
    "life",
)
_INJURY_STEMS = ("injur", "wound", "hurt")
_MISSING_STEMS = ("missing", "unaccounted", "disappeared")


# "the toll rose to 45", "bringing the death toll to five": the running total, which outranks any part.
_TOLL = re.compile(
    r"\b(?:toll|number of (?:the )?(?:dead|deaths|killed|fatalities|victims|martyrs))\s+"
    r"(?:(?:among|of|from|in)\s+(?:[\w-]+\s+){1,7}?)?(?:(?:has|had|have)\s+)?(?:(?:rose|risen|climbed|"
    r"jumped|increased|stood|rising|climbing)\s+(?:to|at)|reached|to|at)\s+" + QUAL + NUM + r"(?!\d)",
    re.I,
)
# "The number of civilians who were killed in the shelling of Douma has risen to 24 at least": a running total
# told with its subject first and the figure at the end.
_NUMBER_ROSE = re.compile(
    r"\bnumber of (?:[\w-]+\s+){0,3}?(?:killed|dead|deaths|victims|martyrs|fatalities)\b[^.;]{0,160}?\b"
    r"(?:rose|risen|climbed|reached|increased|jumped)\s+to\s+" + QUAL + NUM + r"(?!\d)",
    re.I,
)
# "between 20 and 25 people were killed", "20 to 25 people", "20-25 people": a range, not two groups.
_RANGE = re.compile(r"\b(?:between\s+)?" + NUM + r"\s*(?:and|to|-|\u2013)\s*" + NUM + r"(?=\s)", re.I)
# "100 people were killed or wounded": killed and hurt together say nothing of the dead alone.
# "five soldiers were killed and wounded": one count for both, no death toll.
# ("killed 4 and wounded 15": a count follows, so two figures.)
_OR_HURT = re.compile(
    r"^\s*(?:or|and/or|and)\s+(?:wounded|injured|hurt)\b(?!\s+(?:\d|at least|more than|about|nearly|some|around|"
    r"over|another|an?\b|one\b|dozens|scores|several))",
    re.I,
)
# "killing 1 policeman, the cleric of the local mosque and 3 civilians": a list of victims, each counted.
_PERSON = (
    r"(?:man|men|woman|women|child|children|boy|girl|policeman|policemen|officer|soldier|civilian|fighter|member|"
    r"commander|guard|cleric|imam|sheikh|farmer|shepherd|driver|journalist|doctor|teacher|student|worker|son|"
    r"daughter|brother|sister|father|mother|wife|husband|niece|nephew|cousin|uncle|aunt|grandson|granddaughter|"
    r"companion|friend|colleague|bodyguard|resident|villager|leader|official|mayor|judge|contractor|"
    r"militant|militiaman|militiamen|gunman|gunmen|pilot|nurse|activist|elder|mukhtar)s?"
)
_LIST_ITEM = re.compile(
    r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:(?:(?:his|her|their)\s+|" + _QUAL_WORDS + r")?(\d{1,5})"
    r"(?:\s+[A-Za-z-]+){0,2}?|(?:the|an?|one|his|her|their)\s+"
    r"(?:[A-Za-z-]+\s+){0,3}?" + _PERSON + r"(?:\s+of\s+(?:the\s+)?(?:[A-Za-z-]+\s+){0,2}?[A-Za-z-]+)?)"
    r"(?=\s*(?:[,.;]|$|\s(?:in|on|at|near|when|as|after|while|and|were|was|had|have)\b))",
    re.I,
)
# "two of his brothers and his niece were killed", "3 soldiers and their commander were killed": one more.
_AND_ONE = re.compile(
    r"\b(\d{1,4})\s+((?:[\w’'-]+\s+){1,4}?)and\s+(?:his|her|their|a|an)\s+(?:[\w-]+\s+)?" + _PERSON + r"\s+"
    r"(?=(?:were|have been|had been)\s+(?:killed|shot dead|executed|murdered|assassinated|found dead)\b)",
    re.I,
)
# "the local head of a militia and his son were killed": two.
_ONE_AND_KIN = re.compile(
    r"\b(?:a|an|the)\s+(?:[\w’'-]+\s+){1,6}?and\s+(?:his|her)\s+(?=" + _PERSON + r"\s+(?:were|have been|had been)\s+"
    r"(?:killed|shot dead|executed|murdered|assassinated|found dead)\b)",
    re.I,
)
# "..., while 3 militants were also killed": a second group of dead in the same event.
_ALSO = re.compile(r"\b(?:also|as well|too)\b", re.I)


def _list_more(text: str, end: int) -> tuple[int, int]:
    """(extra dead, where the list ends) for the items listed after a counted group."""
    extra, pos = 0, end
    # Skip the rest of the first item's noun phrase ("1 policeman").
    head = re.match(r"(?:\s+[A-Za-z-]+){0,2}?(?=\s*(?:,|\s+and\s))", text[pos:])
    if head is None:
        return 0, end
    pos += head.end()
    while True:
        m = _LIST_ITEM.match(text, pos)
        if m is None or _NOT_PEOPLE.match(text[m.end(1) :] if m.group(1) else ""):
            break
        if re.search(r"wound|injur|hurt|missing", m.group(0), re.I):
            break
        # "killing 2 soldiers and wounding 4" or "and 4 wounded": the list has ended.
        if re.match(r"\s*(?:\w+\s+){0,2}(?:wound|injur|hurt|missing)", text[m.end() : m.end() + 30], re.I):
            break
        extra += int(m.group(1)) if m.group(1) else 1
        pos = m.end()
    return extra, pos


def _range_of(text: str, end: int, value: int) -> re.Match | None:
    """The range a counted toll is an end of: "between 20 and 25 people were killed" (counted 25, the range
    ends at it), "killed between 20 and 25" (counted 20, the range starts at it)."""
    for r in _RANGE.finditer(text):
        low, high = int(r.group(1).replace(",", "")), int(r.group(2).replace(",", ""))
        if (r.end() <= end + 1 and high == value) or (r.start() < end <= r.end() + 60 and low == value):
            return r
    return None


def _killed(text: str) -> tuple[int | None, int | None, int | None]:
    """(best, low, high) of the dead a sentence reports."""
    found = (*_TOLL.finditer(text), *_NUMBER_ROSE.finditer(text))
    toll = sorted((m for m in found if _is_count(text, m)), key=lambda m: m.start())
    first = _first(text, _KILLED_P)
    if first is None and not toll:
        return None, None, None
    low = high = None
    if first is not None:
        value, end, after_verb = first
        if _OR_HURT.match(text[end : end + 20]) or _OR_HURT.match(
            text[end : end + 60].split("killed", 1)[-1] if "killed" in text[end : end + 60] else ""
        ):
            value = None
        else:
            value = _sum_breakdown(text, end, value)
            rng = _range_of(text, end, value)
            if rng is not None and re.search(r"\b(?:between|and|to)\b|[-\u2013]", rng.group(0)):
                a, b = int(rng.group(1).replace(",", "")), int(rng.group(2).replace(",", ""))
                if a < b:
                    return a, a, b
            # "killing 1 officer, a cleric and 3 civilians": the victims listed after the verb add up.
            extra, list_end = _list_more(text, end) if after_verb else (0, end)
            value += extra
            parts = _PARTS.search(text)
            # ("On August 24, 1 man was shot dead": a day of the month is no part of a toll.)
            if (
                parts
                and not re.search(r"\bbetween\s+$", text[: parts.start()])
                and not _MONTHS.search(text[max(0, parts.start() - 12) : parts.start()])
            ):
                numbers = [int(n) for n in re.findall(r"\d+", parts.group(1))]
                if first[0] in numbers and _plausible_parts(parts.group(1)):
                    value = max(value, sum(numbers))
            # A second group of dead told in the same sentence ("..., while 3 attackers were also killed").
            rest = text[list_end:]
            again = _first(rest, _KILLED_P[:1])
            if again is not None and _ALSO.search(rest[: again[1] + 12]):
                value += again[0]
    else:
        value = None
    if toll:
        total = int(toll[-1].group(1).replace(",", ""))
        if value is not None and value != total:
            low, high = min(value, total), max(value, total)
        value = total if value is None or total >= value else value
    return value, low, high


def casualties(sentence: str) -> Casualties:
    out = Casualties()
    low = sentence.lower()
    # Cheap pre-checks: most sentences report no casualties, and the patterns below are the costly part.
    want_killed = any(s in low for s in _KILL_STEMS)
    want_injured = any(s in low for s in _INJURY_STEMS)
    want_missing = any(s in low for s in _MISSING_STEMS)
    if not (want_killed or want_injured or want_missing):
        return out
    if _NONE_KILLED.search(sentence):
        out.fatalities = 0
        if _NONE_HURT.search(sentence):
            out.injured = 0
    text = digitize(_NONE_KILLED.sub("", sentence))
    if not any(ch.isdigit() for ch in text):
        return out
    if want_killed:
        best, lo, hi = _killed(text)
        if best is not None:
            out.fatalities, out.fatalities_low, out.fatalities_high = best, lo, hi
    injured = _first(text, _INJURED_P) if want_injured else None
    if injured:
        value, end, after_verb = injured
        # "injured three Americans and at least two Iraqi soldiers": the groups listed after the verb add up;
        # "five demonstrators and three lawmen were wounded": so do the parts before it.
        value += _list_more(text, end)[0] if after_verb else 0
        parts = _PARTS_HURT.search(text)
        if parts and not after_verb:
            numbers = [int(n) for n in re.findall(r"\d+", parts.group(1))]
            if value in numbers and _plausible_parts(parts.group(1)):
                value = max(value, sum(numbers))
        out.injured = value
    missing = _first(text, _MISSING_P) if want_missing else None
    if missing:
        out.missing = missing[0]
    return out
