"""The extraction pipeline: each stage reads the Document and adds what it finds."""

from __future__ import annotations

import datetime as dt

from .. import gazetteer_index
from ..events import forget
from ..types import Extraction
from . import casualties, dating, drafts, headline, incidents, places, sentences, triggers
from .document import Document

STAGES = (sentences, places, triggers, casualties, dating, drafts, headline, incidents)


def reset_caches() -> None:
    """Drops the in-process gazetteer and actor index (call after the Place or Actor tables change)."""
    gazetteer_index.reset()


def extract_article(*, title: str, text: str, published: dt.date | None) -> Extraction:
    """Finds the places an article names and the incidents it reports."""
    forget()
    doc = Document(title=title, text=text, published=published)
    for stage in STAGES:
        stage.run(doc)
    return doc.result
