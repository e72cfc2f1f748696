"""Case pages: the list and inbox, the phone-friendly report form with duplicate suggestions, the case
page with its timeline and one form per allowed action, evidence downloads, routing rules."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import Department
from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import forms, labels, machine, permissions, queries, rows
from .actions import dispatching, feedback, intake, lifecycle, rules, supervision
from .models import Case, CaseAssignment, CaseFile, ExtensionRequest, RoutingRule

INTAKE_KINDS = sorted(intake.INTAKE_AREA_KINDS)


def _page(request, qs, ordering, name, size=30):
    paginator = KeysetPaginator(qs, ordering, page_size=size, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


@login_required
def case_list(request):
    view = request.GET.get("view", "")
    state = request.GET.get("state", "")
    narrow = _list_filters(request)
    qs = queries.filtered(
        queries.visible_cases(request.user), state=state, view=view, user=request.user, **narrow["filters"]
    )
    page = _page(request, qs.only(*rows.LIST_FIELDS), ("-received_at",), "cases")
    tabs = [
        ("", _("All")),
        ("to_accept", _("To accept")),
        ("to_dispatch", _("To dispatch")),
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("reported", _("Reported by me")),
    ]
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "rows": rows.list_rows(page.items),
            "view": view,
            "state": state,
            "tabs": tabs,
            "states": Case._meta.get_field("state").choices,
            "query": urlencode({k: v for k, v in (("view", view), ("state", state), *narrow["params"]) if v}),
            "narrowed": narrow,
            "can_report": _report_areas(request.user).exists(),
        },
    )


_MONTH = re.compile(r"^20\d\d-(0[1-9]|1[0-2])$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def _list_filters(request) -> dict:
    """The area dashboard's drill filters (?area=ID&from=YYYY-MM&to=YYYY-MM&category=CODE&channel=C);
    values that do not parse are ignored. The list stays scoped to what the user may see."""
    get = request.GET.get
    filters, params = {}, []
    area_id = get("area", "")
    if re.fullmatch(r"[0-9]{1,18}", area_id):
        area = Area.objects.filter(pk=int(area_id)).first()
        if area is not None:
            filters["area"] = area
            params.append(("area", str(area.pk)))
    start, end = get("from", ""), get("to", "")
    if _MONTH.match(start) and _MONTH.match(end) and start <= end:
        filters["received"] = (start, end)
        params += [("from", start), ("to", end)]
    for key, arg in (("category", "category_code"), ("channel", "channel")):
        if _CODE.match(get(key, "")):
            filters[arg] = get(key)
            params.append((key, get(key)))
    return {"filters": filters, "params": params, "area": filters.get("area")}


def _report_areas(user):
    qs = Area.objects.current().filter(kind__in=INTAKE_KINDS)
    if user.is_superuser:
        return qs
    staff = policy.area_paths(user, permissions.REPORT) or []
    resident = policy.area_paths(user, permissions.REPORT_AS_RESIDENT) or []
    # Residents report anywhere in the street/town they live in (path of depth 3).
    street_paths = sorted({p[:15] for p in resident if len(p) >= 15})
    paths = staff + street_paths
    return qs.in_paths(paths) if paths else qs.none()


def _report_channels(user):
    from .models.cases import Channel

    if user.is_superuser or policy.area_paths(user, permissions.REPORT):
        return [c for c in Channel.values if c != "open311"]
    return sorted(permissions.RESIDENT_CHANNELS)


@login_required
def report(request):
    areas = _report_areas(request.user).order_by("path")
    channels = _report_channels(request.user)
    if not areas.exists():
        raise PermissionDenied
    duplicates = []
    form = forms.ReportForm(request.POST or None, request.FILES or None, areas=areas, channels=channels)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = (
            intake.find_duplicates(
                category=data["category"],
                area=data["area"],
                latitude=data["latitude"],
                longitude=data["longitude"],
            )
            if data["coordinate_system"] == "wgs84" or data["latitude"] is None
            else intake.find_duplicates(category=data["category"], area=data["area"])
        )
        if duplicates and not data["confirm_new"]:
            messages.warning(
                request, _("Possible duplicates found: check them, or confirm that this is a new problem.")
            )
        else:
            try:
                case = intake.receive_case(
                    actor=request.user,
                    category=data["category"],
                    area=data["area"],
                    channel=data["channel"],
                    title=data["title"],
                    description=data["description"],
                    address=data["address"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    coordinate_system=data["coordinate_system"],
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                    anonymous=data["anonymous"],
                    urgent=data["urgent"],
                    files=request.FILES.getlist("files"),
                    # The dispatcher (committee, community or street office) sends it on: 受理 → 派单.
                    auto_dispatch=False,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Case %(number)s received.") % {"number": case.number})
                return redirect("cases:detail", case.pk)
    return render(request, "cases/report.html", {"form": form, "duplicates": duplicates})


# --- the case page ---------------------------------------------------------------------------------
def _actions_for(user, case):
    """{name: form class} of what this user may do now (buttons appear only for these)."""
    can = {}
    allowed = set(machine.allowed(case.state))
    lead = next(
        (a for a in case.assignments.all() if a.role == "lead" and a.state in ("pending", "accepted")), None
    )
    is_lead = lead is not None and permissions.can_handle(user, lead)
    office = policy.can(user, permissions.DISPATCH, area=case.area)
    followup = policy.can(user, permissions.FOLLOW_UP, area=case.area)
    reporter = permissions.is_reporter(user, case)
    if office and ({"dispatch", "redispatch"} & allowed):
        can["dispatch"] = forms.DispatchForm
    if office and "reassign" in allowed and lead is not None:
        can["reassign"] = forms.DispatchForm
    if office and case.state in (machine.RECEIVED, machine.DISPATCHED):
        can["category"] = forms.CategoryForm
    if is_lead:
        for name, form in (
            ("accept", forms.NoteForm),
            ("start", forms.NoteForm),
            ("park", forms.ReasonForm),
            ("unpark", forms.NoteForm),
            ("resolve", forms.ResolveForm),
            ("return", forms.ReturnForm),
        ):
            if name in allowed:
                can[name] = form
        if "extend" in allowed:
            can["extension"] = forms.ExtensionForm
    if (reporter or followup) and case.state == machine.RESOLVED:
        can["rate"] = forms.RateForm
    if (reporter or followup) and case.state == machine.FOLLOWED_UP and case.satisfaction == "dissatisfied":
        can["reopen"] = forms.ReasonForm
    if followup and case.state in (machine.RESOLVED, machine.FOLLOWED_UP, machine.CLOSED):
        can["call"] = forms.CallForm
    if followup and "close" in allowed:
        can["close"] = forms.NoteForm
    if office and "merge" in allowed:
        can["merge"] = forms.MergeForm
    if policy.can(user, permissions.SUPERVISE, area=case.area) and "supervise" in allowed:
        can["supervise"] = forms.NoteForm
    return can


def _street(case):
    return Area.objects.filter(pk=case.street_id).first() if case.street_id else case.area


def _form(cls, case, name, data=None, files=None):
    # One prefix per action: the page holds several forms, and ids must stay unique.
    if cls is forms.DispatchForm:
        return cls(data, street=_street(case), prefix=name)
    return cls(data, files, prefix=name)


def _labelled(events) -> list:
    events = list(events)
    for e in events:
        e.label = labels.event(e.action, e.data)
    return events


def _detail_context(request, case, bound=None):
    # Only the names of the allowed actions: each form is fetched when its panel is first opened
    # (action_form), as building and rendering every form took a quarter of the page's time. A
    # form sent back with errors is the one open panel and comes inline.
    can = _actions_for(request.user, case)
    tasks = []
    for a in sorted(case.assignments.all(), key=lambda a: (a.role, a.id)):
        mine = (
            a.role == "support"
            and a.state in ("pending", "accepted")
            and permissions.can_handle(request.user, a)
        )
        tasks.append({"a": a, "mine": mine, "label": str(a.handler_area or a.handler_department)})
    # A case read for the page says whether it has files, calls or an open extension request (one
    # EXISTS each in its query): most have none, and each list was a query of its own.
    pending_ext = (
        case.extensions.filter(state=ExtensionRequest.State.PENDING).first()
        if getattr(case, "has_pending_extension", True)
        else None
    )
    staff = policy.can(request.user, permissions.VIEW, area=case.area) or permissions.handles_any(
        request.user, case
    )
    return {
        "case": case,
        "actions": [(name, labels.action(name)) for name in can],
        "open_action": bound[0] if bound else "",
        "open_form": bound[1] if bound else None,
        "tasks": tasks,
        "events": _labelled(queries.timeline_for(request.user, case)),
        "files": case.files.order_by("uploaded_at", "id") if getattr(case, "has_files", True) else [],
        "pending_extension": pending_ext,
        "can_decide_extension": pending_ext is not None
        and policy.can(request.user, permissions.DECIDE_EXTENSION, area=case.area),
        "staff": staff,
        "see_reporter": policy.can(request.user, permissions.SEE_REPORTER, area=case.area)
        and not case.anonymous,
        "follow_ups": case.follow_ups.order_by("-called_at")[:20]
        if staff and getattr(case, "has_follow_ups", True)
        else [],
        "is_reporter": permissions.is_reporter(request.user, case),
    }


def _get_case(request, case_id, *, for_page=False):
    cases = queries.cases_for_page() if for_page else Case.objects.select_related("category", "area")
    case = get_object_or_404(cases, pk=case_id)
    permissions.require_view(request.user, case)
    return case


@login_required
def detail(request, case_id):
    case = _get_case(request, case_id, for_page=True)
    return render(request, "cases/detail.html", _detail_context(request, case))


@login_required
def action_form(request, case_id, name):
    """One action's form: the panel's body on the case page (htmx), or a page of its own."""
    case = _get_case(request, case_id, for_page=True)
    can = _actions_for(request.user, case)
    if name not in can:
        raise Http404
    context = {"case": case, "name": name, "label": labels.action(name), "form": _form(can[name], case, name)}
    if request.htmx:
        return render(request, "cases/_action_form.html", context)
    return render(request, "cases/action.html", context)


def _handler_from_choice(value, *, task="", days=None):
    kind, _sep, ref = (value or "").partition(":")
    return dispatching.handler(kind, ref, task=task, days=days)


def _run(user, case, name, data, request):
    if name == "dispatch":
        supports = [
            dispatching.handler(
                "department", d, task=data["support_task"] or _("support the lead"), days=data["support_days"]
            )
            for d in data["supports"]
        ]
        lead = _handler_from_choice(data["lead"]) if data["lead"] else None
        return dispatching.dispatch_case(
            actor=user,
            case=case,
            lead=lead,
            supports=supports if (lead or supports) else None,
            note=data["note"],
        )
    if name == "reassign":
        if not data["lead"]:
            raise ValidationError({"lead": _("Choose the new lead handler.")})
        return dispatching.reassign_case(
            actor=user, case=case, lead=_handler_from_choice(data["lead"]), reason=data["note"]
        )
    if name == "category":
        return dispatching.change_category(actor=user, case=case, category=data["category"])
    if name == "accept":
        return lifecycle.accept_case(actor=user, case=case)
    if name == "start":
        return lifecycle.start_case(actor=user, case=case)
    if name == "park":
        return lifecycle.park_case(actor=user, case=case, reason=data["reason"])
    if name == "unpark":
        return lifecycle.unpark_case(actor=user, case=case, note=data["note"])
    if name == "resolve":
        return lifecycle.resolve_case(
            actor=user,
            case=case,
            answer=data["answer"],
            solved=data["solved"],
            files=request.FILES.getlist("resolve-files"),
        )
    if name == "return":
        return lifecycle.return_case(
            actor=user,
            case=case,
            reason=data["reason"],
            legal_basis=data["legal_basis"],
            escalate=data["escalate"],
        )
    if name == "extension":
        return supervision.request_extension(
            actor=user, case=case, extra_days=data["extra_days"], reason=data["reason"]
        )
    if name == "rate":
        return feedback.rate_case(
            actor=user, case=case, satisfaction=data["satisfaction"], comment=data["comment"]
        )
    if name == "reopen":
        return feedback.reopen_case(actor=user, case=case, reason=data["reason"])
    if name == "call":
        return feedback.log_follow_up_call(
            actor=user,
            case=case,
            reached=data["reached"],
            satisfaction=data["satisfaction"],
            note=data["note"],
        )
    if name == "close":
        return feedback.close_case(actor=user, case=case, note=data["note"])
    if name == "merge":
        into = Case.objects.filter(number=data["into"].strip()).first()
        if into is None or not permissions.can_view(user, into):
            raise ValidationError({"into": _("No such case.")})
        return feedback.merge_case(actor=user, case=case, into=into, note=data["note"])
    if name == "supervise":
        return supervision.supervise_case(actor=user, case=case, note=data["note"])
    raise Http404


@login_required
@require_POST
def act(request, case_id, name):
    case = _get_case(request, case_id)
    can = _actions_for(request.user, case)
    if name not in can:
        if name in labels.ACTIONS:  # an action of the case page, not open to this user now
            messages.error(request, _("This cannot be done now, or not by you."))
            return redirect("cases:detail", case.pk)
        raise Http404
    form = _form(can[name], case, name, request.POST, request.FILES)
    if form.is_valid():
        try:
            _run(request.user, case, name, form.cleaned_data, request)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Done."))
            return redirect("cases:detail", case.pk)
    case.refresh_from_db()
    return render(request, "cases/detail.html", _detail_context(request, case, (name, form)), status=422)


@login_required
@require_POST
def task_act(request, case_id, task_id, name):
    case = _get_case(request, case_id)
    task = get_object_or_404(CaseAssignment, pk=task_id, case=case)
    try:
        if name == "accept":
            lifecycle.accept_task(actor=request.user, assignment=task)
        elif name == "done":
            form = forms.TaskDoneForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"answer": _("Say what was done.")})
            lifecycle.complete_task(actor=request.user, assignment=task, answer=form.cleaned_data["answer"])
        else:
            raise Http404
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Done."))
    return redirect("cases:detail", case.pk)


@login_required
@require_POST
def decide_extension(request, case_id, request_id):
    case = _get_case(request, case_id)
    req = get_object_or_404(ExtensionRequest, pk=request_id, case=case)
    try:
        supervision.decide_extension(
            actor=request.user,
            request=req,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", "")[:500],
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    return redirect("cases:detail", case.pk)


@login_required
def evidence(request, case_id, file_id):
    case = _get_case(request, case_id)
    row = get_object_or_404(CaseFile, pk=file_id, case=case)
    if (
        row.event_id
        and not row.event.public
        and not (
            policy.can(request.user, permissions.VIEW, area=case.area)
            or permissions.handles_any(request.user, case)
        )
    ):
        raise PermissionDenied
    return FileResponse(row.file.open("rb"), filename=row.name, as_attachment=row.kind != "image")


# --- routing rules ---------------------------------------------------------------------------------
def _rule_areas(user):
    qs = Area.objects.current().filter(
        kind__in=[
            "city",
            "district",
            "street",
            "town",
            "community",
            "residents_committee",
            "village_committee",
        ]
    )
    if user.is_superuser:
        return qs
    paths = policy.area_paths(user, permissions.MANAGE_ROUTING) or []
    return qs.in_paths(paths) if paths else qs.none()


@login_required
def rule_list(request):
    policy.require(request.user, permissions.MANAGE_ROUTING)
    areas = _rule_areas(request.user)
    form = forms.RuleForm(request.POST or None, areas=areas.order_by("path"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rules.save_rule(
                actor=request.user,
                category=d["category"],
                area=d["area"],
                lead_kind=d["lead_kind"],
                lead_area_level=d["lead_area_level"],
                lead_department=d["lead_department"],
                supports=[(dept, d["support_task"], d["support_days"]) for dept in d["supports"]],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Routing rule saved."))
            return redirect("cases:rules")
    qs = (
        RoutingRule.objects.filter(is_active=True)
        .select_related("category", "area", "lead_department")
        .prefetch_related("supports__department")
    )
    if not request.user.is_superuser:
        paths = policy.area_paths(request.user, permissions.MANAGE_ROUTING) or []
        qs = qs.filter(area__in=Area.objects.in_paths(paths))
    page = _page(request, qs, ("id",), "case-rules", size=50)
    return render(
        request, "cases/rules.html", {"form": form, "page": page, "departments": Department.objects.none()}
    )


@login_required
@require_POST
def rule_deactivate(request, rule_id):
    rule = get_object_or_404(RoutingRule, pk=rule_id)
    rules.deactivate_rule(actor=request.user, rule=rule)
    messages.success(request, _("Routing rule deactivated."))
    return redirect("cases:rules")
