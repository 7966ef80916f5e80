import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from bench import generate
from bench.synthetic import SYNTHETIC_SOURCE_URL, synthetic_delete, synthetic_generate
from incidents import selectors
from incidents.models import Article, Incident, IncidentActor, IncidentSource, Source
from incidents.taxonomy import is_valid_pair
from tests.factories import IncidentFactory, IncidentSourceFactory, PlaceFactory
from tests.fixtures.timeline import plain_timeline

pytestmark = pytest.mark.django_db


def synthetic_content() -> list[tuple]:
    """The generated incidents as the lists read them (actors and source counts included), less what two loads of the
    same data cannot share."""
    rows = selectors.incident_rows(queryset=Incident.objects.filter(is_synthetic=True).order_by("pk"))
    return [tuple(v for k, v in row.items() if k not in ("id", "created_at", "updated_at")) for row in rows]


def summary_cells() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT day, event_type, country, admin1, sum(n_unreviewed), sum(n_verified), sum(n_rejected), "
            "sum(f_unreviewed), sum(f_verified), sum(f_rejected) FROM ("
            "SELECT * FROM incidents_daily_stat UNION ALL SELECT * FROM incidents_daily_stat_delta) AS c "
            "GROUP BY 1, 2, 3, 4"
        )
        return {row[:4]: row[4:] for row in cursor.fetchall() if any(row[4:])}


def monthly_cells() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM incidents_monthly_stat")
        return {row[:4]: row[4:] for row in cursor.fetchall()}


def month_of(cells: dict) -> dict:
    months: dict = {}
    for (day, *rest), values in cells.items():
        key = (day.replace(day=1), *rest)
        months[key] = tuple(a + b for a, b in zip(months.get(key, (0,) * 6), values, strict=True))
    return months


def raw_cells() -> dict:
    cells: dict = {}
    statuses = ["unreviewed", "verified", "rejected"]
    rows = (
        Incident.objects.order_by()
        .values("date", "event_type", "country", "admin1", "status")
        .annotate(n=Count("pk"), f=Coalesce(Sum("fatalities"), 0))
    )
    for row in rows:
        key = (row["date"], row["event_type"], row["country"], row["admin1"])
        values = cells.setdefault(key, [0] * 6)
        values[statuses.index(row["status"])] += row["n"]
        values[3 + statuses.index(row["status"])] += row["f"]
    return {key: tuple(values) for key, values in cells.items()}


@pytest.fixture
def places():
    return [
        PlaceFactory(name="Kirkuk", admin1="Kirkuk", population=975_000),
        PlaceFactory(name="Ramadi", admin1="Anbar", population=274_000),
        PlaceFactory(name="Raqqa", country="SY", admin1="Raqqa", population=220_000),
    ]


def test_the_same_seed_generates_the_same_incidents(places):
    synthetic_generate(n=300, seed=7, chunk_size=120)
    first = synthetic_content()
    first_links = IncidentSource.objects.filter(incident__is_synthetic=True).count()
    synthetic_delete()
    synthetic_generate(n=300, seed=7, chunk_size=120)
    assert synthetic_content() == first
    assert IncidentSource.objects.filter(incident__is_synthetic=True).count() == first_links
    synthetic_delete()
    synthetic_generate(n=300, seed=8, chunk_size=120)
    assert synthetic_content() != first


