"""Celery tasks: small, taking ids, idempotent. poll_due_sources (beat) -> poll_source -> process_article."""

from __future__ import annotations

import logging
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from alerts.tasks import scan_alerts
from incidents import services
from incidents.models import Actor, Article, Place, Source
from incidents.text import content_hash

from . import extract
from .documents import poll
from .feeds import FeedError
from .fetch import HTML_TYPES, FetchError, TransientFetchError, canonical_url, fetch
from .merge import merge_extraction
from .text import PageText, TextError, clean_text, looks_like_html, parse_html, parse_plain

logger = logging.getLogger(__name__)

MAX_RETRIES = 4
_RETRY = {
    "autoretry_for": (TransientFetchError,),
    "retry_backoff": 5,  # 5, 10, 20, 40 s (+ jitter)
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": MAX_RETRIES,
    "acks_late": True,
}
_gazetteer_state = None
_gazetteer_checked = float("-inf")
GAZETTEER_CHECK_SECONDS = 5.0


def _refresh_extractor_if_stale(*, now: bool = False) -> None:
    """Drop the extractor's in-process index when a curator (in another process) changed places or actors.

    Looked at no more than every few seconds: two aggregates per article would cost more than they save."""
    global _gazetteer_state, _gazetteer_checked
    if not now and time.monotonic() - _gazetteer_checked < GAZETTEER_CHECK_SECONDS:
        return
    _gazetteer_checked = time.monotonic()
    state = (
        Place.objects.aggregate(n=Count("pk"), t=Max("updated_at")),
        Actor.objects.aggregate(n=Count("pk"), t=Max("updated_at")),
    )
    if _gazetteer_state is not None and state != _gazetteer_state:
        extract.reset_caches()
    _gazetteer_state = state


def _error_text(exc: BaseException) -> str:
    known = (FetchError, TextError, FeedError, services.ArticleTooLarge)
    return str(exc) if isinstance(exc, known) else f"{type(exc).__name__}: {exc}"


def _read_submitted(article: Article) -> tuple[PageText, list[str]]:
    """Submitted text read for storage, and the other hashes a copy of it may be stored under: a file or a paste
    keeps its first line apart as the headline, which a tool may have sent as the text's first paragraph."""
    if looks_like_html(article.text):
        return parse_html(article.text, url=article.url or None), []
    parsed = PageText(title=article.title, text=clean_text(article.text))
    _, _, after_headline = parsed.text.partition("\n")
    return parsed, [content_hash(after_headline)] if after_headline.strip() else []


def _text_to_store(article: Article) -> tuple[PageText, dict] | None:
    """The article's text read for storage, with what else article_save_text needs for it; None when the stored text
    is already the one read."""
    if article.url and not article.text.strip():
        page = fetch(article.url, accept=HTML_TYPES)
        raw = page.text()
        parsed = (
            parse_html(raw, url=page.url)
            if page.content_type != "text/plain" or looks_like_html(raw)
            else parse_plain(raw)
        )
        return parsed, {"final_url": canonical_url(page.url)}
    if looks_like_html(article.text) or (article.fetched_at is None and article.text.strip()):
        # Submitted text (the API stores it as sent): read the way files and pastes are, so the one content hash is
        # taken over the same body whatever the path, and markup never reaches extraction.
        parsed, also = _read_submitted(article)
        return parsed, {"copy_hashes": also}
    return None


def ingest_article(article: Article, *, reread: bool = False) -> dict:
    """fetch if needed -> text -> extract -> merge, for a claimed article. Raises on failure.

    `reread`: the article is read again, most often because a curator added a place or an actor a moment ago."""
    to_store = _text_to_store(article)
    if to_store is not None:
        parsed, extra = to_store
        saved = services.article_save_text(
            article=article,
            title=parsed.title,
            text=parsed.text,
            content_hash=content_hash(parsed.text),
            published=parsed.published,
            **extra,
        )
        if saved is None:
            return {"duplicate": True}
        article = saved
    if not article.text.strip():
        raise TextError("The article has no text and no URL to fetch it from")
    _refresh_extractor_if_stale(now=reread)
    extraction = extract.extract_article(
        title=article.title, text=article.text, published=article.published.date() if article.published else None
    )
    result = merge_extraction(article=article, extraction=extraction)
    return {
        "created": len(result.created),
        "matched": len(result.matched),
        "skipped": len(result.skipped),
        "unresolved": result.unresolved,
    }


