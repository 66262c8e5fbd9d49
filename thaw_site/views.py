"""The home page: the site's main period, its key figures and its events in order."""

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render

from events.models import Period
from people.models import Figure


def home(request):
    periods = Period.objects.published()
    period = periods.filter(slug=settings.THAW_MAIN_PERIOD).first()
    if period is None:
        raise Http404("The main period is not published yet.")
    in_period = Q(participations__event__period=period, participations__event__status="published")
    key_figures = (
        Figure.objects.published()
        .annotate(event_count=Count("participations", filter=in_period))
        .filter(event_count__gt=0)
        .order_by("-event_count", "name")[:12]
    )
    return render(
        request,
        "home.html",
        {
            "period": period,
            "events": period.events.published().in_order(),
            "key_figures": key_figures,
            "other_periods": periods.exclude(pk=period.pk),
        },
    )
