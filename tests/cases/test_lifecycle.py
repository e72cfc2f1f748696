"""Every transition allowed and denied, per role; illegal transitions; return, reopen, merge, tasks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.cases import machine
from gongzhi.cases.actions import feedback, lifecycle, supervision
from gongzhi.cases.actions.dispatching import dispatch_case, handler, reassign_case
from gongzhi.cases.models import Case, CaseAssignment
from gongzhi.core.models import AuditEvent
from gongzhi.notices.models import Notification

pytestmark = pytest.mark.django_db


def replayed(case):
    case.refresh_from_db()
    actions = [e.action for e in case.events.order_by("at", "id") if e.action in machine.TRANSITIONS]
    return machine.replay(actions)


@pytest.fixture
def routed(grid_worker, report, rule):
    return report(grid_worker)


def handle_to_resolved(case, committee_worker, department_handler):
    support = case.assignments.get(role="support")
    lifecycle.accept_case(actor=committee_worker, case=case)
    lifecycle.start_case(actor=committee_worker, case=case)
    lifecycle.complete_task(actor=department_handler, assignment=support, answer="已现场执法，责令整改。")
    lifecycle.resolve_case(actor=committee_worker, case=case, answer="已拆除隔断，恢复原状。", solved=True)
    return case


def test_the_full_loop_from_report_to_closed(routed, committee_worker, department_handler, grid_worker):
    case = handle_to_resolved(routed, committee_worker, department_handler)
    assert case.state == "resolved" and case.solved is True
    feedback.log_follow_up_call(
        actor=committee_worker, case=case, reached=True, satisfaction="satisfied", note="电话回访"
    )
    assert case.state == "followed_up" and case.satisfaction == "satisfied"
    feedback.close_case(actor=committee_worker, case=case)
    assert case.state == "closed"
    assert replayed(case) == "closed"
    assert AuditEvent.objects.filter(verb="case.close").count() == 1


def test_only_the_lead_handler_accepts(
    routed, grid_worker, department_handler, outsider, other_street_admin, committee_worker
):
    for user in (grid_worker, department_handler, outsider, other_street_admin):
        with pytest.raises(PermissionDenied):
            lifecycle.accept_case(actor=user, case=routed)
    lifecycle.accept_case(actor=committee_worker, case=routed)
    assert routed.state == "accepted"
    with pytest.raises(ValidationError):
        lifecycle.accept_case(actor=committee_worker, case=routed)


def test_street_admin_above_the_committee_may_handle(routed, street_admin):
    lifecycle.accept_case(actor=street_admin, case=routed)
    assert Case.objects.get(pk=routed.pk).state == "accepted"


def test_supporting_department_handles_its_own_task_only(routed, department_handler, committee_worker):
    support = routed.assignments.get(role="support")
    lead = routed.assignments.get(role="lead")
    with pytest.raises(PermissionDenied):
        lifecycle.accept_task(actor=committee_worker, assignment=support)
    with pytest.raises(ValidationError):
        lifecycle.accept_task(actor=department_handler, assignment=lead)
    task = lifecycle.accept_task(actor=department_handler, assignment=support)
    assert task.state == "accepted" and task.accepted_by == department_handler


def test_resolve_waits_for_open_supporting_tasks(routed, committee_worker):
    lifecycle.accept_case(actor=committee_worker, case=routed)
    lifecycle.start_case(actor=committee_worker, case=routed)
    with pytest.raises(ValidationError) as exc:
        lifecycle.resolve_case(actor=committee_worker, case=routed, answer="done", solved=True)
    assert "城管" in exc.value.message_dict["state"][0]


@pytest.mark.parametrize("name", ["start", "park", "unpark", "resolve", "follow_up", "close", "reopen"])
def test_illegal_transitions_from_dispatched_are_refused_and_nothing_written(routed, committee_worker, name):
    before = routed.events.count()
    calls = {
        "start": lambda: lifecycle.start_case(actor=committee_worker, case=routed),
        "park": lambda: lifecycle.park_case(actor=committee_worker, case=routed, reason="x"),
        "unpark": lambda: lifecycle.unpark_case(actor=committee_worker, case=routed),
        "resolve": lambda: lifecycle.resolve_case(
            actor=committee_worker, case=routed, answer="x", solved=True
        ),
        "follow_up": lambda: feedback.rate_case(
            actor=committee_worker, case=routed, satisfaction="satisfied"
        ),
        "close": lambda: feedback.close_case(actor=committee_worker, case=routed),
        "reopen": lambda: feedback.reopen_case(actor=committee_worker, case=routed, reason="x"),
    }
    with pytest.raises(ValidationError) as exc:
        calls[name]()
    assert "state" in exc.value.message_dict
    assert routed.events.count() == before
    assert Case.objects.get(pk=routed.pk).state == "dispatched"


def test_park_needs_a_reason_and_unpark_resumes(routed, committee_worker):
    lifecycle.accept_case(actor=committee_worker, case=routed)
    lifecycle.start_case(actor=committee_worker, case=routed)
    with pytest.raises(ValidationError):
        lifecycle.park_case(actor=committee_worker, case=routed, reason="  ")
    lifecycle.park_case(actor=committee_worker, case=routed, reason="房东出国，待其返沪")
    assert routed.state == "parked" and routed.park_reason
    lifecycle.unpark_case(actor=committee_worker, case=routed)
    assert routed.state == "in_progress"


def test_return_without_reason_or_legal_basis_is_refused(routed, committee_worker):
    with pytest.raises(ValidationError) as exc:
        lifecycle.return_case(actor=committee_worker, case=routed, reason="", legal_basis="")
    assert {"reason", "legal_basis"} <= set(exc.value.message_dict)
    assert Case.objects.get(pk=routed.pk).state == "dispatched"


def test_return_goes_back_to_the_dispatcher_and_redispatch_follows(
    routed, committee_worker, street_admin, tree
):
    lifecycle.return_case(
        actor=committee_worker,
        case=routed,
        reason="不属于本居委职责",
        legal_basis="《上海市居住房屋租赁管理办法》第三十七条",
        escalate=True,
    )
    assert routed.state == "received" and routed.return_count == 1
    assert not routed.assignments.filter(state__in=["pending", "accepted"]).exists()
    assert Notification.objects.filter(recipient=street_admin, kind="cases.returned").exists()
    due = routed.due_at
    dispatch_case(actor=street_admin, case=routed, lead=handler("area", tree["fangsong"]))
    assert routed.state == "dispatched" and routed.due_at == due  # computed once
    assert routed.events.filter(action="redispatch").exists()
    assert replayed(routed) == "dispatched"


def test_dispatch_is_denied_to_grid_worker_and_department(grid_worker, report, department_handler, tree):
    case = report(grid_worker, auto_dispatch=False)
    for user in (grid_worker, department_handler):
        with pytest.raises(PermissionDenied):
            dispatch_case(actor=user, case=case)


def test_community_dispatches_to_itself_as_lead_with_chengguan_supporting(
    grid_worker, report, committee_worker, tree
):
    case = report(grid_worker, auto_dispatch=False)
    dispatch_case(
        actor=committee_worker,
        case=case,
        lead=handler("area", tree["committee"]),
        supports=[handler("department", tree["department"], task="执法", days=5)],
    )
    assert case.assignments.get(role="support").handler_department == tree["department"]


def test_lead_outside_the_street_is_refused(grid_worker, report, committee_worker, tree):
    case = report(grid_worker, auto_dispatch=False)
    with pytest.raises(ValidationError):
        dispatch_case(actor=committee_worker, case=case, lead=handler("area", tree["malu_committee"]))


def test_reassign_needs_a_reason_and_moves_the_lead(routed, committee_worker, tree):
    with pytest.raises(ValidationError):
        reassign_case(actor=committee_worker, case=routed, lead=handler("area", tree["fangsong"]), reason="")
    reassign_case(
        actor=committee_worker, case=routed, lead=handler("area", tree["fangsong"]), reason="需街道协调"
    )
    leads = routed.assignments.filter(role="lead")
    assert leads.filter(state="withdrawn").count() == 1
    assert leads.get(state="pending").handler_area == tree["fangsong"]


def test_dissatisfied_reporter_reopens_and_satisfied_cannot(resident, report, rule, committee_worker, tree):
    case = report(resident, channel="resident_web", area=tree["committee"])
    support = case.assignments.get(role="support")
    support.delete()
    lifecycle.accept_case(actor=committee_worker, case=case)
    lifecycle.start_case(actor=committee_worker, case=case)
    lifecycle.resolve_case(actor=committee_worker, case=case, answer="已处理", solved=False)
    feedback.rate_case(actor=resident, case=case, satisfaction="dissatisfied", comment="仍在群租")
    feedback.reopen_case(actor=resident, case=case, reason="仍有人居住")
    assert case.state == "in_progress" and case.reopen_count == 1
    assert replayed(case) == "in_progress"


def test_outsider_cannot_rate_a_case(routed, outsider, committee_worker, department_handler):
    handle_to_resolved(routed, committee_worker, department_handler)
    with pytest.raises(PermissionDenied):
        feedback.rate_case(actor=outsider, case=routed, satisfaction="satisfied")


def test_reopen_after_satisfied_is_refused(routed, committee_worker, department_handler):
    handle_to_resolved(routed, committee_worker, department_handler)
    feedback.rate_case(actor=committee_worker, case=routed, satisfaction="satisfied")
    with pytest.raises(ValidationError):
        feedback.reopen_case(actor=committee_worker, case=routed, reason="x")


def test_merge_closes_the_duplicate_with_a_link(grid_worker, report, rule, committee_worker):
    first = report(grid_worker)
    dup = report(grid_worker)
    feedback.merge_case(actor=committee_worker, case=dup, into=first)
    assert dup.state == "closed" and dup.merged_into == first
    assert not dup.assignments.filter(state__in=["pending", "accepted"]).exists()
    with pytest.raises(ValidationError):
        feedback.merge_case(actor=committee_worker, case=first, into=first)


def test_supervise_is_for_street_admins(routed, street_admin, committee_worker):
    with pytest.raises(PermissionDenied):
        supervision.supervise_case(actor=committee_worker, case=routed, note="加快")
    supervision.supervise_case(actor=street_admin, case=routed, note="三日内办结")
    assert routed.is_supervised
    assert Notification.objects.filter(recipient=committee_worker, kind="cases.supervision").exists()


def test_department_handler_of_offline_department_is_represented_by_staff(
    grid_worker, report, rule, tree, committee_worker
):
    dept = tree["department"]
    dept.uses_platform = False
    dept.save()
    case = report(grid_worker)
    support = case.assignments.get(role="support")
    lifecycle.complete_task(actor=committee_worker, assignment=support, answer="代为记录：已执法")
    support.refresh_from_db()
    assert support.state == "done" and support.on_behalf
    event = AuditEvent.objects.get(verb="case.task_done")
    assert event.details["on_behalf_of"]["id"] == dept.pk


def test_assignment_states_follow_the_case(routed, committee_worker, department_handler):
    handle_to_resolved(routed, committee_worker, department_handler)
    assert set(routed.assignments.values_list("state", flat=True)) == {CaseAssignment.State.DONE}
