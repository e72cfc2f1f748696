"""Party pages: home, organization (1+3, committee, report slips, board), report-in, receipts (page and
PDF), the workplace's view, area figures, petitions, the member's handbook, public honours, coverage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors as _apply
from gongzhi.core.forms import flash_errors as _flash
from gongzhi.core.paging import InvalidCursor, KeysetPaginator
from gongzhi.councils import visibility
from gongzhi.councils.models import Meeting

from . import actions, queries
from . import permissions as P
from .actions._common import member_of
from .forms import ActForm, AnswerForm, PetitionForm, ReasonForm, ReportInForm, ServiceForm
from .models import (
    Honour,
    PartyOrganization,
    Petition,
    Receipt,
    ReportIn,
    ServiceRecord,
    SixActsCommitment,
)


def _org(request, pk) -> PartyOrganization:
    org = get_object_or_404(PartyOrganization.objects.select_related("area", "parent", "council"), pk=pk)
    if not P.can_view(request.user, org):
        raise PermissionDenied(P.VIEW)
    return org


def _year(request) -> int:
    try:
        y = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        y = timezone.localdate().year
    return min(max(y, 2000), 2100)


# Organizations that answer for their whole area: their secretaries and members see its figures.
TERRITORIAL = (PartyOrganization.Kind.WORKING_COMMITTEE, *PartyOrganization.RESIDENTIAL_KINDS)


def can_see_area(user, area, capability: str = P.VIEW) -> bool:
    """The capability over the area: by an area grant, or over a party organization answering for the area
    (a working committee's or residential-area organization's secretary holds a grant for that body only)."""
    if policy.can(user, capability, area=area):
        return True
    check = P.can_manage if capability == P.MANAGE else P.can_view
    orgs = PartyOrganization.objects.filter(area=area, kind__in=TERRITORIAL, is_active=True).select_related(
        "area", "parent"
    )[:20]
    return any(check(user, o) for o in orgs)


def _page(request, qs, ordering, name):
    paginator = KeysetPaginator(qs, ordering, page_size=50, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        return paginator.page(None)


@login_required
def home(request):
    policy.require(request.user, P.VIEW)
    me = member_of(request.user)
    report = (
        ReportIn.objects.filter(member=me, state__in=ReportIn.ACTIVE).select_related("receiving").first()
        if me
        else None
    )
    orgs = _page(
        request, queries.organizations_for(request.user).select_related("area"), ("name",), "party.home"
    )
    granted = Area.objects.filter(pk__in=[g.area_id for g in policy.grants(request.user) if g.area_id])
    areas = [a for a in granted.order_by("path")[:10] if can_see_area(request.user, a)]
    return render(
        request, "party/home.html", {"me": me, "report": report, "orgs": orgs, "areas": areas, "page": orgs}
    )


@login_required
def organization(request, pk):
    org = _org(request, pk)
    manage = P.can_manage(request.user, org)
    year = _year(request)
    seats = list(org.council.seats.select_related("holder_user").all()) if org.council_id else []
    today = timezone.localdate()
    ctx = {
        "org": org,
        "manage": manage,
        "year": year,
        "seats": [s for s in seats if s.is_current(today)],
        "counts": queries.member_counts(org),
        "structure": queries.one_plus_three(org)
        if org.kind == PartyOrganization.Kind.WORKING_COMMITTEE
        else None,
        "meetings": list(
            visibility.meeting_queryset_for(
                request.user, Meeting.objects.filter(council_id=org.council_id)
            ).order_by("-starts_at")[:20]
        )
        if org.council_id
        else [],
        "pending": list(
            ReportIn.objects.filter(receiving=org, state=ReportIn.State.SUBMITTED).select_related(
                "member__person"
            )[:100]
        )
        if manage
        else [],
        "reported": list(
            ReportIn.objects.filter(receiving=org, state=ReportIn.State.ACCEPTED).select_related(
                "member__person", "receipt"
            )[:200]
        )
        if manage
        else [],
        "board": queries.six_acts_board(org, year) if manage else [],
        "points": queries.points_totals(org, year) if manage else [],
        "assembly": org.representative_council,
        "parent_visible": bool(org.parent_id and P.can_view(request.user, org.parent)),
        "figures_visible": manage and can_see_area(request.user, org.area),
        "reason_form": ReasonForm(),
        "service_form": ServiceForm(initial={"served_on": today}),
        "act_form": ActForm(initial={"done_on": today}),
    }
    ctx["board_summary"] = queries.six_acts_summary(ctx["board"])
    if org.representative_council_id:
        from gongzhi.councils.actions.bodies import composition_report

        ctx["assembly_seats"] = [s for s in org.representative_council.seats.all() if s.is_current(today)]
        ctx["composition"] = composition_report(org.representative_council)
    return render(request, "party/organization.html", ctx)


@login_required
def report_in(request):
    me = member_of(request.user)
    if me is None:
        raise PermissionDenied(_("Only party members report in."))
    form = ReportInForm(request.POST or None, member=me)
    if request.method == "POST" and form.is_valid():
        try:
            actions.report_in(actor=request.user, member=me, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Your report slip has been sent."))
            return redirect("party:home")
    return render(request, "party/report_in.html", {"form": form, "me": me})


@login_required
@require_POST
def issue_receipt(request, pk):
    report = get_object_or_404(ReportIn, pk=pk)
    try:
        receipt = actions.issue_receipt(actor=request.user, report=report)
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("party:org", report.receiving_id)
    messages.success(request, _("Receipt %(n)s issued.") % {"n": receipt.number})
    return redirect("party:receipt", receipt.pk)


@login_required
@require_POST
def return_report(request, pk):
    report = get_object_or_404(ReportIn, pk=pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data() and _("Give a reason."))
        actions.return_report(actor=request.user, report=report, reason=form.cleaned_data["reason"])
        messages.success(request, _("The report slip was returned."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("party:org", report.receiving_id)


@login_required
@require_POST
def record_service(request, pk):
    report = get_object_or_404(ReportIn.objects.select_related("member"), pk=pk)
    form = ServiceForm(request.POST)
    if form.is_valid():
        try:
            actions.record_service(actor=request.user, member=report.member, **form.cleaned_data)
            messages.success(request, _("Service recorded."))
        except ValidationError as exc:
            _flash(request, exc)
    else:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
    return redirect("party:org", report.receiving_id)


@login_required
@require_POST
def record_act(request, pk):
    commitment = get_object_or_404(SixActsCommitment, pk=pk)
    form = ActForm(request.POST)
    if form.is_valid():
        try:
            actions.record_six_act(actor=request.user, commitment=commitment, **form.cleaned_data)
            messages.success(request, _("Act recorded."))
        except ValidationError as exc:
            _flash(request, exc)
    return redirect("party:org", commitment.organization_id)


@login_required
@require_POST
def commit(request):
    me = member_of(request.user)
    if me is None:
        raise PermissionDenied
    try:
        actions.commit_six_acts(actor=request.user, member=me, year=timezone.localdate().year)
        messages.success(request, _("Your six-acts commitment for this year is recorded."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("party:home")


def _can_see_receipt(user, receipt: Receipt) -> bool:
    report = receipt.report
    if report.member.person.user_id == user.pk:
        return True
    if P.can_manage(user, report.receiving):
        return True
    return bool(report.workplace_organization_id and P.can_manage(user, report.workplace_organization))


def _receipt(request, pk) -> Receipt:
    receipt = get_object_or_404(
        Receipt.objects.select_related(
            "report__member__person", "report__receiving", "report__workplace_organization"
        ),
        pk=pk,
    )
    if not _can_see_receipt(request.user, receipt):
        raise Http404
    return receipt


@login_required
def receipt(request, pk):
    r = _receipt(request, pk)
    workplace = r.report.workplace_organization
    can_ack = bool(workplace and P.can_manage(request.user, workplace) and not r.acknowledged_at)
    return render(request, "party/receipt.html", {"receipt": r, "report": r.report, "can_ack": can_ack})


@login_required
def receipt_pdf(request, pk):
    """Without a token: start rendering (a task) and redirect to this URL with the file's token.

    With one: the file, once stored, for the user the token was made for (404 for anyone else).
    """
    from urllib.parse import urlencode

    from django.urls import reverse

    from gongzhi.core import files

    from . import pdf

    r = _receipt(request, pk)
    token = request.GET.get("t")
    if not token:
        token = pdf.request_receipt_pdf(request.user, r)
        return redirect(f"{reverse('party:receipt_pdf', args=[r.pk])}?{urlencode({'t': token})}")
    payload = files.open_token(token, request.user, kind=pdf.FILE_KIND)
    if payload is None or payload.get("o") != r.pk:
        raise Http404
    return files.response(
        request,
        payload,
        filename=f"receipt-{r.number}.pdf",
        content_type="application/pdf",
        as_attachment=False,
    )


@login_required
@require_POST
def acknowledge(request, pk):
    r = _receipt(request, pk)
    try:
        actions.acknowledge_receipt(actor=request.user, receipt=r)
        messages.success(request, _("Receipt acknowledged."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("party:receipt", r.pk)


@login_required
def workplace(request, pk):
    """The workplace organization's view: its members' receipts and their community service records."""
    org = get_object_or_404(PartyOrganization, pk=pk)
    if not P.can_manage(request.user, org):
        raise PermissionDenied(P.MANAGE)
    receipts = list(queries.receipts_at_workplace(org).order_by("-issued_at")[:200])
    member_ids = [r.report.member_id for r in receipts]
    services = (
        ServiceRecord.objects.filter(member_id__in=member_ids)
        .select_related("member__person")
        .order_by("-served_on")[:200]
    )
    from .models import QuarterlyStatement

    statements = (
        QuarterlyStatement.objects.filter(workplace_organization=org)
        .select_related("member__person")
        .order_by("-year", "-quarter")[:200]
    )
    return render(
        request,
        "party/workplace.html",
        {"org": org, "receipts": receipts, "services": services, "statements": statements},
    )


@login_required
def area_figures(request, pk):
    area = get_object_or_404(Area, pk=pk)
    if not can_see_area(request.user, area):
        raise PermissionDenied(P.VIEW)
    year = _year(request)
    rows = [queries.rates(area, year)] + [queries.rates(area, year, q) for q in (1, 2, 3, 4)]
    children = [queries.rates(c, year) for c in area.children.order_by("path")[:50]]
    coverage = queries.coverage(area, year) if can_see_area(request.user, area, P.MANAGE) else None
    return render(
        request,
        "party/area.html",
        {"area": area, "year": year, "rows": rows, "children": children, "coverage": coverage},
    )


@login_required
def petitions(request):
    me = member_of(request.user)
    form = PetitionForm(request.POST or None)
    if request.method == "POST":
        if me is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                p = actions.submit_petition(
                    actor=request.user,
                    member=me,
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    organization=data["organization"],
                )
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(
                    request,
                    _("Sent. An answer is due by %(due)s.")
                    % {"due": timezone.localtime(p.due_at).strftime("%Y-%m-%d")},
                )
                return redirect("party:petition", p.pk)
    mine = Petition.objects.filter(submitter=request.user).order_by("-id")[:50]
    handled = []
    for org in queries.organizations_for(request.user):
        if P.can_manage(request.user, org):
            qs = Petition.objects.filter(organization=org, state=Petition.State.SUBMITTED)
            if not P.is_secretary_of(request.user, org):
                qs = qs.exclude(kind__in=Petition.RESTRICTED)
            handled.extend(qs.order_by("due_at")[:50])
    return render(request, "party/petitions.html", {"form": form, "mine": mine, "handled": handled, "me": me})


@login_required
def petition(request, pk):
    p = get_object_or_404(Petition.objects.select_related("organization"), pk=pk)
    if not actions.can_see_petition(request.user, p):
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_petition(actor=request.user, petition=p, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Answer sent."))
            return redirect("party:petition", p.pk)
    can_answer = p.state == Petition.State.SUBMITTED and (
        P.is_secretary_of(request.user, p.organization)
        if p.is_restricted
        else P.can_manage(request.user, p.organization)
    )
    return render(request, "party/petition.html", {"p": p, "form": form, "can_answer": can_answer})


@login_required
def handbook(request):
    me = member_of(request.user)
    if me is None:
        raise PermissionDenied(_("Only party members have a points handbook."))
    year = _year(request)
    h = actions.handbook(me, year)
    commitment = SixActsCommitment.objects.filter(member=me, year=year).first()
    done = set(commitment.records.values_list("act", flat=True)) if commitment else set()
    from .models.practice import Act

    acts = [(a, a.label, a.value in done) for a in Act]
    return render(
        request,
        "party/handbook.html",
        {
            "me": me,
            "h": h,
            "commitment": commitment,
            "acts": acts,
            "year": year,
            "violations": me.violations.order_by("-occurred_on"),
        },
    )


def honours(request):
    """Public page (publicity of honours): no sign-in needed."""
    rows = (
        Honour.objects.filter(state=Honour.State.AWARDED)
        .select_related("member__person", "organization", "awarded_by")
        .order_by("-year", "id")[:200]
    )
    return render(request, "party/honours.html", {"rows": rows})
