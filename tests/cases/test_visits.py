"""Visit loop (走访 → 诉求 → 解决 → 反馈) and patrol logs: actions, pages, API and who may do what."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time

from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.cases.actions import patrols, visits
from gongzhi.cases.actions.lifecycle import accept_case, resolve_case, start_case
from gongzhi.cases.models import Case, Patrol, RoutingRule, Visit
from gongzhi.orgs.models import StationedUnit
from tests.conftest import make_user

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def unit(tree):
    u = StationedUnit(name="上海松江某科技有限公司", kind="company", address="江中路 88 号")
    u.set_area(tree["committee"])
    u.save()
    return u


@pytest.fixture
def liaison(unit):
    user = make_user("unit_liaison", Role.UNIT_LIAISON, unit, ScopeKind.STATIONED_UNIT)
    StationedUnit.objects.filter(pk=unit.pk).update(liaison=user)
    unit.refresh_from_db()
    return user


@pytest.fixture
def sanitation_rule(tree, categories):
    return RoutingRule.objects.create(
        category=categories["sanitation"],
        area=tree["fangsong"],
        area_depth=tree["fangsong"].depth,
        lead_kind="area",
        lead_area_level="committee",
    )


def _logged_visit(actor, unit):
    return visits.log_visit(
        actor=actor,
        target_kind="unit",
        unit=unit,
        visitor_name="王书记",
        topics="停车难、垃圾清运",
        notes="企业反映门口垃圾清运不及时。",
        visited_at=timezone.now() - dt.timedelta(hours=1),
    )


def test_a_planned_visit_is_logged_then_a_demand_becomes_a_linked_routed_case(
    unit, committee_worker, categories, sanitation_rule, django_capture_on_commit_callbacks
):
    visit = visits.plan_visit(
        actor=committee_worker, target_kind="unit", unit=unit, planned_on=dt.date(2026, 3, 3), topics="走访"
    )
    assert visit.state == Visit.State.PLANNED and visit.area == unit.area
    visits.log_visit(actor=committee_worker, visit=visit, notes="反映垃圾清运问题")
    visit.refresh_from_db()
    assert visit.state == Visit.State.DONE
    with django_capture_on_commit_callbacks(execute=True):
        case = visits.raise_case(
            actor=committee_worker,
            visit=visit,
            category="sanitation",
            title="门口垃圾清运不及时",
            description="企业门口垃圾桶每天满溢。",
        )
    assert (case.visit_id, case.channel, case.state) == (visit.pk, "visit", "dispatched")
    assert case.reporter_name == unit.name


def test_a_case_cannot_be_raised_before_the_visit_is_logged(unit, committee_worker, categories):
    visit = visits.plan_visit(
        actor=committee_worker, target_kind="unit", unit=unit, planned_on=dt.date(2026, 3, 3)
    )
    with pytest.raises(ValidationError):
        visits.raise_case(
            actor=committee_worker, visit=visit, category="sanitation", title="x", description="y"
        )
    assert not Case.objects.exists()


def test_feedback_reaches_the_unit_liaison(
    unit, liaison, committee_worker, django_capture_on_commit_callbacks
):
    from gongzhi.notices.models import Notification

    visit = _logged_visit(committee_worker, unit)
    with django_capture_on_commit_callbacks(execute=True):
        visits.give_feedback(actor=committee_worker, visit=visit, feedback="已协调环卫所每日清运两次。")
    assert Notification.objects.filter(recipient=liaison, kind="cases.visit_feedback").exists()


def test_deputies_visits_to_households_and_compounds_use_the_same_log(tree, committee_worker):
    from gongzhi.people.models import Household

    household = Household(number="JZ-0001")
    household.set_area(tree["committee"])
    household.save()
    v1 = visits.log_visit(
        actor=committee_worker,
        target_kind="household",
        household=household,
        visitor_kind="peoples_congress_deputy",
        visitor_name="李代表",
        topics="加装电梯",
    )
    v2 = visits.plan_visit(
        actor=committee_worker,
        target_kind="compound",
        area=tree["compound"],
        visitor_kind="cppcc_member",
        visitor_name="张委员",
        planned_on=dt.date(2026, 4, 1),
    )
    assert (v1.area, v2.area) == (tree["committee"], tree["compound"])
    with pytest.raises(ValidationError) as exc:
        visits.plan_visit(
            actor=committee_worker,
            target_kind="compound",
            area=tree["committee"],
            planned_on=dt.date(2026, 4, 1),
        )
    assert "area" in exc.value.message_dict


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("street_admin", True),
        ("committee_worker", True),
        ("grid_worker", False),
        ("other_street_admin", False),
        ("liaison", False),
        ("resident", False),
        ("outsider", False),
    ],
)
def test_who_may_plan_a_visit(request, unit, who, allowed):
    user = request.getfixturevalue(who)

    def plan():
        return visits.plan_visit(actor=user, target_kind="unit", unit=unit, planned_on=dt.date(2026, 3, 3))

    if allowed:
        assert plan().pk
    else:
        with pytest.raises(PermissionDenied):
            plan()
        assert not Visit.objects.exists()


def test_the_unit_page_shows_visit_history_cases_and_answers_to_the_liaison(
    client_for,
    unit,
    liaison,
    committee_worker,
    categories,
    sanitation_rule,
    django_capture_on_commit_callbacks,
):
    visit = _logged_visit(committee_worker, unit)
    with django_capture_on_commit_callbacks(execute=True):
        case = visits.raise_case(
            actor=committee_worker, visit=visit, category="sanitation", title="垃圾清运", description="满溢"
        )
        accept_case(actor=committee_worker, case=case)
        start_case(actor=committee_worker, case=case)
        resolve_case(actor=committee_worker, case=case, answer="环卫所已增加清运频次。", solved=True)
    response = client_for(liaison).get(f"/field/units/{unit.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "停车难" in html and case.number in html and "环卫所已增加清运频次。" in html
    assert client_for(liaison).get(f"/field/visits/{visit.pk}/").status_code == 200
    listing = client_for(liaison).get("/field/visits/")
    assert listing.status_code == 200 and "王书记" in listing.content.decode()


def test_other_units_and_outsiders_cannot_see_a_units_visits(
    client_for, tree, unit, committee_worker, outsider
):
    other = StationedUnit(name="另一家单位", kind="school")
    other.set_area(tree["other_committee"])
    other.save()
    stranger = make_user("other_liaison", Role.UNIT_LIAISON, other, ScopeKind.STATIONED_UNIT)
    visit = _logged_visit(committee_worker, unit)
    assert client_for(stranger).get(f"/field/units/{unit.pk}/").status_code == 403
    assert client_for(stranger).get(f"/field/visits/{visit.pk}/").status_code == 403
    assert client_for(outsider).get(f"/field/units/{unit.pk}/").status_code == 403


def test_visit_pages_plan_log_and_raise(
    client_for, tree, unit, committee_worker, categories, sanitation_rule, django_capture_on_commit_callbacks
):
    client = client_for(committee_worker)
    assert client.get("/field/visits/").status_code == 200
    response = client.post(
        f"/field/visits/new/?area={tree['committee'].pk}",
        {
            "target_kind": "unit",
            "unit": unit.pk,
            "visitor_kind": "staff",
            "visitor_name": "刘",
            "planned_on": "2026-03-03",
            "topics": "走访",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = Visit.objects.get()
    assert (
        client.post(
            f"/field/visits/{visit.pk}/log/", {"visited_at": "2026-03-03T10:00", "notes": "ok"}
        ).status_code
        == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/field/visits/{visit.pk}/case/",
            {"category": categories["sanitation"].pk, "title": "垃圾", "description": "满溢"},
        )
    assert response.status_code == 302
    assert Case.objects.get().visit_id == visit.pk
    bad = client.post(
        f"/field/visits/{visit.pk}/case/",
        {"category": categories["sanitation"].pk, "title": "", "description": ""},
    )
    assert bad.status_code == 422 and Case.objects.count() == 1


def test_visit_api_logs_and_lists(client_for, unit, committee_worker, grid_worker):
    client = client_for(committee_worker)
    response = client.post(
        "/api/v1/cases-field/visits",
        {
            "target_kind": "unit",
            "unit": unit.pk,
            "visitor_name": "刘",
            "visited_at": "2026-03-03T10:00:00+08:00",
            "topics": "走访",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "done"
    assert [v["id"] for v in client.get("/api/v1/cases-field/visits").json()["items"]] == [
        response.json()["id"]
    ]
    denied = client_for(grid_worker).post(
        "/api/v1/cases-field/visits",
        {"target_kind": "unit", "unit": unit.pk, "planned_on": "2026-03-03"},
        content_type="application/json",
    )
    assert denied.status_code == 403


# --- patrols ----------------------------------------------------------------------------------------------
@pytest.fixture
def group_rental_rule(tree, categories):
    return RoutingRule.objects.create(
        category=categories["group_rental"],
        area=tree["fangsong"],
        area_depth=tree["fangsong"].depth,
        lead_kind="area",
        lead_area_level="committee",
    )


def test_a_patrol_finding_becomes_a_case_in_one_step(
    tree, grid_worker, categories, group_rental_rule, django_capture_on_commit_callbacks
):
    with freeze_time(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)):
        patrol = patrols.start_patrol(actor=grid_worker, area=tree["grid"], route_notes="3号楼—7号楼")
    with (
        freeze_time(dt.datetime(2026, 3, 2, 9, 40, tzinfo=SH)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = patrols.report_finding(
            actor=grid_worker,
            patrol=patrol,
            category="group_rental",
            title="5号楼疑似群租",
            description="5号楼302室进出人员多",
            latitude=31.0323,
            longitude=121.2277,
        )
    with freeze_time(dt.datetime(2026, 3, 2, 10, 30, tzinfo=SH)):
        patrols.end_patrol(actor=grid_worker, patrol=patrol, findings="发现群租 1 处")
    patrol.refresh_from_db()
    assert (case.patrol_id, case.channel, case.state, case.area) == (
        patrol.pk,
        "patrol",
        "dispatched",
        tree["grid"],
    )
    assert patrol.ended_at is not None and patrol.findings == "发现群租 1 处"


def test_a_patrol_cannot_end_before_it_started_or_twice(tree, grid_worker):
    patrol = patrols.start_patrol(actor=grid_worker, area=tree["grid"])
    with pytest.raises(ValidationError):
        patrols.end_patrol(
            actor=grid_worker, patrol=patrol, ended_at=patrol.started_at - dt.timedelta(minutes=1)
        )
    patrols.end_patrol(actor=grid_worker, patrol=patrol)
    with pytest.raises(ValidationError):
        patrols.end_patrol(actor=grid_worker, patrol=patrol)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("grid_worker", True),
        ("committee_worker", True),
        ("street_admin", True),
        ("other_street_admin", False),
        ("resident", False),
        ("department_handler", False),
        ("outsider", False),
    ],
)
def test_who_may_record_a_patrol_in_the_grid(request, tree, who, allowed):
    user = request.getfixturevalue(who)
    if allowed:
        assert patrols.start_patrol(actor=user, area=tree["grid"]).pk
    else:
        with pytest.raises(PermissionDenied):
            patrols.start_patrol(actor=user, area=tree["grid"])
        assert not Patrol.objects.exists()


def test_another_grid_worker_cannot_end_my_patrol(tree, grid_worker):
    colleague = make_user("grid_worker_2", Role.GRID_WORKER, tree["grid"])
    patrol = patrols.start_patrol(actor=grid_worker, area=tree["grid"])
    with pytest.raises(PermissionDenied):
        patrols.end_patrol(actor=colleague, patrol=patrol)


def test_the_patrol_pages_work_for_a_grid_worker(
    client_for, tree, grid_worker, categories, group_rental_rule, photo, django_capture_on_commit_callbacks
):
    client = client_for(grid_worker)
    assert client.get("/field/patrols/").status_code == 200
    response = client.post(
        f"/field/patrols/start/?area={tree['grid'].pk}", {"area": tree["grid"].pk, "route_notes": "东门进"}
    )
    assert response.status_code == 302
    patrol = Patrol.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/field/patrols/{patrol.pk}/finding/",
            {
                "category": categories["group_rental"].pk,
                "title": "群租",
                "description": "隔间出租",
                "photo": photo,
            },
        )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.files.count() == 1
    assert client.get(f"/field/patrols/{patrol.pk}/").status_code == 200
    assert client.post(f"/field/patrols/{patrol.pk}/end/", {"findings": "群租 1 处"}).status_code == 302


def test_patrol_api_starts_reports_and_ends(
    client_for, tree, grid_worker, categories, group_rental_rule, django_capture_on_commit_callbacks
):
    client = client_for(grid_worker)
    started = client.post(
        "/api/v1/cases-field/patrols", {"area": tree["grid"].pk}, content_type="application/json"
    )
    assert started.status_code == 201
    pid = started.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        finding = client.post(
            f"/api/v1/cases-field/patrols/{pid}/findings",
            {
                "category": "group_rental",
                "title": "群租",
                "description": "隔间",
                "latitude": 31.03,
                "longitude": 121.22,
                "coordinate_system": "gcj02",
            },
            content_type="application/json",
        )
    assert finding.status_code == 201, finding.content
    missing = client.post(
        f"/api/v1/cases-field/patrols/{pid}/findings",
        {"category": "nope", "title": "x", "description": "y"},
        content_type="application/json",
    )
    assert missing.status_code == 422 and "category" in missing.json()["error"]["fields"]
    assert (
        client.post(
            f"/api/v1/cases-field/patrols/{pid}/end", {"findings": "1 处"}, content_type="application/json"
        ).status_code
        == 200
    )
