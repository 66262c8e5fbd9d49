"""The home page: the site's main period, its key figures and its events in order."""

from django.conf import settings
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render

from .models import Kind, Publication, PublishedLink
from .public import linking_here

KEY_FIGURES = 12


def home(request):
    periods = Publication.objects.live().of_kind(Kind.PERIOD).defer("search_text").in_order()
    period = next((p for p in periods if p.slug == settings.THAW_MAIN_PERIOD), None)
    if period is None:
        raise Http404("The main period is not published yet.")
    events = [linked.target for linked in linking_here(period, "period", Kind.EVENT)]
    counts = (
        PublishedLink.objects.filter(relation="participant", publication__in=[e.pk for e in events])
        .values("target_slug")
        .annotate(events=Count("id"))
        .order_by("-events", "target_slug")
    )
    ranked = [row["target_slug"] for row in counts]
    figures = Publication.objects.live().of_kind(Kind.FIGURE).filter(slug__in=ranked).defer("search_text")
    by_slug = {figure.slug: figure for figure in figures}
    key_figures = [by_slug[slug] for slug in ranked if slug in by_slug][:KEY_FIGURES]
    return render(
        request,
        "home.html",
        {
            "period": period,
            "data": period.data,
            "events": events,
            "key_figures": key_figures,
            "other_periods": [p for p in periods if p.pk != period.pk],
        },
    )
