"""Pinned query counts for every API endpoint and every page: a count that grows with the data is an N+1."""

import datetime as dt

import pytest

from tests.conftest import clear_throttles, forget_cached_responses
from tests.factories import ActorFactory, ArticleFactory, IncidentFactory, IncidentSourceFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kirkuk, raqqa, bashir):
    """Three incidents in two countries, each with two actors and two sources, so that a per-row query would show;
    with no cached answer and no throttle count from an earlier test, so every request reads the database."""
    isis, army = ActorFactory(name="Islamic State", aliases=["ISIS"]), ActorFactory(name="Iraqi Army")
    source = SourceFactory(name="Wire")
    incidents = [
        IncidentFactory(place=place, date=dt.date(2016, 3, day), fatalities=day)
        for place, day in ((kirkuk, 14), (bashir, 15), (raqqa, 16))
    ]
    for incident in incidents:
        incident.actors.add(isis, through_defaults={"role": 1})
        incident.actors.add(army, through_defaults={"role": 2})
        for _ in range(2):
            IncidentSourceFactory(incident=incident, article=ArticleFactory(source=source))
    forget_cached_responses()
    clear_throttles()
    yield {
        "incident": incidents[0],
        "place": kirkuk,
        "actor": isis,
        "article": incidents[0].source_links.first().article,
    }
    forget_cached_responses()


KIRKUK_BOX = "44,35,45,36"
LIST = "the page's ids (keyset), then its rows with actors and source counts in one select"
EXPORT = "one server-side cursor that builds every row in SQL"
SUMMARY = "the total, per actor, per event type and per country"
# From the roll-ups when the filter allows (no filter, a country): totals, types and countries in one GROUPING SETS
# query over the monthly roll-up and the pending deltas, then the actors from the actor roll-up.
ROLLED_UP = "totals by event type and country (one GROUPING SETS query on the roll-ups), then the actors"
DETAIL = "the incident, its actors (links, actors), its sources (links, articles, outlets) and its history"
# (path, queries, what they are); "{incident}", "{place}", "{actor}", "{article}" are the world's ids.
API = [
    ("/api/v1/incidents/", 2, LIST),
    ("/api/v1/incidents/?format=geojson", 1, EXPORT),
    ("/api/v1/incidents.geojson", 1, EXPORT),
    ("/api/v1/incidents.csv", 1, EXPORT),
    ("/api/v1/incidents/?format=csv", 1, EXPORT),
    (f"/api/v1/incidents/clusters/?zoom=6&bbox={KIRKUK_BOX}", 3,
     "the data version (cache key), whether the zoom's cluster cells are filled, the cells' sums"),
    ("/api/v1/incidents/deleted/?since=2016-01-01T00:00:00Z", 1, "the removals since then"),
    ("/api/v1/incidents/{incident}/", 7, DETAIL),
    ("/api/v1/places/?q=Kirkuk", 2, "an exists() probe of the exact names, then the ranked select"),
    (f"/api/v1/places/labels/?bbox={KIRKUK_BOX}&zoom=9", 1, "the places big enough for the zoom, in the box"),
    ("/api/v1/places/{place}/", 1, "the place"),
    ("/api/v1/actors/", 1, "the page of actors"),
    ("/api/v1/actors/{actor}/", 1, "the actor"),
    ("/api/v1/articles/", 2, "the page's ids (keyset), then its articles"),
    ("/api/v1/articles/{article}/", 2, "the article, then the incidents it reports"),
    ("/api/v1/sources/", 1, "the page of outlets"),
    ("/api/v1/stats/timeline/", 2, "the data version (cache key), then the buckets from the daily summary"),
    ("/api/v1/stats/timeline/?event_type=battles&interval=week", 2,
     "the data version (cache key), then the weekly buckets from the daily summary"),
    ("/api/v1/stats/summary/", 3, "the data version (cache key), then " + ROLLED_UP),
    ("/ogc/", 0, "the landing page is static"),
    ("/ogc/collections", 3, "the places' extent and the incidents' dates (incidents), the places' extent (places)"),
    ("/ogc/collections/incidents/items?limit=10", 2, LIST),
    ("/ogc/collections/incidents/items/{incident}", 1, "the incident's row with actors and source count"),
    ("/ogc/collections/places/items?limit=10", 2, "the page's ids (keyset), then its places"),
]  # fmt: skip
PAGES = [
    ("/", 2, "the newest incident id (the live stream's start), the provinces for the filter"),
    ("/timeline/", 1, "the page of incidents, grouped by day in Python"),
    ("/incidents/{incident}/", 7, DETAIL),
    ("/places/{place}/", 6, "the place, " + SUMMARY + ", the latest incidents"),
    # The actor and its family are each read twice (the page's header and the summary's filter): 2 to save.
    ("/actors/{actor}/", 9, "the actor (twice), its family (twice), " + SUMMARY + ", the latest incidents"),
    ("/overview/", 1, "the provinces with places"),
    ("/overview/IQ/", 4, "the years by event type, " + ROLLED_UP + ", the latest incidents"),
    ("/overview/IQ/Kirkuk/", 6, "the years by event type, " + SUMMARY + ", the latest incidents"),
]


def ids(world) -> dict[str, int]:
    return {name: obj.pk for name, obj in world.items()}


@pytest.mark.parametrize(("path", "queries", "why"), API + PAGES, ids=[p for p, *_ in API + PAGES])
def test_every_endpoint_and_page_costs_a_pinned_number_of_queries(
    client, world, django_assert_num_queries, path, queries, why
):
    url = path.format(**ids(world))
    with django_assert_num_queries(queries, info=why):
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, (url, content[:300])
