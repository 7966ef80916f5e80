"""Casualty counts read from digits and number words."""

import pytest

from ingest.numbers import casualties


@pytest.mark.parametrize(
    ("sentence", "fatalities", "injured", "missing"),
    [
        (
            "An estimated “fifteen [militia] members have been killed, 90 wounded and another 20 missing,” he said.",
            15,
            90,
            20,
        ),
        ("Six died, and 31 people from the unit were injured in the shooting.", 6, 31, None),
        ("Officials said at least 500 people died in three days of fierce fighting.", 500, None, None),
        ("The protests turned violent, killing two and injuring more than 150 so far.", 2, 150, None),
        ("A car bomb killed a dozen people and wounded dozens in the market.", 12, 12, None),
        ("A rocket attack killed a foreign contractor and wounded nine people.", 1, 9, None),
        ("A member of the 26th Marine Expeditionary Unit was killed by a rocket attack.", 1, None, None),
        ("Seven fighters were injured when their checkpoint came under fire.", None, 7, None),
    ],
)
def test_it_reads_tolls_from_digits_and_words(sentence, fatalities, injured, missing):
    found = casualties(sentence)
    assert (found.fatalities, found.injured, found.missing) == (fatalities, injured, missing)


def test_it_sums_an_itemised_toll_rather_than_the_rounded_total():
    found = casualties(
        "The monitor said nearly 300 people have been killed in four days of fighting – 123 soldiers and "
        "militiamen, 115 fighters and 57 civilians."
    )
    assert found.fatalities == 295


def test_it_does_not_take_years_distances_or_weapons_for_tolls():
    assert casualties("In 2014 the group killed dozens of fighters").fatalities == 12
    assert casualties("The base, 100 kilometres west of the city, was hit by 14 rockets.").any() is False
    assert casualties("He was killed in 2006.").fatalities is None


def test_it_ignores_absurd_figures_that_would_overflow_the_database():
    assert casualties("A blast killed 99999999999999999999 people.").fatalities is None
    assert casualties("Officials said 2,000,000 people were killed in the war.").fatalities is None


def test_it_reads_a_long_run_of_digits_in_linear_time():
    import time

    start = time.process_time()
    casualties("killed " + "1" * 20000 + " people and wounded " + "2" * 20000)
    assert time.process_time() - start < 1.0


@pytest.mark.parametrize(
    ("sentence", "fatalities", "injured"),
    [
        ("Between 20 and 25 people were killed in the shelling.", 20, None),
        ("The death toll rose to 45, up from 30 earlier.", 45, None),
        ("Two soldiers died of their wounds on Monday, bringing the toll to five.", 5, None),
        ("Militants shot dead a policeman, the cleric of the local mosque and three civilians.", 5, None),
        ("More than 100 people were killed or wounded.", None, None),
        ("The attacks left 24 dead and 50 wounded.", 24, 50),
        ("Eleven soldiers were killed and fifteen wounded.", 11, 15),
        ("The gunmen killed two soldiers, and three attackers were also killed.", 5, None),
    ],
)
def test_it_reads_ranges_running_totals_lists_and_second_groups(sentence, fatalities, injured):
    found = casualties(sentence)
    assert (found.fatalities, found.injured) == (fatalities, injured)


def test_a_range_keeps_its_low_and_high():
    found = casualties("Between 20 and 25 people were killed in the shelling.")
    assert (found.fatalities_low, found.fatalities, found.fatalities_high) == (20, 20, 25)


def test_a_running_total_keeps_the_earlier_figure_as_low():
    found = casualties("Two more died overnight, bringing the death toll to seven.")
    assert (found.fatalities_low, found.fatalities, found.fatalities_high) == (2, 7, 7)


@pytest.mark.parametrize(
    ("sentence", "fatalities", "injured"),
    [
        ("Preliminary reports confirm the death of four civilians and injuries to six others.", 4, 6),
        ("With this, the casualty toll among the PMF has risen to nine, while three are still in hospital.", 9, None),
        ("IS radicals stoned to death one civilian after accusing him of adultery.", 1, None),
        ("An off-duty Peshmerga fighter lost his life and a shepherd was injured in a drone attack.", 1, 1),
        ("The assault claimed the lives of 12 electricity workers and six policemen.", 18, None),
    ],
)
def test_it_reads_tolls_told_as_deaths_lives_and_running_totals(sentence, fatalities, injured):
    found = casualties(sentence)
    assert (found.fatalities, found.injured) == (fatalities, injured)


@pytest.mark.parametrize(
    ("sentence", "fatalities", "injured"),
    [
        ("In Mosul, a policeman and a militant were killed in a shootout at a checkpoint.", 2, None),
        ("Militants stormed two adjacent houses and shot dead five members of the family.", 5, None),
        ("Two separate roadside bombs targeting army patrols killed three soldiers and wounded four.", 3, 4),
        ("Five soldiers were killed and wounded in an attack on the outskirts of the town.", None, None),
        ("The attack resulted in the death of the SDF fighter.", 1, None),
        ("Three US soldiers, two fighters accompanying them and 13 civilians were martyred.", 18, None),
        ("There was no reported casualty despite minor damage to the vehicle.", 0, 0),
        ("Five mortar shells landed in the village, causing damage without human casualties.", 0, 0),
    ],
)
def test_it_reads_pairs_combined_counts_and_tolls_of_none(sentence, fatalities, injured):
    found = casualties(sentence)
    assert (found.fatalities, found.injured) == (fatalities, injured)


