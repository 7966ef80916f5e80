"""Article text: main text, title and date out of HTML (trafilatura), boilerplate dropped (the content hash that
spots repeats is incidents.text.content_hash)."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import logging
import re
import unicodedata
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml.etree import ParserError, XMLSyntaxError

from incidents.text import strip_invisible

logger = logging.getLogger(__name__)


# Fewer words than this on a fetched page is navigation or an error page, not an article.
MIN_PAGE_WORDS = 15


class TextError(ValueError):
    """The input holds no article text (an empty page, a page of navigation only)."""


@dataclass
class PageText:
    title: str
    text: str  # body only, paragraphs separated by blank lines
    published: dt.date | None = None

    def as_plain(self) -> str:
        """The plain-text form the `ingest` command reads: the headline on the first line."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text


# Whole lines that are page furniture, not reporting. Matched case-insensitively against a stripped line.
_BOILERPLATE = re.compile(
    r"""^(?:
        skip\ to\ (?:main\ )?content | skip\ navigation | jump\ to\ (?:main\ )?content
      | share(?:\ (?:this|the)\ (?:article|story|post|page))?(?:\ (?:on|via)\ [\w ]{1,30})?
      | (?:share\ on\ |tweet\ |post\ to\ )?(?:facebook|twitter|x|whatsapp|telegram|linkedin|reddit|email|e-mail|print)
      | tweet | copy\ link | link\ copied
      | (?:subscribe|sign\ up|register)\b.{0,100}
      | .{0,60}\b(?:newsletter|subscription|subscribers?\ only|paywall)\b.{0,80}
      | (?:leave|post|add|write)\ a\ (?:comment|reply).{0,40}
      | \d*\ ?comments? | view\ comments | show\ comments | no\ comments(?:\ yet)?
      | (?:you\ must\ be\ )?log(?:ged)?\ ?in\ to\ (?:post\ a\ )?comment.{0,40}
      | be\ the\ first\ to\ comment.{0,40} | join\ the\ (?:conversation|discussion).{0,40}
      | (?:what\ do\ you\ think|have\ your\ say)\??.{0,60}
      | advertisement | sponsored(?:\ content)? | read\ more(?:\ here)?:? | related(?:\ (?:articles|stories|posts))?:?
      | follow\ us\ on\ .{0,60} | click\ here\ to\ .{0,80}
      | the\ post\ .{1,300}\ appeared\ first\ on\ .{1,100}
      | continue\ reading.{0,80}
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
_HTML_HINT = re.compile(r"<\s*(?:html|body|p|div|br|article|span|a\s|h[1-6]|!doctype)\b", re.I)
_DATE_IN_LINE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}"
    r"|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{4})\b",
    re.I,
)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table",
    "section", "article", "header", "footer", "figure", "figcaption", "pre", "hr",
}  # fmt: skip


def is_boilerplate(line: str) -> bool:
    line = line.strip()
    return bool(line) and len(line) <= 400 and bool(_BOILERPLATE.match(line))


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:5000]))


def clean_text(text: str) -> str:
    """Normalise line breaks and spaces, drop boilerplate lines, keep paragraphs apart by one blank line."""
    text = strip_invisible(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).replace("\xa0", " ")
    paragraphs, previous = [], None
    for raw in text.split("\n"):
        line = re.sub(r"[ \t\f\v]+", " ", raw).strip()
        if not line:
            if paragraphs and paragraphs[-1] != "":
                paragraphs.append("")
            continue
        # A repeated line is a headline or caption echoed by the page template.
        if is_boilerplate(line) or line == previous:
            continue
        paragraphs.append(line)
        previous = line
    return "\n".join(paragraphs).strip()


def fragment_to_text(fragment: str) -> str:
    """An HTML fragment (a feed entry's content) to plain text, one paragraph per block element."""
    if not fragment.strip():
        return ""
    if not looks_like_html(fragment) and "&" not in fragment:
        return clean_text(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, XMLSyntaxError, ValueError):
        return clean_text(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)))
    for bad in root.xpath(".//script|.//style|.//noscript|.//iframe|.//form"):
        bad.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            if element.tag.lower() == "br":
                element.tail = "\n" + (element.tail or "")
                continue
            element.tail = "\n\n" + (element.tail or "")
            element.text = "\n\n" + (element.text or "")
    return clean_text(root.text_content())


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    import dateparser  # slow to import; only needed for datelines

    parsed = dateparser.parse(value, languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})
    return parsed.date() if parsed else None


def parse_html(html: str, *, url: str | None = None) -> PageText:
    """Main text, title and publication date of a web page."""
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
        )
    except Exception as exc:  # trafilatura raises assorted lxml and value errors on broken markup
        logger.info("trafilatura failed on %s: %s", url or "a page", exc)
        doc = None
    title = clean_text(getattr(doc, "title", None) or "") if doc else ""
    body = clean_text(getattr(doc, "text", None) or "") if doc else ""
    if not body:
        # trafilatura gives up on short pages; a plain block-by-block reading still recovers the paragraphs.
        body = fragment_to_text(re.sub(r"(?is)<(head|nav|header|footer|aside)\b.*?</\1>", " ", html))
    if title and body.startswith(title):
        body = body[len(title) :].strip()
    if len(body.split()) < MIN_PAGE_WORDS:
        raise TextError(f"The page holds no article text ({len(body.split())} words)")
    return PageText(title=title.split("\n")[0][:1000], text=body, published=_parse_date(getattr(doc, "date", None)))


_HEADLINE = re.compile(r"(?=.{1,200}$)(?!.*[.!?:]$)(?:\S+\s+){0,24}\S+")


def parse_plain(raw: str) -> PageText:
    """Plain text with the headline on the first line; a short dateline before the headline gives the date."""
    if looks_like_html(raw):
        return parse_html(raw)
    lines = clean_text(raw).split("\n")
    published = None
    # Pages copied as text often open with a dateline or breadcrumb ("January 3, 2020 » Today News »").
    while lines and (not lines[0] or (len(lines[0].split()) <= 8 and _DATE_IN_LINE.search(lines[0]))):
        if lines[0] and published is None:
            published = _parse_date(_DATE_IN_LINE.search(lines[0]).group(0))
        lines.pop(0)
    if not lines:
        raise TextError("The text is empty")
    # A headline is a short line that does not end a sentence; a text that opens with a paragraph has none.
    title = lines[0] if _HEADLINE.fullmatch(lines[0].strip()) else ""
    body = "\n".join(line for line in lines[1 if title else 0 :] if line != title)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    if not body:
        raise TextError("The text has a headline but no body")
    return PageText(title=title[:1000], text=body, published=published)
