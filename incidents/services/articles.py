"""Articles: submitted by tools, stored by ingest (one per canonical URL and per content hash), claimed by one
worker at a time, marked processed or failed, and queued again."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from urllib.parse import urldefrag

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .. import text as article_text
from ..models import Article, Source

log = logging.getLogger("incidents.ingest")


class ArticleTooLarge(ValueError):
    """Text beyond ARTICLE_MAX_CHARS: refused whole rather than stored, read and cut somewhere arbitrary."""


def _fit_text(text: str) -> str:
    """Every article text passes here before storage: invisible characters removed, the size cap applied."""
    text = article_text.strip_invisible(text or "")
    limit = settings.ARTICLE_MAX_CHARS
    if len(text) > limit:
        raise ArticleTooLarge(f"The article's text is {len(text):,} characters long; the limit is {limit:,}.")
    return text


def article_queue(*, article_ids: Iterable[int], force: bool = False) -> int:
    """Send articles to the ingest worker; returns how many were sent.

    The database is the queue of record: an article is stored `queued` before it is sent, so a send that fails (the
    broker is down) is only logged, and recovery (`article_recover_stale`) sends it again later. The first failure
    stops the rest: each would wait for the broker in turn."""
    from config.celery_app import app as celery_app

    ids = list(article_ids)
    for sent, article_id in enumerate(ids):
        try:
            # By name: the domain does not import ingest; the ingest worker registers this task. force: the article
            # may have been processed before.
            # No result kept: nobody waits for one, and subscribing to it would wait out the result store's
            # reconnection retries (20 s) when Redis is down.
            celery_app.send_task(
                "ingest.tasks.process_article",
                args=[article_id],
                kwargs={"force": True} if force else {},
                ignore_result=True,
            )
        except Exception as exc:  # a broker outage must not turn a stored submission into an error
            log.error("Could not queue %d article(s) from %s on (left queued for recovery): %s", len(ids) - sent,
                      article_id, exc)  # fmt: skip
            return sent
    return len(ids)


def article_queue_on_commit(*, article_ids: Iterable[int], force: bool = False) -> None:
    ids = list(article_ids)
    if ids:
        transaction.on_commit(lambda: article_queue(article_ids=ids, force=force))


def article_submit(
    *, url: str | None = None, title: str = "", text: str = "", published: dt.date | None = None, user
) -> Article:
    """Store an article sent by a tool and queue it for ingest once the transaction commits.

    The same URL or the same text (folded for case, quotes and spacing) returns the article already stored; one that
    had failed is queued again.
    """
    url = urldefrag(article_text.strip_invisible(url or "").strip()).url
    text = _fit_text(text).strip()
    title = article_text.strip_invisible(title or "").strip()[:1000]
    if not url and not text:
        raise ValidationError("Give the article's URL or its text.")
    if url:
        URLValidator(schemes=["http", "https"], message="Enter a valid http(s) URL.")(url)
        if len(url) > 2000:
            raise ValidationError("The URL is longer than 2,000 characters.")
    content_hash = article_text.content_hash(text) if text else None

    def existing() -> Article | None:
        found = Article.objects.filter(url=url).first() if url else None
        if found is None and content_hash:
            found = Article.objects.filter(content_hash=content_hash).first()
        return found

    with transaction.atomic():
        article = existing()
        if article is None:
            try:
                with transaction.atomic():
                    article = Article.objects.create(
                        url=url,
                        title=title,
                        text=text,
                        content_hash=content_hash,
                        published=_as_utc_datetime(published),
                        status=Article.Status.QUEUED,
                    )
            except IntegrityError:
                # Another request stored the same URL or text between our look-up and insert.
                article = existing()
                if article is None:
                    raise
                return article
        elif article.status == Article.Status.FAILED:
            article.status, article.error = Article.Status.QUEUED, ""
            article.save(update_fields=["status", "error", "updated_at"])
        else:
            return article
        article_queue_on_commit(article_ids=[article.pk])
    return article


def _as_utc_datetime(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def _article_lookup(*, url: str, content_hash: str | None) -> Article | None:
    found = Article.objects.filter(url=url).first() if url else None
    if found is None and content_hash:
        found = Article.objects.filter(content_hash=content_hash).first()
    return found


def article_create_or_get(
    *,
    url: str = "",
    title: str = "",
    text: str = "",
    published: dt.date | dt.datetime | None = None,
    source: Source | None = None,
    content_hash: str | None = None,
) -> tuple[Article, bool]:
    """One article per canonical URL and per content hash: returns (article, created).

    `url` must already be canonical and `content_hash` computed over the body (ingest.text.content_hash).
    """
    url, title, text = article_text.strip_invisible(url), article_text.strip_invisible(title), _fit_text(text)
    existing = _article_lookup(url=url, content_hash=content_hash)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            article = Article.objects.create(
                url=url,
                title=title[:1000],
                text=text,
                content_hash=content_hash or None,
                published=_as_utc_datetime(published),
                source=source,
                fetched_at=timezone.now() if text else None,
                status=Article.Status.QUEUED,
            )
        return article, True
    except IntegrityError:
        # Another worker stored the same URL or content between the look-up and the insert.
        existing = _article_lookup(url=url, content_hash=content_hash)
        if existing is None:
            raise
        return existing, False


def article_claim(*, article_id: int, force: bool = False) -> bool:
    """Take an article for processing with one conditional UPDATE, so two workers never process it at once.

    A claim is a lease (ARTICLE_CLAIM_LEASE_SECONDS, the task's hard time limit): one older than that belongs to a
    worker that died, and may be taken again.
    """
    statuses = [Article.Status.QUEUED, Article.Status.FETCHED]
    if force:
        statuses += [Article.Status.PROCESSED, Article.Status.FAILED]
    now = timezone.now()
    stale = now - dt.timedelta(seconds=article_claim_lease_seconds())
    claimed = (
        Article.objects.filter(pk=article_id)
        .filter(Q(status__in=statuses) | Q(status=Article.Status.PROCESSING, updated_at__lt=stale))
        .update(status=Article.Status.PROCESSING, attempts=F("attempts") + 1, updated_at=now)
    )
    return claimed == 1


def article_claim_lease_seconds() -> float:
    return float(getattr(settings, "ARTICLE_CLAIM_LEASE_SECONDS", None) or settings.CELERY_TASK_TIME_LIMIT)


def article_claim_expiry(*, article_id: int) -> dt.datetime | None:
    """When another worker's claim on this article lapses, or None if it is not being processed."""
    claimed_at = (
        Article.objects.filter(pk=article_id, status=Article.Status.PROCESSING)
        .values_list("updated_at", flat=True)
        .first()
    )
    return claimed_at + dt.timedelta(seconds=article_claim_lease_seconds()) if claimed_at else None


def article_requeue_after_seconds() -> float:
    return float(getattr(settings, "ARTICLE_REQUEUE_AFTER_SECONDS", 600))


def article_recover_stale(*, max_attempts: int, limit: int = 2000) -> tuple[list[int], list[int]]:
    """Articles whose message was lost: returns (ids to send to the worker again, ids marked failed). The caller
    sends the first list.

    - A claim that lapsed (its worker was killed, or its task hit the hard time limit and was acked) goes back to
      the queue; one claimed `max_attempts` times already fails, so that an article that kills its worker does not do
      so forever.
    - An article `queued` (or `fetched`) for longer than ARTICLE_REQUEUE_AFTER_SECONDS was never taken: its message
      was lost with the broker, never sent (the broker was down), or its `ingest --sync` run died. It is sent again
      and its clock restarted, so a long backlog is sent again at most once per period; a second message for an
      article already taken is skipped by the claim."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=article_claim_lease_seconds())
    lapsed = Article.objects.filter(status=Article.Status.PROCESSING, updated_at__lt=stale)
    failed = list(lapsed.filter(attempts__gte=max_attempts).order_by("pk").values_list("pk", flat=True))
    if failed:
        Article.objects.filter(pk__in=failed, status=Article.Status.PROCESSING).update(
            status=Article.Status.FAILED,
            error=f"Its worker stopped (killed or out of time) on each of {max_attempts} attempts",
            updated_at=now,
        )
    requeued = list(lapsed.filter(attempts__lt=max_attempts).order_by("pk").values_list("pk", flat=True)[:limit])
    if requeued:
        Article.objects.filter(pk__in=requeued, status=Article.Status.PROCESSING, updated_at__lt=stale).update(
            status=Article.Status.QUEUED, updated_at=now
        )
    waiting = Article.objects.filter(
        status__in=[Article.Status.QUEUED, Article.Status.FETCHED],
        updated_at__lt=now - dt.timedelta(seconds=article_requeue_after_seconds()),
    )
    unsent = list(waiting.order_by("pk").values_list("pk", flat=True)[: max(0, limit - len(requeued))])
    if unsent:
        waiting.filter(pk__in=unsent).update(updated_at=now)
    return requeued + unsent, failed


def article_save_text(
    *,
    article: Article,
    title: str,
    text: str,
    content_hash: str,
    published: dt.date | dt.datetime | None = None,
    final_url: str = "",
    copy_hashes: Iterable[str] = (),
) -> Article | None:
    """Store an article's fetched (or cleaned) text. Returns None when the text is a copy of another article's:
    the row is then marked a duplicate of that article (its text not kept), so that one story is one article and
    the copy's status URL still answers, naming the original."""
    text, title = _fit_text(text), article_text.strip_invisible(title)
    with transaction.atomic():
        # `copy_hashes`: other forms of the same text that a copy may be stored under (without its headline, say).
        hashes = [content_hash, *copy_hashes]
        original = Article.objects.filter(content_hash__in=hashes).exclude(pk=article.pk).order_by("pk").first()
        if original is not None:
            log.info("Article %s is a copy of article %s", article.pk, original.pk)
            now = timezone.now()
            Article.objects.filter(pk=article.pk).update(
                status=Article.Status.DUPLICATE, duplicate_of=original, text="", error="", processed_at=now,
                updated_at=now, title=article.title or title[:1000],
            )  # fmt: skip
            return None
        article.text = text
        article.content_hash = content_hash
        article.title = article.title or title[:1000]
        article.published = article.published or _as_utc_datetime(published)
        article.fetched_at = timezone.now()
        fields = ["text", "content_hash", "title", "published", "fetched_at", "updated_at"]
        if final_url and final_url != article.url and not Article.objects.filter(url=final_url).exists():
            article.url = final_url
            fields.append("url")
        article.save(update_fields=fields)
    return article


def article_set_metadata(*, article: Article, published: dt.date | dt.datetime | None = None, url: str = "") -> bool:
    """Publisher metadata known apart from the text (a manifest beside saved copies): the publication date is stored
    when it differs, a URL only when the article has none and no other article holds it. A changed date queues the
    article to be read again, since it dates what the text leaves undated. Returns True when it was queued."""
    changes = {}
    published = _as_utc_datetime(published)
    if published is not None and article.published != published:
        changes["published"] = published
    if url and not article.url and not Article.objects.filter(url=url).exclude(pk=article.pk).exists():
        changes["url"] = url
    if not changes:
        return False
    requeue = "published" in changes and article.status != Article.Status.PROCESSING
    if requeue:
        changes["status"] = Article.Status.QUEUED
    Article.objects.filter(pk=article.pk).update(**changes, updated_at=timezone.now())
    for field, value in changes.items():
        setattr(article, field, value)
    return requeue


def article_mark_processed(*, article_id: int, note: str = "") -> None:
    """Done; `note` keeps what was read but not recorded (an incident without a date), for a curator to see."""
    Article.objects.filter(pk=article_id).update(
        status=Article.Status.PROCESSED, error=note[:5000], processed_at=timezone.now(), updated_at=timezone.now()
    )


def article_mark_failed(*, article_id: int, error: str, will_retry: bool = False) -> None:
    """Record why an article failed; one that will be retried goes back to queued with the error kept."""
    status = Article.Status.QUEUED if will_retry else Article.Status.FAILED
    Article.objects.filter(pk=article_id).update(status=status, error=error[:5000], updated_at=timezone.now())


def article_requeue(*, article_ids: Iterable[int]) -> list[int]:
    """Queue articles again (a curator's retry, or a newly added place); one being processed is left alone."""
    ids = list(
        Article.objects.filter(pk__in=list(article_ids))
        .exclude(status=Article.Status.PROCESSING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        Article.objects.filter(pk__in=ids).update(status=Article.Status.QUEUED, error="", updated_at=timezone.now())
        article_queue_on_commit(article_ids=ids, force=True)
    return ids
