"""The actor and source summary columns on Incident (migration 0009) follow every change to what they summarise."""

import pytest

from incidents import services
from incidents.models import Incident, IncidentActor, IncidentSource

from .factories import (
    ActorFactory,
    ArticleFactory,
    IncidentFactory,
    IncidentSourceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def summary(incident: Incident) -> tuple:
    return (
        Incident.objects.filter(pk=incident.pk)
        .values_list("actors_json", "actor1_names", "actor2_names", "n_sources", "outlet_names")
        .get()
    )


def test_a_new_incident_has_an_empty_summary():
    assert summary(IncidentFactory()) == ([], "", "", 0, "")


def test_it_lists_actors_by_role_with_names_joined_per_role():
    incident = IncidentFactory()
    isis, pmf, kh, civilians = (ActorFactory(name=n) for n in ("Islamic State", "PMF", "Kataib Hezbollah", "Civilians"))
    IncidentActor.objects.create(incident=incident, actor=pmf, role=2)
    IncidentActor.objects.create(incident=incident, actor=isis, role=1)
    IncidentActor.objects.bulk_create(
        [IncidentActor(incident=incident, actor=kh, role=2), IncidentActor(incident=incident, actor=civilians, role=3)]
    )
    actors, actor1, actor2, _, _ = summary(incident)
    assert actors == [
        {"id": isis.pk, "name": "Islamic State", "role": 1},
        {"id": pmf.pk, "name": "PMF", "role": 2},
        {"id": kh.pk, "name": "Kataib Hezbollah", "role": 2},
        {"id": civilians.pk, "name": "Civilians", "role": 3},
    ]
    assert (actor1, actor2) == ("Islamic State", "PMF; Kataib Hezbollah")


def test_it_counts_sources_and_names_each_outlet_once_in_the_order_they_reported():
    incident = IncidentFactory()
    rudaw, reuters = SourceFactory(name="Rudaw"), SourceFactory(name="Reuters")
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=rudaw))
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=None, url="https://k24.example/a"))
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=reuters))
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=rudaw))
    _, _, _, count, outlets = summary(incident)
    assert count == 4
    assert outlets == "Rudaw; https://k24.example/a; Reuters"


def test_removing_a_link_updates_the_summary():
    incident = IncidentFactory()
    link = IncidentSourceFactory(incident=incident, article=ArticleFactory(source=SourceFactory(name="Rudaw")))
    actor_link = IncidentActor.objects.create(incident=incident, actor=ActorFactory(name="Peshmerga"), role=1)
    assert summary(incident)[1:] == ("Peshmerga", "", 1, "Rudaw")
    link.delete()
    actor_link.delete()
    assert summary(incident) == ([], "", "", 0, "")


def test_renaming_an_actor_an_outlet_or_moving_an_article_updates_the_incidents_that_name_them():
    incident = IncidentFactory()
    actor = ActorFactory(name="Brigade of the Test")  # not a seeded actor: those may be loaded
    IncidentActor.objects.create(incident=incident, actor=actor, role=1)
    source = SourceFactory(name="Rudaw")
    article = ArticleFactory(source=source)
    IncidentSourceFactory(incident=incident, article=article)

    actor.name = "Test Brigade"
    actor.save()
    source.name = "Rudaw Media Network"
    source.save()
    assert summary(incident)[1] == "Test Brigade"
    assert summary(incident)[0][0]["name"] == "Test Brigade"
    assert summary(incident)[4] == "Rudaw Media Network"

    article.source = SourceFactory(name="Kurdistan 24")
    article.save()
    assert summary(incident)[4] == "Kurdistan 24"


