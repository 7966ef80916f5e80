"""`manage.py extract`: the JSON Lines contract, errors per line, no database writes, and our own articles."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ingest.gazetteer_index import fold

FIXTURES = Path(__file__).parent / "fixtures" / "extraction" / "articles.jsonl"
ROOT = Path(__file__).resolve().parent.parent


def run(tmp_path, lines: list[str]) -> list[dict]:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("extract", "--input", str(path), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_writes_one_line_per_article_in_order_with_the_contract_fields(extraction_index, tmp_path):
    articles = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]
    rows = run(tmp_path, [json.dumps(a) for a in articles])
    assert [r["id"] for r in rows] == [a["id"] for a in articles]
    incident = next(r for r in rows if r["id"] == "ext-drone-sinjar")["incidents"][0]
    assert set(incident) == {
        "event_type", "sub_event_type", "date", "date_precision", "place", "geo_precision", "actors",
        "fatalities", "injured", "missing", "evidence", "confidence", "confidence_reasons",
    }  # fmt: skip
    place_fields = {"name", "canonical", "lat", "lon", "country", "admin1", "kind"}
    assert set(incident["place"]) == place_fields
    assert all(set(p) == place_fields for r in rows for p in r["places"])


def test_it_answers_a_bad_line_with_an_error_for_that_id_and_goes_on(extraction_index, tmp_path):
    good = {"id": "a", "title": "", "text": "A car bomb exploded in Kirkuk on Monday.", "published": "2021-08-24"}
    rows = run(
        tmp_path,
        [
            json.dumps(good),
            "{not json",
            json.dumps({"id": "b", "title": "", "text": "x", "published": "yesterday"}),
            json.dumps({"id": "c", "title": 5, "text": ["x"], "published": None}),
            json.dumps({**good, "id": "d"}),
        ],
    )
    assert [r["id"] for r in rows] == ["a", None, "b", "c", "d"]
    assert [bool(r.get("error")) for r in rows] == [False, True, True, True, False]
    assert "published" in rows[2]["error"]
    assert rows[4]["incidents"] and rows[4]["incidents"] == rows[0]["incidents"]


def test_it_writes_nothing_to_the_database(extraction_index, tmp_path):
    with CaptureQueriesContext(connection) as queries:
        run(tmp_path, FIXTURES.read_text(encoding="utf-8").splitlines())
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


@pytest.mark.django_db(transaction=False)
def test_it_reads_standard_input_when_given_a_dash(extraction_index):
    article = {"id": 7, "title": "", "text": "Gunmen kidnapped two engineers in Basra on Sunday.", "published": None}
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    done = subprocess.run(
        [sys.executable, "manage.py", "extract", "--input", "-"],
        input=json.dumps(article) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)
    assert row["id"] == 7 and row["incidents"][0]["sub_event_type"] == "abduction_forced_disappearance"


def _test_database_url() -> str:
    s = connection.settings_dict
    return f"postgis://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_it_finds_the_facts_of_our_own_articles(extraction_index, tmp_path):
    """Articles written for these tests, not the seeds: type, place, date and tolls, or no incident at all."""
    articles = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]
    rows = {r["id"]: r for r in run(tmp_path, [json.dumps(a) for a in articles])}
    for article in articles:
        found, expect = rows[article["id"]]["incidents"], article["expect"]
        if expect is None:
            assert found == [], article["id"]
            continue
        assert len(found) == 1, (article["id"], found)
        got = found[0]
        assert (got["event_type"], got["sub_event_type"]) == (expect["event_type"], expect["sub_event_type"])
        assert got["date"] == expect["date"], article["id"]
        assert fold(expect["place"])[:4] in fold(got["place"]["canonical"]), (article["id"], got["place"])
        for key in ("fatalities", "injured", "geo_precision"):
            if key in expect:
                assert got[key] == expect[key], (article["id"], key, got[key])
        for actor in expect.get("actors", []):
            assert actor in got["actors"], (article["id"], got["actors"])
