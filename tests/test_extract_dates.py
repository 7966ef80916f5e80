"""Date phrases resolved against the publication date, with their precision."""

import datetime as dt

from ingest.dates import find_dates

WEDNESDAY = dt.date(2021, 7, 14)


def only(sentence, published=WEDNESDAY):
    found = [d for d in find_dates(sentence, published) if not d.span]
    assert len(found) == 1, found
    return found[0]


def test_it_reads_on_friday_as_the_last_friday_up_to_the_publication_day():
    assert only("Three fighters were killed on Friday.", dt.date(2021, 8, 22)).date == dt.date(2021, 8, 20)
    # dateparser would answer a week earlier when the article itself appeared on a Friday.
    assert only("Three fighters were killed on Friday.", dt.date(2021, 8, 20)).date == dt.date(2021, 8, 20)


def test_it_reads_last_wednesday_as_the_week_before_when_published_on_a_wednesday():
    phrase = only("Last Wednesday, the base was attacked with 14 rockets.")
    assert (phrase.date, phrase.precision) == (dt.date(2021, 7, 7), "day")


def test_it_gives_month_precision_to_last_month():
    phrase = only("Last month, the group claimed an attack.")
    assert (phrase.date, phrase.precision) == (dt.date(2021, 6, 1), "month")


def test_it_resolves_a_day_and_month_without_a_year_into_the_past():
    phrase = only("US airstrikes on June 27 hit militia targets.")
    assert (phrase.date, phrase.precision) == (dt.date(2021, 6, 27), "day")


def test_it_marks_spans_and_deadlines_as_no_event_date():
    found = find_dates("Attacks have risen since March, and between 2006 and 2011 the group claimed many.", WEDNESDAY)
    assert found and all(d.span for d in found)


def test_it_leaves_weekdays_undated_without_a_publication_date():
    phrase = only("The town fell on Sunday.", None)
    assert phrase.date is None and phrase.precision == "day"


def test_it_does_not_read_the_verb_may_as_a_month():
    assert find_dates("The militia may attack the base.", WEDNESDAY) == []
