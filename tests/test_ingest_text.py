from pathlib import Path

import pytest

from incidents.text import content_hash
from ingest.text import TextError, clean_text, fragment_to_text, parse_html, parse_plain

PAGES = Path(__file__).parent / "fixtures" / "pages"
DEMO = Path(__file__).parent.parent / "ingest" / "demo"


def test_it_extracts_title_date_and_body_from_a_news_page_without_boilerplate():
    page = parse_html((PAGES / "article_with_boilerplate.html").read_text())
    assert page.title == "Militants attack checkpoint near Kirkuk"
    assert str(page.published) == "2016-03-14"
    assert page.text.startswith("Islamic State militants attacked an army checkpoint near Kirkuk on Monday")
    assert "road would reopen on Tuesday" in page.text
    for furniture in ("Skip to Content", "Share", "Subscribe", "newsletter", "Leave a comment", "logged in"):
        assert furniture.lower() not in page.text.lower()


def test_it_reads_plain_text_with_the_headline_on_the_first_line():
    page = parse_plain((DEMO / "000_a1a8ec7b970dcd6e.txt").read_text())
    assert page.title == "Islamic State Turns Its Fight in Iraq on Shiite Militias"
    assert page.text.startswith("In this photo released on May 4, 2015")
    assert "the village of Bashir south of northern Iraq’s Kirkuk" in page.text


def test_it_takes_the_date_from_a_dateline_above_the_headline_and_drops_navigation():
    page = parse_plain((DEMO / "001_baa8629b5dbd2b1a.txt").read_text())
    assert page.title == "Iran-backed militias working together to drive U.S. forces from Iraq"
    assert str(page.published) == "2020-01-03"
    assert "Skip to Content" not in page.text
    assert page.title not in page.text  # the page repeats its headline


def test_html_pasted_as_text_is_read_as_a_page():
    page = parse_plain(
        "<html><body><h1>Headline</h1><p>" + "Fighting near Mosul on Monday. " * 20 + "</p></body></html>"
    )
    assert "<p>" not in page.text and "Fighting near Mosul" in page.text


def test_it_rejects_empty_input_with_a_clear_error():
    with pytest.raises(TextError, match="empty"):
        parse_plain("  \n\n Skip to Content \n")
    with pytest.raises(TextError, match="no article text"):
        parse_html("<html><head><title>x</title></head><body><nav>Home</nav></body></html>")


def test_a_feed_fragment_becomes_paragraphs_without_scripts_or_entities():
    text = fragment_to_text(
        "<p>One &amp; two</p><script>alert(1)</script><p>Three<br>four</p><p>Share this article</p>"
    )
    assert text == "One & two\n\nThree\nfour"


def test_clean_text_drops_comment_prompts_and_repeated_lines():
    raw = "Headline\nHeadline\n\nBody line.\n\n3 Comments\nThe post Headline appeared first on Site.\nEnd."
    assert clean_text(raw) == "Headline\n\nBody line.\n\nEnd."


def test_the_content_hash_ignores_case_quotes_and_spacing_but_not_words():
    a = content_hash("Militants  attacked ‘the’ checkpoint.\n\nThree died.")
    assert a == content_hash("militants attacked 'the' checkpoint. three died.")
    assert a != content_hash("Militants attacked the checkpoint. Four died.")
