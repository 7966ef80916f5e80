"""Rules with one home: the content hash, who sees which status, the precision order, the covered countries."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from incidents import selectors, services
from incidents.countries import country_alpha3, country_name, covered_countries
from incidents.models import Article, Incident
from incidents.text import content_hash

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Militants  attacked ‘the’ checkpoint near Kirkuk.\n\nThree soldiers died."


def _modules_calling(name: str) -> set[str]:
    found = set()
    for path in [*ROOT.glob("incidents/**/*.py"), *ROOT.glob("ingest/**/*.py")]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == name:
                found.add(str(path.relative_to(ROOT)))
    return found


def test_only_incidents_text_hashes_article_text_and_every_ingest_path_imports_it():
    assert _modules_calling("sha256") == {"incidents/text.py", "incidents/http_cache.py"}
    assert _modules_calling("content_hash") == {
        "incidents/services/articles.py",
        "ingest/admin.py",
        "ingest/tasks.py",
        "ingest/documents.py",
        "ingest/management/commands/demo_ingest.py",
    }
    import ingest.admin
    import ingest.documents
    import ingest.management.commands.demo_ingest
    import ingest.tasks

    for module in (
        ingest.admin,
        ingest.tasks,
        ingest.documents,
        ingest.management.commands.demo_ingest,
    ):
        assert module.content_hash is content_hash, module.__name__


def test_feed_entries_become_articles_in_one_place_whatever_the_path():
    assert _modules_calling("parse_feed") == {"ingest/documents.py"}
    import ingest.documents
    import ingest.tasks

    assert ingest.tasks.poll is ingest.documents.poll, "the worker polls sources through the same path"


@pytest.mark.django_db
def test_a_submitted_text_is_stored_under_the_same_hash_ingest_gives_it(user):
    article = services.article_submit(text=TEXT, user=user)
    assert article.content_hash == content_hash(TEXT)
    assert content_hash(TEXT) == content_hash("militants attacked 'the' checkpoint near kirkuk. three soldiers died.")
    stored, created = services.article_create_or_get(text=TEXT, content_hash=content_hash(TEXT))
    assert (stored.pk, created) == (article.pk, False)
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_rejected_incidents_are_visible_to_editors_only(user, django_user_model):
    editor = django_user_model.objects.create_user(username="staff", password="pw-staff-123", is_staff=True)
    everything = Incident.Status.values
    assert selectors.visible_statuses(user=AnonymousUser()) == ["unreviewed", "verified"]
    assert selectors.visible_statuses(user=user, requested=everything) == ["unreviewed", "verified"]
    assert selectors.visible_statuses(user=user, requested="rejected") == []
    assert selectors.visible_statuses(user=editor) == ["unreviewed", "verified"]
    assert selectors.visible_statuses(user=editor, requested="rejected,verified") == ["verified", "rejected"]
    assert selectors.visible_statuses(user=editor, requested=everything) == everything


def test_the_precision_order_is_the_order_of_the_choices():
    ranks = [Incident.DatePrecision.rank(v) for v in ("day", "week", "month", "year", "received", "decade")]
    assert ranks == [0, 1, 2, 3, 4, 5], "a date by receipt is the least precise: any dated report replaces it"
    assert [Incident.GeoPrecision.rank(v) for v in ("exact", "near", "admin", "country")] == [0, 1, 2, 3]


def test_covered_countries_come_from_the_setting_with_their_names_and_acled_codes(settings):
    assert covered_countries() == ("IQ", "SY")
    assert [(country_name(c), country_alpha3(c)) for c in covered_countries()] == [("Iraq", "IRQ"), ("Syria", "SYR")]
    settings.COVERED_COUNTRIES = ("IQ", "SY", "LB")
    assert covered_countries() == ("IQ", "SY", "LB")
    assert country_name("LB") == "Lebanon"


def test_the_acled_header_is_the_list_of_exported_columns():
    assert selectors.ACLED_COLUMNS == (
        "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
        "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
        "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
        "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
    )  # fmt: skip
