"""The shape of the synthetic incidents: the distribution tables and the draws made from them.

The shape follows what ACLED shows for Iraq and Syria: incidents cluster on populated places (weighted by
population and by the provinces that saw most fighting), intensity follows the wars (Iraq 2006-08 and 2014-17,
Syria from 2012), explosions/remote violence dominate the type mix, and fatalities have a long tail (most events
kill nobody, a few kill hundreds).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from dataclasses import dataclass
from itertools import accumulate

from incidents.models import Actor, Place
from incidents.taxonomy import SUB_EVENT_TYPES, EventType, SubEventType
from incidents.text import normalize_name

FIRST_DAY = dt.date(2006, 1, 1)
YEARS = 20

# Real towns with coordinates (GeoNames), for databases without a gazetteer.
FALLBACK_PLACES: list[tuple[str, str, str, float, float, int]] = [
    ("Baghdad", "IQ", "Baghdad", 44.4009, 33.3406, 7_216_000),
    ("Mosul", "IQ", "Nineveh", 43.1189, 36.335, 1_740_000),
    ("Basra", "IQ", "Basra", 47.7804, 30.5085, 2_600_000),
    ("Kirkuk", "IQ", "Kirkuk", 44.3922, 35.4681, 975_000),
    ("Erbil", "IQ", "Erbil", 44.0092, 36.1911, 932_000),
    ("Sulaymaniyah", "IQ", "Sulaymaniyah", 45.4375, 35.5613, 723_000),
    ("Najaf", "IQ", "Najaf", 44.3361, 32.0259, 482_000),
    ("Karbala", "IQ", "Karbala", 44.0249, 32.6149, 434_000),
    ("Nasiriyah", "IQ", "Dhi Qar", 46.2575, 31.0586, 400_000),
    ("Amarah", "IQ", "Maysan", 47.1396, 31.8356, 323_000),
    ("Diwaniyah", "IQ", "Al-Qadisiyah", 44.9254, 31.9899, 318_000),
    ("Kut", "IQ", "Wasit", 45.8257, 32.5128, 315_000),
    ("Hillah", "IQ", "Babil", 44.4211, 32.4837, 289_000),
    ("Ramadi", "IQ", "Anbar", 43.3058, 33.4206, 274_000),
    ("Fallujah", "IQ", "Anbar", 43.7799, 33.3509, 190_000),
    ("Samarra", "IQ", "Salah ad-Din", 43.8756, 34.1959, 158_000),
    ("Baqubah", "IQ", "Diyala", 44.6549, 33.7466, 153_000),
    ("Tikrit", "IQ", "Salah ad-Din", 43.6792, 34.6071, 160_000),
    ("Tal Afar", "IQ", "Nineveh", 42.4485, 36.374, 220_000),
    ("Dohuk", "IQ", "Dohuk", 42.9885, 36.8669, 350_000),
    ("Sinjar", "IQ", "Nineveh", 41.8633, 36.3209, 40_000),
    ("Makhmur", "IQ", "Erbil", 43.5808, 35.776, 20_000),
    ("Hit", "IQ", "Anbar", 42.8251, 33.6416, 60_000),
    ("Haditha", "IQ", "Anbar", 42.3722, 34.1396, 42_000),
    ("Baiji", "IQ", "Salah ad-Din", 43.4929, 34.9294, 50_000),
    ("Tuz Khurmatu", "IQ", "Salah ad-Din", 44.6326, 34.8856, 60_000),
    ("Al-Qa'im", "IQ", "Anbar", 41.0431, 34.3681, 74_000),
    ("Damascus", "SY", "Damascus", 36.2913, 33.5102, 1_711_000),
    ("Aleppo", "SY", "Aleppo", 37.1613, 36.2021, 1_800_000),
    ("Homs", "SY", "Homs", 36.7237, 34.7308, 775_000),
    ("Hama", "SY", "Hama", 36.7578, 35.1318, 696_000),
    ("Latakia", "SY", "Latakia", 35.7915, 35.5317, 383_000),
    ("Deir ez-Zor", "SY", "Deir ez-Zor", 40.1408, 35.3359, 242_000),
    ("Raqqa", "SY", "Raqqa", 39.0094, 35.9528, 220_000),
    ("Idlib", "SY", "Idlib", 36.6339, 35.9306, 165_000),
    ("Daraa", "SY", "Daraa", 36.1021, 32.6189, 146_000),
    ("Al-Hasakah", "SY", "Al-Hasakah", 40.7477, 36.5024, 188_000),
    ("Qamishli", "SY", "Al-Hasakah", 41.2269, 37.0522, 184_000),
    ("Manbij", "SY", "Aleppo", 37.9536, 36.5281, 100_000),
    ("Al-Bab", "SY", "Aleppo", 37.5167, 36.3706, 63_000),
    ("Kobani", "SY", "Aleppo", 38.3547, 36.8906, 45_000),
    ("Palmyra", "SY", "Homs", 38.2684, 34.5602, 51_000),
    ("Douma", "SY", "Rif Dimashq", 36.4013, 33.5711, 111_000),
    ("Tartus", "SY", "Tartus", 35.8866, 34.889, 115_000),
    ("Al-Bukamal", "SY", "Deir ez-Zor", 40.9186, 34.4531, 50_000),
    ("Afrin", "SY", "Aleppo", 36.8689, 36.5083, 36_000),
    ("Saraqib", "SY", "Idlib", 36.8, 35.8644, 32_000),
    ("Suwayda", "SY", "As-Suwayda", 36.5695, 32.7089, 73_000),
]
FALLBACK_ACTORS: list[tuple[str, str]] = [
    ("Islamic State", Actor.Kind.INSURGENT),
    ("Iraqi Security Forces", Actor.Kind.STATE_FORCE),
    ("Popular Mobilization Forces", Actor.Kind.MILITIA),
    ("Peshmerga", Actor.Kind.STATE_FORCE),
    ("US forces / coalition", Actor.Kind.FOREIGN_FORCE),
    ("Syrian Arab Army", Actor.Kind.STATE_FORCE),
    ("Civilians", Actor.Kind.CIVILIANS),
    ("Protesters", Actor.Kind.PROTESTERS),
]

# Provinces that saw most of the violence draw more incidents than their population alone would give them.
HOTSPOTS = {
    "anbar": 3.0,
    "al anbar": 3.0,
    "nineveh": 3.0,
    "ninawa": 3.0,
    "baghdad": 1.5,
    "diyala": 2.5,
    "salah ad din": 2.5,
    "kirkuk": 2.0,
    "aleppo": 2.5,
    "idlib": 3.0,
    "deir ez zor": 3.0,
    "raqqa": 2.5,
    "ar raqqah": 2.5,
    "hama": 2.0,
    "daraa": 2.0,
    "rif dimashq": 2.0,
    "damascus countryside": 2.0,
    "homs": 2.0,
}
# Relative intensity by year from 2006 (index 0) to 2025; shaped like ACLED/UCDP yearly counts.
YEAR_WEIGHT = {
    "IQ": [9, 10, 7, 4, 3, 3, 3, 5, 10, 10, 9, 8, 4, 3, 2, 2, 2, 1.5, 1.5, 1],
    "SY": [0.3, 0.3, 0.3, 0.3, 0.3, 4, 9, 10, 10, 10, 10, 9, 7, 6, 4, 4, 3, 3, 3, 3],
}
TYPE_WEIGHT = {
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: 42,
    EventType.BATTLES: 22,
    EventType.VIOLENCE_AGAINST_CIVILIANS: 12,
    EventType.PROTESTS: 12,
    EventType.STRATEGIC_DEVELOPMENTS: 9,
    EventType.RIOTS: 3,
}
S = SubEventType
SUB_WEIGHT = {
    S.ARMED_CLASH: 90,
    S.GOVERNMENT_REGAINS_TERRITORY: 6,
    S.NON_STATE_ACTOR_OVERTAKES_TERRITORY: 4,
    S.SHELLING_ARTILLERY_MISSILE_ATTACK: 45,
    S.AIR_DRONE_STRIKE: 25,
    S.REMOTE_EXPLOSIVE_LANDMINE_IED: 22,
    S.SUICIDE_BOMB: 4,
    S.GRENADE: 3,
    S.CHEMICAL_WEAPON: 0.2,
    S.ATTACK: 75,
    S.ABDUCTION_FORCED_DISAPPEARANCE: 22,
    S.SEXUAL_VIOLENCE: 3,
    S.PEACEFUL_PROTEST: 85,
    S.PROTEST_WITH_INTERVENTION: 12,
    S.EXCESSIVE_FORCE_AGAINST_PROTESTERS: 3,
    S.VIOLENT_DEMONSTRATION: 80,
    S.MOB_VIOLENCE: 20,
    S.ARRESTS: 30,
    S.LOOTING_PROPERTY_DESTRUCTION: 20,
    S.DISRUPTED_WEAPONS_USE: 15,
    S.CHANGE_TO_GROUP_ACTIVITY: 12,
    S.HEADQUARTERS_OR_BASE_ESTABLISHED: 6,
    S.AGREEMENT: 6,
    S.NON_VIOLENT_TRANSFER_OF_TERRITORY: 4,
    S.OTHER: 7,
}
# Share of incidents with no fatality at all, and the Pareto shape of the rest (smaller = longer tail).
DEADLY = {
    EventType.BATTLES: (0.45, 1.1),
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: (0.5, 1.2),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (0.55, 1.3),
    EventType.PROTESTS: (0.01, 2.0),
    EventType.RIOTS: (0.08, 1.8),
    EventType.STRATEGIC_DEVELOPMENTS: (0.02, 2.0),
}
MAX_FATALITIES = 2_000
# Who fights whom, by actor kind: actor 1 kinds, actor 2 kinds.
ROLE_KINDS = {
    EventType.BATTLES: (("state_force", "militia", "foreign_force"), ("insurgent",)),
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: (("insurgent", "foreign_force", "state_force"), ("civilians", "state_force")),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (("insurgent", "militia", "state_force"), ("civilians",)),
    EventType.PROTESTS: (("protesters",), ()),
    EventType.RIOTS: (("protesters", "other"), ("state_force",)),
    EventType.STRATEGIC_DEVELOPMENTS: (("state_force", "militia", "insurgent", "foreign_force"), ()),
}


@dataclass(frozen=True)
class Anchor:
    place_id: int | None
    name: str
    country: str
    admin1: str
    lon: float
    lat: float


class Picker:
    """Weighted choice in O(log n) from precomputed cumulative weights (random.choices rebuilds them per call)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _anchors() -> list[tuple[Anchor, float]]:
    rows = list(
        Place.objects.filter(country__in=["IQ", "SY"])
        .exclude(kind=Place.Kind.ADMIN_AREA)
        .order_by("pk")
        .values_list("pk", "name", "country", "admin1", "point", "population")
    )
    if rows:
        anchors = [
            (Anchor(pk, name, country, admin1, point.x, point.y), population or 0)
            for pk, name, country, admin1, point, population in rows
        ]
    else:
        anchors = [
            (Anchor(None, name, country, admin1, lon, lat), population)
            for name, country, admin1, lon, lat, population in FALLBACK_PLACES
        ]
    return [
        (anchor, math.sqrt(max(population, 500)) * HOTSPOTS.get(normalize_name(anchor.admin1), 1.0))
        for anchor, population in anchors
    ]


