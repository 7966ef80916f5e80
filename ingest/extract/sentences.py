"""Stage 1: sentences and clauses, with captions, boilerplate lines and subheads marked."""

from __future__ import annotations

import re

from ..events import CAPTION, best_trigger
from .document import Document, Sentence

_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Col|Gen|Lt|Sgt|Capt|Maj|Brig|St|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"Gov|Sen|Rep|Prof|Jr|Sr|vs|etc|approx)|\b[A-Z]|\b[A-Z]\.[A-Z])\.$"
)
_SENT_END = re.compile(r"[.!?]+[\"”’»)\]]*\s+(?=[\"“‘«(\[]?[A-Z0-9])")
_SKIP_SENTENCE = re.compile(r"^\s*(?:read more|see also|related|source|by|share|photo|click here)\b", re.I)
# "In Ranya, demonstrators torched party offices, while in Kalar police fired tear gas": two events, each clause
# with its own means and place.
_CLAUSE = re.compile(r",\s+(?:while|whereas)\s+|;\s+")


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int, int]]:
    """(start, end, paragraph number) of each sentence; a blank line or a line break ends a paragraph."""
    out = []
    for para_no, pm in enumerate(re.finditer(r"[^\n]+", text)):
        para, base = pm.group(), pm.start()
        start = 0
        for m in _SENT_END.finditer(para):
            if _ABBREV.search(para[: m.start() + 1]):
                continue
            out.append((offset + base + start, offset + base + m.start() + 1, para_no))
            start = m.end()
        if para[start:].strip():
            out.append((offset + base + start, offset + base + len(para.rstrip()), para_no))
    return out


def clauses(full: str, sentences: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Sentences cut where two clauses each report an event of their own."""
    out = []
    for start, end, para in sentences:
        sentence = full[start:end]
        cut = start
        for m in _CLAUSE.finditer(sentence):
            left, right = full[cut : start + m.start()], sentence[m.end() :]
            if best_trigger(left) is not None and best_trigger(right) is not None:
                out.append((cut, start + m.start(), para))
                cut = start + m.end()
        out.append((cut, end, para))
    return out


def _headings(full: str, spans: list[tuple[int, int, int]]) -> set[int]:
    """Paragraphs that are one short line without a full stop: a live blog's entry title or a subhead."""
    count: dict[int, int] = {}
    for _, _, para in spans:
        count[para] = count.get(para, 0) + 1
    return {
        para
        for s, e, para in spans
        if count[para] == 1 and not re.search(r"[.!?\"”’)]\s*$", full[s:e]) and len(full[s:e].split()) <= 16
    }


def run(doc: Document) -> None:
    spans = clauses(doc.full, split_sentences(doc.full[doc.body_offset :], doc.body_offset))
    captions = {p for s, e, p in spans if CAPTION.search(doc.full[s:e])}
    headings = _headings(doc.full, spans)
    for no, (start, end, para) in enumerate(spans):
        text = doc.full[start:end]
        doc.sentences.append(
            Sentence(
                no=no,
                start=start,
                end=end,
                para=para,
                text=text,
                skip=para in captions or bool(_SKIP_SENTENCE.match(text)),
                heading=para in headings,
            )
        )
