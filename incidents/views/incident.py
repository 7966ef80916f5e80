"""One incident's page, with every source's evidence highlighted in its article, and the curator's status form."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import access, selectors, services
from ..datefmt import incident_date_label
from ..links import web_url
from ..models import Incident
from ..wording import country_words, outlet_name, same_text
from .common import EVENT_COLORS, dashboard_page, page_config


def _sentences(evidence: str) -> list[str]:
    parts = re.split(r"(?:\n+|(?<=[.!?])\s+(?=[A-Z\"'“]))", evidence or "")
    return [p.strip() for p in parts if len(p.strip()) >= 8]


def highlight_segments(text: str, evidence: str) -> tuple[list[tuple[str, bool]], bool]:
    """Splits `text` into (chunk, is_evidence) pieces; the template escapes every chunk.

    Returns the pieces and whether any evidence sentence was found in the text (whitespace and case may differ).
    """
    spans = []
    for sentence in _sentences(evidence):
        pattern = r"\s+".join(re.escape(word) for word in sentence.split())
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            spans.append((match.start(), match.end()))
    if not spans:
        return [(text, False)], False
    spans.sort()
    merged = [list(spans[0])]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, cursor = [], 0
    for start, end in merged:
        if start > cursor:
            pieces.append((text[cursor:start], False))
        pieces.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], False))
    return pieces, True


@dashboard_page
def incident_page(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(pk=pk, user=request.user)
    if incident is None:
        merged_into = selectors.incident_merged_into(pk=pk)
        if merged_into is not None:
            # Links shared before a merge keep working: the report now lives in the incident it joined.
            return redirect("incidents:incident", pk=merged_into, permanent=True)
        raise Http404("No such incident, or it was rejected.")
    sources = []
    for link in incident.source_links.all():
        pieces, found = highlight_segments(link.article.text, link.evidence)
        url = web_url(link.article.url)
        outlet = outlet_name(
            source_name=link.article.source.name if link.article.source_id else "", url=link.article.url
        )
        sources.append(
            {"link": link, "article": link.article, "url": url, "pieces": pieces, "found": found, "outlet": outlet}
        )
    titles = {s["article"].pk: f"“{s['article'].title or s['url'] or 'an article'}”" for s in sources}
    history = selectors.incident_history(incident=incident)
    for entry in history:
        # "extracted from article 17" says nothing to a reader; the article's title does.
        entry["reason"] = re.sub(
            r"extracted from article (\d+)",
            lambda m: f"recorded from {titles.get(int(m.group(1)), 'a source article')}",
            entry["reason"],
        )
    point = incident.point or (incident.place.point if incident.place_id else None)
    config = page_config(
        point=[point.y, point.x] if point else None,
        event_type=incident.event_type,
        fatalities=incident.fatalities,
    )
    when = incident_date_label(incident.date, incident.date_precision)
    where = ", ".join(x for x in (incident.location_name, incident.admin1, country_words(incident.country)) if x)
    toll = (f"{incident.fatalities} killed" if incident.fatalities is not None else "toll not reported") + (
        f", {incident.injured} injured" if incident.injured else ""
    )
    share = {
        "title": f"{incident.get_sub_event_type_display()} in {where or 'an unknown place'}, {when}",
        "description": f"{when} · {where or 'place unknown'} · {toll}. {incident.summary}".strip()[:300],
        "url": request.build_absolute_uri(),
    }
    context = {
        "share": share,
        "incident": incident,
        "event_color": EVENT_COLORS.get(incident.event_type, "#555"),
        "actor_links": list(incident.actor_links.all()),
        "sources": sources,
        # A summary that only repeats a source's evidence is shown once, as that evidence.
        "show_summary": bool(incident.summary.strip())
        and not any(same_text(incident.summary, s["link"].evidence) for s in sources),
        "history": history,
        "can_edit": access.may_curate(request.user),
        "atlas_config": config,
    }
    return render(request, "incidents/incident.html", context)


@require_POST
def incident_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.may_curate(request.user):
        raise PermissionDenied
    incident = selectors.incident_get(pk=pk, user=request.user)
    if incident is None:
        raise Http404
    status = request.POST.get("status", "")
    try:
        changed = services.incident_set_status(incidents=[incident], status=status, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        label = dict(Incident.Status.choices).get(status, status)
        messages.success(request, f"Marked as {label.lower()}." if changed else f"It was already {label.lower()}.")
    return redirect("incidents:incident", pk=pk)
