"""The curation services: edits with history, review status, merges, the search vector and gazetteer saves."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from incidents.models import Incident, IncidentActor, IncidentRemoval, IncidentSource, Place
from incidents.services import (
    incident_merge,
    incident_refresh_search,
    incident_set_status,
    incident_update,
    place_save,
)
from tests.factories import ActorFactory, ArticleFactory, IncidentFactory, IncidentSourceFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def latest_history(incident_id: int):
    return Incident.history.filter(id=incident_id).order_by("-history_date", "-history_id").first()


# --- incident_update ---------------------------------------------------------------------------------------------


def test_an_edit_records_the_user_and_locks_the_incident(user):
    incident = IncidentFactory(fatalities=3)

    incident_update(incident=incident, user=user, fatalities=5)

    incident.refresh_from_db()
    assert incident.fatalities == 5
    assert incident.curator_locked is True
    record = latest_history(incident.pk)
    assert record.history_user == user
    assert record.history_change_reason == "edited: fatalities"
    assert record.fatalities == 5


def test_a_new_place_brings_its_point_country_and_province(user, raqqa):
    incident = IncidentFactory()

    incident_update(incident=incident, user=user, place=raqqa)

    incident.refresh_from_db()
    assert (incident.country, incident.admin1, incident.location_name) == ("SY", "Raqqa", "Raqqa")
    assert incident.point.equals_exact(raqqa.point, tolerance=1e-9)


def test_a_point_moved_in_the_same_edit_as_the_place_is_kept(user, raqqa):
    incident = IncidentFactory()
    outskirts = Point(39.05, 35.97, srid=4326)

    incident_update(incident=incident, user=user, place=raqqa, point=outskirts)

    incident.refresh_from_db()
    assert incident.point.equals_exact(outskirts, tolerance=1e-9)
    assert incident.country == "SY"


def test_it_rejects_an_edit_that_breaks_the_taxonomy_and_saves_nothing(user):
    incident = IncidentFactory(event_type="battles", sub_event_type="armed_clash")

    with pytest.raises(ValidationError):
        incident_update(incident=incident, user=user, sub_event_type="air_drone_strike")

    incident.refresh_from_db()
    assert incident.sub_event_type == "armed_clash"
    assert incident.curator_locked is False


def test_it_rejects_a_low_estimate_above_the_best_one(user):
    incident = IncidentFactory(fatalities=3)

    with pytest.raises(ValidationError):
        incident_update(incident=incident, user=user, fatalities_low=10)


def test_it_refuses_to_edit_derived_fields(user):
    incident = IncidentFactory()

    with pytest.raises(ValidationError, match="search_vector"):
        incident_update(incident=incident, user=user, search_vector="x")


def test_rejecting_through_an_edit_writes_a_tombstone_once(user):
    incident = IncidentFactory()

    incident_update(incident=incident, user=user, status="rejected")
    incident_update(incident=incident, user=user, summary="Rejected: a background paragraph.")

    assert IncidentRemoval.objects.filter(incident_id=incident.pk, reason="rejected").count() == 1


def test_a_summary_edit_refreshes_the_search_vector(user):
    incident = IncidentFactory(summary="Clash at a checkpoint.")

    incident_update(incident=incident, user=user, summary="Drone strike on a convoy.")

    assert Incident.objects.filter(pk=incident.pk, search_vector="convoy").exists()
    assert not Incident.objects.filter(pk=incident.pk, search_vector="checkpoint").exists()


# --- incident_set_status -------------------------------------------------------------------------------------------


def test_verifying_in_bulk_changes_status_locks_and_records_the_user(user):
    first, second = IncidentFactory(), IncidentFactory()

    changed = incident_set_status(incidents=[first, second], status="verified", user=user)

    assert changed == 2
    for incident in (first, second):
        incident.refresh_from_db()
        assert (incident.status, incident.curator_locked) == ("verified", True)
        record = latest_history(incident.pk)
        assert record.history_user == user
        assert record.history_change_reason == "status: unreviewed -> verified"


def test_rejecting_writes_tombstones_and_skips_incidents_already_rejected(user):
    fresh = IncidentFactory()
    already = IncidentFactory(status="rejected")

    changed = incident_set_status(incidents=Incident.objects.all(), status="rejected", user=user)

    assert changed == 1
    assert list(IncidentRemoval.objects.values_list("incident_id", "reason")) == [(fresh.pk, "rejected")]
    already.refresh_from_db()
    assert already.history.count() == 1


def test_it_rejects_an_unknown_status(user):
    incident = IncidentFactory()

    with pytest.raises(ValidationError):
        incident_set_status(incidents=[incident.pk], status="approved", user=user)


# --- incident_merge ------------------------------------------------------------------------------------------------


def test_a_merge_keeps_every_source_and_folds_evidence_of_a_shared_article(user):
    keep = IncidentFactory()
    drop = IncidentFactory()
    shared = ArticleFactory()
    IncidentSourceFactory(incident=keep, article=shared, evidence="Three soldiers were killed near Kirkuk.")
    IncidentSourceFactory(incident=drop, article=shared, evidence="The attack hit a checkpoint at dawn.")
    only_keep = IncidentSourceFactory(incident=keep).article
    only_drop = IncidentSourceFactory(incident=drop).article

    incident_merge(keep=keep, drop=[drop], user=user)

    links = IncidentSource.objects.filter(incident=keep)
    assert {link.article_id for link in links} == {shared.pk, only_keep.pk, only_drop.pk}
    folded = links.get(article=shared).evidence
    assert "Three soldiers were killed near Kirkuk." in folded
    assert "The attack hit a checkpoint at dawn." in folded
    assert not Incident.objects.filter(pk=drop.pk).exists()


def test_a_merge_does_not_repeat_evidence_both_sources_quote(user):
    keep, drop = IncidentFactory(), IncidentFactory()
    shared = ArticleFactory()
    IncidentSourceFactory(incident=keep, article=shared, evidence="Three soldiers were killed.")
    IncidentSourceFactory(incident=drop, article=shared, evidence="Three soldiers were killed.")

    incident_merge(keep=keep, drop=[drop], user=user)

    assert IncidentSource.objects.get(incident=keep).evidence == "Three soldiers were killed."


def test_a_merge_moves_actor_links_without_duplicates(user):
    keep, drop = IncidentFactory(), IncidentFactory()
    isis, pmf, peshmerga = ActorFactory(name="Islamic State"), ActorFactory(name="PMF"), ActorFactory(name="Peshmerga")
    IncidentActor.objects.create(incident=keep, actor=isis, role=1)
    IncidentActor.objects.create(incident=drop, actor=isis, role=1)
    IncidentActor.objects.create(incident=drop, actor=pmf, role=2)
    IncidentActor.objects.create(incident=drop, actor=peshmerga, role=2)

    incident_merge(keep=keep, drop=[drop], user=user)

    assert sorted(keep.actor_links.values_list("actor__name", "role")) == [
        ("Islamic State", 1),
        ("PMF", 2),
        # One actor 2 per incident (the first named): a second one joins as an associated actor.
        ("Peshmerga", 3),
    ]


def test_a_merge_takes_the_earliest_date_with_its_precision(user):
    keep = IncidentFactory(date=dt.date(2016, 3, 14), date_precision="day")
    week = IncidentFactory(date=dt.date(2016, 3, 10), date_precision="week")
    later = IncidentFactory(date=dt.date(2016, 3, 20), date_precision="day")

    merged = incident_merge(keep=keep, drop=[week, later], user=user)

    assert (merged.date, merged.date_precision) == (dt.date(2016, 3, 10), "week")


def test_a_merge_keeps_the_widest_range_and_the_highest_best_estimate(user):
    keep = IncidentFactory(fatalities_low=2, fatalities=3, fatalities_high=4, injured=5)
    drop = IncidentFactory(fatalities_low=None, fatalities=7, fatalities_high=12, injured=None)
    other = IncidentFactory(fatalities_low=1, fatalities=None, fatalities_high=None, injured=9)

    merged = incident_merge(keep=keep, drop=[drop, other], user=user)

    assert (merged.fatalities_low, merged.fatalities, merged.fatalities_high) == (1, 7, 12)
    assert merged.injured == 9


def test_a_merge_of_reports_that_agree_leaves_no_range(user):
    keep, drop = IncidentFactory(fatalities=3), IncidentFactory(fatalities=3)

    merged = incident_merge(keep=keep, drop=[drop], user=user)

    assert (merged.fatalities_low, merged.fatalities, merged.fatalities_high) == (None, 3, None)


def test_a_merge_writes_tombstones_and_history_with_the_reason(user):
    keep, first, second = IncidentFactory(), IncidentFactory(), IncidentFactory()

    incident_merge(keep=keep, drop=[second, first], user=user)

    removals = IncidentRemoval.objects.order_by("incident_id")
    assert [(r.incident_id, r.reason, r.merged_into_id) for r in removals] == [
        (first.pk, "merged", keep.pk),
        (second.pk, "merged", keep.pk),
    ]
    reason = f"merged #{first.pk}, #{second.pk} into #{keep.pk}"
    record = latest_history(keep.pk)
    assert (record.history_user, record.history_change_reason) == (user, reason)
    gone = latest_history(first.pk)
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == ("-", user, reason)
    keep.refresh_from_db()
    assert keep.curator_locked is True


def test_a_merge_takes_the_place_from_a_dropped_incident_when_the_kept_has_none(user):
    keep = IncidentFactory(place=None, point=None, country="", admin1="", location_name="")
    drop = IncidentFactory()

    merged = incident_merge(keep=keep, drop=[drop], user=user)

    assert merged.place_id == drop.place_id
    assert merged.point.equals_exact(drop.place.point, tolerance=1e-9)
    assert (merged.country, merged.admin1) == (drop.country, drop.admin1)


def test_a_merge_that_fails_half_way_leaves_everything_as_it_was(user, monkeypatch):
    keep, drop = IncidentFactory(fatalities=3), IncidentFactory(fatalities=9)
    moved = IncidentSourceFactory(incident=drop)

    def refuse(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(IncidentRemoval.objects, "create", refuse)
    with pytest.raises(RuntimeError):
        incident_merge(keep=keep, drop=[drop], user=user)

    moved.refresh_from_db()
    keep.refresh_from_db()
    assert moved.incident_id == drop.pk
    assert keep.fatalities == 3 and keep.curator_locked is False
    assert Incident.objects.filter(pk=drop.pk).exists()
    assert keep.history.count() == 1


def test_a_merge_into_itself_is_refused_and_changes_nothing(user):
    keep, other = IncidentFactory(), IncidentFactory()

    with pytest.raises(ValidationError):
        incident_merge(keep=keep, drop=[keep, other], user=user)

    assert Incident.objects.count() == 2
    assert not IncidentRemoval.objects.exists()


def test_a_merge_makes_the_dropped_evidence_searchable_on_the_kept_incident(user):
    keep, drop = IncidentFactory(summary="Clash near Kirkuk."), IncidentFactory()
    IncidentSourceFactory(incident=drop, evidence="Mortar rounds landed on the market.")

    incident_merge(keep=keep, drop=[drop], user=user)

    assert Incident.objects.filter(pk=keep.pk, search_vector="mortar").exists()


# --- incident_refresh_search and place_save ------------------------------------------------------------------------


def test_the_search_vector_covers_summary_and_every_source_with_english_stemming():
    incident = IncidentFactory(summary="Gunmen attacked a checkpoint.")
    IncidentSourceFactory(incident=incident, evidence="Two policemen were killed.")
    IncidentSourceFactory(incident=incident, evidence="Snipers fired on the convoy.")
    untouched = IncidentFactory(summary="Gunmen attacked a checkpoint.")

    incident_refresh_search(incident_ids=[incident.pk])

    for word in ("attack", "checkpoints", "kill", "sniper", "convoy"):
        assert Incident.objects.filter(pk=incident.pk, search_vector=word).exists(), word
    assert Incident.objects.get(pk=untouched.pk).search_vector is None


def test_saving_a_place_refreshes_its_normalised_search_names():
    place = PlaceFactory(name="Erbil")
    place.alternate_names = ["Arbil", "Ḥawlēr"]

    place_save(place=place)

    assert Place.objects.filter(search_names__contains=["hawler"]).get() == place


def test_moving_a_place_moves_the_incidents_still_on_its_old_point():
    place = PlaceFactory(point=Point(44.0, 35.0, srid=4326))
    following = IncidentFactory(place=place)
    moved_by_hand = IncidentFactory(place=place, point=Point(44.2, 35.1, srid=4326))

    place.point = Point(44.1, 35.05, srid=4326)
    place_save(place=place)

    following.refresh_from_db()
    moved_by_hand.refresh_from_db()
    assert following.point.equals_exact(place.point, tolerance=1e-9)
    assert moved_by_hand.point.equals_exact(Point(44.2, 35.1, srid=4326), tolerance=1e-9)
