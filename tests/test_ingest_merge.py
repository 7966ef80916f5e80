"""Merging extracted incidents into the domain; the extractions are built by hand so each rule is pinned alone."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from incidents.models import Incident, IncidentActor, IncidentRemoval, IncidentSource, UnresolvedPlace
from ingest.merge import _MERGE_LOCK_BASE, date_window, merge_extraction, merge_lock_keys
from ingest.types import ExtractedIncident, Extraction, FoundPlace, UnresolvedMention
from tests.factories import GAZETTEER_POINTS, ActorFactory, ArticleFactory, IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return ActorFactory(name="Islamic State"), ActorFactory(name="Popular Mobilization Forces")


def found(place):
    return FoundPlace(
        name=place.name, place_id=place.pk, canonical=place.name, lat=place.point.y, lon=place.point.x,
        country=place.country, admin1=place.admin1, kind=place.kind,
    )  # fmt: skip


def report(place, *, day=dt.date(2016, 3, 14), precision="day", fatalities=None, actors=(), event=None, **kw):
    event_type, sub = event or ("battles", "armed_clash")
    return ExtractedIncident(
        event_type=event_type, sub_event_type=sub, date=day, date_precision=precision,
        place=found(place) if place else None, geo_precision="exact", actors=list(actors), fatalities=fatalities,
        evidence=kw.pop("evidence", f"Fighting in {place.name if place else 'Iraq'}, {fatalities} killed."), **kw,
    )  # fmt: skip


def test_a_new_report_becomes_an_incident_with_its_place_actors_and_evidence(kirkuk, actors):
    article = ArticleFactory()
    result = merge_extraction(
        article=article,
        extraction=Extraction(incidents=[report(kirkuk, fatalities=3, actors=["Islamic State", "Unknown group"])]),
    )
    incident = Incident.objects.get(pk=result.created[0])
    assert (incident.location_name, incident.country, incident.fatalities) == ("Kirkuk", "IQ", 3)
    assert incident.point.equals(kirkuk.point)
    assert [(link.actor.name, link.role) for link in incident.actor_links.all()] == [("Islamic State", 1)]
    assert incident.source_links.get().evidence == "Fighting in Kirkuk, 3 killed."
    article.refresh_from_db()
    assert article.status == "processed"


def test_running_the_same_article_twice_adds_nothing(kirkuk, actors):
    article = ArticleFactory()
    extraction = Extraction(incidents=[report(kirkuk, fatalities=3, actors=["Islamic State"])])
    first = merge_extraction(article=article, extraction=extraction)
    second = merge_extraction(article=article, extraction=extraction)
    assert second.created == [] and second.matched == first.created
    assert Incident.objects.count() == 1 and IncidentSource.objects.count() == 1
    assert IncidentActor.objects.count() == 1


def test_the_same_incident_twice_in_one_article_is_one_incident_with_both_sentences(kirkuk):
    article = ArticleFactory()
    merge_extraction(
        article=article,
        extraction=Extraction(
            incidents=[
                report(kirkuk, fatalities=3, evidence="Three soldiers died near Kirkuk."),
                report(kirkuk, fatalities=4, evidence="A fourth soldier later died of his wounds."),
            ]
        ),
    )
    incident = Incident.objects.get()
    link = incident.source_links.get()
    assert "Three soldiers" in link.evidence and "fourth soldier" in link.evidence
    assert incident.fatalities == 4


def test_a_second_outlet_nearby_on_the_next_day_becomes_a_second_source_with_a_casualty_range(kirkuk, bashir, actors):
    merge_extraction(article=ArticleFactory(), extraction=Extraction(incidents=[report(bashir, fatalities=15)]))
    second = merge_extraction(
        article=ArticleFactory(),
        extraction=Extraction(incidents=[report(kirkuk, day=dt.date(2016, 3, 15), fatalities=20)]),
    )
    incident = Incident.objects.get()
    assert second.matched == [incident.pk]
    assert (incident.fatalities_low, incident.fatalities, incident.fatalities_high) == (15, 20, 20)
    assert incident.source_links.count() == 2
    assert incident.place.name == "Bashir"  # the first, more precise report keeps its place


def test_reports_far_apart_in_space_or_time_or_of_another_kind_stay_apart(kirkuk, mosul):
    merge_extraction(article=ArticleFactory(), extraction=Extraction(incidents=[report(kirkuk)]))
    merge_extraction(article=ArticleFactory(), extraction=Extraction(incidents=[report(mosul)]))
    merge_extraction(
        article=ArticleFactory(), extraction=Extraction(incidents=[report(kirkuk, day=dt.date(2016, 3, 20))])
    )
    merge_extraction(
        article=ArticleFactory(),
        extraction=Extraction(incidents=[report(kirkuk, event=("protests", "peaceful_protest"))]),
    )
    assert Incident.objects.count() == 4


def test_reports_naming_different_actors_stay_apart(kirkuk):
    ActorFactory(name="Peshmerga"), ActorFactory(name="Islamic State"), ActorFactory(name="Asaib Ahl al-Haq")
    merge_extraction(
        article=ArticleFactory(),
        extraction=Extraction(incidents=[report(kirkuk, actors=["Islamic State", "Peshmerga"])]),
    )
    merge_extraction(
        article=ArticleFactory(), extraction=Extraction(incidents=[report(kirkuk, actors=["Asaib Ahl al-Haq"])])
    )
    assert Incident.objects.count() == 2


def test_a_member_group_matches_its_umbrella_organisation(kirkuk):
    pmf = ActorFactory(name="Popular Mobilization Forces")
    kh = ActorFactory(name="Kataib Hezbollah", parent=pmf)
    assert kh.parent == pmf
    merge_extraction(article=ArticleFactory(), extraction=Extraction(incidents=[report(kirkuk, actors=[pmf.name])]))
    merge_extraction(article=ArticleFactory(), extraction=Extraction(incidents=[report(kirkuk, actors=[kh.name])]))
    assert Incident.objects.count() == 1


def test_a_day_inside_a_month_matches_the_month_and_sharpens_the_date(kirkuk):
    merge_extraction(
        article=ArticleFactory(),
        extraction=Extraction(incidents=[report(kirkuk, day=dt.date(2016, 3, 1), precision="month")]),
    )
    merge_extraction(
        article=ArticleFactory(), extraction=Extraction(incidents=[report(kirkuk, day=dt.date(2016, 3, 21))])
    )
    incident = Incident.objects.get()
    assert (incident.date, incident.date_precision) == (dt.date(2016, 3, 21), "day")


def test_a_curator_locked_incident_gains_a_source_but_keeps_its_values(kirkuk):
    locked = IncidentFactory(place=kirkuk, fatalities=3, curator_locked=True, status="verified")
    result = merge_extraction(
        article=ArticleFactory(), extraction=Extraction(incidents=[report(kirkuk, fatalities=40)])
    )
    locked.refresh_from_db()
    assert result.matched == [locked.pk]
    assert (locked.fatalities, locked.fatalities_high, locked.status) == (3, None, "verified")
    assert locked.source_links.count() == 1


def test_an_undated_incident_takes_the_publication_date(kirkuk):
    dated = ArticleFactory(published=dt.datetime(2020, 1, 3, tzinfo=dt.UTC))
    merge_extraction(article=dated, extraction=Extraction(incidents=[report(kirkuk, day=None, precision="month")]))
    assert Incident.objects.get().date == dt.date(2020, 1, 3)


def test_an_incident_no_date_fixes_is_recorded_dated_by_receipt_and_left_for_review(kirkuk):
    undated = ArticleFactory(published=None)
    result = merge_extraction(article=undated, extraction=Extraction(incidents=[report(kirkuk, day=None)]))
    undated.refresh_from_db()
    incident = Incident.objects.get()
    assert result.created == [incident.pk] and not result.skipped
    assert (incident.date, incident.date_precision) == (undated.created_at.date(), "received")
    assert incident.status == "unreviewed"
    assert undated.status == "processed" and "1 incident(s) dated by when the article was received" in undated.error


def test_a_dated_report_of_the_same_incident_replaces_a_date_by_receipt(kirkuk):
    undated = ArticleFactory(published=None)
    merge_extraction(article=undated, extraction=Extraction(incidents=[report(kirkuk, day=None)]))
    received = undated.created_at.date()
    dated = ArticleFactory(published=dt.datetime.combine(received, dt.time(), tzinfo=dt.UTC))
    merge_extraction(article=dated, extraction=Extraction(incidents=[report(kirkuk, day=received - dt.timedelta(3))]))
    incident = Incident.objects.get()
    assert (incident.date, incident.date_precision) == (received - dt.timedelta(3), "day")


def test_unresolved_place_names_are_counted_once_per_article_with_an_example():
    first, second = ArticleFactory(), ArticleFactory()
    mention = UnresolvedMention(name="Qaryat Zuhayr", sentence="the village of Qaryat Zuhayr was shelled")
    for article in (first, first, second):
        merge_extraction(article=article, extraction=Extraction(unresolved=[mention]))
    unresolved = UnresolvedPlace.objects.get()
    assert unresolved.mention_count == 2
    assert unresolved.example == "the village of Qaryat Zuhayr was shelled"
    assert set(unresolved.articles.all()) == {first, second}


def test_date_windows_follow_the_precision():
    assert date_window(dt.date(2021, 2, 10), "month") == (dt.date(2021, 2, 1), dt.date(2021, 2, 28))
    assert date_window(dt.date(2021, 2, 10), "year") == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert date_window(dt.date(2021, 2, 10), "day") == (dt.date(2021, 2, 9), dt.date(2021, 2, 11))


def test_rereading_an_article_with_a_new_place_moves_its_incident_instead_of_duplicating_it(kirkuk, bashir):
    article, other = ArticleFactory(), ArticleFactory()
    vague = report(None, fatalities=15, evidence="Fifteen militiamen were killed.")
    merge_extraction(article=article, extraction=Extraction(incidents=[vague]))
    old = Incident.objects.get()
    merge_extraction(article=article, extraction=Extraction(incidents=[report(bashir, fatalities=15)]))
    assert list(Incident.objects.values_list("location_name", flat=True)) == ["Bashir"]
    assert IncidentRemoval.objects.get(incident_id=old.pk).reason == "deleted"
    # An incident another article also reports only loses this article's link and its figures.
    shared = merge_extraction(article=other, extraction=Extraction(incidents=[report(bashir, fatalities=20)])).matched
    merge_extraction(article=article, extraction=Extraction(incidents=[report(kirkuk, day=dt.date(2016, 3, 20))]))
    incident = Incident.objects.get(pk=shared[0])
    assert list(incident.source_links.values_list("article", flat=True)) == [other.pk]
    assert (incident.fatalities_low, incident.fatalities, incident.fatalities_high) == (None, 20, None)


def test_merge_locks_cover_the_merge_radius_and_are_taken_in_one_order():
    def cells(*points):
        """(lon, lat) of the one-degree cells whose locks merging near these points takes, in the order taken."""
        return [((key - _MERGE_LOCK_BASE) // 1000 - 180, (key - _MERGE_LOCK_BASE) % 1000 - 90) for key in
                merge_lock_keys([GAZETTEER_POINTS[name] for name in points])]  # fmt: skip

    # Each point locks every cell within the margin (more than the merge radius) around it.
    assert cells("Kirkuk") == [(44, 35)]
    assert cells("Bashir") == [(44, 34), (44, 35)]  # 15 km from Kirkuk: the margin reaches south of 35 N
    assert cells("Mosul") == [(42, 35), (42, 36), (43, 35), (43, 36)]  # none of Kirkuk's
    assert cells("Mosul", "Kirkuk") == [(42, 35), (42, 36), (43, 35), (43, 36), (44, 35)]
    assert merge_lock_keys([None, None]) == merge_lock_keys([None])


@pytest.mark.django_db(transaction=True)
def test_two_workers_reporting_one_new_incident_at_the_same_moment_create_it_once(kirkuk):
    import threading

    from django.db import connection

    articles = [ArticleFactory(status="processing"), ArticleFactory(status="processing")]
    barrier, errors = threading.Barrier(2), []

    def work(article):
        try:
            barrier.wait()
            merge_extraction(article=article, extraction=Extraction(incidents=[report(kirkuk, fatalities=3)]))
        except Exception as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(a,)) for a in articles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Incident.objects.count() == 1 and IncidentSource.objects.count() == 2


def test_every_report_is_searchable_and_the_grown_vector_holds_what_a_full_rebuild_does(kirkuk):
    from django.contrib.postgres.search import SearchQuery
    from django.db import connection

    from incidents.services import incident_refresh_search

    first = merge_extraction(
        article=ArticleFactory(),
        extraction=Extraction(incidents=[report(kirkuk, evidence="Gunmen stormed a checkpoint.")]),
    ).created[0]
    merge_extraction(
        article=ArticleFactory(), extraction=Extraction(incidents=[report(kirkuk, evidence="Mortars hit.")])
    )
    merge_extraction(
        article=ArticleFactory(),
        extraction=Extraction(incidents=[report(kirkuk, evidence="Gunmen stormed a checkpoint.")]),
    )
    for words in ("gunmen checkpoint", "mortars"):
        assert list(Incident.objects.filter(search_vector=SearchQuery(words)).values_list("pk", flat=True)) == [first]

    def lexemes():
        with connection.cursor() as cursor:
            cursor.execute("SELECT array_agg(l ORDER BY l) FROM unnest((SELECT search_vector FROM incidents_incident "
                           "WHERE id = %s)) AS u(l, p, w)", [first])  # fmt: skip
            return cursor.fetchone()[0]

    grown = lexemes()
    incident_refresh_search(incident_ids=[first])
    assert grown == lexemes() and "mortar" in grown


def test_the_candidate_query_selects_exactly_what_could_be_accepts(kirkuk):
    """The SQL filter (dates overlapping per precision, sphere distance, placeless by country) and `could_be` in
    Python must agree, or merges would depend on which incidents happened to be in memory."""
    import itertools

    from ingest.merge import Report, candidates_for

    precisions = ["day", "week", "month", "year"]
    days = [dt.date(2016, 3, 14) + dt.timedelta(days=d) for d in (-400, -40, -8, -7, -3, -2, 0, 2, 3, 9, 20, 300)]
    # 0, ~11, ~24.5, ~25.6 and ~60 km north of Kirkuk, and no point at all (IQ and SY).
    offsets = [0.0, 0.1, 0.22, 0.23, 0.54, None]
    made = []
    for precision, day, offset, kind in itertools.product(precisions, days, offsets, range(3)):
        point = None if offset is None else Point(kirkuk.point.x, kirkuk.point.y + offset, srid=4326)
        event_type, sub = [("battles", "armed_clash"), ("protests", "peaceful_protest")][kind % 2]
        made.append(Incident(event_type=event_type, sub_event_type=sub, date=day, date_precision=precision,
                             point=point, country="SY" if kind == 2 else "IQ"))  # fmt: skip
    Incident.objects.bulk_create(made)
    for precision, place in itertools.product(precisions, [kirkuk, None]):
        report = Report("battles", "armed_clash", dt.date(2016, 3, 14), precision, place, "IQ", [])
        expected = {i.pk for i in Incident.objects.all() if report.could_be(i)}
        assert expected, "the report must have candidates, or the comparison proves nothing"
        # A limit above the count: the cap on candidates per report is not what this pins.
        assert {i.pk for i in candidates_for([report], limit=10_000)} == expected, (precision, place)
        assert len(expected) < Incident.objects.count() / 2, "the filter must reject something too"
