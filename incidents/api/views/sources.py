"""The polled feeds and sites."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from incidents import access, selectors

from .. import responses as r
from ..filters import PAGING_PARAMS
from ..pagination import name_page, page_size_from
from .base import ERRORS, PAGE_PARAMS, ApiView

SOURCE_FIELDS = (
    "id",
    "name",
    "url",
    "kind",
    "active",
    "poll_interval_minutes",
    "last_polled_at",
    "last_success_at",
    "error_count",
)


class SourceListView(ApiView):
    query_params = PAGING_PARAMS

    @extend_schema(
        operation_id="sources_list",
        summary="The feeds and sites that are polled",
        parameters=PAGE_PARAMS,
        responses={200: r.SourcePageSerializer, **ERRORS},
    )
    def get(self, request):
        page = name_page(
            request=request, rows=selectors.source_list().values(*SOURCE_FIELDS), page_size=page_size_from(request)
        )
        if not access.sees_internals(request.user):
            for row in page.rows:
                row["url"] = None  # feeds may be internal addresses (FETCH_ALLOWED_HOSTS)
        return Response({"next": page.next_url, "results": page.rows})