def _relax_commits() -> None:
    """Commits of this worker's connection do not wait for the WAL flush, which a busy disk makes slow. A database
    crash can then lose the last writes: an article claimed or merged in them is found again as queued or as a lapsed
    claim (recover_stale_articles), and ingest is idempotent."""
    global _relaxed_connection
    raw = connection.connection
    if raw is None or raw is not _relaxed_connection:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
        _relaxed_connection = connection.connection


_relaxed_connection = None
MAX_CLAIMS = 5  # an article whose worker dies this many times (it crashes the worker, or never ends) fails instead


@shared_task(bind=True, **_RETRY)
def process_article(self, article_id: int, force: bool = False, held: bool = False) -> dict:
    """Process one article. Claims it first: a second delivery while another worker holds the claim waits for the
    claim to end, since that may be a redelivery of this very task after its worker was killed."""
    _relax_commits()
    if not services.article_claim(article_id=article_id, force=force or (self.request.retries > 0 and not held)):
        expiry = services.article_claim_expiry(article_id=article_id)
        if expiry is not None and self.request.retries < MAX_RETRIES:
            wait = max(1.0, (expiry - timezone.now()).total_seconds() + 1)
            raise self.retry(countdown=wait, args=[article_id], kwargs={"force": force, "held": True})
        return {"skipped": "not claimable (already processed, being processed, or gone)"}
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return {"skipped": "gone"}
    try:
        result = ingest_article(article, reread=force)
    except TransientFetchError as exc:
        last = self.request.retries >= MAX_RETRIES
        logger.warning("Article %s: %s (%s)", article_id, exc, "giving up" if last else "will retry")
        services.article_mark_failed(article_id=article_id, error=_error_text(exc), will_retry=not last)
        if last:
            return {"failed": _error_text(exc)}
        raise
    except SoftTimeLimitExceeded:
        services.article_mark_failed(article_id=article_id, error="Took longer than the task time limit")
        logger.error("Article %s: time limit", article_id)
        return {"failed": "time limit"}
    except Exception as exc:  # bad input must never crash the worker; the article keeps its error for a retry
        logger.exception("Article %s failed", article_id)
        services.article_mark_failed(article_id=article_id, error=_error_text(exc))
        return {"failed": _error_text(exc)}
    if result.get("created") or result.get("matched"):
        # Saved views hear of new incidents now, not at the next beat.
        scan_alerts.delay_on_commit()
    return result


@shared_task(bind=True, **_RETRY)
def poll_source(self, source_id: int, force: bool = False) -> dict:
    if self.request.retries == 0 and not services.source_claim_poll(source_id=source_id, force=force):
        return {"skipped": "not due"}
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return {"skipped": "gone"}
    try:
        result = poll(source)
        return {key: value for key, value in result.items() if key != "ids"}
    except TransientFetchError as exc:
        services.source_record_poll(source_id=source_id, error=_error_text(exc))
        if self.request.retries >= MAX_RETRIES:
            return {"failed": _error_text(exc)}
        raise
    except Exception as exc:  # a broken feed is recorded on the source; the next tick tries again
        logger.warning("Source %s (%s) failed: %s", source_id, source.url, _error_text(exc))
        services.source_record_poll(source_id=source_id, error=_error_text(exc))
        return {"failed": _error_text(exc)}


@shared_task(acks_late=True)
def recover_stale_articles() -> dict:
    """Beat's safety net: an article whose claim lapsed lost its task (the worker was killed and the message is gone,
    or the task hit its hard time limit), or one left queued whose message never ran (lost with the broker, never
    sent), is sent again; one whose claim lapsed MAX_CLAIMS times fails."""
    requeued, failed = services.article_recover_stale(max_attempts=MAX_CLAIMS)
    services.article_queue(article_ids=requeued)
    if requeued or failed:
        logger.warning("Lost article messages: %d sent again, %d failed", len(requeued), len(failed))
    return {"requeued": len(requeued), "failed": len(failed)}


@shared_task(acks_late=True)
def poll_due_sources() -> int:
    """Beat's entry point: queue a poll for every active source whose interval has passed."""
    now = timezone.now()
    queued = 0
    for source in Source.objects.filter(active=True).only("pk", "last_polled_at", "poll_interval_minutes"):
        due = source.last_polled_at is None or (
            (now - source.last_polled_at).total_seconds() >= source.poll_interval_minutes * 60
        )
        if due:
            try:
                poll_source.apply_async(args=[source.pk], ignore_result=True)
            except Exception as exc:  # the broker is down: the source stays due and the next tick tries again
                logger.error("Could not queue the poll of source %s: %s", source.pk, exc)
                break
            queued += 1
    return queued
