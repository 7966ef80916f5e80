"""Curation in Django admin: incidents (review, map, merge), the gazetteer and actors.

Every write goes through incidents.services so that history, locking and tombstones happen the same way as in the
API. Source, Article and UnresolvedPlace are registered by ingest/admin.py.
"""

import json
import math

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, F, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from leaflet.admin import LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .countries import country_name
from .links import is_web_url
from .models import Actor, Incident, IncidentActor, IncidentSource, Place
from .selectors import place_ids_for_spelling
from .services import (
    actor_save,
    incident_merge,
    incident_refresh_search,
    incident_set_status,
    incident_update,
    place_save,
)
from .text import normalize_name

# A name that matches more gazetteer entries than this is a word, not a place ("al").
PLACE_SEARCH_LIMIT = 50
# Duplicates are reported within days of each other and near the same place; beyond these the page warns.
MERGE_WARN_DAYS = 7
MERGE_WARN_KM = 25
# A merge of more than this many rows is almost certainly a "select all" by mistake.
MERGE_LIMIT = 25


def _count_of(model, field: str, counted_field: str = "pk"):
    # A correlated count runs only for the rows on the page; a JOIN + GROUP BY would aggregate the whole table first.
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    counted = rows.annotate(n=models.Count(counted_field, distinct=True)).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def _admin_link(obj, label: str | None = None) -> str:
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return label or str(obj)
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


def _name_search(queryset, term: str, *, extra: Q | None = None):
    """Match normalised names ("Arbil", "ḥawler", "al-Anbar"): any whole alternate name, or one that starts so."""
    needle = normalize_name(term)
    if not needle:
        return queryset
    prefix = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    table = queryset.model._meta.db_table
    starts = RawSQL(
        f'EXISTS (SELECT 1 FROM unnest("{table}"."search_names") AS n WHERE n LIKE %s)',
        (prefix,),
        output_field=models.BooleanField(),
    )
    condition = Q(search_names__contains=[needle]) | Q(starts)
    if extra is not None:
        condition |= extra
    return queryset.filter(condition)


# --- Incidents -------------------------------------------------------------------------------------------------------


class CountryFilter(admin.SimpleListFilter):
    title = "country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        # The gazetteer is small; DISTINCT over millions of incidents is not.
        codes = Place.objects.order_by("country").values_list("country", flat=True).distinct()
        return [(code, country_name(code)) for code in codes if code]

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


