"""The offline gazetteer: loading (idempotent, GeoNames dumps, curated rows) and look-up by any spelling."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command

from incidents import gazetteer as gz
from incidents.gazetteer.records import data_lines
from incidents.models import Place
from incidents.selectors import place_search
from incidents.services import place_save
from tests.factories import GAZETTEER_POINTS

FIXTURES = Path(__file__).parent / "fixtures"
GEONAMES_SAMPLE = FIXTURES / "geonames_IQ_sample.txt"


def load(*args: str) -> tuple[dict[str, int], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_gazetteer", "--no-progress", *args, stdout=out, stderr=err)
    summary = re.search(
        r"(\d+) created, (\d+) updated, (\d+) unchanged, (\d+) kept as curators edited them", out.getvalue()
    )
    assert summary, out.getvalue()
    created, updated, unchanged, kept = map(int, summary.groups())
    return {"created": created, "updated": updated, "unchanged": unchanged, "kept": kept}, err.getvalue()


def lookup(name: str) -> list[dict]:
    out = io.StringIO()
    call_command("gazetteer", name, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def near(row: dict, lat: float, lon: float, tolerance: float = 0.0005) -> bool:
    """At the coordinates given to three decimals."""
    return abs(row["lat"] - lat) <= tolerance and abs(row["lon"] - lon) <= tolerance


# --- Loading ---------------------------------------------------------------------------------------------------------


def test_the_first_load_fills_every_source(gazetteer, db):
    # The curated files change with every place a curator adds: the count is the build's, the others are pinned.
    curated_places = sum(record.origin == Place.Origin.CURATED for record in gz.build_records().records)
    origins = dict.fromkeys(Place.Origin.values, 0)
    for origin in Place.objects.values_list("origin", flat=True):
        origins[origin] += 1
    assert origins == {
        Place.Origin.GEONAMES: 477,  # cities500's places in Iraq and Syria
        Place.Origin.AIRPORTS: 36,
        Place.Origin.ISO3166: 32,  # Iraq's 18 governorates with ISO codes and Syria's 14
        Place.Origin.CURATED: curated_places,
    }
    assert not Place.objects.filter(search_names=[]).exists()


def test_a_second_load_creates_and_updates_nothing_and_adds_no_history(gazetteer, db):
    places, history = Place.objects.count(), Place.history.count()

    counts, errors = load()

    assert counts["created"] == 0
    assert counts["updated"] == 0
    assert counts["unchanged"] == places
    assert Place.objects.count() == places
    assert Place.history.count() == history
    assert errors == ""


def test_it_puts_back_a_row_that_drifted_from_its_source_and_records_it(gazetteer, db):
    ramadi = Place.objects.get(origin=Place.Origin.GEONAMES, external_id="98717")
    Place.objects.filter(pk=ramadi.pk).update(point=Point(40.0, 30.0, srid=4326), admin1="Nowhere")
    history = ramadi.history.count()

    counts, _ = load()

    ramadi.refresh_from_db()
    assert counts["updated"] == 1
    assert (round(ramadi.point.y, 5), round(ramadi.point.x, 5)) == (33.42056, 43.30778)
    assert ramadi.admin1 == "Anbar"
    assert ramadi.history.count() == history + 1


# Where the loaded gazetteer has each of the tests' named places (tests/factories.py).
GAZETTEER_ROWS = {
    "Kirkuk": ("geonames", "94787"),
    "Bashir": ("curated", "bashir-kirkuk"),
    "Hawija": ("geonames", "390188"),
    "Mosul": ("geonames", "99072"),
    "Erbil": ("geonames", "95446"),
    "Baghdad": ("geonames", "98182"),
    "Tarmiya": ("geonames", "98403"),
    "Raqqa": ("geonames", "172955"),
}


def test_the_tests_named_places_stand_where_the_gazetteer_has_them(gazetteer, db):
    assert set(GAZETTEER_ROWS) == set(GAZETTEER_POINTS)
    for name, (origin, external_id) in GAZETTEER_ROWS.items():
        place = Place.objects.get(origin=origin, external_id=external_id)
        assert place.point.coords == pytest.approx(GAZETTEER_POINTS[name], abs=1e-5), name


def test_it_keeps_a_place_a_curator_moved(gazetteer, db, user):
    bashir = Place.objects.get(origin=Place.Origin.CURATED, external_id="bashir-kirkuk")
    bashir.point = Point(44.36, 35.34, srid=4326)
    bashir._history_user = user
    place_save(place=bashir)

    counts, _ = load()

    bashir.refresh_from_db()
    assert counts["kept"] == 1
    assert counts["updated"] == 0
    assert (bashir.point.x, bashir.point.y) == (44.36, 35.34)


def test_provinces_sit_at_their_capitals_and_the_capitals_lie_in_them(gazetteer, db):
    provinces = list(Place.objects.filter(feature_code="ADM1"))
    assert len(provinces) == 33  # 19 governorates of Iraq (with Halabja) and 14 of Syria
    for province in provinces:
        capital_id = int(re.search(r"GeoNames (\d+)", province.coord_note).group(1))
        capital = Place.objects.get(geonames_id=capital_id)
        assert capital.point.equals_exact(province.point, tolerance=1e-6)
        # Damascus is both its own governorate and the seat of Rif Dimashq.
        if province.name != "Rif Dimashq":
            assert capital.admin1 == province.name, province


def test_every_cities500_place_gets_a_province_name(gazetteer, db):
    unplaced = Place.objects.filter(origin=Place.Origin.GEONAMES, admin1="").values_list("name", flat=True)
    assert list(unplaced) == []
    assert Place.objects.get(geonames_id=99072).admin1 == "Nineveh"  # Mosul
    assert Place.objects.get(geonames_id=173811).admin1 == "Hasakah"


def test_airports_are_keyed_on_icao_with_their_province(gazetteer, db):
    asad = Place.objects.get(origin=Place.Origin.AIRPORTS, external_id="ORAA")
    assert asad.admin1 == "Anbar"
    assert asad.feature_code == "AIRB"
    assert asad.kind == Place.Kind.FEATURE
    assert "Ain al-Asad" in asad.alternate_names
    assert not Place.objects.filter(origin=Place.Origin.AIRPORTS, admin1="").exists()


def test_a_curated_extension_renames_a_geonames_entry_and_keeps_its_own_name_findable(gazetteer, db):
    makhmour = Place.objects.get(geonames_id=93818)
    assert makhmour.name == "Makhmour"
    assert "Mexmur" in makhmour.alternate_names
    assert makhmour.admin2 == "Makhmour"
    assert not Place.objects.filter(origin=Place.Origin.CURATED, name="Makhmour").exists()


def test_the_geonames_dump_adds_new_places_and_enriches_known_ones(gazetteer, db):
    makhmour_pk = Place.objects.get(geonames_id=93818).pk
    before = Place.objects.count()

    counts, errors = load("--geonames", str(GEONAMES_SAMPLE))

    assert counts["created"] == 4  # the district, the village, the mountain, the town of an unknown province
    assert counts["updated"] == 1
    assert Place.objects.count() == before + 4
    makhmour = Place.objects.get(geonames_id=93818)
    assert makhmour.pk == makhmour_pk
    assert makhmour.feature_code == "PPLA2"
    assert makhmour.population == 19500
    assert makhmour.name == "Makhmour"  # the curated name still wins
    assert makhmour.coord_note.startswith(gz.DUMP_NOTE)
    village = Place.objects.get(geonames_id=99990002)
    assert (village.admin1, village.kind, village.ascii_name) == (
        "Kirkuk",
        Place.Kind.POPULATED_PLACE,
        "Umm al Khanazir",
    )
    assert village.population is None
    mountain = Place.objects.get(geonames_id=99990003)
    assert (mountain.kind, mountain.feature_class, mountain.admin1) == (Place.Kind.FEATURE, "T", "Erbil")
    assert mountain.admin2 == "Qaḑāʼ Makhmūr"
    assert Place.objects.get(geonames_id=99990001).kind == Place.Kind.ADMIN_AREA
    assert Place.objects.get(geonames_id=99990006).admin1 == ""
    assert not Place.objects.filter(geonames_id=99990007).exists()  # Turkey is out of scope
    assert not Place.objects.filter(geonames_id=99990008).exists()  # provinces come from the ISO table
    assert "geonames_IQ_sample.txt:5: could not convert string to float: 'north'" in errors
    assert "geonames_IQ_sample.txt:6: expected 19 tab-separated columns, got 9" in errors
    assert "unknown admin1 code IQ.42" in errors
    assert lookup("Umm Khanazir")[0]["name"] == "Umm al Khanāzīr"


def test_a_load_without_the_dump_keeps_what_the_dump_brought(gazetteer, db):
    load("--geonames", str(GEONAMES_SAMPLE))
    history = Place.history.count()

    counts, _ = load()

    assert counts["created"] == counts["updated"] == 0
    assert Place.objects.get(geonames_id=93818).feature_code == "PPLA2"
    assert Place.history.count() == history


def test_a_missing_dump_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such GeoNames dump"):
        call_command("load_gazetteer", "--geonames", str(tmp_path / "IQ.txt"), stdout=io.StringIO())


def test_bad_curated_rows_are_reported_and_the_good_ones_kept(tmp_path):
    curated = tmp_path / "curated.csv"
    curated.write_text(
        "# a comment line\n"
        + ",".join(gz.CURATED_COLUMNS)
        + "\n"
        + "good-one,,Good Village,Good|Gud,IQ,Anbar,,populated_place,PPL,33.1,43.1,,estimate\n"
        + "bad-country,,Elsewhere,,TR,,,populated_place,PPL,37,40,,estimate\n"
        + "bad-point,,Off Map,,IQ,Anbar,,populated_place,PPL,133,43,,estimate\n"
        + "bad-province,,Lost,,IQ,Atlantis,,populated_place,PPL,33,43,,estimate\n"
        + "no-note,,Unsourced,,IQ,Anbar,,populated_place,PPL,33,43,,\n"
        + "good-one,,Twice,,IQ,Anbar,,populated_place,PPL,33,43,,estimate\n"
        + ",planet:1,,X,,,,,,,,,\n",
        encoding="utf-8",
    )
    errors: list[str] = []
    index = gz.ProvinceIndex(gz.load_provinces())

    records, extensions = gz.parse_curated(curated, index, errors)

    assert [r.name for r in records] == ["Good Village"]
    assert records[0].alternate_names == ["Good", "Gud"]
    assert extensions == []
    assert len(errors) == 6
    assert any("country must be one of IQ, SY" in e for e in errors)
    assert any("coordinates out of range" in e for e in errors)
    assert any("unknown province 'Atlantis'" in e for e in errors)
    assert any("say where the coordinates come from" in e for e in errors)
    assert any("used twice" in e for e in errors)
    assert any("extends must be geonames:<id> or airports:<ICAO>" in e for e in errors)


def test_the_shipped_curated_file_has_no_mistakes_and_every_row_says_where_its_coordinates_come_from():
    errors: list[str] = []
    index = gz.ProvinceIndex(gz.load_provinces())

    records, extensions = gz.parse_curated(gz.CURATED_CSV, index, errors)

    assert errors == []
    rows = list(csv.DictReader(data_lines(gz.CURATED_CSV)))
    # Every row is read: a new place, or spellings and a district for another source's place.
    assert (len(records), len(extensions)) == (
        sum(not r["extends"] for r in rows),
        sum(bool(r["extends"]) for r in rows),
    )
    assert all(r.coord_note for r in records)


def test_ascii_names_drop_accents_and_ayn_marks():
    assert gz.ascii_name("Al Fallūjah") == "Al Fallujah"
    assert gz.ascii_name("Dar‘ā") == "Dar'a"
    assert gz.ascii_name("‘Afak") == "Afak"


# --- Look-up ---------------------------------------------------------------------------------------------------------

REQUIRED = [
    # (query, expected name, country, lat, lon)
    ("Bashir", "Bashir", "IQ", 35.335, 44.35),
    ("Makhmour", "Makhmour", "IQ", 35.776, 43.580),
    ("Ramadi", "Ramadi", "IQ", 33.421, 43.308),
    ("Erbil", "Erbil", "IQ", 36.191, 44.009),
    ("Arbil", "Erbil", "IQ", 36.191, 44.009),
    ("Kirkuk", "Kirkuk", "IQ", 35.468, 44.392),
    ("Mosul", "Mosul", "IQ", 36.335, 43.119),
    ("Fallujah", "Al Fallūjah", "IQ", 33.349, 43.786),
    ("Tarmiya", "Aţ Ţārmīyah", "IQ", 33.674, 44.396),
    ("Basra", "Basrah", "IQ", 30.509, 47.780),
    ("Palmyra", "Tadmur", "SY", 34.562, 38.284),
    ("Qarachokh", "Qarachokh Mountain", "IQ", 35.72, 43.73),
    ("Ain al-Asad", "Al Asad Air Base", "IQ", 33.786, 42.441),
    ("Hawler", "Erbil", "IQ", 36.191, 44.009),
    ("Makhmur", "Makhmour", "IQ", 35.776, 43.580),
    ("Falluja", "Al Fallūjah", "IQ", 33.349, 43.786),
]


@pytest.mark.parametrize(("query", "name", "country", "lat", "lon"), REQUIRED, ids=[q for q, *_ in REQUIRED])
def test_the_command_finds_every_required_name(gazetteer, db, query, name, country, lat, lon):
    rows = lookup(query)

    assert (rows[0]["name"], rows[0]["country"]) == (name, country)
    assert near(rows[0], lat, lon)
    assert set(rows[0]) == {"name", "alternate_names", "country", "admin1", "admin2", "kind", "lat", "lon",
                            "feature_code", "population", "source", "external_id"}  # fmt: skip


@pytest.mark.parametrize(
    ("query", "name"),
    [("ḤAWLĒR", "Erbil"), ("arbīl", "Erbil"), ("IRBIL", "Erbil"), ("al-Fallujah", "Al Fallūjah"),
     ("  falluja  ", "Al Fallūjah"), ("Al Fallūjah", "Al Fallūjah")],
)  # fmt: skip
def test_it_ignores_case_accents_hyphens_and_articles(gazetteer, db, query, name):
    assert lookup(query)[0]["name"] == name


def test_it_finds_a_name_without_its_arabic_article(gazetteer, db):
    assert lookup("Qaim")[0]["name"] == "Al Qā’im"


def test_it_falls_back_to_similar_spellings(gazetteer, db):
    rows = lookup("Fallujha")

    assert rows[0]["name"] == "Al Fallūjah"


def test_the_most_populous_place_comes_first(gazetteer, db):
    rows = lookup("Sinjar")

    assert [(r["country"], r["population"]) for r in rows[:2]] == [("IQ", 38294), ("SY", None)]


def test_a_city_comes_before_its_province(gazetteer, db):
    rows = lookup("Kirkuk")

    assert [r["feature_code"] for r in rows[:2]] == ["PPLA", "ADM1"]


def test_province_spellings_find_the_province(gazetteer, db):
    provinces = {"Ninawa": "Nineveh", "Ninewa": "Nineveh", "Salahuddin": "Salah ad Din", "Al Anbar": "Anbar",
                 "Anbar province": "Anbar"}  # fmt: skip
    for spelling, name in provinces.items():
        assert (lookup(spelling)[0]["name"], lookup(spelling)[0]["feature_code"]) == (name, "ADM1"), spelling
    # A province named like its capital: the capital (PPLA), the more populous place, comes first.
    for spelling, name in {"Deir al-Zour": "Deir ez-Zor", "Slemani": "Sulaymaniyah"}.items():
        assert (lookup(spelling)[0]["name"], lookup(spelling)[0]["feature_code"]) == (name, "PPLA"), spelling


def test_an_unknown_name_is_a_clear_error(gazetteer, db):
    with pytest.raises(CommandError, match="no place matches 'Xyzzyville'"):
        lookup("Xyzzyville")


def test_place_search_returns_nothing_for_an_empty_query(db):
    assert list(place_search(q="  - ")) == []


def test_place_search_is_one_query_when_it_matches(gazetteer, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(2, info="an exists() probe and the ranked select"):
        assert [(p.name, p.feature_code) for p in place_search(q="Mosul", limit=5)] == [("Mosul", "PPLA")]
