"""The Calendar page for city administrators: a year's holidays and adjusted working days, add and remove."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import calendar, calendar_actions, policy
from .models import CalendarDay
from .strings import CleanCharField


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CalendarDay.Kind.choices)
    name = CleanCharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=calendar_actions.NAME_MAX,
        help_text=gettext_lazy(
            "The festival, e.g. 国庆节; an adjusted working day takes the festival it serves."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or "")
    except ValueError:
        return timezone.localdate().year
    return (
        year
        if calendar_actions.FIRST_YEAR <= year <= calendar_actions.LAST_YEAR
        else timezone.localdate().year
    )


def _page_url(year: int) -> str:
    return f"{reverse('core:calendar')}?year={year}"


def _render(request, year: int, form: CalendarDayForm, status: int = 200):
    days = CalendarDay.objects.filter(
        date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
    ).order_by("date")
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "years": (year - 1, year + 1),
            "days": days,
            "form": form,
            "entered": calendar.is_year_entered(year),
            "warning": calendar.missing_year_warning(),
            "working_hours": calendar.working_hours(),
        },
        status=status,
    )


@login_required
def calendar_page(request):
    policy.require(request.user, calendar_actions.EDIT_CALENDAR)
    year = _year(request)
    form = CalendarDayForm(request.POST or None, initial={"kind": CalendarDay.Kind.HOLIDAY})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                calendar_actions.save_calendar_day(
                    actor=request.user, date=data["date"], kind=data["kind"], name=data["name"]
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("%(date)s was saved.") % {"date": data["date"].isoformat()})
                return redirect(_page_url(data["date"].year))
        return _render(request, year, form, status=422)
    return _render(request, year, form)


@login_required
@require_POST
def delete_day(request, day_id: int):
    policy.require(request.user, calendar_actions.EDIT_CALENDAR)
    day = get_object_or_404(CalendarDay, pk=day_id)
    calendar_actions.delete_calendar_day(actor=request.user, day=day)
    messages.success(request, _("%(date)s was removed.") % {"date": day.date.isoformat()})
    return redirect(_page_url(day.date.year))


@login_required
@require_POST
def mark_year(request):
    policy.require(request.user, calendar_actions.EDIT_CALENDAR)
    year = _year(request)
    try:
        calendar_actions.mark_year_entered(actor=request.user, year=year)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for e in errors:
                messages.error(request, e)
    else:
        messages.success(request, _("The schedule of %(year)s is marked as entered.") % {"year": year})
    return redirect(_page_url(year))