class ProvinceFilter(admin.SimpleListFilter):
    title = "province"
    parameter_name = "admin1"

    def lookups(self, request, model_admin):
        places = Place.objects.exclude(admin1="")
        country = request.GET.get("country")
        if country:
            places = places.filter(country=country)
        return [(name, name) for name in places.order_by("admin1").values_list("admin1", flat=True).distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(admin1=self.value()) if self.value() else queryset


class HasFatalitiesFilter(admin.SimpleListFilter):
    title = "fatalities"
    parameter_name = "has_fatalities"

    def lookups(self, request, model_admin):
        return [("yes", "Some killed"), ("no", "None killed"), ("unknown", "Not reported")]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.filter(fatalities__gt=0)
            case "no":
                return queryset.filter(fatalities=0)
            case "unknown":
                return queryset.filter(fatalities__isnull=True)
        return queryset


class AtlasMapMedia:
    """The dashboard's offline base (outlines, place names) in admin's map widgets, and the point as numbers."""

    class Media:
        js = ["js/admin-map.js"]


class _LabelledInlineFormSet(forms.BaseInlineFormSet):
    """A tabular inline's cells have no <label>: each control gets a name screen readers announce."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            label = "Delete" if name == "DELETE" else str(field.label or name).capitalize()
            field.widget.attrs.setdefault("aria-label", f"{label}, {row}")


class IncidentActorInline(admin.TabularInline):
    model = IncidentActor
    formset = _LabelledInlineFormSet
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
        parts = [_admin_link(article, article.title or f"Article {article.pk}")]
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


# Impact times doubt: deaths (a report without a toll counts as one) times how unsure extraction is. An incident a
# person entered (no confidence) is not in doubt.
REVIEW_PRIORITY = ExpressionWrapper(
    (Coalesce(F("fatalities"), Value(0)) + Value(1)) * (Value(1.0) - Coalesce(F("confidence"), Value(1.0))),
    output_field=FloatField(),
)


class ReviewQueueFilter(admin.SimpleListFilter):
    title = "review queue"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("queue", "Unreviewed: most deaths, least sure first")]

    def queryset(self, request, queryset):
        if self.value() == "queue":
            return queryset.filter(status=Incident.Status.UNREVIEWED)
        return queryset


class ConfidenceFilter(admin.SimpleListFilter):
    title = "confidence"
    parameter_name = "confidence"
    BANDS = {"low": (0.0, 0.5), "medium": (0.5, 0.85), "high": (0.85, 1.01)}

    def lookups(self, request, model_admin):
        return [
            ("low", "Low (< 0.5)"),
            ("medium", "Medium (0.5–0.85)"),
            ("high", "High (≥ 0.85)"),
            ("none", "Entered by hand"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(confidence__isnull=True)
        if self.value() in self.BANDS:
            low, high = self.BANDS[self.value()]
            return queryset.filter(confidence__gte=low, confidence__lt=high)
        return queryset


@admin.register(Incident)
class IncidentAdmin(AtlasMapMedia, LeafletGeoAdminMixin, SimpleHistoryAdmin):
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
            .annotate(source_count=_count_of(IncidentSource, "incident"), review_priority=REVIEW_PRIORITY)
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

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.lstrip("#").isdigit():
            return queryset.filter(pk=int(term.lstrip("#"))), False
        # Both branches use an index (GIN on the vector, B-tree on place_id), so Postgres ORs two bitmaps instead of
        # scanning millions of summaries; the vector holds the summary and every source's evidence.
        # Any spelling of the place ("Hawler" finds Erbil's incidents), with or without an Arabic article.
        places = place_ids_for_spelling(term, limit=PLACE_SEARCH_LIMIT + 1)
        condition = Q(search_vector=SearchQuery(term, config="english", search_type="websearch"))
        if 0 < len(places) <= PLACE_SEARCH_LIMIT:
            condition |= Q(place_id__in=places)
        return queryset.filter(condition), False

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
                            "Merged {} into {}.", ", ".join(f"#{d.pk}" for d in drop), _admin_link(keep, f"#{keep.pk}")
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
        km = max(_km_between(a, b) for a in points for b in points)
        if km > MERGE_WARN_KM:
            warnings.append(f"Their places are up to {km:,.0f} km apart.")
    return warnings


def _km_between(a, b) -> float:
    # Haversine on WGS 84 points: plenty for a "these are far apart" hint.
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# --- Places ----------------------------------------------------------------------------------------------------------


@admin.register(Place)
class PlaceAdmin(AtlasMapMedia, LeafletGeoAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "ascii_name", "kind", "feature_code", "admin1", "country", "population", "origin"]
    list_filter = ["country", "kind", "origin", "admin1", "feature_class"]
    search_fields = ["name"]
    search_help_text = "Any spelling: Arbil and Hawler find Erbil; accents and hyphens do not matter."
    readonly_fields = ["alternate_names_searched", "incident_count", "created_at", "updated_at"]
    list_per_page = 100
    fieldsets = [
        (None, {"fields": ["name", "ascii_name", "alternate_names", "alternate_names_searched"]}),
        ("Where", {"fields": ["point", ("country", "admin1", "admin2"), "coord_note"]}),
        ("What", {"fields": [("kind", "feature_class", "feature_code"), "population"]}),
        (
            "Origin",
            {"fields": [("origin", "external_id", "geonames_id"), ("incident_count", "created_at", "updated_at")]},
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "external_id" in form.base_fields:
            form.base_fields["external_id"].required = False
            form.base_fields["external_id"].help_text += "; left empty for a curated place, made from country and name"
        return form

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        extra = Q(external_id=term)
        if term.isdigit():
            extra |= Q(geonames_id=int(term))
        found = _name_search(queryset, term, extra=extra)
        needle = normalize_name(term)
        # Autocomplete shows this order: exact spellings first, then the bigger places.
        exact = RawSQL(f"%s = ANY({Place._meta.db_table}.search_names)", (needle,), output_field=models.BooleanField())
        return found.order_by(exact.desc(), models.F("population").desc(nulls_last=True), "name", "pk"), False

    @admin.display(description="normalised names (searched)")
    def alternate_names_searched(self, obj):
        return ", ".join(obj.search_names) or "-"

    @admin.display(description="incidents")
    def incident_count(self, obj):
        return obj.incidents.count() if obj.pk else 0

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        place_save(place=obj)


# --- Actors ----------------------------------------------------------------------------------------------------------


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "alias_list", "incident_count"]
    list_filter = ["kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    search_help_text = "The name or any alias: ISIL, Daesh and IS find the Islamic State."
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    readonly_fields = ["search_names", "created_at", "updated_at"]
    fields = [
        "name",
        "kind",
        "acled_inter",
        "aliases",
        "parent",
        "description",
        "search_names",
        ("created_at", "updated_at"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_incidents=_count_of(IncidentActor, "actor", "incident"))

    @admin.display(description="aliases")
    def alias_list(self, obj):
        return ", ".join(obj.aliases) or "-"

    @admin.display(description="incidents", ordering="n_incidents")
    def incident_count(self, obj):
        return obj.n_incidents

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return _name_search(queryset, term, extra=Q(name__icontains=term)), False

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        actor_save(actor=obj)
