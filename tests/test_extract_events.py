"""Incidents: event types from trigger words, actors by alias, what is not an incident, one event in many sentences."""

import datetime as dt

import pytest

from ingest.extract import extract_article

MONDAY = dt.date(2021, 8, 23)


def incidents(text, published=MONDAY, title=""):
    return extract_article(title=title, text=text, published=published).incidents


@pytest.mark.parametrize(
    ("text", "event_type", "sub_event_type"),
    [
        (
            "A rocket attack hit a base in Kirkuk on Sunday.",
            "explosions_remote_violence",
            "shelling_artillery_missile_attack",
        ),
        (
            "A drone strike killed two men in a car in Sinjar on Sunday.",
            "explosions_remote_violence",
            "air_drone_strike",
        ),
        ("Gunmen ambushed an army patrol near Tikrit on Sunday, killing four soldiers.", "battles", "armed_clash"),
        ("Police clashed with militants in Mosul on Sunday.", "battles", "armed_clash"),
        ("An IED struck a convoy in Samawah on Sunday.", "explosions_remote_violence", "remote_explosive_landmine_ied"),
        (
            "A car bomb exploded outside a market in Kirkuk on Sunday, killing seven.",
            "explosions_remote_violence",
            "remote_explosive_landmine_ied",
        ),
        (
            "A suicide bomber blew himself up at a checkpoint in Ramadi on Sunday.",
            "explosions_remote_violence",
            "suicide_bomb",
        ),
        (
            "Gunmen kidnapped two engineers in Basra on Sunday.",
            "violence_against_civilians",
            "abduction_forced_disappearance",
        ),
        ("Hundreds of protesters rallied in Nasiriyah on Sunday to demand jobs.", "protests", "peaceful_protest"),
        (
            "Police fired live ammunition at protesters in Nasiriyah on Sunday, killing three.",
            "protests",
            "excessive_force_against_protesters",
        ),
    ],
)
def test_it_types_events_by_their_trigger_words(extraction_index, text, event_type, sub_event_type):
    found = incidents(text)
    assert [(i.event_type, i.sub_event_type) for i in found] == [(event_type, sub_event_type)]
    assert found[0].date == dt.date(2021, 8, 22) and found[0].evidence == text


def test_it_resolves_actor_aliases_to_canonical_names_actor_one_first(extraction_index):
    found = incidents("Daesh militants attacked a Hashd al-Shaabi checkpoint near Tikrit on Sunday, killing two.")
    assert found[0].actors[:2] == ["Islamic State", "Popular Mobilization Forces"]
    found = incidents("A PMU convoy was ambushed by ISIL fighters near Baiji on Sunday.")
    assert found[0].actors[:2] == ["Islamic State", "Popular Mobilization Forces"]


def test_it_reads_is_as_the_islamic_state_only_in_capitals(extraction_index):
    found = incidents("The IS attack on the base in Tikrit on Sunday is the third this month.")
    assert found[0].actors == ["Islamic State"]
    assert incidents("It is clear that a rocket attack hit Tikrit on Sunday.")[0].actors == []


def test_it_does_not_make_incidents_of_threats(extraction_index):
    text = "Kataib Hezbollah warned on Sunday that it would attack US forces in Baghdad if they did not withdraw."
    assert incidents(text) == []


def test_it_does_not_report_history_as_news(extraction_index):
    text = "In June 2014, Islamic State fighters seized Mosul. Its fighters shot down a helicopter in Basra in 2006."
    assert all(i.background for i in incidents(text))


def test_it_makes_one_incident_of_several_sentences_about_one_event(extraction_index):
    text = (
        "Islamic State militants attacked a convoy of the Popular Mobilization Forces near Makhmour on Sunday.\n"
        "Six died, and 31 fighters were injured in the shooting."
    )
    found = incidents(text)
    assert len(found) == 1
    assert (found[0].fatalities, found[0].injured, found[0].geo_precision) == (6, 31, "near")
    assert found[0].evidence == text.replace("\n", " ")


def test_it_makes_one_incident_per_place_when_a_sentence_lists_several(extraction_index):
    text = "On Sunday, convoys were targeted by roadside bombs in Nasiriyah and Samawah."
    assert sorted(i.place.name for i in incidents(text)) == ["Nasiriyah", "Samawah"]


