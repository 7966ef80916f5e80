"""The words pages use for coded values, so that a journalist reads "Iraq", "village" and "the side that
started it" rather than IQ, PPL and "Actor 1". The API and the CSV keep the codes (ACLED's)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .countries import country_name

# ACLED's actor 1 is the side that acted (attacked, protested, arrested); actor 2 the side it acted against.
ROLE_WORDS = {1: "carried it out", 2: "on the other side", 3: "also involved"}


def role_words(role: int) -> str:
    return ROLE_WORDS.get(int(role), "also involved")


def country_words(code: str) -> str:
    return country_name(code) if code else ""


def outlet_name(*, source_name: str = "", url: str = "") -> str:
    """The outlet that published an article: its polled feed's name, else the site's address without "www."."""
    if source_name:
        return source_name
    host = urlsplit(url).hostname or "" if re.match(r"https?://", url or "", flags=re.IGNORECASE) else ""
    return host.removeprefix("www.")


def same_text(a: str, b: str) -> bool:
    """Equal once spacing and case are ignored: a summary that repeats the evidence is not shown twice."""
    squash = lambda text: " ".join((text or "").split()).casefold().rstrip(".")  # noqa: E731
    return bool(squash(a)) and squash(a) == squash(b)
