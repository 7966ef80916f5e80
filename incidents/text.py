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


# C0 and C1 control characters but tab, line feed and carriage return: NUL cannot be stored in PostgreSQL text, and
# none of them is reporting. Vertical tab, form feed and the Unicode line separators become line breaks.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LINE_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
# Zero-width space, non-joiner, joiner, word joiner, byte-order mark and soft hyphen: invisible, and a name with one
# inside ("Kir\u200bkuk") would match no gazetteer entry.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def strip_invisible(text: str) -> str:
    """Text fit to store and match: control and zero-width characters removed. Every input path applies it."""
    if not text:
        return text
    return _INVISIBLE.sub("", _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text)))


_HASH_FOLDS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def normalise_for_hash(text: str) -> str:
    text = unicodedata.normalize("NFKC", strip_invisible(text)).casefold().translate(_HASH_FOLDS)
    return re.sub(r"\s+", " ", text).strip()


def content_hash(text: str) -> str:
    """SHA-256 over an article's body with case, quotes and spacing folded, so a re-published or pasted copy hashes
    the same. The one definition: ingest (fetched and uploaded articles) and article submission both use it."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()