def test_it_places_an_unplaced_event_at_the_headline_place(extraction_index):
    found = incidents("Suicide car bombs hit government buildings on Friday.", title="Fighting rages in Ramadi")
    assert [i.place.name for i in found] == ["Ramadi"]


def test_it_splits_two_events_joined_by_after_with_the_earlier_date_and_its_own_toll(extraction_index):
    text = (
        "The base near Makhmour came under attack again on Sunday, two days after a US Marine there was killed "
        "in a rocket attack."
    )
    found = incidents(text)
    assert [(i.sub_event_type, i.date, i.fatalities) for i in found] == [
        ("armed_clash", dt.date(2021, 8, 22), None),
        ("shelling_artillery_missile_attack", dt.date(2021, 8, 20), 1),
    ]
    assert found[0].place.place_id == found[1].place.place_id


@pytest.mark.parametrize(
    ("sentence", "sub_event_type"),
    [
        ("Gunmen killed a Sahwa member and wounded four more in Khalis on Monday.", "armed_clash"),
        ("In Husseiniyah, gunmen killed a food vendor on Monday.", "attack"),
        ("At least 41 militants were killed in Garma on Monday.", "armed_clash"),
        ("Turkish forces said four PKK members were neutralized near Mount Asos on Monday.", "armed_clash"),
        (
            "Two bodyguards were wounded when a rigged trolley exploded in Kirkuk on Monday.",
            "remote_explosive_landmine_ied",
        ),
        ("Warplanes carried out 8 raids on the town of Hosayniyah on Monday.", "air_drone_strike"),
        ("A grenade thrown at the home of a militia leader in Dujail on Monday killed his son.", "grenade"),
    ],
)
def test_who_was_killed_and_with_what_decides_the_event(sentence, sub_event_type, extraction_index):
    assert [i.sub_event_type for i in incidents(sentence)] == [sub_event_type]


def test_a_lede_that_sums_the_events_told_after_it_is_not_an_event(extraction_index):
    text = (
        "A series of bombings across Iraq killed 15 people on Saturday, authorities said. Two explosions targeting "
        "the home of a soldier in Muqdadiyah killed him and five relatives. Another bomb blast near a market in "
        "Tikrit killed two shoppers."
    )
    found = [(i.place.canonical, i.fatalities) for i in incidents(text)]
    assert found == [("Al Miqdādīyah", 6), ("Tikrīt", 2)]


def test_a_roundup_item_told_place_first_is_its_own_event(extraction_index):
    text = "Airstrikes left 33 militants dead near Mosul on Monday. In Tikrit, 130 militants were killed."
    assert [(i.place.canonical, i.fatalities) for i in incidents(text)] == [("Mosul", 33), ("Tikrīt", 130)]


def test_an_event_abroad_with_no_covered_place_is_not_recorded(extraction_index):
    text = "The statement came two days after an ax attack in the Israeli town of Elad, in which three people died."
    assert incidents(text) == []


def test_a_sentence_that_points_back_places_the_event_just_told(extraction_index):
    text = (
        "Turkey's Defense Ministry said on Monday that militants killed at least eight civilians in a car bomb attack "
        "in northern Syria. It happened in the town of Tal Abyad, which was taken on October 13, the ministry said."
    )
    found = [(i.sub_event_type, i.place.canonical if i.place else None, i.fatalities) for i in incidents(text)]
    assert found == [("remote_explosive_landmine_ied", "Tall Abyaḑ", 8)]


def test_a_bombardment_is_shelling(extraction_index):
    text = "Turkish bombardments against a resort near Zakho killed eight tourists on Wednesday."
    assert [i.sub_event_type for i in incidents(text)] == ["shelling_artillery_missile_attack"]


@pytest.mark.parametrize(
    ("sentence", "sub_event_type"),
    [
        ("Peshmerga forces were clashing with militants in Jalawla on Monday.", "armed_clash"),
        ("In Abu Ghraib, gunmen shoot dead two soldiers at an army checkpoint on Monday.", "armed_clash"),
        (
            "The last rebels left the Old City of Homs on Monday under an evacuation deal.",
            "non_violent_transfer_of_territory",
        ),
        ("US forces killed the group's leader in a raid on a compound in Barisha on Monday.", "armed_clash"),
    ],
)
def test_progressive_present_and_negotiated_events_are_read(sentence, sub_event_type, extraction_index):
    assert [i.sub_event_type for i in incidents(sentence)] == [sub_event_type]
