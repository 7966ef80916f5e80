"""The summary read from the roll-ups (daily summary, monthly roll-ups, actor roll-up of migration 0020) is the summary
aggregated from the incidents, through every kind of change and compaction."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from bench.synthetic import synthetic_generate
from incidents import selectors, services
from incidents.models import Actor, Incident, IncidentActor

from .factories import ActorFactory, IncidentFactory, PlaceFactory

pytestmark = pytest.mark.django_db

FILTERS = [
    {},
    {"date_from": dt.date(2014, 3, 17), "date_to": dt.date(2019, 11, 3)},
    {"date_from": dt.date(2015, 1, 1), "date_to": dt.date(2016, 12, 31)},
    {"date_from": dt.date(2016, 5, 9)},
    {"date_to": dt.date(2013, 7, 20)},
    {"date_from": dt.date(2017, 2, 3), "date_to": dt.date(2017, 3, 20)},  # inside two months: no whole month
    {"country": ["SY"]},
    {"event_type": ["battles", "riots"], "country": ["IQ"], "date_from": dt.date(2012, 6, 2)},
    {"status": ["verified"]},
    {"status": ["rejected"]},
]


def both(filters: dict, user=None) -> tuple[dict, dict]:
    assert selectors.summary_rollups_support(filters)
    rollups = selectors.incident_summary_from_rollups(filters=filters, user=user)
    table = selectors.incident_summary_from_incidents(filters=filters, user=user)
    return rollups, table


def assert_same(filters: dict, user=None) -> dict:
    rollups, table = both(filters, user)
    assert rollups == table, filters
    return table


def compact() -> None:
    services.incident_stats_compact()
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM incidents_actor_stat_delta) + "
                       "(SELECT count(*) FROM incidents_daily_stat_delta)")  # fmt: skip
        assert cursor.fetchone()[0] == 0


@pytest.fixture
def incidents():
    PlaceFactory(name="Kirkuk", admin1="Kirkuk", population=975_000, point=Point(44.39, 35.47, srid=4326))
    PlaceFactory(name="Ramadi", admin1="Anbar", population=274_000, point=Point(43.30, 33.42, srid=4326))
    PlaceFactory(name="Raqqa", country="SY", admin1="Raqqa", population=220_000, point=Point(39.01, 35.95))
    synthetic_generate(n=400, seed=5, chunk_size=150)
    ids = list(Incident.objects.order_by("pk").values_list("pk", flat=True))
    Incident.objects.filter(pk__in=ids[:40]).update(status="rejected")
    Incident.objects.filter(pk__in=ids[40:80]).update(status="verified")
    return ids


@pytest.mark.parametrize("filters", FILTERS)
def test_the_roll_ups_give_the_summary_the_incidents_give(incidents, filters, admin_user):
    table = assert_same(filters)
    assert_same(filters, user=admin_user)
    if filters.get("status") != ["rejected"]:
        assert table["count"] and table["by_actor"], "the filter must match incidents, or the comparison proves nothing"


def test_the_summary_reads_the_roll_ups_only_for_the_filters_they_hold():
    assert selectors.summary_rollups_support({"country": ["IQ"], "date_from": dt.date(2016, 1, 1), "bbox": ""})
    for filters in ({"admin1": "Anbar"}, {"actor": "Peshmerga"}, {"bbox": (40, 30, 45, 37)}, {"q": "mosul"}):
        assert not selectors.summary_rollups_support(filters)
    with pytest.raises(ValueError):
        selectors.incident_summary_from_rollups(filters={"place": 1})


def test_rejected_incidents_stay_out_of_the_public_summary_and_editors_see_them(admin_user):
    isis = ActorFactory(name="Islamic State")
    shown = IncidentFactory(fatalities=4, date=dt.date(2016, 3, 2))
    hidden = IncidentFactory(fatalities=9, date=dt.date(2016, 3, 3), status="rejected")
    IncidentActor.objects.create(incident=shown, actor=isis, role=1)
    IncidentActor.objects.create(incident=hidden, actor=isis, role=1)
    for filters in ({}, {"status": ["rejected"]}, {"status": ["unreviewed", "rejected"]}):
        public = assert_same(filters)
        assert all(row["fatalities"] != 13 for row in public["by_actor"])
        assert_same(filters, user=admin_user)
    every = {"status": ["unreviewed", "verified", "rejected"]}
    assert selectors.incident_summary(filters=every, user=admin_user)["by_actor"][0]["fatalities"] == 13
    assert selectors.incident_summary(filters=every)["by_actor"][0]["fatalities"] == 4
    assert selectors.incident_summary(filters={"status": ["rejected"]})["count"] == 0
    services.incident_set_status(incidents=[shown.pk], status="rejected", user=admin_user)
    assert assert_same({})["count"] == 0
    assert assert_same(every)["by_actor"] == []
    assert assert_same(every, user=admin_user)["by_actor"][0]["count"] == 2


def test_an_actor_in_two_roles_counts_the_incident_and_its_deaths_once():
    army = ActorFactory(name="Iraqi Security Forces")
    incident = IncidentFactory(fatalities=6)
    IncidentActor.objects.create(incident=incident, actor=army, role=1)
    IncidentActor.objects.create(incident=incident, actor=army, role=2)
    summary = assert_same({})
    assert [(a["name"], a["count"], a["fatalities"]) for a in summary["by_actor"]] == [("Iraqi Security Forces", 1, 6)]
    IncidentActor.objects.filter(incident=incident, role=2).delete()
    assert assert_same({})["by_actor"][0]["count"] == 1, "the actor keeps the incident through its other role"
    IncidentActor.objects.filter(incident=incident).delete()
    assert assert_same({})["by_actor"] == []


def test_edits_status_changes_actor_changes_merges_and_deletions_reach_the_roll_ups(incidents, admin_user):
    ids = incidents
    Incident.objects.filter(pk__in=ids[80:110]).update(event_type="protests", sub_event_type="peaceful_protest")
    Incident.objects.filter(pk__in=ids[110:130]).update(date=dt.date(2022, 2, 2), country="SY")
    Incident.objects.filter(pk__in=ids[130:140]).update(fatalities_low=500, fatalities=500, fatalities_high=500)
    Incident.objects.filter(pk__in=ids[140:145]).update(fatalities=None)
    services.incident_set_status(incidents=ids[145:160], status="rejected", user=admin_user)
    services.incident_set_status(incidents=ids[:10], status="verified", user=admin_user)
    newcomer = ActorFactory(name="Sons of Iraq")
    IncidentActor.objects.filter(incident_id__in=ids[160:180]).update(actor=newcomer)
    IncidentActor.objects.filter(incident_id__in=ids[180:190]).delete()
    IncidentActor.objects.bulk_create([IncidentActor(incident_id=pk, actor=newcomer, role=3) for pk in ids[190:200]])
    Actor.objects.filter(pk=newcomer.pk).update(name="Sahwa councils")  # a rename moves no count
    keep = Incident.objects.get(pk=ids[200])
    services.incident_merge(keep=keep, drop=list(Incident.objects.filter(pk__in=ids[201:204])), user=admin_user)
    Incident.objects.filter(pk__in=ids[204:214]).delete()
    IncidentFactory(place=None, point=None, country="IQ", fatalities=12, date=dt.date(2016, 5, 20))

    for filters in FILTERS:
        assert_same(filters)
        assert_same(filters, user=admin_user)
    compact()
    for filters in FILTERS:
        assert_same(filters)
        assert_same(filters, user=admin_user)
    names = [row["name"] for row in selectors.incident_summary(filters={})["by_actor"]]
    assert "Sahwa councils" in names


def test_a_bulk_load_that_skips_the_triggers_fills_the_actor_roll_up():
    PlaceFactory(name="Mosul", admin1="Nineveh", population=1_000_000, point=Point(43.13, 36.34, srid=4326))
    synthetic_generate(n=300, seed=3, chunk_size=120, rebuild_indexes=True)
    IncidentActor.objects.create(incident=IncidentFactory(fatalities=2), actor=Actor.objects.first(), role=1)
    for filters in FILTERS:
        assert_same(filters)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_actor_stat")
        assert cursor.fetchone()[0] > 0, "the load ends with a compaction"


def test_the_actor_roll_up_empties_with_the_incidents():
    army = ActorFactory(name="Iraqi Security Forces")
    IncidentActor.objects.create(incident=IncidentFactory(), actor=army, role=1)
    compact()
    Incident.objects.all().delete()
    assert assert_same({})["by_actor"] == []
    compact()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_actor_stat")
        assert cursor.fetchone()[0] == 0, "rows that sum to zero go"
