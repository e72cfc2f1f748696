"""Programme actions: incubation, venture calls (scores, ranking, awards) and service contracts —
each write allowed and denied per role, and bad input refused with a field message."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.core.models import AuditEvent
from gongzhi.orgs.actions import contracts as C
from gongzhi.orgs.actions import programs as A
from gongzhi.orgs.models import ReviewScore, ServiceContract, VentureApplication, VentureCall
from tests.conftest import make_user

from .conftest import register

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def incubator(tree):
    return register(
        tree["fangsong"],
        name="方松公益孵化园",
        org_type="non_enterprise_unit",
        subtype="civil_affairs",
        form="incubator",
    )


@pytest.fixture
def incubator_staff(incubator):
    return make_user("incubator_staff", Role.ORG_STAFF, incubator, ScopeKind.SOCIAL_ORGANIZATION)


@pytest.fixture
def call(tree, street_admin):
    call = A.create_call(
        actor=street_admin,
        area=tree["fangsong"],
        title="2024方松公益创投",
        budget=200000,
        criteria="需求导向、可持续",
        opens_on=D(2024, 3, 1),
        closes_on=D(2099, 4, 30),
    )
    return A.open_call(actor=street_admin, call=call)


@pytest.fixture
def applications(call, org, org_staff, tree):
    second = register(
        tree["fangsong"], name="方松睦邻服务社", org_type="non_enterprise_unit", subtype="other"
    )
    staff2 = make_user("muling_staff", Role.ORG_STAFF, second, ScopeKind.SOCIAL_ORGANIZATION)
    a = A.apply_to_call(
        actor=org_staff,
        call=call,
        organization=org,
        project_title="青少年成长营",
        summary="暑期陪伴",
        requested_amount=80000,
    )
    b = A.apply_to_call(
        actor=staff2,
        call=call,
        organization=second,
        project_title="老年助餐",
        summary="助餐点",
        requested_amount=120000,
    )
    return a, b


# --- incubation ------------------------------------------------------------------------------------
def test_registry_officer_and_incubator_staff_admit_start_ups(incubator, registry_officer, incubator_staff):
    a = A.admit_incubatee(
        actor=registry_officer,
        incubator=incubator,
        name="青苗社",
        admitted_on=D(2024, 1, 5),
        support=["space", "capacity_building"],
    )
    b = A.admit_incubatee(
        actor=incubator_staff,
        incubator=incubator,
        name="绿意社",
        admitted_on=D(2024, 2, 1),
        grant_amount=Decimal("20000"),
    )
    assert a.area_path == incubator.area_path
    assert "small_grant" in b.support  # a grant is support, even when not ticked
    assert AuditEvent.objects.filter(verb="incubation.admitted").count() == 2


@pytest.mark.parametrize("who", ["other_street_admin", "committee_worker", "org_staff", "outsider"])
def test_others_cannot_admit_to_the_incubator(request, who, incubator):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        A.admit_incubatee(actor=user, incubator=incubator, name="青苗社", admitted_on=D(2024, 1, 5))


def test_an_ordinary_organization_is_not_an_incubator(org, registry_officer):
    with pytest.raises(ValidationError) as exc:
        A.admit_incubatee(actor=registry_officer, incubator=org, name="x", admitted_on=D(2024, 1, 5))
    assert "incubator" in exc.value.message_dict


def test_negative_grant_and_unknown_support_are_refused(incubator, registry_officer):
    with pytest.raises(ValidationError) as exc:
        A.admit_incubatee(
            actor=registry_officer, incubator=incubator, name="x", admitted_on=D(2024, 1, 5), grant_amount=-1
        )
    assert "grant_amount" in exc.value.message_dict
    with pytest.raises(ValidationError):
        A.admit_incubatee(
            actor=registry_officer, incubator=incubator, name="x", admitted_on=D(2024, 1, 5), support=["cash"]
        )


def test_milestones_then_graduation_as_registered_organization(incubator, incubator_staff, org):
    row = A.admit_incubatee(
        actor=incubator_staff, incubator=incubator, name="青苗社", admitted_on=D(2023, 1, 5)
    )
    with pytest.raises(ValidationError):
        A.add_milestone(actor=incubator_staff, incubation=row, title="完成登记", due_on=D(2022, 1, 1))
    m = A.add_milestone(actor=incubator_staff, incubation=row, title="完成登记", due_on=D(2023, 6, 30))
    A.complete_milestone(actor=incubator_staff, milestone=m, done_on=D(2023, 6, 1))
    with pytest.raises(ValidationError) as exc:
        A.graduate_incubatee(
            actor=incubator_staff, incubation=row, graduation="registered", ended_on=D(2023, 7, 1)
        )
    assert "organization" in exc.value.message_dict
    row = A.graduate_incubatee(
        actor=incubator_staff,
        incubation=row,
        graduation="registered",
        ended_on=D(2023, 7, 1),
        organization=org,
    )
    assert (row.state, row.organization) == ("graduated", org)
    with pytest.raises(ValidationError):
        A.exit_incubatee(actor=incubator_staff, incubation=row, reason="x", ended_on=D(2023, 8, 1))


def test_exit_needs_a_reason_and_cannot_precede_admission(incubator, registry_officer):
    row = A.admit_incubatee(
        actor=registry_officer, incubator=incubator, name="青苗社", admitted_on=D(2023, 1, 5)
    )
    with pytest.raises(ValidationError):
        A.exit_incubatee(actor=registry_officer, incubation=row, reason=" ", ended_on=D(2023, 3, 1))
    with pytest.raises(ValidationError) as exc:
        A.exit_incubatee(actor=registry_officer, incubation=row, reason="解散", ended_on=D(2022, 3, 1))
    assert "ended_on" in exc.value.message_dict
    assert (
        A.exit_incubatee(actor=registry_officer, incubation=row, reason="解散", ended_on=D(2023, 3, 1)).state
        == "exited"
    )


# --- venture calls ---------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["street_admin", "district_admin", "registry_officer", "city_admin"])
def test_officials_in_scope_create_calls(request, who, tree):
    user = request.getfixturevalue(who)
    call = A.create_call(
        actor=user,
        area=tree["fangsong"],
        title="创投",
        budget=1000,
        criteria="c",
        opens_on=D(2024, 1, 1),
        closes_on=D(2024, 2, 1),
    )
    assert call.state == VentureCall.State.DRAFT


@pytest.mark.parametrize("who", ["other_street_admin", "committee_worker", "org_staff", "community_worker"])
def test_others_cannot_create_calls(request, who, tree):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        A.create_call(
            actor=user,
            area=tree["fangsong"],
            title="创投",
            budget=1000,
            criteria="c",
            opens_on=D(2024, 1, 1),
            closes_on=D(2024, 2, 1),
        )


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("budget", {"budget": -5}),
        ("closes_on", {"opens_on": D(2024, 3, 1), "closes_on": D(2024, 2, 1)}),
        ("title", {"title": "  "}),
    ],
)
def test_bad_calls_are_refused_with_a_field_message(tree, street_admin, field, kwargs):
    data = {
        "title": "创投",
        "budget": 1000,
        "criteria": "c",
        "opens_on": D(2024, 1, 1),
        "closes_on": D(2024, 2, 1),
    }
    data.update(kwargs)
    with pytest.raises(ValidationError) as exc:
        A.create_call(actor=street_admin, area=tree["fangsong"], **data)
    assert field in exc.value.message_dict
    assert not VentureCall.objects.exists()


def test_only_the_organizations_own_staff_apply(call, org, registry_officer, malu_org, org_staff):
    with pytest.raises(PermissionDenied):
        A.apply_to_call(
            actor=registry_officer,
            call=call,
            organization=org,
            project_title="p",
            summary="s",
            requested_amount=1,
        )
    with pytest.raises(PermissionDenied):
        A.apply_to_call(
            actor=org_staff,
            call=call,
            organization=malu_org,
            project_title="p",
            summary="s",
            requested_amount=1,
        )


def test_application_over_budget_negative_or_duplicate_is_refused(call, org, org_staff):
    for amount in (-1, 300000):
        with pytest.raises(ValidationError) as exc:
            A.apply_to_call(
                actor=org_staff,
                call=call,
                organization=org,
                project_title="p",
                summary="s",
                requested_amount=amount,
            )
        assert "requested_amount" in exc.value.message_dict
    A.apply_to_call(
        actor=org_staff, call=call, organization=org, project_title="p", summary="s", requested_amount=1
    )
    with pytest.raises(ValidationError):
        A.apply_to_call(
            actor=org_staff, call=call, organization=org, project_title="p", summary="s", requested_amount=1
        )


def test_applications_only_while_the_call_is_open(call, org, org_staff, street_admin):
    A.start_review(actor=street_admin, call=call)
    with pytest.raises(ValidationError):
        A.apply_to_call(
            actor=org_staff, call=call, organization=org, project_title="p", summary="s", requested_amount=1
        )


def test_scores_outside_0_to_100_are_refused(call, applications, street_admin):
    A.start_review(actor=street_admin, call=call)
    for bad in (-1, "100.5", "abc", "NaN"):
        with pytest.raises(ValidationError) as exc:
            A.score_application(actor=street_admin, application=applications[0], score=bad)
        assert "score" in exc.value.message_dict
    assert not ReviewScore.objects.exists()


def test_a_second_score_by_the_same_reviewer_updates_instead_of_duplicating(
    call, applications, street_admin, registry_officer
):
    A.start_review(actor=street_admin, call=call)
    a = applications[0]
    A.score_application(actor=street_admin, application=a, score=70)
    A.score_application(actor=street_admin, application=a, score=90)
    A.score_application(actor=registry_officer, application=a, score=80)
    assert ReviewScore.objects.filter(application=a).count() == 2
    a.refresh_from_db()
    assert a.average_score == Decimal("85.00")


def test_scoring_is_for_officials_during_review(
    call, applications, street_admin, org_staff, other_street_admin
):
    with pytest.raises(ValidationError):  # not under review yet
        A.score_application(actor=street_admin, application=applications[0], score=50)
    A.start_review(actor=street_admin, call=call)
    for user in (org_staff, other_street_admin):
        with pytest.raises(PermissionDenied):
            A.score_application(actor=user, application=applications[0], score=50)


def test_awards_rank_by_score_fund_projects_and_stay_within_budget(call, applications, street_admin):
    a, b = applications
    A.start_review(actor=street_admin, call=call)
    A.score_application(actor=street_admin, application=a, score=60)
    A.score_application(actor=street_admin, application=b, score=88)
    with pytest.raises(ValidationError) as exc:
        A.award_call(
            actor=street_admin,
            call=call,
            awards={a.pk: 80000, b.pk: 130000},
            starts_on=D(2024, 6, 1),
            ends_on=D(2024, 12, 31),
        )
    assert "awards" in exc.value.message_dict  # over the request (and the budget)
    with pytest.raises(ValidationError):
        A.award_call(
            actor=street_admin,
            call=call,
            awards={b.pk: 100000},
            starts_on=D(2024, 6, 1),
            ends_on=D(2024, 5, 1),
        )
    projects = A.award_call(
        actor=street_admin, call=call, awards={b.pk: 100000}, starts_on=D(2024, 6, 1), ends_on=D(2024, 12, 31)
    )
    a.refresh_from_db(), b.refresh_from_db(), call.refresh_from_db()
    assert (b.rank, b.state, b.awarded_amount) == (1, "awarded", Decimal("100000.00"))
    assert (a.rank, a.state) == (2, VentureApplication.State.REJECTED)
    assert call.state == "awarded"
    assert [p.funding for p in projects] == [Decimal("100000.00")]
    closed = A.close_project(
        actor=street_admin, project=projects[0], state="completed", results="服务300人次"
    )
    assert closed.state == "completed"


def test_awards_beyond_the_budget_are_refused(tree, street_admin, org, org_staff):
    call = A.open_call(
        actor=street_admin,
        call=A.create_call(
            actor=street_admin,
            area=tree["fangsong"],
            title="小额创投",
            budget=1000,
            criteria="c",
            opens_on=D(2024, 1, 1),
            closes_on=D(2099, 1, 1),
        ),
    )
    app = A.apply_to_call(
        actor=org_staff, call=call, organization=org, project_title="p", summary="s", requested_amount=1000
    )
    A.start_review(actor=street_admin, call=call)
    with pytest.raises(ValidationError):
        A.award_call(
            actor=street_admin,
            call=call,
            awards={app.pk: 1500},
            starts_on=D(2024, 6, 1),
            ends_on=D(2024, 7, 1),
        )


# --- contracts -------------------------------------------------------------------------------------
def _contract(actor, tree, provider, **kw):
    data = {
        "area": tree["fangsong"],
        "kind": "hosting",
        "title": "方松社区文化活动中心托管",
        "provider": provider,
        "centre_name": "方松社区文化活动中心",
        "budget": Decimal("1200000"),
        "starts_on": D(2024, 1, 1),
        "ends_on": D(2024, 12, 31),
        "indicators": [
            {"name": "服务人次", "unit": "人次", "target": 20000},
            {"name": "活动场次", "target": 150},
        ],
    }
    data.update(kw)
    return C.create_contract(actor=actor, **data)


def test_street_admin_records_signs_and_evaluates_a_hosting_contract(tree, street_admin, org, org_staff):
    c = _contract(street_admin, tree, org)
    assert c.indicators.count() == 2
    c = C.sign_contract(actor=street_admin, contract=c, signed_on=D(2023, 12, 20))
    ind = c.indicators.get(name="服务人次")
    C.report_indicator(actor=org_staff, indicator=ind, reported=21000, reported_on=D(2024, 12, 20))
    with pytest.raises(ValidationError) as exc:
        C.evaluate_contract(actor=street_admin, contract=c, evaluation="fail")
    assert "evaluation_note" in exc.value.message_dict
    c = C.evaluate_contract(actor=street_admin, contract=c, evaluation="excellent", note="超额完成")
    assert (c.state, c.evaluation) == (ServiceContract.State.COMPLETED, "excellent")


@pytest.mark.parametrize("who", ["other_street_admin", "committee_worker", "org_staff", "grid_worker"])
def test_others_cannot_record_contracts(request, who, tree, org):
    with pytest.raises(PermissionDenied):
        _contract(request.getfixturevalue(who), tree, org)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("budget", {"budget": Decimal("-1")}),
        ("ends_on", {"ends_on": D(2023, 12, 31)}),
        ("centre_name", {"centre_name": ""}),
        ("indicators", {"indicators": [{"name": "服务人次", "target": -3}]}),
        ("area", {"area": "grid"}),
    ],
)
def test_bad_contracts_are_refused_and_nothing_is_written(tree, street_admin, org, field, kwargs):
    if kwargs.get("area") == "grid":
        kwargs = {"area": tree["grid"]}
    with pytest.raises(ValidationError) as exc:
        _contract(street_admin, tree, org, **kwargs)
    assert field in exc.value.message_dict
    assert not ServiceContract.objects.exists()


def test_only_the_providers_staff_report_values(tree, street_admin, org, malu_org):
    c = C.sign_contract(
        actor=street_admin, contract=_contract(street_admin, tree, org), signed_on=D(2023, 12, 20)
    )
    stranger = make_user("malu_staff", Role.ORG_STAFF, malu_org, ScopeKind.SOCIAL_ORGANIZATION)
    with pytest.raises(PermissionDenied):
        C.report_indicator(
            actor=stranger, indicator=c.indicators.first(), reported=1, reported_on=D(2024, 2, 1)
        )


def test_values_are_reported_only_while_in_force_and_not_negative(tree, street_admin, org, org_staff):
    c = _contract(street_admin, tree, org)
    ind = c.indicators.first()
    with pytest.raises(ValidationError):  # still a draft
        C.report_indicator(actor=org_staff, indicator=ind, reported=1, reported_on=D(2024, 2, 1))
    C.sign_contract(actor=street_admin, contract=c, signed_on=D(2023, 12, 20))
    ind.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        C.report_indicator(actor=org_staff, indicator=ind, reported=-1, reported_on=D(2024, 2, 1))
    assert "reported" in exc.value.message_dict


def test_terminating_a_contract_needs_a_reason(tree, street_admin, org):
    c = _contract(street_admin, tree, org)
    with pytest.raises(ValidationError):
        C.terminate_contract(actor=street_admin, contract=c, reason="")
    assert C.terminate_contract(actor=street_admin, contract=c, reason="机构撤出").state == "terminated"
