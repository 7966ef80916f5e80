"""Every write to the domain: keyword-only, typed functions, each in one transaction (HackSoft style).

Ingest writes to the domain only through here; callers import from this package, not from its modules."""

from .actors import actor_save
from .articles import (
    ArticleTooLarge,
    article_claim,
    article_claim_expiry,
    article_claim_lease_seconds,
    article_create_or_get,
    article_mark_failed,
    article_mark_processed,
    article_queue,
    article_queue_on_commit,
    article_recover_stale,
    article_requeue,
    article_save_text,
    article_set_metadata,
    article_submit,
)
from .curation import incident_merge, incident_set_status, incident_update
from .places import PLACE_LOAD_FIELDS, place_save, place_upsert_many, unresolved_place_record, unresolved_place_resolve
from .recording import INCIDENT_OTHER_REPORTS_SQL, ArticleIncidentRecorder, incident_record_withdrawal
from .search import incident_refresh_search
from .sources import source_claim_poll, source_record_poll
from .stats import incident_stats_compact

__all__ = [
    "INCIDENT_OTHER_REPORTS_SQL",
    "PLACE_LOAD_FIELDS",
    "ArticleIncidentRecorder",
    "actor_save",
    "ArticleTooLarge",
    "article_claim",
    "article_claim_expiry",
    "article_claim_lease_seconds",
    "article_create_or_get",
    "article_mark_failed",
    "article_mark_processed",
    "article_queue",
    "article_queue_on_commit",
    "article_recover_stale",
    "article_requeue",
    "article_save_text",
    "article_set_metadata",
    "article_submit",
    "incident_merge",
    "incident_record_withdrawal",
    "incident_refresh_search",
    "incident_set_status",
    "incident_stats_compact",
    "incident_update",
    "place_save",
    "place_upsert_many",
    "source_claim_poll",
    "source_record_poll",
    "unresolved_place_record",
    "unresolved_place_resolve",
]
