"""Party care pages: leaders' reception days and counselling (schedule, book, each matter → petition or
case), major-matter votes (票决) through the councils engine, the monthly deliberation (党员议事月) and
information to members (知情) as notices with read receipts. Thin: parse, authorize, call the action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import apply_errors as _apply
from gongzhi.core.forms import flash_errors as _flash
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import actions
from . import permissions as P
from . import queries_care as q
from .actions.care import can_inform, inform_members, raise_matter_as_case, track_matter_as_petition
from .forms_care import (
    BookForm,
    DeliberationForm,
    InformForm,
    MajorMatterForm,
    MatterCaseForm,
    MatterPetitionForm,
    ReceptionForm,
)
from .models import PartyOrganization, ReceptionAppointment, ReceptionDay


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)


def _org(request, pk, *, manage=False) -> PartyOrganization:
    org = get_object_or_404(PartyOrganization.objects.select_related("area", "parent", "council"), pk=pk)
    allowed = P.can_manage(request.user, org) if manage else P.can_view(request.user, org)
    if not allowed:
        raise PermissionDenied(P.MANAGE if manage else P.VIEW)
    return org


def _year(request) -> int:
    try:
        y = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        y = timezone.localdate().year
    return min(max(y, 2000), 2100)


def _page(request, qs, ordering, name, size=30):
    paginator = KeysetPaginator(qs, ordering, page_size=size, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


# --- reception days and counselling ------------------------------------------------------------------
@login_required
def receptions(request):
    """Upcoming reception days and counselling sessions (of one organization with ?org=), and mine."""
    org = None
    if request.GET.get("org"):
        try:
            org = get_object_or_404(
                PartyOrganization.objects.select_related("area"), pk=int(request.GET["org"])
            )
        except ValueError:
            org = None
    kind = request.GET.get("kind", "")
    kind = kind if kind in ReceptionDay.Kind.values else ""
    page = _page(
        request, q.upcoming_receptions(organization=org, kind=kind), ("starts_at",), "party.receptions"
    )
    query = urlencode({k: v for k, v in (("org", org.pk if org else ""), ("kind", kind)) if v})
    manage = org is not None and P.can_manage(request.user, org)
    return render(
        request,
        "party/care/receptions.html",
        {
            "org": org,
            "kind": kind,
            "kinds": ReceptionDay.Kind.choices,
            "page": page,
            "query": query,
            "mine": q.my_appointments(request.user),
            "manage": manage,
            "org_visible": org is not None and P.can_view(request.user, org),
            "past": list(q.past_receptions(org).order_by("-starts_at")[:20]) if manage else [],
        },
    )


@login_required
def reception_new(request, pk):
    org = _org(request, pk, manage=True)
    form = ReceptionForm(request.POST or None, initial={"kind": request.GET.get("kind") or "reception"})
    if request.method == "POST" and form.is_valid():
        try:
            r = actions.schedule_reception(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Reception day scheduled."))
            return redirect("party:reception", r.pk)
    return render(request, "party/care/reception_form.html", {"org": org, "form": form})


@login_required
def reception(request, pk):
    r = get_object_or_404(ReceptionDay.objects.select_related("organization__area"), pk=pk)
    org = r.organization
    manage = P.can_manage(request.user, org)
    mine = q.my_appointment(request.user, r)
    form = BookForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.book_reception(actor=request.user, reception=r, matter=form.cleaned_data["matter"])
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Your appointment is booked."))
                return redirect("party:reception", r.pk)
    open_ = r.starts_at > timezone.now() and r.booked < r.capacity
    return render(
        request,
        "party/care/reception.html",
        {
            "r": r,
            "org": org,
            "manage": manage,
            "mine": mine,
            "form": form,
            "can_book": open_ and mine is None,
            "appointments": q.appointments(r) if manage else [],
            "petition_form": MatterPetitionForm(),
            "case_form": MatterCaseForm() if manage else None,
        },
    )


def _managed_appointment(request, pk) -> ReceptionAppointment:
    appt = get_object_or_404(
        ReceptionAppointment.objects.select_related("reception__organization__area", "user"), pk=pk
    )
    if not P.can_manage(request.user, appt.reception.organization):
        raise PermissionDenied(P.MANAGE)
    return appt


@login_required
@require_POST
def appointment_petition(request, pk):
    appt = _managed_appointment(request, pk)
    form = MatterPetitionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("party:reception", appt.reception_id)
    try:
        p = track_matter_as_petition(actor=request.user, appointment=appt, kind=form.cleaned_data["kind"])
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            _("The matter is tracked as a petition; an answer is due by %(due)s.")
            % {"due": timezone.localtime(p.due_at).strftime("%Y-%m-%d")},
        )
    return redirect("party:reception", appt.reception_id)


@login_required
@require_POST
def appointment_case(request, pk):
    appt = _managed_appointment(request, pk)
    form = MatterCaseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("party:reception", appt.reception_id)
    try:
        case = raise_matter_as_case(
            actor=request.user,
            appointment=appt,
            category=form.cleaned_data["category"],
            urgent=form.cleaned_data["urgent"],
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The matter is received as case %(number)s.") % {"number": case.number})
    return redirect("party:reception", appt.reception_id)


# --- major matters (票决) -----------------------------------------------------------------------------
@login_required
def major_matters(request, pk):
    org = _org(request, pk)
    manage = P.can_manage(request.user, org)
    form = MajorMatterForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(P.MANAGE)
        if form.is_valid():
            try:
                m = actions.table_major_matter(actor=request.user, organization=org, **form.cleaned_data)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(
                    request, _("The major matter is tabled for a vote at “%(t)s”.") % {"t": m.title}
                )
                return redirect("party:major_matters", org.pk)
    page = _page(request, q.major_matters(org), ("-id",), f"party.major.{org.pk}")
    return render(
        request,
        "party/care/major_matters.html",
        {"org": org, "manage": manage, "form": form, "page": page, "has_committee": bool(org.council_id)},
    )


@login_required
def major_matter_results(request, pk):
    """The fragment on the organization page: the latest major-matter votes and their results."""
    org = _org(request, pk)
    return render(request, "party/care/_major_results.html", {"org": org, "matters": q.major_matters(org, 5)})


# --- deliberation month (党员议事月) ------------------------------------------------------------------
@login_required
def deliberations(request, pk):
    org = _org(request, pk)
    manage = P.can_manage(request.user, org)
    year = _year(request)
    form = DeliberationForm(request.POST or None, initial={"month": timezone.localdate().strftime("%Y-%m")})
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(P.MANAGE)
        if form.is_valid():
            try:
                d = actions.record_deliberation(actor=request.user, organization=org, **form.cleaned_data)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Deliberation month entry for %(m)s recorded.") % {"m": d.month})
                return redirect(f"{request.path}?year={d.month[:4]}")
    years = sorted({year, timezone.localdate().year, *q.deliberation_years(org)}, reverse=True)
    return render(
        request,
        "party/care/deliberations.html",
        {
            "org": org,
            "manage": manage,
            "form": form,
            "year": year,
            "years": years,
            "rows": list(q.deliberations(org, year).select_related("recorded_by")),
        },
    )


# --- information to members (知情) --------------------------------------------------------------------
def _inform_org(request, pk) -> tuple[PartyOrganization, bool]:
    org = get_object_or_404(PartyOrganization.objects.select_related("area"), pk=pk)
    sender = can_inform(request.user, org)
    if not (sender or P.can_manage(request.user, org)):
        raise PermissionDenied(P.MANAGE)
    return org, sender


@login_required
def inform(request, pk):
    org, sender = _inform_org(request, pk)
    form = InformForm(request.POST or None)
    if request.method == "POST":
        if not sender:
            raise PermissionDenied(_("You may not send notices to this organization's members."))
        if form.is_valid():
            try:
                n = inform_members(actor=request.user, organization=org, **form.cleaned_data)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(
                    request,
                    _("Sent to %(n)d members; you can see who has read it.") % {"n": n.recipient_count},
                )
                return redirect("party:inform_readers", org.pk, n.pk)
    page = _page(request, q.information(org), ("-publish_at",), f"party.inform.{org.pk}", 20)
    counts = q.read_counts(page.items)
    rows = [(n, counts.get(n.pk, 0)) for n in page.items]
    return render(
        request,
        "party/care/inform.html",
        {"org": org, "sender": sender, "form": form, "page": page, "rows": rows},
    )


@login_required
def inform_readers(request, pk, notice_id):
    org, sender = _inform_org(request, pk)
    notice = q.notice_of(org, notice_id)
    if notice is None:
        raise Http404
    show = "unread" if request.GET.get("show") == "unread" else "read"
    page = _page(
        request,
        q.readers(notice, read=show == "read"),
        ("id",),
        f"party.readers.{notice.pk}.{show}",
        50,
    )
    return render(
        request,
        "party/care/inform_readers.html",
        {
            "org": org,
            "notice": notice,
            "show": show,
            "page": page,
            "query": urlencode({"show": show}),
            "read": q.read_counts([notice])[notice.pk],
        },
    )
