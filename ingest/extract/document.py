"""The one object every extraction stage reads and adds to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..dates import DatePhrase
from ..events import Trigger
from ..gazetteer_index import Token
from ..geocode import Mention
from ..numbers import Casualties
from ..types import Extraction


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
        self.full = f"{self.title}\n\n{self.text}" if self.title else self.text
        self.body_offset = len(self.full) - len(self.text)

    def in_body(self, m: Mention) -> bool:
        return m.start >= self.body_offset
