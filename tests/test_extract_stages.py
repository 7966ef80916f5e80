"""Each extraction stage on its own: what it reads from the Document and what it adds."""

import datetime as dt

import pytest

from ingest.dates import DatePhrase
from ingest.extract import casualties, confidence, dating, drafts, headline, incidents, places, sentences, triggers
from ingest.extract.document import Document

PUBLISHED = dt.date(2021, 12, 3)  # a Friday


def run(*stages, title="", text="", published=PUBLISHED):
    doc = Document(title=title, text=text, published=published)
    for stage in stages:
        stage.run(doc)
    return doc


def test_sentences_splits_paragraphs_and_keeps_abbreviations_inside_a_sentence():
    doc = run(sentences, text="Lt. Col. Ahmed said two died.\n\nA second blast hit Mosul. No one claimed it.")
    assert [(s.text, s.para) for s in doc.sentences] == [
        ("Lt. Col. Ahmed said two died.", 0),
        ("A second blast hit Mosul.", 1),
        ("No one claimed it.", 1),
    ]


def test_sentences_cuts_two_events_joined_by_while_into_clauses():
    doc = run(sentences, text="In Ranya, demonstrators torched party offices, while in Kalar police fired tear gas.")
    assert [s.text for s in doc.sentences] == [
        "In Ranya, demonstrators torched party offices",
        "in Kalar police fired tear gas.",
    ]


def test_sentences_marks_captions_and_subheads():
    doc = run(sentences, text="Iraqi forces in Mosul (AFP photo)\n\nKirkuk attack\n\nGunmen attacked a post on Monday.")
    assert [(s.skip, s.heading) for s in doc.sentences] == [(True, False), (False, True), (False, False)]


@pytest.mark.django_db
def test_places_marks_the_dateline_and_the_headline_place(extraction_index):
    doc = run(sentences, places, title="Blast in Mosul", text="KIRKUK, Iraq (Reuters) - A bomb exploded in Mosul.")
    names = {m.text: id(m) in doc.datelines for m in doc.located}
    assert names == {"Mosul": False, "KIRKUK": True}
    assert doc.headline_place.text == "Mosul"
    # The dateline is not among the sentence's own places.
    assert [m.text for m in doc.sentences[0].mentions] == ["Mosul"]


def test_triggers_reads_one_event_per_sentence_and_none_in_captions():
    doc = run(sentences, triggers, text="A roadside bomb exploded near a convoy.\n\nA file photo of soldiers (AFP)")
    assert [(s.trigger.sub_event_type if s.trigger else None) for s in doc.sentences] == [
        "remote_explosive_landmine_ied",
        None,
    ]


def test_triggers_splits_two_events_joined_by_after():
    first, second, split, days = triggers.later_event(
        "The base came under rocket fire on Monday, two days after a drone attack on the airport."
    )
    assert (first.sub_event_type, second.sub_event_type, days) == (
        "shelling_artillery_missile_attack",
        "air_drone_strike",
        2,
    )


def test_casualties_stage_counts_each_sentence():
    doc = run(sentences, triggers, casualties, text="Four militiamen and two soldiers were killed. Nine were hurt.")
    assert [(s.casualties.fatalities, s.casualties.injured) for s in doc.sentences] == [(6, None), (None, 9)]


def test_dating_finds_dates_only_around_events():
    doc = run(sentences, triggers, casualties, dating, text="A bomb exploded on Tuesday. The talks resume on Monday.")
    assert [[d.date for d in s.dates] for s in doc.sentences] == [[dt.date(2021, 11, 30)], []]


def test_dating_counts_a_day_earlier_from_the_day_the_story_last_gave():
    (moved,) = dating.anchored(
        [DatePhrase("a day earlier", 0, 13, None, "day", shift=-1)], None, (0, dt.date(2021, 11, 30)), PUBLISHED
    )
    assert (moved.date, moved.precision) == (dt.date(2021, 11, 29), "day")


def test_dating_calls_an_event_older_than_ten_days_background():
    old = DatePhrase("in October", 0, 10, dt.date(2021, 10, 1), "month")
    recent = DatePhrase("on Tuesday", 0, 10, dt.date(2021, 11, 30), "day")
    assert (dating.is_background(old, PUBLISHED, False), dating.is_background(recent, PUBLISHED, False)) == (
        True,
        False,
    )


