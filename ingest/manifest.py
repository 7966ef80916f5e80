"""Publisher metadata kept beside saved articles: a `manifest.json` in a file's folder, or `FILE.json` next to it.

A text copied from a page loses what the page said around it (its address and publication date). Without a date,
an incident the text dates only by "on Monday" or not at all cannot be recorded, so the date is kept as data:

    {"articles": {"000_x.txt": {"published": "2016-04-12", "url": "https://...", "outlet": "...", "basis": "..."}}}

A sidecar `000_x.txt.json` holds one such entry by itself.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from .fetch import canonical_url

MANIFEST_NAME = "manifest.json"


class ManifestError(ValueError):
    pass


@dataclass(frozen=True)
class DocumentMeta:
    published: dt.date | None = None
    url: str = ""
    outlet: str = ""

    def __bool__(self) -> bool:
        return self.published is not None or bool(self.url)

    def over(self, other: DocumentMeta | None) -> DocumentMeta:
        """This metadata, with what it lacks taken from `other`."""
        if other is None:
            return self
        return DocumentMeta(
            published=self.published or other.published, url=self.url or other.url, outlet=self.outlet or other.outlet
        )


def parse_entry(entry: object, *, where: str) -> DocumentMeta:
    if not isinstance(entry, dict):
        raise ManifestError(f"{where}: expected an object with 'published' and/or 'url'")
    published = entry.get("published") or None
    if published is not None:
        try:
            published = dt.date.fromisoformat(str(published))
        except ValueError:
            raise ManifestError(f"{where}: 'published' must be YYYY-MM-DD, not {published!r}") from None
    url = str(entry.get("url") or "").strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise ManifestError(f"{where}: 'url' must be an http(s) address, not {url!r}")
    return DocumentMeta(
        published=published, url=canonical_url(url) if url else "", outlet=str(entry.get("outlet") or "")
    )


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: not readable JSON ({exc})") from None


def load_manifest(path: Path) -> dict[str, DocumentMeta]:
    """File name -> metadata, from a folder's manifest."""
    data = _read_json(path)
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, dict):
        raise ManifestError(f'{path}: expected {{"articles": {{"FILE": {{...}}}}}}')
    return {name: parse_entry(entry, where=f"{path}: {name}") for name, entry in articles.items()}


def metadata_for(path: Path) -> DocumentMeta | None:
    """What a sidecar or the folder's manifest says about this file (the sidecar wins), or None."""
    found = None
    manifest = path.parent / MANIFEST_NAME
    if manifest.is_file() and path.name != MANIFEST_NAME:
        found = load_manifest(manifest).get(path.name)
    sidecar = path.with_name(path.name + ".json")
    if sidecar.is_file():
        found = parse_entry(_read_json(sidecar), where=str(sidecar)).over(found)
    return found