def _actor_pools() -> dict[str, list[int]]:
    if not Actor.objects.exists():
        for name, kind in FALLBACK_ACTORS:
            Actor.objects.get_or_create(name=name, defaults={"kind": kind})
    pools: dict[str, list[int]] = {}
    for pk, kind in Actor.objects.order_by("pk").values_list("pk", "kind"):
        pools.setdefault(kind, []).append(pk)
    return pools


def _pick_actor(rng: random.Random, pools: dict[str, list[int]], kinds: tuple[str, ...]) -> int | None:
    candidates = [pk for kind in kinds for pk in pools.get(kind, ())]
    if not candidates:
        candidates = [pk for ids in pools.values() for pk in ids]
    return rng.choice(candidates) if candidates else None


def _casualties(rng: random.Random, event_type: str) -> tuple[int | None, int | None, int | None, int | None]:
    deadly_share, shape = DEADLY[event_type]
    if rng.random() >= deadly_share:
        return None, 0, None, (rng.randrange(0, 4) if rng.random() < 0.2 else None)
    best = min(int(rng.paretovariate(shape)), MAX_FATALITIES)
    low = high = None
    if rng.random() < 0.3:  # sources disagree: keep the range, as UCDP does
        low = max(0, int(best * rng.uniform(0.5, 1.0)))
        high = int(math.ceil(best * rng.uniform(1.0, 1.8)))
    injured = min(int(best * rng.uniform(0, 3)), 5 * MAX_FATALITIES) if rng.random() < 0.6 else None
    return low, best, high, injured


