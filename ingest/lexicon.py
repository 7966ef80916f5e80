"""The trigger lexicon: for each ACLED sub-event type, the phrases that report it, with a rank and the stems one of
which must occur.

One table, kept whole on purpose (over 400 lines): the ranks order its rows against each other (the most specific
means of violence wins), so a row is read beside the others, and the word classes at the top are shared by its rows.
"""

from __future__ import annotations

import re

from incidents.taxonomy import EventType as E
from incidents.taxonomy import SubEventType as S


def _p(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


ATTACK_VERB = (
    r"(?:attack(?:ed|s|ing)?|str(?:uck|ike|ikes)|hit|fired|launched|land(?:ed)?|target(?:ed|"
    r"ing)?|killed|kill|wounded|exploded|shelled|pounded|bombed)"
)

# The rank of a sentence that says only who was killed or hurt: it starts an event where it names a place of its own,
# and otherwise adds its toll to the event told just before (ingest.extract.drafts).
VICTIMS_ONLY = 19
# Who was killed decides the kind of event when no means is named: armed men in a fight, civilians in an attack.
KILL_VERB = (
    r"(?:kill(?:ed|ing|s)?|shot dead|shoots? dead|shooting dead|gunned down|guns? down|assassinat(?:ed|ing)|"
    r"murder(?:ed|ing)|execut(?:ed|ing)|"
    r"slaughter(?:ed|ing))"
)
# What may stand between a verb and its victims: "killed at least 12 Iraqi soldiers", "killing a local Sahwa member".
COUNT = (
    r"(?:(?:a|an|the|one|two|three|four|five|six|seven|eight|nine|ten|\d+|several|dozens of|scores of|some|"
    r"at least|more than|over|about|his|her|their|its|[\w-]+) ){0,4}?"
)
COMBATANT = (
    r"(?:soldiers?|troops|policem[ae]n|police (?:officers?|members?)|officers?|members?|fighters?|militants?|"
    r"militiam[ae]n|militias?|insurgents?|jihadists?|terrorists?|gunm[ae]n|guards?|bodyguards?|commanders?|"
    r"peshmergas?|recruits?|conscripts?|personnel|servicem[ae]n|paramilitar(?:y|ies)|guerrillas?|rebels?|"
    r"attackers?|bombers?|snipers?|operatives?|elements|cadres?|leaders? of (?:the )?(?:group|militants))"
)
CIVILIAN = (
    r"(?:civilians?|people|persons?|m[ae]n|wom[ae]n|child(?:ren)?|boys?|girls?|famil(?:y|ies)|farmers?|shepherds?|"
    r"villagers?|residents?|workers?|vendors?|drivers?|journalists?|reporters?|activists?|doctors?|teachers?|"
    r"students?|clerics?|imams?|worshippers|pilgrims|passers-by|elders?|mukhtars?|candidates?|employees?|"
    r"engineers?|nurses?|brothers?|sons?|daughters?|fathers?|mothers?|wi(?:fe|ves)|husbands?|relatives?|youths?|"
    r"teenagers?|infants?|hunters?|displaced|refugees|tribesm[ae]n|traders?|merchants?|shopkeepers?|truck drivers?)"
)
# "two soldiers were killed", "four militants killed in Garma" (a headline's elided verb), "three civilians died".
PASSIVE_KILLED = (
    r"(?:(?:[\w,-]+ ){0,3}?(?:(?:was|were|have been|has been|had been|reportedly) )?(?:killed|shot dead|gunned down|"
    r"assassinated|murdered|executed|slain|found dead)|(?:[\w-]+ ){0,2}?(?:died|lost their lives|perished))"
)

# The state's own forces: who takes a town decides ACLED's sub-type (government regains, non-state actor overtakes).
STATE_FORCES = (
    r"(?:army|armed forces|troops|soldiers|military|government forces|regime forces|pro-government forces|"
    r"security forces|police|(?:iraqi|syrian|kurdish|federal) (?:forces|army|troops|police)|peshmerga|"
    r"counter-terrorism service|cts|saa|golden division|rapid response|(?:popular|hashd)[\w ]{0,25}(?:mobilization|"
    r"mobilisation|shaabi|al-shaabi)(?: forces| units)?|pmf|pmu)"
)

# Armed groups outside the state: a town they "liberate" is, for ACLED, a non-state actor overtaking territory.
NON_STATE_FORCES = (
    r"(?:sdf|syrian democratic forces|ypg|ypj|rebels?|opposition (?:fighters|factions|forces)|factions|fsa|"
    r"free syrian army|hts|hayat tahrir al-sham|nusra|jihadists?|militants?|insurgents?|is|isis|isil|daesh|"
    r"islamic state|al-qaeda|(?:turkish-backed|turkey-backed) (?:fighters|forces|factions|rebels)|"
    r"syrian national army|sna|pkk|tribal fighters|tribesmen)"
)

# "21 IS members had been captured": the people before a passive "captured" (fixed width for a look-behind).
PEOPLE_CAPTURED = "|".join(
    f"(?<={who} {verb} )"
    for who in ("members", "suspects", "militants", "fighters", "terrorists", "men")
    for verb in ("were", "had been", "have been")
)

# Each entry: pattern, event type, sub-type, rank, and words one of which must occur (a cheap pre-check that
# keeps extraction fast: most sentences name none of them).
LEXICON: list[tuple[re.Pattern, str, str, int, tuple[str, ...]]] = [
    (
        _p(r"\bchemical (?:attack|weapons?|agents?)\b|\b(?:chlorine|sarin|mustard) gas\b"),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.CHEMICAL_WEAPON,
        0,
        ("chemical", "chlorine", "sarin", "mustard"),
    ),
    (
        _p(
            r"\bsuicide (?:car |truck |vest )?(?:bomb(?:s|er|ers|ing|ings)?|attack(?:s|er|ers)?|"
            r"blast)\b|\bblew (?:himself|herself|themselves) up\b"
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.SUICIDE_BOMB,
        1,
        ("suicide", "blew"),
    ),
    (
        _p(
            r"\b(?:ieds?|vbieds?|improvised explosive devices?|roadside (?:bomb|explosion|blast)s?|"
            r"car bomb(?:s|ing|ings)?|"
            r"truck bomb(?:s)?|(?:land ?)?mines? (?:exploded|blast|explosion)|landmines?|sticky bombs?|"
            r"explosive devices?|bomb(?:s)? (?:exploded|went off|blast)|bomb blast|bombings?|"
            r"(?:bombs?|device|explosives?) (?:[\w-]+ ){1,6}?(?:exploded|went off|detonated)|"
            r"(?:unexploded|old|leftover) (?:[\w-]+ ){0,2}?(?:shells?|mortars?|rockets?|ordnance|munitions?|bombs?)|"
            r"(?:remnants?|leftovers?) of (?:the )?war (?:[\w-]+ ){0,4}?(?:exploded|detonated|went off|killed)|"
            r"(?:explosion|blast)s? (?:(?:that|which) )?(?:hit|struck|killed|ripped|targeted|targeting|rocked|tore|"
            r"took place|occurred|at|in|near|on)|explosive attacks?|"
            r"(?:home-?made|hand-?made) (?:bombs?|explosives?|devices?)|"
            r"(?:booby-?trapped|rigged|explosive-laden|bomb-laden|bomb-rigged) (?:[\w-]+ ){0,2}?"
            r"(?:exploded|detonated|went off|blew up)|booby-?trapped (?:cars?|vehicles?|motorcycles?|houses?|bodies))\b"
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.REMOTE_EXPLOSIVE_LANDMINE_IED,
        2,
        (
            "ied",
            "improvised",
            "roadside",
            "bomb",
            "mine",
            "explosi",
            "blast",
            "unexploded",
            "old",
            "leftover",
            "war",
            "made",
            "trapped",
            "rigged",
            "laden",
        ),
    ),
    (
        _p(
            r"\b(?:air ?strikes?|air raids?|aerial (?:bombardment|attacks?|strikes?)|drone (?:strikes?|attacks?)|"
            r"(?:armed |explosive[- ]laden |suicide |turkish |iranian |israeli |us |u\.s\. )?drones? (?:and \w+ )?"
            r"(?:hit|struck|targeted|attacked|strike|equipped|pounded|bombed|raided)|"
            r"(?:aircraft|planes?|jets?|helicopters?|f-16s?) (?:struck|hit|bombed|targeted|pounded|raided|dropped)|"
            r"barrel bombs?|"
            r"warplanes?|fighter jets?|helicopter gunships?|bombed|bombing raids?|bombarded|"
            r"drones? (?:exploded|detonated|blew up|crashed into)|"
            r"(?:carried out|launched|conducted) \d+ (?:air )?raids|"
            # A military release's "Near Raqqah, six strikes engaged three ISIS tactical units".
            r"(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+) (?:coalition )?strikes?|"
            r"(?:coalition|precision|airstrikes? and) strikes?) (?:\w+ ){0,3}?(?:engaged|destroyed|targeted|hit|struck|"
            r"killed|damaged)|"
            r"(?:warplanes?|aircraft|jets|helicopters|planes) (?:[\w-]+ ){0,6}?(?:raids|sorties))\b"
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.AIR_DRONE_STRIKE,
        3,
        (
            "air",
            "aerial",
            "drone",
            "warplane",
            "jet",
            "gunship",
            "bomb",
            "plane",
            "helicopter",
            "f-16",
            "raids",
            "strike",
        ),
    ),
    (
        _p(
            r"\b(?:rocket (?:attacks?|fire)|rockets? (?:hit|struck|landed|fell|targeted|slammed|were fired)|"
            r"(?:fired|launched|with) (?:\w+ ){0,2}?(?:katyusha )?(?:rockets?|missiles?|mortars?|shells|artillery)|"
            r"katyushas?|"
            r"mortar (?:attacks?|rounds?|shells?|fire)|shelling|shelled|artillery (?:fire|shelling|strikes?|attack)|"
            r"missile (?:attacks?|strikes?)|ballistic missiles?|retaliatory missiles?|"
            r"(?:artillery |mortar )?(?:shells?|missiles?|mortars?) (?:hit|struck|landed|fell|slammed|rained)|"
            r"artillery (?:and \w+ )?(?:pounded|shelled|hit|struck)|exchanged (?:artillery|mortar|rocket) fire|"
            r"(?:artillery |heavy |turkish |regime )?bombardments?)\b"
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.SHELLING_ARTILLERY_MISSILE_ATTACK,
        4,
        ("rocket", "missile", "mortar", "katyusha", "shell", "artillery", "bombardment"),
    ),
    (
        _p(
            r"\b(?:hand )?grenades? (?:attack|was thrown|were thrown|hurled|throw|explo\w+|blast|hit|struck|landed)|"
            r"\b(?:threw|hurled|lobbed|tossed) (?:a |an |two |\d+ )?(?:hand )?grenades?\b"
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.GRENADE,
        5,
        ("grenade",),
    ),
    (
        # "A bomb in Shabb killed two people", "a bomb at the crossroads left one dead": a bomb that killed is an
        # explosion; ranked after air strikes and shelling, which drop and fire bombs of their own.
        _p(
            r"(?<!barrel )(?<!cluster )(?<!guided )(?<!aerial )\bbombs? (?!dropped)(?:[\w'’-]+ ){0,6}?"
            r"(?:killed|killing|kills|wounded|wounding|injured|injuring|left \w+ (?:dead|killed|wounded)|ripped|tore)\b"
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.REMOTE_EXPLOSIVE_LANDMINE_IED,
        5,
        ("bomb",),
    ),
    (
        _p(
            r"\b(?:found (?:the )?(?:bod(?:y|ies)|corpses?)|"
            r"(?:bod(?:y|ies)|corpses?) (?:\w+ ){0,6}?(?:was|were) found)\b"
        ),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ATTACK,
        6,
        ("bod", "corpse"),
    ),
    (
        _p(r"\b(?:raped|rape|sexual (?:violence|assault|abuse))\b"),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.SEXUAL_VIOLENCE,
        6,
        ("rape", "sexual"),
    ),
    (
        _p(
            r"\b(?:kidnapp(?:ed|ing|ings)|abduct(?:ed|ion|ions|ing)|taken hostage|seized as hostages?|"
            r"(?:taken|took|taking|held) (?:[\w-]+ ){0,3}?(?:captive|hostage)|forcibly disappeared)\b"
        ),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ABDUCTION_FORCED_DISAPPEARANCE,
        7,
        ("kidnap", "abduct", "hostage", "disappeared", "captive"),
    ),
    (
        _p(
            r"\b(?:live (?:ammunition|fire|rounds)|opened fire on (?:the )?(?:protesters|demonstrators|crowds?)|"
            r"(?:fired|firing|used|using) (?:live )?bullets(?=[^.;]{0,80}\b(?:protest|demonstrat|crowd))|"
            r"fired (?:\w+ )?(?:at|on|into) (?:the )?(?:protesters|demonstrators|crowds?)|"
            r"(?:killed|shot) (?:\d+ |several |two |three )?(?:protesters|demonstrators)|"
            r"(?:protesters|demonstrators) (?:were|was) (?:killed|shot|wounded|injured))\b"
        ),
        E.PROTESTS,
        S.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        8,
        ("live", "opened fire", "fired", "firing", "bullets", "protesters", "demonstrators"),
    ),
    (
        _p(
            r"\b(?:tear ?gas|water cannons?|rubber bullets|"
            r"dispersed (?:the )?(?:protest|protesters|demonstrat|crowd)\w*|"
            # "Other protests were held, but dispersed", "the sit-in was broken up": the crowd was made to leave.
            r"(?<=but )dispersed|(?:were|was) (?:\w+ )?(?:dispersed|broken up)|broke up (?:the )?(?:protest|demonstrat|"
            r"rally|sit-in|crowd|gathering)\w*)\b"
        ),
        E.PROTESTS,
        S.PROTEST_WITH_INTERVENTION,
        8,
        ("tear", "water cannon", "dispersed", "rubber bullets", "broken up", "broke up"),
    ),
    (
        # Residents or a crowd, not demonstrators, who burn or beat: a mob, not a demonstration.
        _p(
            r"\b(?:angry |enraged )?(?:residents|villagers|tribesmen|relatives|mob|crowds?) (?:\w+ ){0,3}?"
            r"(?:set fire|torched|burned|burnt|lynched|beat)\b"
        ),
        E.RIOTS,
        S.MOB_VIOLENCE,
        9,
        ("residents", "villagers", "tribesmen", "relatives", "mob", "crowd"),
    ),
    (
        _p(
            r"\b(?:rioters|riots?|rioting|angry mob|mob|torched|set fire to|vandali[sz]ed|"
            r"(?:protesters|demonstrators|rioters|crowds?|supporters|residents|mourners) (?:\w+ ){0,3}?stormed|"
            r"protests? (?:have |has )?(?:become|turned) violent|attacked by demonstrators|"
            r"with stones)\b"
        ),
        E.RIOTS,
        S.VIOLENT_DEMONSTRATION,
        9,
        ("riot", "mob", "storm", "torch", "set fire", "vandal", "violent", "demonstrators", "stones"),
    ),
    (
        _p(
            r"\b(?:clash(?:es|ed|ing)?|gun ?battles?|battles? (?:against|with|between)|fought (?:against|with|off)|"
            r"(?:a|the) (?:[\w-]+ ){0,2}?raid on|firefights?|exchange of fire|ambush(?:ed|es)?|skirmish(?:es)?|"
            r"repelled|came under attack|under fire|fierce fighting|heavy fighting|"
            r"fighting (?:continued|raged|broke out|spread|erupted|intensified|flared|resumed)|"
            r"gunfights?|shoot-?outs?|exchanged fire|clashes (?:erupted|broke out)|fighting between|"
            r"attack(?:ed)? (?:their|a|an|the|its) (?:\w+ )?(?:base|convoy|checkpoint|position|outpost|patrol|post|"
            r"camp|barracks|headquarters)s?|(?:attack|assault) on (?:their|a|an|the|its) (?:\w+ )?(?:base|convoy|"
            r"checkpoint|position|outpost|patrol|post|camp)s?|counter-?attack(?:ed)?|"
            # "tribesmen assaulted militants in the outskirts": an assault on an armed side is a fight.
            r"assault(?:ed|ing) (?:the )?(?:[\w-]+ ){0,2}?(?:militants?|fighters|positions?|insurgents|rebels|"
            r"jihadists|hideouts?|strongholds?)|"
            # ("a besieged town" describes the town.)
            r"(?<!\ba )(?<!\bthe )(?<!\ban )besieged)\b"
        ),
        E.BATTLES,
        S.ARMED_CLASH,
        10,
        (
            "clash",
            "battle",
            "gunfight",
            "shoot",
            "exchanged",
            "firefight",
            "fire",
            "ambush",
            "skirmish",
            "repel",
            "under attack",
            "fighting",
            "attack",
            "assault",
            "counter",
            "besieg",
            "storm",
            "raid",
            "fought",
        ),
    ),
    (
        _p(
            r"\b(?:recaptured|retook|retaken|took back|liberated|liberate|liberating|regained control|regained|"
            r"ousted [\w ]{0,30} from|drove [\w ]{0,20} out)\b"
        ),
        E.BATTLES,
        S.GOVERNMENT_REGAINS_TERRITORY,
        11,
        ("recaptur", "retook", "took back", "liberat", "regain", "ousted", "drove"),
    ),
    (
        # ("captured 10 suspects" is an arrest, below: what is captured here is a place.)
        _p(
            r"\b(?:seized|captur(?:ed|ing)(?! (?!by\b)"
            + COUNT
            + r"(?:suspects?|wanted|"
            + COMBATANT
            + r"|"
            + CIVILIAN
            + r")\b)"
            r"(?! \d+ (?:during|in|at|near|after|on)\b)|"
            r"overran|overrunning|(?:took|taken|taking|gained|seized|wrested|assumed) (?:full |complete |total )?"
            r"control (?:of|over)|(?:is|are) now in control of|fell to|fall of|swept through|overtook)\b"
        ),
        E.BATTLES,
        S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
        12,
        ("seiz", "captur", "overr", "control", "fell to", "fall of", "swept", "overtook"),
    ),
    (
        _p(
            r"\b(?:executed|massacred?|shot dead|gunned down|assassinated|murdered|beheaded|slaughtered|"
            r"(?:stabbed|beaten|stoned|burned|burnt|tortured|hacked) to death|found dead|(?:"
            + KILL_VERB
            # "opened fire on a car, wounding its driver": civilians hurt, no means named, is an attack too.
            + r"|wound(?:ed|ing)|injur(?:ed|ing)) "
            + COUNT
            + CIVILIAN
            + r")\b"
        ),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ATTACK,
        13,
        (
            "execut",
            "massacr",
            "shot dead",
            "gunned",
            "assassin",
            "murder",
            "behead",
            "kill",
            "slaughter",
            "to death",
            "found dead",
            "slain",
            "died",
            "shoot",
            "gun",
            "wound",
            "injur",
        ),
    ),
    (
        _p(
            r"\b(?:protest(?:s|ed|ing|ers)?|demonstrat(?:ors|ion|ions|ed|ing)|rall(?:y|ies|ied)|"
            r"sit-ins?|marched|gathered (?:in front of|outside|at the gates? of)|blocked a (?:door|gate|road))\b"
        ),
        E.PROTESTS,
        S.PEACEFUL_PROTEST,
        14,
        ("protest", "demonstrat", "rall", "sit-in", "marched", "gathered", "blocked"),
    ),
    (
        # "The last rebels left the Old City under an evacuation deal": territory changes hands without a fight.
        _p(
            r"\b(?:left|withdrew from|evacuated|handed over|pulled out of|surrendered)\b[^.;]{0,60}?\bunder "
            r"(?:an? |the )?(?:[\w-]+ ){0,2}?(?:deal|agreement|truce|accord)\b|"
            r"\b(?:handed over|handover of) (?:control of )?(?:the )?"
            r"(?:town|city|village|area|positions?|checkpoints?)\b"
        ),
        E.STRATEGIC_DEVELOPMENTS,
        S.NON_VIOLENT_TRANSFER_OF_TERRITORY,
        14,
        ("deal", "agreement", "truce", "accord", "hand"),
    ),
    (
        # "announced arresting three suspects": the gerund after a verb of saying reports the arrest.
        _p(
            r"\b(?<!the )(?:arrested|detained|rounded up|apprehended|taken into custody|"
            # ", arresting seven": the arrests the raid made.
            r"(?<=, )(?:arresting|detaining)|"
            r"(?<=announced )(?:arresting|detaining|capturing)|"
            # "the Counter-Terrorism Service capturing 10 during raids", "captured five suspects": people taken.
            r"captur(?:ed|ing) (?!by\b)(?=" + COUNT + r"(?:suspects?|wanted|" + COMBATANT + r"|" + CIVILIAN + r")\b)|"
            r"captur(?:ed|ing) \d+ (?=during|in|at|near|after|on)\b|"
            # "21 IS members had been captured": people taken, told in the passive (ingest.events keeps the
            # territory row from reading it).
            r"(?:" + PEOPLE_CAPTURED + r")captured)"
        ),
        E.STRATEGIC_DEVELOPMENTS,
        S.ARRESTS,
        15,
        ("arrest", "detain", "rounded up", "apprehend", "custody", "captur"),
    ),
    (
        _p(
            r"\b(?:defused|dismantled (?:an? )?(?:bomb|ied|explosive)|"
            # "foiled a suicide attack", "thwarted a bombing plot": prevented, so no attack took place.
            r"(?:foiled|thwarted|averted|prevented) (?:an? |the )?(?:[\w-]+ ){0,3}?(?:attacks?|bombings?|attempts?|"
            r"plots?|operations?)|intercepted (?:a |an |the |"
            r"\w+ )?(?:drones?|rockets?|missiles?)|shot down (?:a |an |the )?drones?|"
            r"(?:drones?|rockets?|missiles?) (?:\w+ )?(?:were|was) (?:shot down|intercepted|downed))\b"
        ),
        E.STRATEGIC_DEVELOPMENTS,
        S.DISRUPTED_WEAPONS_USE,
        16,
        ("defus", "dismantl", "intercept", "shot down", "foiled", "thwarted", "averted", "prevented"),
    ),
    (
        # "US forces carried out a helicopter raid in the village of X": a raid by armed men is a fight, unless the
        # sentence tells arrests (rank 15) or a means (lower ranks).
        _p(
            r"\b(?:carried out|conducted|launched|staged) (?:an? |the )?(?:[\w-]+ ){0,2}?raids? "
            r"(?:on|in|at|against|targeting)\b"
        ),
        E.BATTLES,
        S.ARMED_CLASH,
        17,
        ("raid",),
    ),
    (
        # Gunmen who "stormed the village" and killed its people attacked civilians (rank 13); alone, a fight.
        _p(r"\bstorm(?:ed|ing)? the\b"),
        E.BATTLES,
        S.ARMED_CLASH,
        18,
        ("storm",),
    ),
    (
        # "Three civilians were killed in Hajin": an attack on civilians, unless a means or a fight is told nearby.
        _p(r"\b" + CIVILIAN + r" " + PASSIVE_KILLED + r"\b"),
        E.VIOLENCE_AGAINST_CIVILIANS,
        S.ATTACK,
        VICTIMS_ONLY,
        ("kill", "slain", "died", "shot", "gunned", "assassin", "execut", "murder", "lost their", "perish", "dead"),
    ),
    (
        # Armed men killed or wounded, with no means named: a fight (a bomb or a strike named nearby refines it).
        _p(
            r"\b(?:(?:"
            + KILL_VERB
            + r"|wound(?:ed|ing)|injur(?:ed|ing)|neutrali[sz](?:ed|ing)) "
            + COUNT
            + COMBATANT
            + r"|"
            + COMBATANT
            + r" "
            + PASSIVE_KILLED
            + r"|"
            + COMBATANT
            + r" (?:[\w-]+ ){0,3}?(?:(?:was|were|have been|has been|had been) )?(?:wounded|injured|neutrali[sz]ed)|"
            r"neutrali[sz]ed)\b"
        ),
        E.BATTLES,
        S.ARMED_CLASH,
        VICTIMS_ONLY,
        (
            "kill",
            "slain",
            "died",
            "wound",
            "injur",
            "neutrali",
            "shot",
            "shoot",
            "gun",
            "assassin",
            "execut",
            "murder",
        ),
    ),
    (
        _p(
            r"\b(?:(?:militants|gunmen|attackers|fighters) (?:attacked|killed|shot|opened fire)|"
            r"attacked|(?:an?|the) (?:[\w-]+ ){0,2}?attack "
            r"(?:on|against|in|at|by|that killed|killed|wounded|injured|left)|"
            r"opened fire (?:on|at)|carried out (?:an? )?(?:\w+ )?attacks? (?:on|against))\b"
        ),
        E.BATTLES,
        S.ARMED_CLASH,
        20,
        ("attack", "opened fire"),
    ),
]

# "A separate strike hit a depot": a strike of unstated means, most often from the air in these reports; a nearby
# sentence that names the means refines it (ingest.extract).
LEXICON.append(
    (
        _p(
            r"\b(?:a|the|another|second|separate|further|new|israeli|turkish|us|u\.s\.) strikes? "
            r"(?:hit|struck|targeted|destroyed|killed)\b"
        ),
        E.EXPLOSIONS_REMOTE_VIOLENCE,
        S.AIR_DRONE_STRIKE,
        21,
        ("strike",),
    )
)
