"""Places: alternate spellings, people who share a village's name, namesakes, near/outskirts, unresolved villages."""

import datetime as dt

from django.contrib.gis.geos import Point

from ingest.extract import extract_article, reset_caches
from ingest.gazetteer_index import fold
from tests.factories import PlaceFactory

PUBLISHED = dt.date(2016, 10, 24)


def places(text, title=""):
    return extract_article(title=title, text=text, published=PUBLISHED).places


def test_it_resolves_alternate_spellings_to_one_gazetteer_entry(extraction_index):
    erbil = {places(f"Fighting was reported in {name} on Sunday.")[0].place_id for name in ("Erbil", "Arbil", "Hawler")}
    assert len(erbil) == 1
    found = places("Fighting was reported around Makhmur, and again in Falluja.")
    assert [p.name for p in found] == ["Makhmur", "Falluja"]
    assert all(p.country == "IQ" for p in found)


def test_it_keeps_a_village_and_drops_the_official_who_shares_its_name(extraction_index):
    text = (
        "Militiamen tried to recapture the village of Bashir south of Kirkuk. “Fifteen fighters were killed,” "
        "Bashir Nazm Kahiya, a provincial official in Kirkuk, told reporters."
    )
    found = places(text)
    bashir = [p for p in found if p.canonical == "Bashir"]
    assert len(bashir) == 1
    # The one mention kept is the village, not the official's first name.
    assert text[bashir[0].start : bashir[0].end] == "Bashir" and text[: bashir[0].start].endswith("village of ")


def test_it_takes_a_capitalised_name_after_a_place_name_for_a_person(extraction_index):
    assert places("Bashir Nazm Kahiya said the roads were closed.") == []


def test_it_ignores_place_names_written_in_lower_case_and_generic_words(extraction_index):
    assert places("The rockets hit the base, and the tall wall fell on Tuesday.") == []


def test_it_picks_the_namesake_in_the_province_the_article_names(extraction_index):
    north = PlaceFactory(name="Qasr Zorba", admin1="Nineveh", point=Point(43.1, 36.4, srid=4326), population=50)
    south = PlaceFactory(name="Qasr Zorba", admin1="Basra", point=Point(47.7, 30.6, srid=4326), population=900)
    reset_caches()
    found = places("Gunmen attacked a checkpoint in Qasr Zorba, in Nineveh province, on Sunday.")
    assert [p.place_id for p in found if p.canonical == "Qasr Zorba"] == [north.pk]
    found = places("Gunmen attacked a checkpoint in Qasr Zorba on Sunday.")
    # Without context the larger namesake wins.
    assert [p.place_id for p in found if p.canonical == "Qasr Zorba"] == [south.pk]


def test_it_marks_near_and_outskirts_as_near_and_a_town_as_exact(extraction_index):
    near = extract_article(
        title="",
        text="Islamic State militants ambushed a convoy near Makhmur on Sunday, killing six soldiers.",
        published=PUBLISHED,
    ).incidents
    exact = extract_article(
        title="",
        text="A car bomb exploded in a market in Kirkuk on Sunday, killing six people.",
        published=PUBLISHED,
    ).incidents
    outskirts = extract_article(
        title="",
        text="A drone attack hit the outskirts of Mosul on Sunday, wounding two guards.",
        published=PUBLISHED,
    ).incidents
    assert [i.geo_precision for i in near] == ["near"]
    assert [i.geo_precision for i in exact] == ["exact"]
    assert [i.geo_precision for i in outskirts] == ["near"]


def test_it_keeps_a_village_missing_from_the_gazetteer_as_unresolved(extraction_index):
    result = extract_article(
        title="",
        text="Gunmen stormed the village of Umm Qusur Jadida near Kirkuk on Friday, residents said.",
        published=PUBLISHED,
    )
    assert [u.name for u in result.unresolved] == ["Umm Qusur Jadida"]
    assert "stormed the village" in result.unresolved[0].sentence


def test_it_counts_a_dateline_in_capitals(extraction_index):
    found = places("TIKRIT: Three fighters were killed on Friday.")
    assert [(p.name, p.country, fold(p.canonical)) for p in found] == [("TIKRIT", "IQ", "tikrit")]


def test_an_event_placed_only_by_an_offset_sits_at_that_offset(extraction_index):
    result = extract_article(
        title="",
        text="Gunmen attacked a police checkpoint some 40 km west of Kirkuk on Tuesday, killing three policemen.",
        published=dt.date(2017, 7, 19),
    )
    (incident,) = result.incidents
    assert incident.geo_precision == "near"
    assert incident.place.canonical == "40 km west of Kirkuk"
    # Kirkuk is at 35.468, 44.392: 40 km due west moves the longitude by about 0.44 degrees.
    assert (round(incident.place.lat, 2), round(incident.place.lon, 2)) == (35.47, 43.95)


def test_a_named_town_outranks_an_offset_from_another(extraction_index):
    result = extract_article(
        title="",
        text="Militants stormed the village of Chragh near the town of Dibis, some 40 km west of Kirkuk, on Tuesday.",
        published=dt.date(2017, 7, 19),
    )
    assert [(i.place.canonical, i.geo_precision) for i in result.incidents] == [("Dibis", "near")]


def test_a_list_that_in_opened_gives_one_event_per_place_even_past_an_unknown_name(extraction_index):
    result = extract_article(
        title="",
        text="Demonstrations took place in Rasulayn (Hasakah), Binnish, and Saraqib on Friday, as well as Afrin.",
        published=dt.date(2023, 9, 1),
    )
    assert [i.place.name for i in result.incidents] == ["Binnish", "Saraqib", "Afrin"]


def test_the_event_told_again_in_a_town_sharpens_a_place_north_of_a_city(extraction_index):
    result = extract_article(
        title="",
        text="A roadside bomb exploded near an army patrol north of Baghdad on Friday, killing one soldier. "
        "The attack took place in the town of Tarmiya, the ministry said.",
        published=dt.date(2024, 3, 1),
    )
    assert [(i.place.name, i.geo_precision, i.fatalities) for i in result.incidents] == [("Tarmiya", "exact", 1)]