class IncidentDraws:
    """Incidents of the shape above, drawn from one random generator: the same seed over the same gazetteer and actors
    gives the same draws. Creates the fallback actors when there are none."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        anchors = _anchors()
        self.place = Picker([a for a, _ in anchors], [w for _, w in anchors])
        self.event_type = Picker(TYPE_WEIGHT.keys(), TYPE_WEIGHT.values())
        self.sub_event_type = {e: Picker(subs, [SUB_WEIGHT[s] for s in subs]) for e, subs in SUB_EVENT_TYPES.items()}
        self.year = {c: Picker(range(YEARS), w) for c, w in YEAR_WEIGHT.items()}
        self.geo_precision = Picker(["exact", "near", "admin", "country"], [70, 20, 8, 2])
        self.date_precision = Picker(["day", "week", "month", "year"], [90, 5, 4, 1])
        self.status = Picker(["unreviewed", "verified", "rejected"], [60, 35, 5])
        self.sources = Picker([1, 2, 3, 4, 5], [35, 30, 20, 10, 5])
        self.actors = _actor_pools()
        self.labels = dict(SubEventType.choices)

    def place_and_day(self) -> tuple[dt.date, Anchor]:
        anchor = self.place(self.rng)
        year = FIRST_DAY.year + self.year.get(anchor.country, self.year["IQ"])(self.rng)
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(366 if year % 4 == 0 else 365)), anchor

    def incident(self, day: dt.date, anchor: Anchor) -> tuple[dict, int | None, int | None]:
        """An incident on that day near that place: its columns (by the incident's field names, the point as lon and
        lat, no id), and its actors 1 and 2."""
        rng = self.rng
        event_type = self.event_type(rng)
        sub = self.sub_event_type[event_type](rng)
        geo = self.geo_precision(rng)
        spread = {"exact": 0.0, "near": 0.03, "admin": 0.15, "country": 0.0}[geo]
        lon = round(anchor.lon + rng.gauss(0, spread), 5) if spread else anchor.lon
        lat = round(anchor.lat + rng.gauss(0, spread), 5) if spread else anchor.lat
        low, best, high, injured = _casualties(rng, event_type)
        missing = rng.randrange(1, 20) if sub == S.ABDUCTION_FORCED_DISAPPEARANCE else None
        kinds1, kinds2 = ROLE_KINDS[event_type]
        actor1 = _pick_actor(rng, self.actors, kinds1)
        actor2 = _pick_actor(rng, self.actors, kinds2) if kinds2 and rng.random() < 0.7 else None
        killed = f", killing {best}" if best else ""
        columns = {
            "event_type": event_type,
            "sub_event_type": sub,
            "date": day,
            "date_precision": self.date_precision(rng),
            "place_id": anchor.place_id,
            "lon": lon,
            "lat": lat,
            "geo_precision": geo,
            "country": anchor.country,
            "admin1": anchor.admin1,
            "location_name": anchor.name,
            "fatalities_low": low,
            "fatalities": best,
            "fatalities_high": high,
            "injured": injured,
            "missing": missing,
            "summary": f"{self.labels[sub]} in {anchor.name}, {anchor.admin1 or anchor.country}{killed}.",
            "status": self.status(rng),
        }
        return columns, actor1, actor2
