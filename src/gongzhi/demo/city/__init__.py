"""The city-scale data set "city": Shanghai's real divisions with synthetic organizations, party members,
cases, councils and volunteers at scale factor F, deterministic from a seed.

`gongzhi demo --dataset city [--scale F] [--seed N]` loads it into an empty database: one transaction;
on PostgreSQL through COPY with the big tables' secondary indexes and foreign keys dropped while
loading and recreated after; explicit ids, then sequences reset; rollups written in bulk with the
same results as `core.rollups.rebuild()`; ANALYZE at the end. Each part draws from its own
`random.Random` stream derived from the seed, so the same seed gives the same rows.
"""

import datetime as dt
import random
import time

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts import actions as account_actions
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role, ScopeKind
from gongzhi.cases.models import Case, CaseAssignment, CaseEvent
from gongzhi.core.calendar_actions import seed_calendar
from gongzhi.core.models import Rollup
from gongzhi.councils.models import Meeting
from gongzhi.party.models import PartyMember
from gongzhi.people.models import Person
from gongzhi.volunteers.models import ServiceRecord, Volunteer

from ..base import DEMO_PASSWORD
from . import areas as area_gen
from . import cases, councils, fastcal, figures, orgs, party, volunteers
from .fastcal import FastCalendar
from .people import People
from .plan import Plan, make_plan
from .writer import Writer

NAME = "city"
DEFAULT_SEED = 20260101
DEFAULT_SCALE = 0.01
# Tables big enough that loading them without their secondary indexes and foreign keys pays off.
BIG = (Person, PartyMember, Case, CaseEvent, CaseAssignment, Volunteer, ServiceRecord, Meeting)


def stream(seed: int, part: str) -> random.Random:
    """The random stream of one part: parts do not shift each other's draws."""
    return random.Random(f"{seed}:{part}")


def logins(areas) -> list[tuple]:
    """One login per administrative level over the generated areas (password: the demo password)."""
    street = areas.streets[0]
    committee = street.children[0] if street.children else areas.committees[0]
    wanted = [
        (Role.CITY_ADMIN, "city_admin", "市级管理员（城市数据集）", areas.city),
        (Role.DISTRICT_ADMIN, "district_admin", "区级管理员（城市数据集）", street.parent),
        (Role.STREET_ADMIN, "street_admin", "街镇管理员（城市数据集）", street),
        (Role.COMMITTEE_WORKER, "committee_worker", "居委会工作人员（城市数据集）", committee),
    ]
    rows = []
    for role, username, display, area in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD, display_name=display)
        held = RoleAssignment.objects.active().filter(
            user=user, role=role, scope_kind=ScopeKind.AREA, scope_id=area.id
        )
        if not held.exists():
            account_actions.grant_role(
                actor=None, user=user, role=role, scope_kind=ScopeKind.AREA, scope_id=area.id
            )
        rows.append((role, username, area.name))
    return rows


def load(
    *, scale: float = DEFAULT_SCALE, seed: int = DEFAULT_SEED, today: dt.date | None = None, log=None
) -> dict:
    """Generate and load the data set; returns the plan, row counts, timings and logins."""
    log = log or (lambda line: None)
    plan: Plan = make_plan(scale, seed, today or timezone.localdate())
    started = time.perf_counter()
    phases: dict = {}
    counts: dict = {}
    writer = Writer()
    log(f"city data set: scale {plan.scale}, seed {plan.seed}, {plan.start} … {plan.today}")

    def phase(name, fn, *args):
        t0 = time.perf_counter()
        result = fn(*args)
        writer.flush()
        phases[name] = time.perf_counter() - t0
        counts.update(result if isinstance(result, dict) else {})
        log(f"  {name:<12} {phases[name]:8.1f} s  {result if isinstance(result, dict) else ''}")
        return result

    with transaction.atomic():
        seed_calendar(actor=None)
        cal = FastCalendar(plan.start - dt.timedelta(days=40), plan.today + dt.timedelta(days=120))
        with writer.without_indexes(BIG), fastcal.pinned(cal):
            areas = phase("areas", area_gen.build, stream(seed, "areas"), plan, writer)
            counts.update(
                districts=len(areas.districts),
                streets=len(areas.streets),
                committees=len(areas.committees),
                compounds=len(areas.compounds),
                grids=len(areas.grids),
            )
            people = People(writer, stream(seed, "people"))
            phase("orgs", orgs.generate, stream(seed, "orgs"), plan, areas, writer)
            phase("party", party.generate, stream(seed, "party"), plan, areas, writer, people)
            phase("cases", cases.generate, stream(seed, "cases"), plan, areas, writer, cal)
            phase("councils", councils.generate, stream(seed, "councils"), plan, areas, writer)
            phase("volunteers", volunteers.generate, stream(seed, "volunteers"), plan, areas, writer, people)
            t0 = time.perf_counter()
        phases["indexes"] = time.perf_counter() - t0
        log(f"  {'indexes':<12} {phases['indexes']:8.1f} s")
        phase("rollups", figures.rebuild_others, writer, areas, log)
        # Last, after every row with a generated id: a normal insert then takes the next free id.
        t0 = time.perf_counter()
        writer.reset_sequences(list(writer.rows))
        phases["sequences"] = time.perf_counter() - t0
        users = logins(areas)
    t0 = time.perf_counter()
    writer.analyze(list(writer.rows) + [Rollup])
    phases["analyze"] = time.perf_counter() - t0
    total = time.perf_counter() - started
    log(f"  {'analyze':<12} {phases['analyze']:8.1f} s")
    return {
        "plan": plan,
        "counts": counts,
        "phases": phases,
        "tables": writer.report(),
        "seconds": total,
        "logins": users,
    }