def test_saving_a_stale_instance_keeps_the_summary_the_links_give():
    incident = IncidentFactory()
    stale = Incident.objects.get(pk=incident.pk)
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=SourceFactory(name="Rudaw")))
    IncidentActor.objects.create(incident=incident, actor=ActorFactory(name="Peshmerga"), role=1)
    stale.fatalities = 3
    stale.save()
    Incident.objects.filter(pk=incident.pk).update(n_sources=99, outlet_names="forged")
    assert summary(incident)[1:] == ("Peshmerga", "", 1, "Rudaw")
    assert Incident.objects.get(pk=incident.pk).fatalities == 3


def test_a_curator_edit_keeps_the_summary(user):
    incident = IncidentFactory(fatalities=1)
    IncidentSourceFactory(incident=incident, article=ArticleFactory(source=SourceFactory(name="Rudaw")))
    IncidentActor.objects.create(incident=incident, actor=ActorFactory(name="Peshmerga"), role=1)
    services.incident_update(incident=incident, user=user, fatalities=5)
    assert summary(incident)[1:] == ("Peshmerga", "", 1, "Rudaw")


def test_a_merge_moves_the_dropped_incidents_actors_and_outlets_to_the_kept_one(user):
    keep, drop = IncidentFactory(), IncidentFactory()
    IncidentSourceFactory(incident=keep, article=ArticleFactory(source=SourceFactory(name="Rudaw")))
    IncidentActor.objects.create(incident=keep, actor=ActorFactory(name="Peshmerga"), role=1)
    IncidentSourceFactory(incident=drop, article=ArticleFactory(source=SourceFactory(name="Reuters")))
    IncidentSourceFactory(incident=drop, article=ArticleFactory(source=None, url="https://k24.example/b"))
    IncidentActor.objects.create(incident=drop, actor=ActorFactory(name="Islamic State"), role=2)

    services.incident_merge(keep=keep, drop=[drop], user=user)

    actors, actor1, actor2, count, outlets = summary(keep)
    assert (actor1, actor2) == ("Peshmerga", "Islamic State")
    assert [a["name"] for a in actors] == ["Peshmerga", "Islamic State"]
    assert count == IncidentSource.objects.filter(incident=keep).count() == 3
    assert outlets == "Rudaw; Reuters; https://k24.example/b"


def test_the_api_list_shows_the_summary_of_the_links(api_client):
    incident = IncidentFactory()
    actor = ActorFactory(name="Peshmerga")
    IncidentActor.objects.create(incident=incident, actor=actor, role=1)
    IncidentSourceFactory(incident=incident)
    IncidentSourceFactory(incident=incident)
    [row] = api_client.get("/api/v1/incidents/").json()["results"]
    assert row["actors"] == [{"id": actor.pk, "name": "Peshmerga", "role": "actor1"}]
    assert row["source_count"] == 2


@pytest.mark.parametrize("rebuild_indexes", [False, True])
def test_generated_incidents_carry_the_summary_their_links_give(rebuild_indexes):
    from django.db import connection

    from bench.synthetic import synthetic_generate

    from .factories import PlaceFactory

    PlaceFactory(name="Kirkuk", admin1="Kirkuk", population=975_000)
    # The bulk path skips triggers (replica mode): the generator must write the summaries itself.
    synthetic_generate(n=120, seed=3, chunk_size=50, rebuild_indexes=rebuild_indexes)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*),
                count(*) FILTER (WHERE (i.actors_json, i.actor1_names, i.actor2_names, i.n_sources, i.outlet_names)
                    IS DISTINCT FROM (f.actors_json, f.actor1_names, f.actor2_names, f.n_sources, f.outlet_names)),
                min(i.n_sources), count(*) FILTER (WHERE i.actor1_names <> '')
            FROM incidents_incident i
            JOIN incidents_link_summary(ARRAY(SELECT id FROM incidents_incident)) f ON f.incident_id = i.id
            """
        )
        total, wrong, fewest_sources, with_actor1 = cursor.fetchone()
    assert (total, wrong) == (120, 0)
    assert (fewest_sources, with_actor1) == (1, 120)  # every generated incident has a source and an actor1