@pytest.mark.django_db
def test_drafts_joins_a_follow_up_and_starts_a_new_event_after_separately(extraction_index):
    doc = run(
        sentences,
        places,
        triggers,
        casualties,
        dating,
        drafts,
        text="A roadside bomb exploded near Kirkuk on Tuesday. It killed three soldiers. "
        "Separately, gunmen kidnapped a shepherd in Mosul on Wednesday.",
    )
    assert [(d.trigger.sub_event_type, d.mention.text, d.fatalities, d.toll_source) for d in doc.drafts] == [
        ("remote_explosive_landmine_ied", "Kirkuk", 3, "follow-up"),
        ("abduction_forced_disappearance", "Mosul", None, "none"),
    ]


@pytest.mark.django_db
def test_headline_gives_its_toll_to_the_lead_incident_only(extraction_index):
    doc = run(
        sentences,
        places,
        triggers,
        casualties,
        dating,
        drafts,
        headline,
        title="IS attack kills 13 in Makhmour",
        text="Militants attacked a village in Makhmour on Thursday night. Peshmerga forces came under attack.",
    )
    assert [(d.fatalities, d.toll_source) for d in doc.drafts] == [(13, "headline")]


@pytest.mark.django_db
def test_incidents_folds_the_same_event_told_twice_and_scores_each(extraction_index):
    doc = run(
        sentences,
        places,
        triggers,
        casualties,
        dating,
        drafts,
        incidents,
        text="A car bomb exploded in Kirkuk on Tuesday, killing five people.\n\nPolice arrested two suspects in "
        "Erbil on Wednesday.\n\nThe car bomb in Kirkuk on Tuesday also wounded 12.",
    )
    found = [(i.sub_event_type, i.place.name, i.fatalities, i.injured) for i in doc.result.incidents]
    assert found == [("remote_explosive_landmine_ied", "Kirkuk", 5, 12), ("arrests", "Erbil", None, None)]
    assert all(0 < i.confidence < 1 and i.confidence_reasons for i in doc.result.incidents)


def test_confidence_is_higher_for_an_event_named_with_its_means_place_and_day():
    class T:
        def __init__(self, rank):
            self.rank = rank

    class D:
        def __init__(self, rank, place_source, own_place, mention, dated, toll):
            self.trigger, self.place_source, self.own_place, self.mention = T(rank), place_source, own_place, mention
            self.dated, self.date_precision, self.toll_source = dated, "day", toll
            self.geo_precision, self.evidence, self.actors = "exact" if mention else "country", ["x"], []
            self.sentence_no = 0

    class Entry:
        kind, place_id = "populated_place", 1

    class Mention:
        entry, candidates = Entry(), [Entry()]

    strong, strong_reasons = confidence.score(D(2, "sentence", True, Mention(), True, "sentence"))
    weak, weak_reasons = confidence.score(D(20, "headline", False, None, False, "none"))
    assert strong > weak
    assert "a named means of violence" in strong_reasons and "no place found" in weak_reasons


def test_hard_wrapped_wire_copy_is_read_as_whole_sentences():
    text = (
        "Islamic State fighters stormed a\ntown in Iraq's western Anbar province on Saturday, its latest\n"
        "conquest in the desert region where it has chalked up a string\nof victories, a military official and "
        "people fleeing the scene\nsaid.\nIslamic State seized the town of Kubaisa two days after the\nfall of the "
        "nearby town of Hit as the group sought to\nconsolidate control in towns west of Anbar's capital Ramadi."
    )
    doc = run(sentences, text=text)
    assert [s.text[:30] for s in doc.sentences] == ["Islamic State fighters stormed", "Islamic State seized the town "]
    assert len(doc.full) == len(text)  # offsets still point into the article as stored


def test_a_line_break_before_a_new_sentence_or_a_subhead_stays():
    doc = run(sentences, text="Kirkuk attack\nGunmen attacked a post on Monday.\nTwo died.")
    assert [s.text for s in doc.sentences] == ["Kirkuk attack", "Gunmen attacked a post on Monday.", "Two died."]
