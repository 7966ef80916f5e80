"""A Python client generated from /api/schema/ by openapi-python-client, calling the live server without a token."""

from __future__ import annotations

import csv
import importlib
import io
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from drf_spectacular.generators import SchemaGenerator

    root = tmp_path_factory.mktemp("client")
    schema = root / "schema.json"
    schema.write_bytes(orjson.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    tool = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [str(tool), "generate", "--path", str(schema), "--output-path", str(root / "out"), "--overwrite"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    assert (root / "out" / "incident_atlas_api_client").is_dir(), done.stdout + done.stderr
    sys.path.insert(0, str(root / "out"))
    try:
        yield importlib.import_module("incident_atlas_api_client")
    finally:
        sys.path.remove(str(root / "out"))
        for name in [m for m in sys.modules if m.startswith("incident_atlas_api_client")]:
            del sys.modules[name]


def test_a_generated_client_lists_incidents_as_json_geojson_and_csv_without_a_token(live_app_url, generated):
    from incident_atlas_api_client.api.v1 import incidents_csv, incidents_geojson, incidents_list
    from incident_atlas_api_client.models import IncidentFeatureCollection, IncidentPage, IncidentsGeojsonCountryItem

    made = IncidentFactory.create_batch(3, country="SY")
    client = generated.Client(base_url=live_app_url)

    page = incidents_list.sync(client=client, page_size=2)
    assert isinstance(page, IncidentPage), page
    assert len(page.results) == 2 and page.next_
    assert {r.event_id_cnty for r in page.results} <= {i.public_id for i in made}

    # The schema lists the countries it takes, so the client offers them as an enum.
    collection = incidents_geojson.sync(client=client, country=[IncidentsGeojsonCountryItem("SY")])
    assert isinstance(collection, IncidentFeatureCollection), collection
    assert sorted(f.properties.event_id_cnty for f in collection.features) == sorted(i.public_id for i in made)

    text = incidents_csv.sync(client=client)
    assert isinstance(text, str), text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["event_id_cnty"] for r in rows) == sorted(i.public_id for i in made)
