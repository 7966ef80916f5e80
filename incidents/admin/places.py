"""The gazetteer in admin: search by any spelling, fix coordinates on the map."""

from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from leaflet.admin import LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from ..models import Place
from ..services import place_save
from ..text import normalize_name
from .shared import AtlasMapMedia, TermSearch, name_search


@admin.register(Place)
class PlaceAdmin(TermSearch, AtlasMapMedia, LeafletGeoAdminMixin, SimpleHistoryAdmin):
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

    def search(self, queryset, term: str):
        extra = Q(external_id=term)
        if term.isdigit():
            extra |= Q(geonames_id=int(term))
        found = name_search(queryset, term, extra=extra)
        needle = normalize_name(term)
        # Autocomplete shows this order: exact spellings first, then the bigger places.
        exact = RawSQL(f"%s = ANY({Place._meta.db_table}.search_names)", (needle,), output_field=models.BooleanField())
        return found.order_by(exact.desc(), models.F("population").desc(nulls_last=True), "name", "pk")

    @admin.display(description="normalised names (searched)")
    def alternate_names_searched(self, obj):
        return ", ".join(obj.search_names) or "-"

    @admin.display(description="incidents")
    def incident_count(self, obj):
        return obj.incidents.count() if obj.pk else 0

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        place_save(place=obj)
