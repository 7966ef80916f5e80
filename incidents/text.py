"""Text folding shared by the gazetteer, the actor table, search and article de-duplication."""

import hashlib
import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʿ": "'", "ʾ": "'", "`": "'", "´": "'"})
_NON_WORD = re.compile(r"[^a-z0-9']+")


def normalize_name(value: str) -> str:
    """Lower-case, strip accents, fold apostrophes and hyphens: "Ḥawlēr" -> "hawler", "Al-Anbar" -> "al anbar"."""
    value = unicodedata.normalize("NFKD", value.translate(_APOSTROPHES))
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).lower()
    value = value.replace("'", "")
    return _NON_WORD.sub(" ", value).strip()


_HASH_FOLDS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def normalise_for_hash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_HASH_FOLDS)
    return re.sub(r"\s+", " ", text).strip()


def content_hash(text: str) -> str:
    """SHA-256 over an article's body with case, quotes and spacing folded, so a re-published or pasted copy hashes
    the same. The one definition: ingest (fetched and uploaded articles) and article submission both use it."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()
