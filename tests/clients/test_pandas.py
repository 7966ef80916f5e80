"""pandas reading the ACLED export straight from a live server of the app, as an existing ACLED notebook would."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.models import IncidentActor
from tests.factories import ActorFactory, IncidentFactory, PlaceFactory

pytestmark = pytest.mark.django_db(transaction=True)

# ACLED's export: 31 columns in this order (acleddata.com, the export tool and API codebook).
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip


def test_pandas_reads_the_export_with_acleds_columns_and_types(live_app_url):
    pd = pytest.importorskip("pandas")
    place = PlaceFactory(name="Tal Afar", admin1="Nineveh")
    battle = IncidentFactory(place=place, date=dt.date(2017, 8, 20), fatalities=12)
    IncidentActor.objects.create(incident=battle, actor=ActorFactory(name="Islamic State", kind="insurgent"), role=1)
    IncidentActor.objects.create(incident=battle, actor=ActorFactory(name="Iraqi Army", kind="state_force"), role=2)
    IncidentFactory(place=place, date=dt.date(2017, 8, 21), fatalities=None, summary='A "quoted", two-line\nnote')

    frame = pd.read_csv(f"{live_app_url}/api/v1/incidents/?format=csv&ordering=date", parse_dates=["event_date"])
    assert list(frame.columns) == ACLED_COLUMNS
    assert len(frame) == 2
    assert frame["iso"].tolist() == [368, 368]
    assert frame["fatalities"].tolist() == [12, 0]
    assert frame["tags"].fillna("").tolist() == ["", "fatalities unknown"]
    assert frame["event_date"].dt.year.tolist() == [2017, 2017]
    assert frame.loc[0, "interaction"] == 12 and frame.loc[0, "event_type"] == "Battles"
    assert frame.loc[1, "notes"] == 'A "quoted", two-line\nnote'
    # The notebook idiom: fatalities by event type.
    assert frame.groupby("event_type")["fatalities"].sum().to_dict() == {"Battles": 12}