def test_generated_incidents_look_like_conflict_data(places):
    synthetic_generate(n=2000, seed=1)
    incidents = Incident.objects.filter(is_synthetic=True)
    assert incidents.count() == 2000
    assert all(is_valid_pair(e, s) for e, s in incidents.values_list("event_type", "sub_event_type").distinct())
    types = dict(incidents.values_list("event_type").annotate(n=Count("pk")))
    assert max(types, key=types.get) == "explosions_remote_violence"
    assert len(types) == 6
    dates = incidents.values_list("date", flat=True)
    assert min(dates).year == 2006 and max(dates).year == 2025
    fatalities = sorted(incidents.exclude(fatalities=None).values_list("fatalities", flat=True))
    assert fatalities[len(fatalities) // 2] <= 1, "most incidents kill nobody or one person"
    assert fatalities[-1] >= 50, "a long tail of deadly ones"
    assert set(incidents.values_list("place_id", flat=True)) == {p.pk for p in places}
    sources_per_incident = IncidentSource.objects.filter(incident__is_synthetic=True).count() / 2000
    assert 1.5 < sources_per_incident < 3
    assert not incidents.filter(source_links=None).exists()
    assert IncidentActor.objects.filter(incident__is_synthetic=True).count() > 1500
    assert incidents.filter(search_vector=None).count() == 0
    by_id = list(incidents.order_by("pk").values_list("date", flat=True))
    assert by_id == sorted(by_id), "stored in date order, as ingest stores them"


def test_it_falls_back_to_real_towns_when_the_gazetteer_is_empty():
    synthetic_generate(n=200, seed=1)
    names = set(Incident.objects.values_list("location_name", flat=True))
    assert names and names <= {
        "Baghdad",
        "Mosul",
        "Basra",
        "Kirkuk",
        "Erbil",
        "Sulaymaniyah",
        "Najaf",
        "Karbala",
        "Nasiriyah",
        "Amarah",
        "Diwaniyah",
        "Kut",
        "Hillah",
        "Ramadi",
        "Fallujah",
        "Samarra",
        "Baqubah",
        "Tikrit",
        "Tal Afar",
        "Dohuk",
        "Sinjar",
        "Makhmur",
        "Hit",
        "Haditha",
        "Baiji",
        "Tuz Khurmatu",
        "Al-Qa'im",
        "Damascus",
        "Aleppo",
        "Homs",
        "Hama",
        "Latakia",
        "Deir ez-Zor",
        "Raqqa",
        "Idlib",
        "Daraa",
        "Al-Hasakah",
        "Qamishli",
        "Manbij",
        "Al-Bab",
        "Kobani",
        "Palmyra",
        "Douma",
        "Tartus",
        "Al-Bukamal",
        "Afrin",
        "Saraqib",
        "Suwayda",
    }
    assert Incident.objects.filter(place=None).count() == 200


def test_delete_removes_exactly_the_synthetic_rows(places):
    real = IncidentSourceFactory(incident=IncidentFactory(place=places[0])).incident
    real_source = Source.objects.create(name="Real feed", url="https://news.example.org/rss")
    Article.objects.filter(pk=real.source_links.get().article_id).update(source=real_source)
    out = io.StringIO()
    generate.main(["500", "--seed", "3"], stdout=out)
    assert "added 500 synthetic incidents" in out.getvalue()
    assert Incident.objects.filter(is_synthetic=True).count() == 500

    generate.main(["0", "--delete"], stdout=out)
    assert "deleted 500 synthetic incidents" in out.getvalue()

    assert list(Incident.objects.values_list("pk", flat=True)) == [real.pk]
    assert list(IncidentSource.objects.values_list("incident_id", flat=True)) == [real.pk]
    assert Article.objects.count() == 1
    assert not Source.objects.filter(url=SYNTHETIC_SOURCE_URL).exists()
    assert Source.objects.filter(pk=real_source.pk).exists()
    assert not IncidentActor.objects.exists()


def test_a_bulk_load_with_rebuilt_indexes_keeps_every_index_and_the_summary(places):
    def index_definitions():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'incidents_%%' ORDER BY indexname",
            )
            return [row[0] for row in cursor.fetchall()]

    before = index_definitions()
    synthetic_generate(n=700, seed=2, chunk_size=300, rebuild_indexes=True)
    assert index_definitions() == before
    assert Incident.objects.filter(is_synthetic=True).count() == 700
    assert summary_cells() == raw_cells()


