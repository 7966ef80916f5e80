"""Curating the pipeline: feeds (poll now), articles (retry, submit), unresolved place names (add the place)."""

from __future__ import annotations

import functools
import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator

from incidents import services
from incidents.models import Article, IncidentSource, Source, UnresolvedPlace
from incidents.text import content_hash, strip_invisible

from .documents import store_document
from .feeds import FeedError
from .fetch import canonical_url
from .manifest import DocumentMeta
from .tasks import poll_source
from .text import TextError, parse_plain

logger = logging.getLogger(__name__)


def _send_poll(source_id: int) -> None:
    try:
        poll_source.apply_async(args=[source_id], kwargs={"force": True}, ignore_result=True)
    except Exception as exc:  # the broker is down; beat polls the source when it is due
        logger.error("Could not queue the poll of source %s: %s", source_id, exc)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "kind", "active", "poll_interval_minutes", "last_polled_at", "error_count", "error"]
    list_filter = ["active", "kind"]
    list_editable = ["active", "poll_interval_minutes"]
    search_fields = ["name", "url"]
    readonly_fields = ["etag", "last_modified", "last_polled_at", "last_success_at", "last_error", "error_count",
                       "created_at"]  # fmt: skip
    actions = ["poll_now"]

    @admin.display(description="last error")
    def error(self, obj):
        return Truncator(obj.last_error).chars(80)

    @admin.action(description="Poll now")
    def poll_now(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        for source_id in ids:
            transaction.on_commit(functools.partial(_send_poll, source_id))
        self.message_user(request, f"{len(ids)} source(s) queued for polling.", messages.SUCCESS)


class IncidentLinkInline(admin.TabularInline):
    model = IncidentSource
    fk_name = "article"
    fields = ["incident", "evidence", "extracted"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "incident reported"
    verbose_name_plural = "incidents reported"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    change_list_template = "ingest/article_changelist.html"
    list_display = ["__str__", "source", "status", "attempts", "error_short", "published", "created_at"]
    list_filter = ["status", ("source", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "url"]
    date_hierarchy = "created_at"
    list_select_related = ["source"]
    # The publication date stays editable: an undated article's incidents wait for it (then "Retry").
    readonly_fields = ["source", "url", "content_hash", "title", "text", "fetched_at", "status", "duplicate_of",
                       "error", "attempts", "processed_at", "created_at", "updated_at"]  # fmt: skip
    fields = ["title", "url", "source", "published", "status", "duplicate_of", "error", "attempts", "text",
              "content_hash", "fetched_at", "processed_at", "created_at", "updated_at"]  # fmt: skip
    inlines = [IncidentLinkInline]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False  # articles come in through the submit form, feeds and the API

    @admin.display(description="error")
    def error_short(self, obj):
        return Truncator(obj.error).chars(80)

    @admin.action(description="Retry (queue again for processing)")
    def retry(self, request, queryset):
        ids = services.article_requeue(article_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - len(ids)
        note = f"; {skipped} being processed right now were left alone" if skipped else ""
        self.message_user(request, f"{len(ids)} article(s) queued again{note}.", messages.SUCCESS)

    def get_urls(self):
        submit = path("submit/", self.admin_site.admin_view(self.submit_view), name="ingest_article_submit")
        return [submit, *super().get_urls()]

    def submit_view(self, request):
        if not self.has_view_permission(request) or not request.user.has_perm("incidents.change_article"):
            return redirect("admin:index")
        form = SubmitForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    article_id, created = form.store()
                    if created:
                        services.article_queue_on_commit(article_ids=[article_id])
            except (TextError, FeedError, UnicodeError, ValueError) as exc:
                form.add_error(None, str(exc))
            else:
                url = reverse("admin:incidents_article_change", args=[article_id])
                if created:
                    messages.success(request, format_html('Article <a href="{}">#{}</a> queued.', url, article_id))
                else:
                    messages.warning(
                        request, format_html('Already stored as article <a href="{}">#{}</a>.', url, article_id)
                    )
                return redirect("admin:incidents_article_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": "Submit an article"}  # fmt: skip
        return TemplateResponse(request, "ingest/submit.html", context)


class CleanCharField(forms.CharField):
    """Control and zero-width characters removed before validation (Django refuses NUL outright)."""

    def to_python(self, value):
        return super().to_python(strip_invisible(value) if isinstance(value, str) else value)


class SubmitForm(forms.Form):
    url = CleanCharField(label="Page URL", required=False, max_length=2000)
    text = CleanCharField(
        label="Or paste the text", required=False, widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        help_text="The headline on the first line, then the article. HTML is read as a page.",
    )  # fmt: skip
    file = forms.FileField(label="Or upload a file", required=False, help_text="Plain text, HTML or an RSS/Atom feed")
    published = forms.DateField(
        label="Publication date",
        required=False,
        initial=lambda: timezone.localdate(),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="When the article was published: it dates what the text leaves undated ('on Friday'). A dateline "
        "in the text, the page's own date or a feed item's date is used instead while this is left at today.",
    )

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if url:
            URLValidator(schemes=["http", "https"])(url)
        return url

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        limit = settings.INGEST_MAX_FILE_BYTES
        if upload and upload.size > limit:
            raise ValidationError(f"The file is {upload.size:,} bytes; the limit is {limit:,}.")
        return upload

    def clean_text(self):
        text = self.cleaned_data.get("text") or ""
        if len(text) > settings.ARTICLE_MAX_CHARS:
            raise ValidationError(f"The text is {len(text):,} characters; the limit is {settings.ARTICLE_MAX_CHARS:,}.")
        return text

    def clean(self):
        data = super().clean()
        given = [name for name in ("url", "text", "file") if data.get(name)]
        if len(given) != 1:
            raise ValidationError("Give exactly one of a URL, pasted text or a file.")
        return data

    def store(self) -> tuple[int, bool]:
        """Returns (article id, created); a feed file stores every entry and returns the first new one."""
        data = self.cleaned_data
        published = data.get("published") or timezone.localdate()
        # Left at today, the date only fills in for a document that states none; changed, it is the curator's word.
        chosen = published if published != timezone.localdate() else None
        if data.get("url"):
            article, created = services.article_create_or_get(url=canonical_url(data["url"]), published=chosen)
            return article.pk, created
        if data.get("text"):
            page = parse_plain(data["text"])
            article, created = services.article_create_or_get(
                title=page.title,
                text=page.text,
                published=chosen or page.published or published,
                content_hash=content_hash(page.text),
            )
            return article.pk, created
        upload = data["file"]
        ids, entries = store_document(
            upload.read(), name=upload.name, meta=DocumentMeta(published=chosen), default_published=published
        )
        services.article_queue_on_commit(article_ids=ids[1:])
        if ids:
            return ids[0], True
        raise ValueError(f"Nothing new in {upload.name}: its {entries} item(s) are stored already.")


@admin.register(UnresolvedPlace)
class UnresolvedPlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "mention_count", "example_short", "resolved_place", "add_place", "last_seen"]
    list_filter = [("resolved_place", admin.EmptyFieldListFilter)]
    search_fields = ["name", "normalized"]
    readonly_fields = ["name", "normalized", "mention_count", "example", "articles", "resolved_place", "first_seen",
                       "last_seen", "add_place"]  # fmt: skip

    def has_add_permission(self, request):
        return False

    @admin.display(description="example")
    def example_short(self, obj):
        return Truncator(obj.example).chars(120)

    @admin.display(description="")
    def add_place(self, obj):
        if obj.resolved_place_id:
            return "-"
        url = reverse("admin:incidents_place_add") + "?" + urlencode({"name": obj.name, "ascii_name": obj.name})
        return format_html('<a class="button" href="{}">Add this place</a>', url)
