"""What every API endpoint shares: the view base class (permission, throttles, content negotiation, the check
of query parameters), JSON errors, the documented error responses and the path and filter helpers."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from incidents import access
from incidents.models import Incident

from .. import responses as r
from ..fields import MAX_BIGINT
from ..filters import IncidentFilterSet, bad_params, reject_blank_params, reject_unknown_params
from ..renderers import JSONRenderer
from ..throttling import AnonThrottle, UserThrottle


def exception_handler(exc, context):
    """DRF's handler, plus: a service's ValidationError is a 400, and errors are always JSON (never CSV)."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=get_error_detail(exc))
    elif isinstance(exc, DataError):
        exc = ValidationError({"detail": "A value is out of the range the database can store."})
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        # Django's own 400 page is HTML; an API client gets the reason as JSON like every other error.
        exc = ValidationError({"detail": f"The request body is too large: {exc}"})
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


class ApiPermission(BasePermission):
    """Reading is open when settings.API_PUBLIC_READ, else needs a login or token; writing needs the view's perm."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return access.may_read(request.user)
        perm = getattr(view, "write_permission", None)
        return bool(perm and request.user.is_authenticated and request.user.has_perm(perm))


class FormatNegotiation(DefaultContentNegotiation):
    """An unknown `?format=` is a bad parameter (400 with the choices), not DRF's bare 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        # An explicit `?format=` wins over the Accept header: GDAL sends `Accept: text/plain, application/json` with
        # every request, and `?format=geojson` must still be GeoJSON (DRF would answer 406).
        if len(renderers) == 1:
            # An export's own path (incidents.geojson, incidents.csv): one format, whatever the client accepts.
            return renderers[0], renderers[0].media_type
        fmt = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        for renderer in renderers if fmt else ():
            if renderer.format == fmt:
                return renderer, renderer.media_type
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            choices = ", ".join(r.format for r in renderers)
            fmt = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
            raise ValidationError({"format": [f"Unknown format {fmt!r}; use one of: {choices}."]}) from None


class ApiView(APIView):
    content_negotiation_class = FormatNegotiation
    renderer_classes = [JSONRenderer]
    permission_classes = [ApiPermission]
    throttle_classes = [AnonThrottle, UserThrottle]
    write_permission: str | None = None
    # The query parameters a GET takes (besides `format` and the caller's own `_...`); any other is a 400.
    query_params: frozenset[str] = frozenset()
    # Those of them that may be empty (free text, lists); any other empty one is a 400.
    blank_params: frozenset[str] = frozenset({"q"})

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in SAFE_METHODS:
            reject_unknown_params(request.query_params, self.query_params)
            reject_blank_params(request.query_params, self.blank_params)


# Errors are JSON whatever format was asked for (see exception_handler).
ERRORS = {
    (400, "application/json"): OpenApiResponse(
        OpenApiTypes.OBJECT, description="A bad parameter: one list of messages per parameter"
    ),
    (401, "application/json"): OpenApiResponse(r.ErrorSerializer, description="A token is needed"),
    (403, "application/json"): OpenApiResponse(r.ErrorSerializer, description="Not allowed"),
    (429, "application/json"): OpenApiResponse(
        r.ErrorSerializer, description="Throttled: retry after the Retry-After header"
    ),
}
# `cursor` is taken but not described: it is opaque, and only the `next` links the API writes carry valid ones.
PAGE_PARAMS = [
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": 1000}, description="1-1,000, def. 100"),
    OpenApiParameter(
        "limit", {"type": "integer", "minimum": 1, "maximum": 1000}, description="An alias of `page_size`"
    ),
]


def path_pk(value: str, noun: str) -> int:
    # Any path segment reaches the view, so a bad id is the API's JSON 404, not Django's HTML page.
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_BIGINT:
        raise NotFound(f"No such {noun}.")
    return int(value)


ID_PARAM = OpenApiParameter("id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="The id")


def incident_filterset(request) -> IncidentFilterSet:
    """The incident filters of the query string, validated: a 400 names each bad parameter."""
    fs = IncidentFilterSet(request.query_params, queryset=Incident.objects.none(), request=request)
    if not fs.is_valid():
        raise bad_params(fs.form)
    return fs
