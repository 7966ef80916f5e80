"""What the incident, place and actor admins share: counts per row, links, name search, the map widgets' media and
labelled inline cells."""

from django import forms
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from ..text import normalize_name


def count_of(model, field: str, counted_field: str = "pk"):
    # A correlated count runs only for the rows on the page; a JOIN + GROUP BY would aggregate the whole table first.
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    counted = rows.annotate(n=models.Count(counted_field, distinct=True)).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def admin_link(obj, label: str | None = None) -> str:
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return label or str(obj)
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


def name_search(queryset, term: str, *, extra: Q | None = None):
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


class AtlasMapMedia:
    """The dashboard's offline base (outlines, place names) in admin's map widgets, and the point as numbers."""

    class Media:
        js = ["js/admin-map.js"]


class LabelledInlineFormSet(forms.BaseInlineFormSet):
    """A tabular inline's cells have no <label>: each control gets a name screen readers announce."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            label = "Delete" if name == "DELETE" else str(field.label or name).capitalize()
            field.widget.attrs.setdefault("aria-label", f"{label}, {row}")


class TermSearch:
    """Admin search by the trimmed term: an empty one leaves the list as it is, any other goes to `search`."""

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (self.search(queryset, term) if term else queryset), False

    def search(self, queryset, term: str):
        raise NotImplementedError
