"""Incidents in admin: review, edit on the map with actors and sources inline, verify, reject and merge."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from leaflet.admin import LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from ..distance import great_circle_km
from ..links import is_web_url
from ..models import Incident, IncidentActor, IncidentSource
from ..selectors import place_ids_for_spelling
from ..services import incident_merge, incident_refresh_search, incident_set_status, incident_update
from .filters import (
    REVIEW_PRIORITY,
    ConfidenceFilter,
    CountryFilter,
    HasFatalitiesFilter,
    ProvinceFilter,
    ReviewQueueFilter,
)
from .shared import AtlasMapMedia, LabelledInlineFormSet, TermSearch, admin_link, count_of

# A name that matches more gazetteer entries than this is a word, not a place ("al").
PLACE_SEARCH_LIMIT = 50
# Duplicates are reported within days of each other and near the same place; beyond these the page warns.
MERGE_WARN_DAYS = 7
MERGE_WARN_KM = 25
# A merge of more than this many rows is almost certainly a "select all" by mistake.
MERGE_LIMIT = 25


class IncidentActorInline(admin.TabularInline):
    model = IncidentActor
    formset = LabelledInlineFormSet
    autocomplete_fields = ["actor"]
    extra = 0
    verbose_name = "actor"
    verbose_name_plural = "actors"


class IncidentSourceInline(admin.StackedInline):
    model = IncidentSource
    fields = [("article", "article_link"), "evidence", "extracted_values"]
    readonly_fields = ["article_link", "extracted_values"]
    # Article's admin lives in ingest/; a raw id keeps this inline working whatever it registers.
    raw_id_fields = ["article"]
    extra = 0
    verbose_name = "source"
    verbose_name_plural = "sources (articles with their evidence)"
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 100})}}

    @admin.display(description="article")
    def article_link(self, obj):
        if not obj.pk:
            return "-"
        article = obj.article
        parts = [admin_link(article, article.title or f"Article {article.pk}")]
        if is_web_url(article.url):
            parts.append(
                format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', article.url, "open")
            )
        if article.published:
            parts.append(f"{article.published:%Y-%m-%d}")
        return format_html_join(" · ", "{}", ((part,) for part in parts))

    @admin.display(description="extracted from this article")
    def extracted_values(self, obj):
        if not obj.pk or not obj.extracted:
            return "-"
        return format_html("<pre>{}</pre>", json.dumps(obj.extracted, indent=2, ensure_ascii=False, default=str))


@admin.register(Incident)
class IncidentAdmin(TermSearch, AtlasMapMedia, LeafletGeoAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "date",
        "event_type",
        "sub_event_type",
        "place_display",
        "fatalities",
        "confidence_display",
        "status",
        "source_count",
        "curator_locked",
        "date_precision",
    ]
    list_display_links = ["date", "sub_event_type"]
    list_filter = [
        ReviewQueueFilter,
        ConfidenceFilter,
        "status",
        "event_type",
        "sub_event_type",
        "date",
        CountryFilter,
        ProvinceFilter,
        HasFatalitiesFilter,
        "curator_locked",
        "date_precision",
        "geo_precision",
    ]
    date_hierarchy = "date"
    search_fields = ["summary", "location_name", "source_links__evidence"]
    search_help_text = "Words of the summary or evidence (English stemming), a place in any spelling, or #id."
    autocomplete_fields = ["place"]
    list_select_related = ["place"]
    list_per_page = 50
    # An exact count of the unfiltered table is a full scan at millions of rows.
    show_full_result_count = False
    inlines = [IncidentActorInline, IncidentSourceInline]
    actions = ["verify", "reject", "merge"]
    readonly_fields = ["created_at", "updated_at", "is_synthetic", "confidence", "confidence_reasons_display"]
    history_list_display = ["status", "fatalities", "curator_locked"]
    fieldsets = [
        (None, {"fields": [("event_type", "sub_event_type"), "summary", ("status", "curator_locked")]}),
        ("How sure", {"fields": ["confidence", "confidence_reasons_display"]}),
        ("When", {"fields": [("date", "date_precision")]}),
        (
            "Where",
            {
                "fields": [("place", "geo_precision"), "point", ("location_name", "country", "admin1")],
                "description": "Choosing another place moves the point there, unless you also move the point.",
            },
        ),
        (
            "Casualties",
            {"fields": [("fatalities_low", "fatalities", "fatalities_high"), ("injured", "missing")]},
        ),
        ("Record", {"fields": [("created_at", "updated_at", "is_synthetic")], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(source_count=count_of(IncidentSource, "incident"), review_priority=REVIEW_PRIORITY)
        )

    def get_ordering(self, request):
        # The review queue puts what matters most and is least sure first, unless the curator sorts by a column.
        if request.GET.get(ReviewQueueFilter.parameter_name) == "queue" and not request.GET.get("o"):
            return [REVIEW_PRIORITY.desc(), "-date", "-pk"]
        return super().get_ordering(request)

    @admin.display(description="confidence", ordering="confidence")
    def confidence_display(self, obj):
        return "-" if obj.confidence is None else f"{obj.confidence:.2f}"

    @admin.display(description="why")
    def confidence_reasons_display(self, obj):
        if not obj.confidence_reasons:
            return "-"
        return format_html_join("", "<li>{}</li>", ((reason,) for reason in obj.confidence_reasons))

    @admin.display(description="place", ordering="location_name")
    def place_display(self, obj):
        name = obj.location_name or (obj.place.name if obj.place_id else "")
        return f"{name} ({obj.admin1})" if name and obj.admin1 else name or "-"

    @admin.display(description="sources", ordering="source_count")
    def source_count(self, obj):
        return obj.source_count

    def search(self, queryset, term: str):
        if term.lstrip("#").isdigit():
            return queryset.filter(pk=int(term.lstrip("#")))
        # Both branches use an index (GIN on the vector, B-tree on place_id), so Postgres ORs two bitmaps instead of
        # scanning millions of summaries; the vector holds the summary and every source's evidence.
        # Any spelling of the place ("Hawler" finds Erbil's incidents), with or without an Arabic article.
        places = place_ids_for_spelling(term, limit=PLACE_SEARCH_LIMIT + 1)
        condition = Q(search_vector=SearchQuery(term, config="english", search_type="websearch"))
        if 0 < len(places) <= PLACE_SEARCH_LIMIT:
            condition |= Q(place_id__in=places)
        return queryset.filter(condition)

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        reason = ""
        match = request.resolver_match
        if match is not None and match.url_name.endswith("_simple_history"):
            # A revert form starts from the old version, so its changed fields say nothing; the version does.
            reason = f"reverted to version {match.args[-1]}"
        incident_update(incident=obj, user=request.user, reason=reason, **changes)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Evidence may have changed in the sources inline.
        incident_refresh_search(incident_ids=[form.instance.pk])

    @admin.action(description="Verify selected incidents", permissions=["change"])
    def verify(self, request, queryset):
        changed = incident_set_status(incidents=queryset, status=Incident.Status.VERIFIED, user=request.user)
        self.message_user(request, f"{changed} incident(s) verified.", messages.SUCCESS)

    @admin.action(description="Reject selected incidents", permissions=["change"])
    def reject(self, request, queryset):
        changed = incident_set_status(incidents=queryset, status=Incident.Status.REJECTED, user=request.user)
        self.message_user(request, f"{changed} incident(s) rejected.", messages.SUCCESS)

    @admin.action(description="Merge selected duplicates into one incident…", permissions=["change"])
    def merge(self, request, queryset):
        incidents = list(queryset.select_related("place").prefetch_related("actor_links__actor").order_by("date", "pk"))
        if len(incidents) < 2:
            self.message_user(request, "Select at least two incidents to merge.", messages.WARNING)
            return None
        if len(incidents) > MERGE_LIMIT:
            self.message_user(
                request, f"Merge at most {MERGE_LIMIT} incidents at a time ({len(incidents)} selected).", messages.ERROR
            )
            return None
        if request.POST.get("confirm") == "yes":
            by_pk = {incident.pk: incident for incident in incidents}
            try:
                keep = by_pk[int(request.POST.get("keep", ""))]
            except (KeyError, ValueError):
                self.message_user(request, "Choose the incident to keep among the selected ones.", messages.ERROR)
            else:
                drop = [incident for incident in incidents if incident.pk != keep.pk]
                try:
                    incident_merge(keep=keep, drop=drop, user=request.user)
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        format_html(
                            "Merged {} into {}.", ", ".join(f"#{d.pk}" for d in drop), admin_link(keep, f"#{keep.pk}")
                        ),
                        messages.SUCCESS,
                    )
                return None
        suggested = max(incidents, key=lambda i: (i.status == Incident.Status.VERIFIED, i.source_count, -i.pk))
        warnings = _merge_warnings(incidents)
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge duplicate incidents",
            "opts": self.model._meta,
            "incidents": incidents,
            "suggested": suggested,
            "warnings": warnings,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": "merge",
            "select_across": request.POST.get("select_across", "0"),
            "index": request.POST.get("index", "0"),
        }
        return TemplateResponse(request, "admin/incidents/incident/merge_confirmation.html", context)


def _merge_warnings(incidents: list[Incident]) -> list[str]:
    """What makes these look like different incidents rather than one reported twice."""
    warnings = []
    types = {i.get_event_type_display() for i in incidents}
    if len(types) > 1:
        warnings.append(f"They have different event types: {', '.join(sorted(types))}.")
    days = (max(i.date for i in incidents) - min(i.date for i in incidents)).days
    if days > MERGE_WARN_DAYS:
        warnings.append(f"Their dates are {days} days apart.")
    points = [i.point for i in incidents if i.point is not None]
    if len(points) > 1:
        km = max(great_circle_km(a.y, a.x, b.y, b.x) for a in points for b in points)
        if km > MERGE_WARN_KM:
            warnings.append(f"Their places are up to {km:,.0f} km apart.")
    return warnings
