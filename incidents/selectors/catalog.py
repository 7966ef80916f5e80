"""Reads of actors, articles and sources for the API and pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..models import Actor, Article, Incident, Source
from ..text import normalize_name
from .visibility import visible_incidents


def actor_get(*, pk: int) -> Actor | None:
    return Actor.objects.select_related("parent").prefetch_related("children").filter(pk=pk).first()


def actor_list(*, q: str = "") -> QuerySet[Actor]:
    """Actors by any alias ("Daesh", "Hashd al-Shaabi"), or by a fragment of their name."""
    qs = Actor.objects.all()
    if q.strip():
        name = normalize_name(q)
        qs = qs.filter(Q(search_names__contains=[name]) | Q(name__icontains=q.strip()))
    return qs.order_by("name", "pk")


def article_list(*, status: str = "") -> QuerySet[Article]:
    qs = Article.objects.select_related("source")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def article_get(*, pk: int) -> Article | None:
    return Article.objects.select_related("source").filter(pk=pk).first()


def article_incidents(*, article: Article, user=None) -> QuerySet[Incident]:
    """The incidents an article produced or supports; for a duplicate, those of the article it copies."""
    qs = Incident.objects.filter(source_links__article_id=article.duplicate_of_id or article.pk)
    return visible_incidents(qs, user=user).order_by("-date", "-pk")


def source_list() -> QuerySet[Source]:
    return Source.objects.order_by("name", "pk")
