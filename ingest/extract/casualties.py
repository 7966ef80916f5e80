"""Stage 4: killed, injured and missing as each sentence states them (the counting rules are ingest.numbers)."""

from __future__ import annotations

from ..numbers import casualties
from .document import Document


def run(doc: Document) -> None:
    for s in doc.sentences:
        if not (s.skip or s.heading):
            s.casualties = casualties(s.text)
