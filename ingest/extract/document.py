"""The one object every extraction stage reads and adds to."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass, field

from ..dates import DatePhrase
from ..events import Trigger
from ..gazetteer_index import Token
from ..geocode import Mention
from ..numbers import Casualties
from ..types import Extraction

_BULLET = re.compile(r"^\s*(?:[•·▪◦*\u2013\u2014-]|\d{1,2}[.)])\s")
_LINE_END = re.compile(r"[.!?:;\"”’)\]]\s*$")


def unwrap(text: str) -> str:
    """Line breaks inside sentences become spaces (same length, so every offset still points into the original).

    Wire copy and e-mailed releases are often hard-wrapped at 60-80 characters ("...besieged inside the\ncountry's
    largest oil refinery"): read line by line, every sentence would be cut in pieces. A break is inside a sentence
    when the next line starts in lower case, or when the whole text is wrapped (most lines are of similar width and
    end without punctuation) and this line ends without it."""
    lines = text.split("\n")
    full = [ln for ln in lines if ln.strip()]
    wrapped = (
        len(full) >= 5
        and sum(1 for ln in full if not _LINE_END.search(ln)) >= 0.6 * len(full)
        and 40 <= statistics.median(len(ln) for ln in full) <= 100
    )
    out = list(text)
    pos = 0
    for line, nxt in zip(lines, lines[1:], strict=False):
        pos += len(line)
        # A bulleted line ("  • In Abu Ghraib, ...") starts an item of its own, however the text is wrapped.
        inside = line.strip() and nxt.strip() and not _LINE_END.search(line) and not _BULLET.match(nxt)
        if inside and (nxt.lstrip()[:1].islower() or wrapped):
            out[pos] = " "
        pos += 1
    return "".join(out)


@dataclass
class Sentence:
    no: int
    start: int  # character offsets in Document.full
    end: int
    para: int
    text: str
    skip: bool = False  # a photo caption or a "Read more" line: never an event
    heading: bool = False  # a one-line subhead or live-blog entry title: names the place of what follows
    trigger: Trigger | None = None
    casualties: Casualties = field(default_factory=Casualties)
    dates: list[DatePhrase] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)  # located places named here, datelines left out


@dataclass
class Document:
    title: str
    text: str
    published: dt.date | None
    full: str = ""  # title, a blank line, then the text: offsets below are into this
    body_offset: int = 0
    tokens: list[Token] = field(default_factory=list)
    token_starts: list[int] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)  # every gazetteer name found, people included
    located: list[Mention] = field(default_factory=list)  # resolved places in the covered countries
    datelines: set[int] = field(default_factory=set)  # ids of mentions that only say where a report was filed
    headline_place: Mention | None = None
    sentences: list[Sentence] = field(default_factory=list)
    drafts: list = field(default_factory=list)  # ingest.extract.drafts.Draft
    result: Extraction = field(default_factory=Extraction)

    def __post_init__(self) -> None:
        self.title = (self.title or "").strip()
        self.text = self.text or ""
        self.full = f"{self.title}\n\n{unwrap(self.text)}" if self.title else unwrap(self.text)
        self.body_offset = len(self.full) - len(self.text)

    def in_body(self, m: Mention) -> bool:
        return m.start >= self.body_offset
