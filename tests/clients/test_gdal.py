"""GDAL/OGR 3.6 (Debian's gdal-bin) reading the API as a GIS analyst would: ogrinfo and ogr2ogr, no extra headers."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from tests.factories import IncidentFactory

from .conftest import battles_at_kirkuk_and_riots_at_raqqa, need

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str, timeout: int = 120) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env={"GDAL_HTTP_TIMEOUT": "60"})
    assert done.returncode == 0, f"{args[0]} failed: {done.stderr[-2000:]}"
    return done.stdout


def feature_count(ogrinfo_output: str) -> int:
    [line] = [line for line in ogrinfo_output.splitlines() if line.startswith("Feature Count:")]
    return int(line.split(":")[1])


@pytest.fixture
def incidents(kirkuk, raqqa):
    return battles_at_kirkuk_and_riots_at_raqqa(kirkuk, raqqa, battles=1205, riots=40, riots_on=dt.date(2017, 6, 2))


def test_ogrinfo_reads_every_incident_of_format_geojson_although_gdal_asks_for_text_or_json(live_app_url, incidents):
    url = f"{live_app_url}/api/v1/incidents/?format=geojson&country=IQ"
    output = run(need("ogrinfo"), "-ro", "-so", "-al", url)
    # GDAL's GeoJSON driver reads one document and never pages: every match must be in it.
    assert feature_count(output) == 1205
    assert "Geometry: Point" in output


def test_ogr2ogr_copies_the_streamed_geojson_export_into_a_geopackage(live_app_url, incidents, tmp_path):
    target = tmp_path / "riots.gpkg"
    run(need("ogr2ogr"), "-f", "GPKG", str(target), f"{live_app_url}/api/v1/incidents/?format=geojson&event_type=riots")
    output = run(need("ogrinfo"), "-ro", "-so", "-al", str(target))
    assert feature_count(output) == 40
    assert "country: String" in output


def test_ogrinfo_reads_the_csv_export_with_its_coordinates(live_app_url, incidents):
    coordinates = ["-oo", "X_POSSIBLE_NAMES=longitude", "-oo", "Y_POSSIBLE_NAMES=latitude"]
    # The export streams (no Content-Length), so GDAL reads it through /vsicurl_streaming/.
    url = f"CSV:/vsicurl_streaming/{live_app_url}/api/v1/incidents/?format=csv&country=SY"
    output = run(need("ogrinfo"), "-ro", "-al", *coordinates, url)
    assert feature_count(output) == 40
    assert "POINT (39.00788 35.95283)" in output


def test_format_wins_over_the_accept_header_that_gdal_sends(api_client, db):
    IncidentFactory()
    gdal_accept = "text/plain, application/json"
    geojson = api_client.get("/api/v1/incidents/", {"format": "geojson"}, HTTP_ACCEPT=gdal_accept)
    assert geojson.status_code == 200 and geojson["Content-Type"].startswith("application/geo+json")
    csv = api_client.get("/api/v1/incidents/", {"format": "csv"}, HTTP_ACCEPT=gdal_accept)
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")


def test_the_streamed_geojson_is_the_same_feature_as_a_page_gives(api_client, db, incidents):
    streamed = json.loads(b"".join(api_client.get("/api/v1/incidents/", {"format": "geojson"}).streaming_content))
    assert len(streamed["features"]) == 1245
    paged = api_client.get("/api/v1/incidents/", {"format": "geojson", "page_size": 1}).json()
    assert paged["next"], "a page size still pages"
    first = streamed["features"][0]
    assert first == paged["features"][0]
