"""Volunteers of the city data set: teams of the committees, registered volunteers (each a Person in a
compound of the committee) with team memberships, and service records over the two years; each
volunteer's recorded hours and stars follow from the records."""

import datetime as dt
from decimal import Decimal

from gongzhi.volunteers.models import ServiceRecord, StarLevel, TeamMembership, Volunteer, VolunteerTeam

from .areas import PLACED, weights
from .plan import proportional

TEAM_TOPICS = ("为老服务", "环境美化", "文明交通", "邻里守望", "平安巡逻", "助学辅导", "文体活动")
SKILLS = ("first_aid", "tutoring", "repair", "legal", "medical", "arts", "it", "driving")
CONTENT = (
    "社区助老送餐",
    "垃圾分类引导",
    "文明交通劝导",
    "楼道清洁",
    "平安巡逻",
    "学生课业辅导",
    "社区文艺演出",
)
DEFAULT_STARS = {1: 100, 2: 300, 3: 600, 4: 1000, 5: 1500}
TEAM_COLUMNS = (
    "id",
    *PLACED,
    "name",
    "organizer_kind",
    "organizer_id",
    "organizer_label",
    "service_fields",
    "founded_on",
    "is_active",
    "is_demo",
)
VOLUNTEER_COLUMNS = (
    "id",
    *PLACED,
    "person_id",
    "number",
    "skills",
    "availability",
    "total_hours",
    "star_level",
    "registered_on",
    "is_active",
    "is_demo",
)
RECORD_COLUMNS = ("id", "volunteer_id", "served_on", "hours", "content", "recording_body")


def _stars(hours: Decimal, levels: dict) -> int:
    return max((s for s, h in levels.items() if hours >= h), default=0)


def generate(rng, plan, areas, writer, people) -> dict:
    levels = dict(StarLevel.objects.values_list("stars", "hours")) or DEFAULT_STARS
    teams_sink = writer.sink(VolunteerTeam, TEAM_COLUMNS)
    volunteers = writer.sink(Volunteer, VOLUNTEER_COLUMNS)
    memberships = writer.sink(TeamMembership, ("id", "team_id", "volunteer_id", "joined_on", "is_leader"))
    records = writer.sink(ServiceRecord, RECORD_COLUMNS)
    teams_of: dict = {}
    for _i in range(plan["volunteer_teams"]):
        committee = rng.choice(areas.committees)
        team_id = writer.id(VolunteerTeam)
        topic = rng.choice(TEAM_TOPICS)
        founded = plan.today - dt.timedelta(days=rng.randint(60, 3000))
        teams_of.setdefault(committee.id, []).append((team_id, founded))
        teams_sink.add(
            team_id,
            *committee.placed,
            f"{committee.short}{topic}志愿服务队{len(teams_of[committee.id])}",
            "committee",
            committee.id,
            committee.name,
            [topic],
            founded,
            True,
            True,
        )
    per_committee = proportional(plan["volunteers"], weights(rng, areas.committees), minimum=0)
    window = (plan.today - plan.start).days
    n_records = 0
    for committee, count in zip(areas.committees, per_committee, strict=True):
        compounds = committee.children or [committee]
        teams = teams_of.get(committee.id, [])
        for _i in range(count):
            home = compounds[rng.randrange(len(compounds))]
            person_id = people.add(home, born_from=1950, born_to=plan.today.year - 16)
            volunteer_id = writer.id(Volunteer)
            registered = plan.today - dt.timedelta(days=rng.randint(1, 6 * 365))
            hours = Decimal(0)
            if rng.random() < 0.6:
                for _r in range(rng.randint(1, 12)):
                    served = plan.start + dt.timedelta(days=rng.randrange(window))
                    if served < registered:
                        continue
                    h = Decimal(rng.choice((1, 2, 2, 3, 4))) + (Decimal("0.5") if rng.random() < 0.3 else 0)
                    records.add(
                        writer.id(ServiceRecord), volunteer_id, served, h, rng.choice(CONTENT), committee.name
                    )
                    hours += h
                    n_records += 1
            volunteers.add(
                volunteer_id,
                *home.placed,
                person_id,
                f"ZY{registered:%Y}{volunteer_id:08d}",
                rng.sample(SKILLS, rng.randint(0, 2)),
                rng.choice(("周末", "工作日晚上", "随时", "")),
                hours,
                _stars(hours, levels),
                registered,
                True,
                True,
            )
            if teams and rng.random() < 0.7:
                team_id, founded = teams[rng.randrange(len(teams))]
                memberships.add(
                    writer.id(TeamMembership), team_id, volunteer_id, max(founded, registered), False
                )
    return {
        "volunteer_teams": plan["volunteer_teams"],
        "volunteers": sum(per_committee),
        "service_records": n_records,
    }
