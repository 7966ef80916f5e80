"""Floors on the extraction scores over labelled articles: the real-article corpus (tests/fixtures/real, the honest
measure), the held-out development set, the sets written after it (holdout, blind, blind2), and the seeds where
../shared is present.

The matcher (bench.corpus) follows ../shared/eval/score.py: same radii, date windows, greedy one-to-one matching,
background incidents excused; so these tests do not depend on a folder outside the repository.
"""

from pathlib import Path

import pytest

from bench.corpus import batches, f1, km, match, same_incident, scores

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "fixtures" / "eval_dev"
LATER = [DEV / "holdout", DEV / "blind", DEV / "blind2"]
SEEDS = ROOT.parent / "shared" / "eval" / "seeds"


def assert_floors(found: dict[str, float], floors: dict[str, float]) -> None:
    low = {k: round(found[k], 3) for k, floor in floors.items() if found[k] < floor}
    assert not low, f"below the floor: {low} (floors {floors}, all scores {found})"


def test_it_keeps_the_real_article_corpus_scores(extraction_index):
    # 300 real articles in 15 batches (tests/fixtures/real). Pooled, measured when these floors were set: places
    # 0.86, incidents 0.72, type 0.80, fatalities 0.68, day 0.83 (first-look figures per batch are in FIRST_LOOK.md).
    folders = batches()
    assert len(folders) == 15
    found = scores(*folders)
    assert_floors(found, {"place_f1": 0.85, "incident_f1": 0.70, "type": 0.78, "fatalities": 0.66, "day": 0.81})
    assert found["invented"] <= 7


def test_it_keeps_the_development_set_scores(extraction_index):
    # Measured 0.98 / 0.98 / 1.00 / 1.00 when these floors were set; they leave room for a miss or two.
    assert_floors(scores(DEV), {"place_f1": 0.95, "incident_f1": 0.90, "type": 0.95, "fatalities": 0.90})


def test_it_keeps_the_scores_of_the_sets_written_later(extraction_index):
    # Incident F1 on first sight: holdout 0.58, blind 0.67, blind2 0.67; pooled, after the general fixes they
    # prompted: places 1.00, incidents 1.00, type 0.83 (the matcher pairs same-place incidents regardless of type),
    # fatalities 0.89.
    assert_floors(scores(*LATER), {"place_f1": 0.90, "incident_f1": 0.85, "type": 0.75, "fatalities": 0.80})


@pytest.mark.skipif(not SEEDS.exists(), reason=f"the seed labels live outside the repository ({SEEDS})")
def test_it_keeps_the_seed_scores(extraction_index):
    # The seed targets the product has to hold (issue 3 asks for 0.90 / 0.75 / 0.85 / 0.90).
    assert_floors(scores(SEEDS), {"place_f1": 0.95, "incident_f1": 0.80, "type": 0.90, "fatalities": 0.95})


def test_the_matcher_counts_a_miss_and_a_false_find(tmp_path):
    """The floors above mean something only if the matcher can fail: an article that invents an incident 300 km
    off and misses the labelled one scores zero."""
    g = {
        "place": {"lat": 36.34, "lon": 43.13, "kind": "populated_place"},
        "date": "2021-01-02",
        "date_precision": "day",
    }
    far = {"place": {"lat": 33.34, "lon": 44.40}, "date": "2021-01-02"}
    late = {"place": {"lat": 36.34, "lon": 43.13}, "date": "2021-01-09"}
    near = {"place": {"lat": 36.40, "lon": 43.20}, "date": "2021-01-03"}
    assert not same_incident(g, far) and not same_incident(g, late) and same_incident(g, near)
    assert match([g], [far, near], same_incident, lambda a, b: km(a["place"], b["place"])) == [(g, near)]
    assert f1(0, 1, 1) == 0.0
