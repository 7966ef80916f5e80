"""Articles: the list, submission for ingest, and one article's status with the incidents it produced."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status as http
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from incidents import access, selectors, services
from incidents.models import Article

from .. import responses as r
from .. import serializers as s
from ..filters import PAGING_PARAMS, parse_params
from ..pagination import KeysetPaginator, created_keyset, page_size_from
from ..throttling import AnonThrottle, ArticleSubmitThrottle, UserThrottle
from .base import ERRORS, ID_PARAM, PAGE_PARAMS, ApiView, path_pk


def _article_row(article: Article, request) -> dict:
    # A processed article's URL is public evidence (its incidents cite it); the URL of one not read, or refused, is
    # an ingest internal.
    public_url = article.status in (Article.Status.PROCESSED, Article.Status.DUPLICATE) or access.sees_internals(
        request.user
    )
    return {
        "id": article.pk,
        "url": article.url if public_url else None,
        "title": article.title,
        "status": article.status,
        "published": article.published,
        "source": article.source.name if article.source_id else None,
        "created_at": article.created_at,
        "status_url": request.build_absolute_uri(reverse("api:article-detail", args=[article.pk])),
    }


class _ArticleListForm(forms.Form):
    status = forms.ChoiceField(choices=[("", ""), *Article.Status.choices], required=False)


class ArticleListView(ApiView):
    query_params = PAGING_PARAMS | {"status"}

    write_permission = "incidents.add_article"
    throttle_classes = [AnonThrottle, UserThrottle, ArticleSubmitThrottle]

    @extend_schema(
        operation_id="articles_list",
        summary="Articles, newest first",
        parameters=[
            OpenApiParameter("status", str, enum=Article.Status.values, description="Only articles in this state"),
            *PAGE_PARAMS,
        ],
        responses={200: r.ArticlePageSerializer, **ERRORS},
    )
    def get(self, request):
        status = parse_params(_ArticleListForm, request.query_params).get("status") or ""
        table = Article._meta.db_table
        paginator = KeysetPaginator(
            request=request,
            keyset=created_keyset(table),
            name="-created_at",
            descending=True,
            page_size=page_size_from(request),
        )
        page = paginator.paginate(
            selectors.article_list(status=status).values("id", "created_at"), pk_sql=f'"{table}"."id"'
        )
        by_id = {a.pk: a for a in Article.objects.select_related("source").filter(pk__in=[r["id"] for r in page.rows])}
        return Response({"next": page.next_url, "results": [_article_row(by_id[r["id"]], request) for r in page.rows]})

    @extend_schema(
        operation_id="articles_create",
        summary="Submit an article (URL or text) for ingest: token with incidents.add_article",
        description="Returns 202 at once; the article is fetched (if only a URL was given), read and merged by a "
        "worker. Poll `status_url` until `status` is `processed` or `failed`; it lists the incidents found. The same "
        "URL or text again returns the article already stored.",
        request=s.ArticleSubmitSerializer,
        responses={202: r.ArticleDetailSerializer, **ERRORS},
        examples=[
            OpenApiExample("By URL", value={"url": "https://example.org/news/attack-near-kirkuk"}, request_only=True),
            OpenApiExample(
                "By text",
                value={"title": "Attack near Kirkuk", "text": "Militants attacked a checkpoint near Kirkuk on Monday."},
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        serializer = s.ArticleSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = services.article_submit(user=request.user, **serializer.validated_data)
        article = selectors.article_get(pk=article.pk)
        data = _article_detail(article, request)
        return Response(data, status=http.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


def _article_detail(article: Article, request) -> dict:
    base = request.build_absolute_uri(reverse("api:incident-list"))
    incidents = selectors.article_incidents(article=article, user=request.user).values(
        "id", "event_type", "sub_event_type", "date", "location_name", "fatalities", "status"
    )
    return {
        **_article_row(article, request),
        "error": article.error if access.sees_internals(request.user) else "",
        "duplicate_of": (
            {
                "id": article.duplicate_of_id,
                "status_url": request.build_absolute_uri(reverse("api:article-detail", args=[article.duplicate_of_id])),
            }
            if article.duplicate_of_id
            else None
        ),
        "attempts": article.attempts,
        "fetched_at": article.fetched_at,
        "processed_at": article.processed_at,
        "incidents": [{**row, "url": f"{base}{row['id']}/"} for row in incidents],
    }


class ArticleDetailView(ApiView):
    @extend_schema(
        operation_id="articles_retrieve",
        parameters=[ID_PARAM],
        summary="An article's ingest status, error and the incidents it produced",
        responses={200: r.ArticleDetailSerializer, 404: r.ErrorSerializer, **ERRORS},
    )
    def get(self, request, pk: str):
        article = selectors.article_get(pk=path_pk(pk, "article"))
        if article is None:
            raise NotFound("No such article.")
        return Response(_article_detail(article, request))
