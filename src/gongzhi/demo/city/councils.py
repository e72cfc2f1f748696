"""Councils of the city data set: residents' meetings, owners' committees and professional committees
of the committees, joint meetings and regional councils of the streets/towns, with seats and two years
of meetings (held ones with minutes, a few scheduled after today)."""

import datetime as dt
import uuid

from gongzhi.councils.models import Council, Meeting, Seat

from . import names
from .areas import PLACED, weights
from .plan import SHANGHAI, moment, proportional

COMMITTEE_KINDS = (
    ("residents_meeting", "居民会议", 40),
    ("owners_committee", "业主委员会", 35),
    ("professional_committee", "专业委员会", 15),
    ("representative_assembly", "居民代表会议", 10),
)
STREET_KINDS = (
    ("joint_meeting", "党建联建联席会议", 60),
    ("regional_council", "区域化党建议事会", 40),
)
TOPICS = ("加装电梯", "停车管理", "垃圾分类", "小区微更新", "维修资金使用", "适老化改造", "绿化调整")
MINUTES = (("published", 70), ("approved", 15), ("drafted", 10), ("none", 5))
COUNCIL_COLUMNS = ("id", *PLACED, "kind", "name", "purpose", "is_public", "is_active", "is_demo")
MEETING_COLUMNS = (
    "id",
    *PLACED,
    "council_id",
    "kind",
    "title",
    "subject_label",
    "starts_at",
    "ends_at",
    "place",
    "is_public",
    "state",
    "minutes_state",
    "minutes_text",
    "minutes_approved_at",
    "minutes_published_at",
    "uid",
    "is_demo",
)
SEAT_COLUMNS = (
    "id",
    "council_id",
    "holder_name",
    "position",
    "represents",
    "tenure",
    "term_start",
    "term_end",
    "may_vote",
)


def _pick(rng, table):
    return rng.choices([row[:-1] for row in table], weights=[row[-1] for row in table])[0]


def generate(rng, plan, areas, writer) -> dict:
    councils = writer.sink(Council, COUNCIL_COLUMNS)
    meetings = writer.sink(Meeting, MEETING_COLUMNS)
    seats = writer.sink(Seat, SEAT_COLUMNS)
    n = plan["councils"]
    n_street = max(1, round(n * 0.1)) if n > 1 else 0
    places = [rng.choice(areas.streets) for _ in range(n_street)]
    places += [rng.choice(areas.committees) for _ in range(n - n_street)]
    per_council = proportional(plan["meetings"], weights(rng, places, 0.4), minimum=1)
    now = dt.datetime.combine(plan.today, dt.time(), SHANGHAI)
    window = (plan.today - plan.start).days + 30
    term_start = dt.date(plan.start.year - 1, 7, 1)
    n_meetings = n_seats = 0
    for area, count in zip(places, per_council, strict=True):
        street_level = area.kind in ("street", "town")
        kind, label = _pick(rng, STREET_KINDS if street_level else COMMITTEE_KINDS)
        topic = rng.choice(TOPICS)
        name = f"{area.short}{label}" + (f"（{topic}）" if kind == "professional_committee" else "")
        council_id = writer.id(Council)
        councils.add(
            council_id,
            *area.placed,
            kind,
            name,
            f"{area.name}的{label}，协商社区公共事务。",
            True,
            True,
            True,
        )
        for position, k in (("chair", 1), ("vice_chair", 1), ("member", rng.randint(3, 9))):
            for _i in range(k):
                seats.add(
                    writer.id(Seat),
                    council_id,
                    names.person(rng),
                    position,
                    rng.choice(("residents", "unit", "organization", "party_organization", "committee")),
                    "full_time" if position == "chair" else "part_time",
                    term_start,
                    term_start + dt.timedelta(days=5 * 365),
                    True,
                )
                n_seats += 1
        for _i in range(count):
            day = plan.start + dt.timedelta(days=rng.randrange(window))
            starts = moment(rng, day, first_hour=9, last_hour=19).replace(
                minute=rng.choice((0, 30)), second=0
            )
            held = starts < now
            mkind = rng.choices(
                ("ordinary", "hearing", "coordination", "evaluation", "deliberation_day"),
                weights=(70, 8, 8, 6, 8),
            )[0]
            subject = rng.choice(TOPICS) if mkind in ("hearing", "coordination", "evaluation") else ""
            minutes = _pick(rng, MINUTES)[0] if held else "none"
            approved = (
                starts + dt.timedelta(days=rng.randint(2, 10))
                if minutes in ("approved", "published")
                else None
            )
            published = approved + dt.timedelta(days=1) if minutes == "published" and approved else None
            if published and published > now or approved and approved > now:
                minutes, approved, published = "drafted", None, None
            meetings.add(
                writer.id(Meeting),
                *area.placed,
                council_id,
                mkind,
                f"{name}{starts:%Y年%m月}{'会议' if not subject else subject + '专题会'}",
                subject,
                starts,
                starts + dt.timedelta(hours=2),
                f"{area.short}党群服务站会议室",
                True,
                "held" if held else "scheduled",
                minutes,
                "会议就议题充分协商，形成一致意见。" if minutes != "none" else "",
                approved,
                published,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                True,
            )
            n_meetings += 1
    return {"councils": n, "meetings": n_meetings, "seats": n_seats}