@pytest.mark.parametrize(
    ("sentence", "fatalities", "injured"),
    [
        ("A 15-year-old boy died late on Wednesday from injuries sustained last week.", 1, None),
        ("Ahmed Saleh, 25, was killed in the attack.", 1, None),
        ("Two men, 25 and 30 years old, were killed at the checkpoint.", 2, None),
        ("The victims, aged 40 and 45, were wounded.", None, None),
    ],
)
def test_it_does_not_take_ages_for_tolls(sentence, fatalities, injured):
    found = casualties(sentence)
    assert (found.fatalities, found.injured) == (fatalities, injured)


@pytest.mark.parametrize(
    ("sentence", "fatalities", "injured"),
    [
        ("In the north-west, 12 civilians including three children were killed in raids on the town.", 12, None),
        ("Twelve people among them two women were wounded by the blast.", None, 12),
    ],
)
def test_it_takes_the_whole_toll_not_the_subset_told_without_commas(sentence, fatalities, injured):
    found = casualties(sentence)
    assert (found.fatalities, found.injured) == (fatalities, injured)


@pytest.mark.parametrize(
    ("sentence", "fatalities"),
    [
        ("A former leader of the opposition and five companions were killed on Thursday night in an ambush.", 6),
        ("A mother and her two daughters were killed on Sunday.", 3),
        ("He said that two of his brothers and his niece were killed by armed groups.", 3),
        ("Three soldiers and their commander were killed in the ambush.", 4),
        ("The blast at the home of a soldier killed him, his wife, his two daughters and two sons.", 6),
        ("A car bomb exploded near a market and 5 people were killed.", 5),
    ],
)
def test_it_counts_the_person_named_beside_a_counted_group(sentence, fatalities):
    assert casualties(sentence).fatalities == fatalities


def test_it_does_not_add_the_day_of_the_month_to_a_toll():
    assert casualties("On August 24, a man was shot dead in the northern countryside.").fatalities == 1


@pytest.mark.parametrize(
    ("sentence", "fatalities", "injured"),
    [
        ("Near Rutba, a booby-trapped car killed three civilians and wounded another.", 3, 1),
        ("A civilian was killed and another was injured today in an IED explosion.", 1, 1),
        ("Five policemen were killed and another was wounded when militants opened fire.", 5, 1),
        ("Rockets hit the base on Saturday and injured three Americans and at least two Iraqi soldiers.", None, 5),
        ("At least five demonstrators and three policemen were wounded.", None, 8),
        ("In Abu Ghraib, gunmen shoot dead at least two soldiers and wound one at an army checkpoint.", 2, 1),
        ("The blast killed 4 and wounded 15 others.", 4, 15),
        ("Five soldiers were killed and wounded in the attack.", None, None),
    ],
)
def test_it_reads_the_wounded_told_as_another_a_list_or_parts(sentence, fatalities, injured):
    found = casualties(sentence)
    assert (found.fatalities, found.injured) == (fatalities, injured)


def test_a_person_and_his_kin_killed_are_two():
    assert casualties("The local head of a militia and his son were killed by gunmen.").fatalities == 2


def test_a_count_after_a_weekday_is_a_toll_not_part_of_a_name():
    assert casualties("On Tuesday 12 civilians were killed in air raids on the town.").fatalities == 12
    assert casualties("Kurdistan 24 reported that two people were killed.").fatalities == 2


@pytest.mark.parametrize(
    ("sentence", "fatalities"),
    [
        ("The number of dead rose to 30 on Monday.", 30),
        ("Three of the dead were children.", None),
        ("Two of the wounded were in critical condition, and 5 were killed.", 5),
    ],
)
def test_it_reads_the_number_of_dead_and_not_who_some_of_them_were(sentence, fatalities):
    assert casualties(sentence).fatalities == fatalities


@pytest.mark.parametrize(
    ("sentence", "fatalities", "injured"),
    [
        ("The body of a young man was found in the town on Monday with gunshot wounds.", 1, None),
        ("The bodies of 12 men were found near the village.", 12, None),
        ("He died of his wounds in hospital.", None, None),
    ],
)
def test_a_body_found_is_one_dead_and_wounds_are_no_count_of_wounded(sentence, fatalities, injured):
    found = casualties(sentence)
    assert (found.fatalities, found.injured) == (fatalities, injured)


def test_a_running_total_told_subject_first_is_the_toll():
    found = casualties(
        "The number of civilians who were killed by shells on buildings in the city of Douma has risen to 24 at "
        "least, including 13 women and 5 children."
    )
    assert found.fatalities == 24