def test_the_summary_table_matches_a_raw_group_by_after_inserts_updates_and_deletes(places):
    synthetic_generate(n=400, seed=4)
    assert summary_cells() == raw_cells()

    incidents = Incident.objects.filter(is_synthetic=True).order_by("pk")
    some = list(incidents.values_list("pk", flat=True)[:50])
    Incident.objects.filter(pk__in=some[:20]).update(status="rejected", fatalities=None)
    Incident.objects.filter(pk__in=some[20:35]).update(event_type="protests", sub_event_type="peaceful_protest")
    Incident.objects.filter(pk__in=some[35:45]).update(date=dt.date(2030, 1, 1), admin1="Elsewhere")
    moved = Incident.objects.get(pk=some[45])
    moved.fatalities = 77
    moved.save()
    IncidentSource.objects.filter(incident_id__in=some[46:50]).delete()
    Incident.objects.filter(pk__in=some[46:50]).delete()
    IncidentFactory(place=places[1], fatalities=12, status="verified")
    assert summary_cells() == raw_cells()

    with connection.cursor() as cursor:
        cursor.execute("SELECT incidents_daily_stat_compact()")
        cursor.execute("SELECT count(*) FROM incidents_daily_stat_delta")
        assert cursor.fetchone()[0] == 0
    assert summary_cells() == raw_cells()
    assert monthly_cells() == {key: value for key, value in month_of(raw_cells()).items() if any(value)}, (
        "the monthly roll-up follows the daily summary"
    )

    synthetic_delete()
    assert summary_cells() == raw_cells()
    assert len(raw_cells()) == 1


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"event_type": ["battles", "riots"]},
        {"country": ["SY"], "date_from": dt.date(2014, 3, 1), "date_to": dt.date(2016, 8, 31)},
        {"admin1": "Anbar", "status": ["verified"]},
        {"status": ["rejected"]},
        {"country": ["IQ"], "date_from": dt.date(2012, 1, 1), "date_to": dt.date(2019, 12, 31)},
        # Windows that end inside months: whole months from a monthly roll-up, the ends from the daily summary.
        {"date_from": dt.date(2013, 5, 17), "date_to": dt.date(2018, 2, 9)},
        {"admin1": "Anbar", "date_from": dt.date(2011, 11, 30)},
    ],
)
@pytest.mark.parametrize("interval", ["day", "week", "month", "year"])
def test_the_summary_timeline_equals_the_raw_group_by(places, filters, interval, admin_user):
    # An editor, so that the rejected-only filter selects something.
    synthetic_generate(n=600, seed=5)
    Incident.objects.filter(pk__in=Incident.objects.order_by("pk").values("pk")[:30]).update(
        event_type="riots", sub_event_type="mob_violence"
    )
    raw = plain_timeline(filters, interval, user=admin_user)
    assert raw, "the filter must select something, or the comparison proves nothing"
    assert selectors.incident_timeline_from_summary(filters=filters, user=admin_user, interval=interval) == raw
    assert selectors.incident_timeline(filters=filters, user=admin_user, interval=interval) == raw


def test_the_summary_timeline_hides_rejected_incidents_from_the_public(places):
    synthetic_generate(n=300, seed=5)
    assert Incident.objects.filter(status="rejected").exists()
    assert selectors.incident_timeline_from_summary(filters={"status": ["rejected"]}) == []
    public = selectors.incident_timeline_from_summary(filters={}, interval="year")
    assert sum(row["count"] for row in public) == Incident.objects.exclude(status="rejected").count()


def test_the_timeline_uses_the_incident_table_for_filters_the_summary_cannot_answer(places):
    assert selectors.timeline_summary_supports({"event_type": ["battles"], "bbox": None})
    assert not selectors.timeline_summary_supports({"bbox": (40, 30, 45, 37)})
    assert not selectors.timeline_summary_supports({"q": "checkpoint"})
    with pytest.raises(ValueError):
        selectors.incident_timeline_from_summary(filters={"actor": "ISIS"})


@pytest.mark.django_db(transaction=True)
def test_the_data_version_changes_when_incidents_or_their_links_change():
    start = selectors.data_version()
    incident = IncidentFactory()
    after_insert = selectors.data_version()
    assert after_insert > start
    Incident.objects.filter(pk=incident.pk).update(summary="Edited.")
    after_update = selectors.data_version()
    assert after_update > after_insert
    IncidentSourceFactory(incident=incident)
    after_link = selectors.data_version()
    assert after_link > after_update
    assert selectors.data_version() == after_link, "reading does not bump it"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_data_change")
        assert cursor.fetchone()[0] == 0, "the change log empties itself at commit"


@pytest.mark.parametrize("order_by", [["i.date DESC", "i.id DESC"], ["coalesce(i.fatalities, -1) ASC", "i.id ASC"]])
def test_the_export_pages_give_the_same_rows_as_one_page(places, order_by):
    synthetic_generate(n=300, seed=6)
    queryset = selectors.incident_list(filters={"country": ["IQ"]})

    def export(page_size):
        text = "".join(
            selectors.incident_export_csv(queryset=queryset, order_by=order_by, page_size=page_size, chunk_size=5)
        )
        return list(csv.reader(io.StringIO(text)))

    whole = export(10_000)
    assert len(whole) == queryset.count() > 100
    assert export(7) == whole
    assert len({row[0] for row in whole}) == len(whole)
