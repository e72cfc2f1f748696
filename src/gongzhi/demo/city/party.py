"""Party organizations and members of the city data set: a community party working committee per
street/town, a residential-area party organization per committee (committee, general branch or branch
by size), and the members — each a Person living in a compound of the committee."""

import datetime as dt

from gongzhi.party.models import PartyMember, PartyOrganization

from . import names
from .areas import PLACED, weights
from .plan import Weighted, proportional

ORG_COLUMNS = (
    "id",
    *PLACED,
    "name",
    "kind",
    "parent_id",
    "secretary_name",
    "is_active",
    "is_demo",
)
MEMBER_COLUMNS = (
    "id",
    *PLACED,
    "person_id",
    "status",
    "organization_id",
    "workplace_name",
    "skills",
    "joined_on",
    "is_active",
    "is_demo",
)
STATUS = Weighted((("retired", 45), ("in_service", 45), ("mobile", 10)))
WORKPLACES = ("区卫健委", "街道社区服务中心", "市第一人民医院", "区教育局", "上海电气", "中国银行上海分行")
SKILLS = ("", "", "法律咨询", "医疗保健", "文艺", "维修", "教育辅导", "心理疏导")


def _residential_kind(members: int) -> tuple[str, str]:
    if members >= 100:
        return PartyOrganization.Kind.RESIDENTIAL_COMMITTEE, "居民区党委"
    if members >= 50:
        return PartyOrganization.Kind.RESIDENTIAL_GENERAL_BRANCH, "居民区党总支"
    return PartyOrganization.Kind.RESIDENTIAL_BRANCH, "居民区党支部"


def generate(rng, plan, areas, writer, people) -> dict:
    orgs = writer.sink(PartyOrganization, ORG_COLUMNS)
    members = writer.sink(PartyMember, MEMBER_COLUMNS)
    working = {}
    for street in areas.streets:
        org_id = writer.id(PartyOrganization)
        working[street.id] = org_id
        orgs.add(
            org_id,
            *street.placed,
            f"中共{street.name}社区工作委员会",
            PartyOrganization.Kind.WORKING_COMMITTEE,
            None,
            names.person(rng),
            True,
            True,
        )
    sizes = weights(rng, areas.committees, 0.5)
    per_committee = proportional(plan["party_members"], sizes, minimum=1)
    today = plan.today
    n_members = 0
    for committee, count in zip(areas.committees, per_committee, strict=True):
        kind, suffix = _residential_kind(count)
        org_id = writer.id(PartyOrganization)
        orgs.add(
            org_id,
            *committee.placed,
            f"中共{committee.short}{suffix}",
            kind,
            working[committee.parent.id],
            names.person(rng),
            True,
            True,
        )
        compounds = committee.children or [committee]
        for _i in range(count):
            status = STATUS.pick(rng)
            old = status == "retired"
            home = compounds[rng.randrange(len(compounds))]
            person_id = people.add(
                home, born_from=1935 if old else 1965, born_to=1964 if old else today.year - 20
            )
            joined = dt.date(rng.randint(1960 if old else 1990, today.year - 1), rng.randint(1, 12), 1)
            members.add(
                writer.id(PartyMember),
                *home.placed,
                person_id,
                status,
                org_id,
                rng.choice(WORKPLACES) if status == "in_service" else "",
                rng.choice(SKILLS),
                joined,
                True,
                True,
            )
            n_members += 1
    return {"party_organizations": len(areas.streets) + len(areas.committees), "party_members": n_members}
