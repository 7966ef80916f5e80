"""Name normalisation shared by the gazetteer, the actor table and search."""

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
