"""Actors, searchable by any alias."""

from __future__ import annotations

from django import forms
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from incidents import selectors
from incidents.models import Actor

from .. import responses as r
from ..filters import PAGING_PARAMS, parse_params
from ..pagination import name_page, page_size_from
from .base import ERRORS, ID_PARAM, PAGE_PARAMS, ApiView, path_pk


class _QForm(forms.Form):
    q = forms.CharField(max_length=200, required=False)


ACTOR_FIELDS = ("id", "name", "kind", "aliases", "parent_id")


class ActorListView(ApiView):
    query_params = PAGING_PARAMS | {"q"}

    @extend_schema(
        operation_id="actors_list",
        summary="Actors, searchable by any alias (`Daesh`, `PMU`, `League of the Righteous`)",
        parameters=[OpenApiParameter("q", str, description="A name, alias or part of a name"), *PAGE_PARAMS],
        responses={200: r.ActorPageSerializer, **ERRORS},
    )
    def get(self, request):
        q = parse_params(_QForm, request.query_params).get("q") or ""
        page = name_page(
            request=request, rows=selectors.actor_list(q=q).values(*ACTOR_FIELDS), page_size=page_size_from(request)
        )
        return Response({"next": page.next_url, "results": page.rows})


class ActorDetailView(ApiView):
    @extend_schema(
        operation_id="actors_retrieve",
        parameters=[ID_PARAM],
        responses={200: r.ActorSerializer, 404: r.ErrorSerializer, **ERRORS},
    )
    def get(self, request, pk: str):
        row = Actor.objects.filter(pk=path_pk(pk, "actor")).values(*ACTOR_FIELDS).first()
        if row is None:
            raise NotFound("No such actor.")
        return Response(row)
