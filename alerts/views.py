"""Pages for alerts: save the current view, list your saved views with their feed addresses."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .models import SavedView
from .services import saved_view_create


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name", help_text="e.g. Kirkuk province, battles")
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    email = forms.EmailField(required=False, label="E-mail a digest to", help_text="optional")
    webhook_url = forms.URLField(
        required=False, assume_scheme="https", label="Webhook URL", help_text="optional; a JSON POST per incident"
    )
    webhook_secret = forms.CharField(
        required=False, label="Webhook secret", help_text="optional; signs each POST (X-Atlas-Signature)"
    )


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    views = SavedView.objects.filter(owner=request.user).order_by("name", "pk")
    return render(request, "alerts/list.html", {"views": views, "nav": "alerts"})


@login_required
def alert_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SavedViewForm(request.POST)
        if form.is_valid():
            try:
                view = saved_view_create(owner=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Saved “{view.name}”: new matching incidents will be delivered once each.")
                return redirect("alerts:list")
    else:
        query = request.GET.copy()
        for key in ("lat", "lng", "z", "sel_from", "sel_to", "tl_bbox"):
            query.pop(key, None)
        form = SavedViewForm(initial={"query": query.urlencode()})
    return render(request, "alerts/new.html", {"form": form, "query": form["query"].value() or "", "nav": "alerts"})
