"""The incident list: every filter, ordering, keyset pagination, visibility and pinned query counts."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from incidents.models import Incident, IncidentActor
from incidents.services import incident_refresh_search
from tests.factories import ActorFactory, IncidentFactory, IncidentSourceFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/incidents/"


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_it_lists_public_incidents_newest_first_with_coordinates_and_actors(api_client, kirkuk):
    isis = ActorFactory(name="Islamic State", aliases=["ISIS", "Daesh"])
    old = IncidentFactory(place=kirkuk, date=dt.date(2016, 1, 1))
    new = IncidentFactory(place=kirkuk, date=dt.date(2016, 5, 1))
    IncidentActor.objects.create(incident=new, actor=isis, role=1)
    IncidentSourceFactory(incident=new)
    body = api_client.get(URL).json()
    assert [r["id"] for r in body["results"]] == [new.pk, old.pk]
    first = body["results"][0]
    assert (first["longitude"], first["latitude"]) == kirkuk.point.coords
    assert first["actors"] == [{"id": isis.pk, "name": "Islamic State", "role": "actor1"}]
    assert first["source_count"] == 1
    assert first["url"].endswith(f"/api/v1/incidents/{new.pk}/")
    assert body["next"] is None and body["estimated_count"] == 2


def test_it_filters_by_bbox(api_client, kirkuk, raqqa):
    inside = IncidentFactory(place=kirkuk)
    IncidentFactory(place=raqqa)
    assert ids(api_client.get(URL, {"bbox": "43,35,45,36"})) == [inside.pk]


def test_it_filters_by_date_range(api_client, kirkuk):
    IncidentFactory(place=kirkuk, date=dt.date(2015, 12, 31))
    inside = IncidentFactory(place=kirkuk, date=dt.date(2016, 6, 1))
    IncidentFactory(place=kirkuk, date=dt.date(2017, 1, 1))
    assert ids(api_client.get(URL, {"date_from": "2016-01-01", "date_to": "2016-12-31"})) == [inside.pk]


def test_it_filters_by_several_event_types_comma_separated_or_repeated(api_client, kirkuk):
    battle = IncidentFactory(place=kirkuk, event_type="battles", sub_event_type="armed_clash")
    riot = IncidentFactory(place=kirkuk, event_type="riots", sub_event_type="mob_violence")
    IncidentFactory(place=kirkuk, event_type="protests", sub_event_type="peaceful_protest")
    assert set(ids(api_client.get(URL, {"event_type": "battles,riots"}))) == {battle.pk, riot.pk}
    assert set(ids(api_client.get(f"{URL}?event_type=battles&event_type=riots"))) == {battle.pk, riot.pk}


def test_it_filters_by_sub_event_type(api_client, kirkuk):
    strike = IncidentFactory(place=kirkuk, event_type="explosions_remote_violence", sub_event_type="air_drone_strike")
    IncidentFactory(place=kirkuk, event_type="explosions_remote_violence", sub_event_type="suicide_bomb")
    assert ids(api_client.get(URL, {"sub_event_type": "air_drone_strike"})) == [strike.pk]


def test_it_filters_by_actor_id_name_or_alias_including_groups_under_an_umbrella(api_client, kirkuk):
    pmf = ActorFactory(name="Popular Mobilization Forces", aliases=["PMU", "Hashd al-Shaabi"])
    kh = ActorFactory(name="Kataib Hezbollah", parent=pmf)
    isis = ActorFactory(name="Islamic State", aliases=["Daesh"])
    by_pmf, by_kh, by_isis = (IncidentFactory(place=kirkuk) for _ in range(3))
    IncidentActor.objects.create(incident=by_pmf, actor=pmf)
    IncidentActor.objects.create(incident=by_kh, actor=kh)
    IncidentActor.objects.create(incident=by_isis, actor=isis, role=2)
    assert ids(api_client.get(URL, {"actor": "daesh"})) == [by_isis.pk]
    assert ids(api_client.get(URL, {"actor": str(isis.pk)})) == [by_isis.pk]
    assert set(ids(api_client.get(URL, {"actor": "Hashd al-Shaabi"}))) == {by_pmf.pk, by_kh.pk}
    assert ids(api_client.get(URL, {"actor": "Nobody We Know"})) == []


def test_it_filters_by_place_country_and_admin1(api_client, kirkuk, raqqa):
    in_kirkuk = IncidentFactory(place=kirkuk)
    in_raqqa = IncidentFactory(place=raqqa)
    assert ids(api_client.get(URL, {"place": kirkuk.pk})) == [in_kirkuk.pk]
    assert ids(api_client.get(URL, {"country": "SY"})) == [in_raqqa.pk]
    assert ids(api_client.get(URL, {"country": "syria"})) == [in_raqqa.pk]
    assert ids(api_client.get(URL, {"admin1": "Kirkuk"})) == [in_kirkuk.pk]


def test_it_filters_by_min_fatalities(api_client, kirkuk):
    IncidentFactory(place=kirkuk, fatalities=2)
    IncidentFactory(place=kirkuk, fatalities=None)
    big = IncidentFactory(place=kirkuk, fatalities=40)
    assert ids(api_client.get(URL, {"min_fatalities": 10})) == [big.pk]


def test_it_searches_summary_and_evidence_with_full_text(api_client, kirkuk):
    bomb = IncidentFactory(place=kirkuk, summary="A car bomb exploded at a market.")
    by_evidence = IncidentFactory(place=kirkuk, summary="")
    IncidentSourceFactory(incident=by_evidence, evidence="Gunmen abducted two engineers near the oil field.")
    IncidentFactory(place=kirkuk, summary="Protesters gathered peacefully.")
    incident_refresh_search(incident_ids=list(Incident.objects.values_list("pk", flat=True)))
    assert ids(api_client.get(URL, {"q": "bombs"})) == [bomb.pk]
    assert ids(api_client.get(URL, {"q": "abducted engineers"})) == [by_evidence.pk]
    assert ids(api_client.get(URL, {"q": '"car bomb" -protest'})) == [bomb.pk]


def test_it_filters_by_updated_since(api_client, kirkuk):
    old = IncidentFactory(place=kirkuk)
    Incident.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))
    fresh = IncidentFactory(place=kirkuk)
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(api_client.get(URL, {"updated_since": since})) == [fresh.pk]


def test_it_hides_rejected_incidents_from_the_public_even_when_asked(api_client, kirkuk):
    shown = IncidentFactory(place=kirkuk, status="verified")
    IncidentFactory(place=kirkuk, status="rejected")
    assert ids(api_client.get(URL)) == [shown.pk]
    assert ids(api_client.get(URL, {"status": "rejected"})) == []
    assert ids(api_client.get(URL, {"status": "verified"})) == [shown.pk]


def test_editors_may_ask_for_rejected_incidents(api_client, django_user_model, kirkuk):
    rejected = IncidentFactory(place=kirkuk, status="rejected")
    editor = django_user_model.objects.create_user(username="ed", password="x-pw-12345")
    editor.groups.add(Group.objects.get_or_create(name="editors")[0])
    api_client.force_authenticate(editor)
    assert ids(api_client.get(URL, {"status": "rejected"})) == [rejected.pk]
    assert ids(api_client.get(URL)) == []


def test_filters_combine(api_client, kirkuk, raqqa):
    match = IncidentFactory(place=kirkuk, fatalities=9, date=dt.date(2016, 2, 1))
    IncidentFactory(place=kirkuk, fatalities=1, date=dt.date(2016, 2, 1))
    IncidentFactory(place=raqqa, fatalities=9, date=dt.date(2016, 2, 1))
    params = {"country": "IQ", "min_fatalities": 5, "date_from": "2016-01-01", "event_type": "battles"}
    assert ids(api_client.get(URL, params)) == [match.pk]


@pytest.mark.parametrize("ordering", ["date", "-date", "fatalities", "-fatalities", "updated_at", "-updated_at"])
def test_keyset_pages_visit_every_incident_once_in_order(api_client, kirkuk, ordering):
    for n in range(23):
        IncidentFactory(place=kirkuk, date=dt.date(2016, 1, 1 + n % 4), fatalities=None if n % 5 == 0 else n % 3)
    seen, sizes, url, params = [], [], URL, {"ordering": ordering, "page_size": 5}
    while url:
        body = api_client.get(url, params).json()
        sizes.append(len(body["results"]))
        seen.extend(body["results"])
        url, params = body["next"], None
    assert sizes == [5, 5, 5, 5, 3]
    assert len({r["id"] for r in seen}) == 23
    key = ordering.lstrip("-")

    def sort_key(row):
        value = row[key]
        return (-1 if value is None else value, row["id"])

    assert seen == sorted(seen, key=sort_key, reverse=ordering.startswith("-"))


def test_a_deep_page_is_one_row_comparison_on_the_date_id_index(api_client, kirkuk):
    IncidentFactory.create_batch(3, place=kirkuk)
    body = api_client.get(URL, {"page_size": 1}).json()
    with connection.execute_wrapper(_capture := _Capture()):
        api_client.get(body["next"])
    page_sql = next(sql for sql in _capture.sql if "LIMIT" in sql and "EXPLAIN" not in sql)
    assert '("incidents_incident"."date", "incidents_incident"."id") <' in page_sql
    assert "OFFSET" not in page_sql and "IS NULL" not in page_sql


class _Capture:
    def __init__(self):
        self.sql = []
        self.params = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        self.params.append(params)
        return execute(sql, params, many, context)


@pytest.mark.parametrize("page_size", [1, 10, 60])
def test_a_list_page_costs_the_same_queries_whatever_its_size(api_client, kirkuk, django_assert_num_queries, page_size):
    actors = [ActorFactory() for _ in range(3)]
    for n in range(61):
        incident = IncidentFactory(place=kirkuk)
        IncidentActor.objects.create(incident=incident, actor=actors[n % 3])
        IncidentSourceFactory(incident=incident)
    # The page's ids (keyset on the index), their rows (actors and source counts as subqueries) and one EXPLAIN
    # for the estimated count: three, whatever the page size.
    with django_assert_num_queries(3):
        response = api_client.get(URL, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    with django_assert_num_queries(3):
        response = api_client.get(URL, {"page_size": page_size, "format": "geojson"})
    assert len(response.json()["features"]) == page_size


def test_the_estimated_count_comes_from_the_planner_not_count_star(api_client, kirkuk):
    IncidentFactory.create_batch(3, place=kirkuk)
    with connection.execute_wrapper(capture := _Capture()):
        body = api_client.get(URL, {"page_size": 1}).json()
    assert body["estimated_count"] >= 1
    assert not any("COUNT(*)" in sql.upper() for sql in capture.sql)
    assert any(sql.startswith("EXPLAIN") for sql in capture.sql)


def test_the_detail_shows_actors_with_roles_sources_with_evidence_precision_and_history(api_client, kirkuk):
    incident = IncidentFactory(place=kirkuk, geo_precision="near", date_precision="week", fatalities_low=2)
    isis = ActorFactory(name="Islamic State")
    army = ActorFactory(name="Iraqi Security Forces")
    IncidentActor.objects.create(incident=incident, actor=isis, role=1)
    IncidentActor.objects.create(incident=incident, actor=army, role=2)
    IncidentSourceFactory(incident=incident, evidence="Militants attacked a checkpoint near Kirkuk.")
    IncidentSourceFactory(incident=incident, evidence="Three soldiers died near Kirkuk.")
    body = api_client.get(f"{URL}{incident.pk}/").json()
    assert [(a["name"], a["role"]) for a in body["actors"]] == [
        ("Islamic State", "actor1"),
        ("Iraqi Security Forces", "actor2"),
    ]
    assert [s["evidence"] for s in body["sources"]] == [
        "Militants attacked a checkpoint near Kirkuk.",
        "Three soldiers died near Kirkuk.",
    ]
    assert body["geo_precision"] == "near" and body["date_precision"] == "week"
    assert body["fatalities_low"] == 2 and body["place"]["name"] == "Kirkuk"
    assert body["history"][0]["type"] == "created"


def test_the_detail_of_a_rejected_incident_is_hidden_from_the_public(api_client, kirkuk):
    rejected = IncidentFactory(place=kirkuk, status="rejected")
    assert api_client.get(f"{URL}{rejected.pk}/").status_code == 404
    assert api_client.get(f"{URL}99999999999999999999999/").status_code == 404


@pytest.mark.parametrize(
    ("ordering", "index"), [("-fatalities", "incident_fatalities_id"), ("updated_at", "incident_updated_id")]
)
def test_deep_pages_of_the_other_orderings_are_index_ranges(api_client, kirkuk, ordering, index):
    IncidentFactory.create_batch(3, place=kirkuk)
    next_url = api_client.get(URL, {"page_size": 1, "ordering": ordering}).json()["next"]
    with connection.execute_wrapper(capture := _Capture()):
        api_client.get(next_url)
    page_sql = next(sql for sql in capture.sql if "LIMIT" in sql and "EXPLAIN" not in sql)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        # Few rows here, so the planner is pushed off the shortcuts it would take on a tiny table; the point is
        # that the keyset condition and order match an index at all.
        params = capture.params[capture.sql.index(page_sql)]
        cursor.execute("EXPLAIN " + page_sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan and "Index Cond" in plan
