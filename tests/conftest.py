"""Shared fixtures: a small area tree and one named user per role (see CONTRIBUTING.md)."""

import os

import freezegun
import pytest
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hsettings

from gongzhi.accounts.models import Department, User
from gongzhi.accounts.roles import Role, ScopeKind

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# pytest times tests with perf_counter from its own modules; a frozen clock must not fake those
# durations (--durations would print days for a fixture that freezes time).
freezegun.configure(extend_ignore_list=["_pytest."])

# CI runs derandomized without deadlines: a slow shared machine must not fail a property test.
hsettings.register_profile(
    "ci", deadline=None, derandomize=True, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
hsettings.register_profile("dev", deadline=None, max_examples=30)
hsettings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_collection_modifyitems(config, items):
    on_pg = settings.IS_POSTGRES
    has_chromium = os.path.exists("/usr/bin/chromium")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); runs in .ci/run's second pass")
    skip_browser = pytest.mark.skip(reason="no /usr/bin/chromium (apt-get install chromium)")
    skip_browser_sqlite = pytest.mark.skip(reason="browser tests run in the PostgreSQL pass of .ci/run")
    in_ci_sqlite = os.environ.get("GONGZHI_SKIP_BROWSER") == "1"
    for item in items:
        if "pg_only" in item.keywords and not on_pg:
            item.add_marker(skip_pg)
        if "browser" in item.keywords:
            if not has_chromium:
                item.add_marker(skip_browser)
            elif in_ci_sqlite:
                item.add_marker(skip_browser_sqlite)


@pytest.fixture
def tree(db):
    """上海市 → 松江区 → 方松街道 → 居委会 A/B → 小区 → 网格; plus 嘉定区 → 马陆镇 → 社区 → 居委会."""
    from gongzhi.areas.actions import build_area

    def add(name, kind, parent=None, **kw):
        a = build_area(name=name, kind=kind, parent=parent, **kw)
        a.save()
        return a

    city = add("上海市", "city", gb2260="310000")
    songjiang = add("松江区", "district", city, gb2260="310117")
    fangsong = add("方松街道", "street", songjiang, stat_code="310117003000")
    committee = add("江中居委会", "residents_committee", fangsong, stat_code="310117003001")
    other_committee = add("江秀居委会", "residents_committee", fangsong, stat_code="310117003002")
    compound = add("江中小区", "compound", committee)
    grid = add("江中第1网格", "grid", compound)
    yongfeng = add("永丰街道", "street", songjiang, stat_code="310117004000")
    jiading = add("嘉定区", "district", city, gb2260="310114")
    malu = add("马陆镇", "town", jiading, stat_code="310114106000")
    community = add("育兰社区", "community", malu)
    malu_committee = add("育兰社区居委会", "residents_committee", community, stat_code="310114106001")
    department = Department.objects.create(
        name="方松街道城管执法中队", kind="urban_management", level="street", area=fangsong
    )
    return {
        "city": city,
        "songjiang": songjiang,
        "fangsong": fangsong,
        "committee": committee,
        "other_committee": other_committee,
        "compound": compound,
        "grid": grid,
        "yongfeng": yongfeng,
        "jiading": jiading,
        "malu": malu,
        "community": community,
        "malu_committee": malu_committee,
        "department": department,
    }


def make_user(username, role=None, scope=None, scope_kind=ScopeKind.AREA, password="pw-for-tests-1"):
    from gongzhi.accounts.actions import grant_role

    user = User.objects.create_user(username=username, password=password, display_name=username)
    if role:
        grant_role(actor=None, user=user, role=role, scope_kind=scope_kind, scope_id=scope.pk)
    return user


# One named user per role (Healthchecks' alice/bob/charlie habit): the name says role and scope.
@pytest.fixture
def city_admin(tree):
    return make_user("city_admin", Role.CITY_ADMIN, tree["city"])


@pytest.fixture
def district_admin(tree):
    return make_user("songjiang_admin", Role.DISTRICT_ADMIN, tree["songjiang"])


@pytest.fixture
def street_admin(tree):
    return make_user("fangsong_admin", Role.STREET_ADMIN, tree["fangsong"])


@pytest.fixture
def other_street_admin(tree):
    return make_user("yongfeng_admin", Role.STREET_ADMIN, tree["yongfeng"])


@pytest.fixture
def community_worker(tree):
    return make_user("yulan_worker", Role.COMMUNITY_WORKER, tree["community"])


@pytest.fixture
def committee_worker(tree):
    return make_user("jiangzhong_worker", Role.COMMITTEE_WORKER, tree["committee"])


@pytest.fixture
def grid_worker(tree):
    return make_user("grid_worker", Role.GRID_WORKER, tree["grid"])


@pytest.fixture
def registry_officer(tree):
    return make_user("registry_officer", Role.REGISTRY_OFFICER, tree["songjiang"])


@pytest.fixture
def party_secretary(tree):
    return make_user("party_secretary", Role.PARTY_SECRETARY, tree["committee"])


@pytest.fixture
def party_member(tree):
    return make_user("party_member", Role.PARTY_MEMBER, tree["committee"])


@pytest.fixture
def department_handler(tree):
    return make_user("chengguan", Role.DEPARTMENT_HANDLER, tree["department"], ScopeKind.DEPARTMENT)


@pytest.fixture
def volunteer(tree):
    return make_user("volunteer", Role.VOLUNTEER, tree["committee"])


@pytest.fixture
def resident(tree):
    return make_user("resident", Role.RESIDENT, tree["committee"])


@pytest.fixture
def outsider(db):
    return make_user("outsider")


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """The calendar and the memos (core/memo.py) keep rows in memory per process; a test's rollback must
    not leak into the next."""
    from gongzhi.core import calendar, memo

    calendar.clear_cache()
    memo.clear_all()
    _clear_local_cache()
    yield
    calendar.clear_cache()
    memo.clear_all()
    _clear_local_cache()


def _clear_local_cache():
    """Pages cached by one test (dashboards) must not answer the next, whose rows differ. Only the
    in-process cache is cleared: a Redis named by REDIS_URL may be shared."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called directly by a test speaks English (message assertions stay stable whatever the
    catalog holds); pages still render in the language each request asks for (zh-hans by default)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
