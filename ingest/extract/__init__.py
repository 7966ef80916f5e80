"""Extraction: places, incidents, actors, casualties and dates from one article's text.

A short pipeline of stages over one `Document` (ingest.extract.document), run in this order by
`extract_article` (ingest.extract.pipeline):

1. `sentences`  sentences and clauses, captions and subheads marked;
2. `places`     gazetteer mentions, people named like places dropped, namesakes resolved, datelines marked;
3. `triggers`   the event each sentence reports, if any (lexicon in ingest.lexicon);
4. `casualties` killed, injured and missing per sentence (ingest.numbers);
5. `dating`     date phrases around events, resolved against the publication date (ingest.dates);
6. `drafts`     incident drafts: a sentence starts an event, continues the one before, or completes its place;
7. `headline`   a toll only the headline gives goes to the lead incident;
8. `incidents`  generic means refined, repeats folded, confidence scored, incidents written out.

Pure: reads the gazetteer and the actor table through an in-process cached index (ingest.gazetteer_index), never
writes. Rule-based on purpose (trigger lexicons, a gazetteer trie, context cues): the English spaCy models are not
installable here and the small re-upload mistakes Iraqi towns for people. A new method is a new stage, or a new
rule in the stage it belongs to.
"""

from .pipeline import extract_article, reset_caches

__all__ = ["extract_article", "reset_caches"]
