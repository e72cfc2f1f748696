"""One case's life as a timeline, built with the cases' pure state machine so it is valid by construction.

received → dispatch → accept → start → resolve → follow_up → close, with some cases returned (退单)
and dispatched again to the street office, some parked (挂账) for a while, some resolved late (the
overdue sweep's "overdue" mark and automatic supervision at the first five-minute tick after the
deadline), some rated dissatisfied and reopened (重办). Nothing happens after `now`: recent cases
are still open where their timeline reaches the present.
"""

import datetime as dt
from dataclasses import dataclass, field

from gongzhi.cases import machine

from .plan import Weighted

SWEEP = dt.timedelta(minutes=5)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
P_RETURN = 0.04
P_LATE_ACCEPT = 0.08
P_PARK = 0.02
P_LATE = 0.12
P_SOLVED = 0.88
SATISFACTION = Weighted((("satisfied", 78), ("basically", 14), ("dissatisfied", 8)))
P_REOPEN = 0.5
ANSWERS = (
    "已现场核实并处置完毕，已电话告知反映人。",
    "经协调相关方，问题已解决。",
    "已约谈责任方并限期整改，整改已完成。",
    "已做好解释说明，后续持续关注。",
)


@dataclass
class Event:
    id: int
    action: str
    at: dt.datetime
    from_state: str = ""
    to_state: str = ""
    note: str = ""
    data: dict = field(default_factory=dict)
    public: bool = True

    @property
    def pk(self):  # kpis.facts reads events by pk
        return self.id


@dataclass
class Lead:
    handler_kind: str
    area_id: int | None
    department_id: int | None
    label: str
    state: str = "pending"
    accept_due_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    done_at: dt.datetime | None = None
    answer: str = ""
    is_overdue: bool = False


@dataclass
class Life:
    """The case's fields that its timeline decides, plus its events and lead assignments."""

    received_at: dt.datetime
    state: str = machine.RECEIVED
    events: list = field(default_factory=list)
    leads: list = field(default_factory=list)
    is_overdue: bool = False
    is_supervised: bool = False
    dispatched_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    followed_up_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    accept_due_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    answer: str = ""
    solved: bool | None = None
    satisfaction: str = ""
    return_count: int = 0
    reopen_count: int = 0


class Stop(Exception):
    """The next step would be after `now`: the case stays as it is."""


def _tick(moment: dt.datetime) -> dt.datetime:
    """The first sweep after `moment` (sweeps run every five minutes)."""
    seconds = int(moment.timestamp())
    step = int(SWEEP.total_seconds())
    return moment + dt.timedelta(seconds=step - seconds % step, microseconds=-moment.microsecond)


class Simulation:
    def __init__(self, rng, cal, now: dt.datetime):
        self.rng, self.cal, self.now = rng, cal, now

    def _pick(self, table):
        return table.pick(self.rng)

    def _event(self, life: Life, action: str, at: dt.datetime, **kw) -> Event:
        ev = Event(0, action, at, **kw)
        life.events.append(ev)
        return ev

    def _step(
        self, life: Life, name: str, at: dt.datetime, *, note="", data=None, public=True
    ) -> dt.datetime:
        """Apply one transition at `at` (never before the last event), marking overdue first if the
        deadline passed while the case was open; Stop when `at` is after now."""
        at = max(at, life.events[-1].at + MINUTE)
        self._sweep(life, min(at, self.now))
        if at > self.now:
            raise Stop
        before = life.state
        life.state = machine.apply(before, name)
        self._event(
            life, name, at, from_state=before, to_state=life.state, note=note, data=data or {}, public=public
        )
        return at

    def _sweep(self, life: Life, until: dt.datetime) -> None:
        """The overdue sweep: an open, dispatched case past its deadline is marked and supervised."""
        if life.is_overdue or not life.due_at or until <= life.due_at:
            return
        if life.state == machine.RECEIVED or not machine.is_open(life.state):
            return
        tick = _tick(life.due_at)
        if tick >= until or tick <= life.events[-1].at:
            return
        life.is_overdue = True
        due = life.due_at.isoformat()
        self._event(life, "overdue", tick, data={"due_at": due}, public=False)
        self._event(
            life,
            "supervise",
            tick,
            from_state=life.state,
            to_state=machine.apply(life.state, "supervise"),
            note="自动督办：已超过办理时限。",
            data={"automatic": True, "overdue": True},
            public=False,
        )
        life.is_supervised = True
        for lead in life.leads:
            if lead.state in ("pending", "accepted"):
                lead.is_overdue = True

    def _dispatch(self, life: Life, name: str, at: dt.datetime, lead: Lead, category, urgent: bool, rule_id):
        at = max(at, life.events[-1].at + MINUTE)
        if at > self.now:
            raise Stop
        if life.due_at is None:  # computed once, at the first dispatch
            days = category.urgent_resolve_within_days if urgent else category.resolve_within_days
            life.due_at = self.cal.add_working_days(at, days)
        life.accept_due_at = self.cal.add_working_hours(at, category.accept_within_hours)
        lead.accept_due_at, lead.due_at = life.accept_due_at, life.due_at
        data = {
            "lead": lead.label,
            "lead_kind": lead.handler_kind,
            "supports": [],
            "rule": rule_id,
            "default_handler": rule_id is None,
            "due_at": life.due_at.isoformat(),
            "accept_due_at": life.accept_due_at.isoformat(),
        }
        self._step(life, name, at, data=data)
        life.leads.append(lead)
        life.dispatched_at, life.accepted_at = at, None
        return at

    def _accept(self, life: Life, at: dt.datetime) -> dt.datetime:
        lead = life.leads[-1]
        rng = self.rng
        if rng.random() < P_LATE_ACCEPT:
            at = life.accept_due_at + dt.timedelta(minutes=rng.randint(10, 1500))
        else:
            at = at + (life.accept_due_at - at) * rng.random()
        at = max(at, life.events[-1].at + MINUTE)
        in_time = at <= life.accept_due_at
        if not in_time and at <= self.now:
            lead.is_overdue = True  # the sweep flags a task not accepted in time
        at = self._step(life, "accept", at, data={"handler": lead.label, "in_time": in_time})
        lead.state, lead.accepted_at = "accepted", at
        life.accepted_at = at
        return at

    def _resolve(self, life: Life, at: dt.datetime, *, late: bool) -> dt.datetime:
        rng = self.rng
        if late:
            target = life.due_at + dt.timedelta(hours=rng.uniform(2, 200))
        else:
            target = at + (life.due_at - at) * rng.uniform(0.05, 0.97)
        target = max(target, at + HOUR, life.events[-1].at + MINUTE)
        solved = rng.random() < P_SOLVED
        answer = rng.choice(ANSWERS) if solved else "已解释说明，问题暂无法解决，已纳入后续计划。"
        on_time = target <= life.due_at
        at = self._step(life, "resolve", target, note=answer, data={"solved": solved, "on_time": on_time})
        lead = life.leads[-1]
        lead.state, lead.done_at, lead.answer = "done", at, answer
        life.answer, life.solved, life.resolved_at = answer, solved, at
        return at

    def _follow_up(self, life: Life, at: dt.datetime, *, allow_dissatisfied=True) -> tuple[dt.datetime, str]:
        rng = self.rng
        satisfaction = self._pick(SATISFACTION)
        if not allow_dissatisfied and satisfaction == "dissatisfied":
            satisfaction = "basically"
        at = self._step(
            life,
            "follow_up",
            at + dt.timedelta(hours=rng.uniform(2, 72)),
            data={"satisfaction": satisfaction, "by_reporter": False, "via_call": True},
        )
        life.satisfaction, life.followed_up_at = satisfaction, at
        return at, satisfaction

    def run(
        self, life: Life, *, category, channel: str, urgent: bool, lead: Lead, fallback: Lead, rule_id
    ) -> Life:
        """Play the case forward from its receipt; the result replays through machine.replay."""
        rng = self.rng
        self._event(
            life,
            "received",
            life.received_at,
            to_state=machine.RECEIVED,
            data={"channel": channel, "urgent": urgent},
        )
        try:
            at = self._dispatch(
                life,
                "dispatch",
                life.received_at + dt.timedelta(minutes=rng.randint(5, 240)),
                lead,
                category,
                urgent,
                rule_id,
            )
            if rng.random() < P_RETURN:
                if rng.random() < 0.5:
                    at = self._accept(life, at)
                at = self._step(
                    life,
                    "return",
                    at + dt.timedelta(hours=rng.uniform(1, 30)),
                    note="不属于本单位职责范围。",
                    data={
                        "legal_basis": "《上海市城市网格化管理办法》第十二条",
                        "escalated": False,
                        "handler": lead.label,
                    },
                )
                lead.state, lead.done_at = "returned", at
                life.return_count += 1
                life.accepted_at = None
                at = self._dispatch(
                    life,
                    "redispatch",
                    at + dt.timedelta(minutes=rng.randint(20, 600)),
                    fallback,
                    category,
                    urgent,
                    None,
                )
            at = self._accept(life, at)
            at = self._step(life, "start", at + dt.timedelta(minutes=rng.randint(5, 180)))
            if rng.random() < P_PARK:
                at = self._step(life, "park", at + DAY * rng.uniform(0.5, 3), note="等待房屋检测报告。")
                at = self._step(life, "unpark", at + DAY * rng.uniform(2, 20))
            at = self._resolve(life, at, late=rng.random() < P_LATE)
            at, satisfaction = self._follow_up(life, at)
            if satisfaction == "dissatisfied" and rng.random() < P_REOPEN:
                reopen_at = max(at + dt.timedelta(hours=rng.uniform(1, 48)), life.events[-1].at + MINUTE)
                if reopen_at > self.now:
                    raise Stop
                days = category.urgent_resolve_within_days if urgent else category.resolve_within_days
                fresh = self.cal.add_working_days(reopen_at, days)
                life.due_at = max(life.due_at, fresh)
                life.is_overdue = False
                at = self._step(
                    life,
                    "reopen",
                    reopen_at,
                    note="反映人对处理结果不满意。",
                    data={"due_at": life.due_at.isoformat()},
                )
                life.reopen_count += 1
                life.resolved_at = None
                life.leads[-1].state, life.leads[-1].done_at = "accepted", None
                at = self._resolve(life, at, late=False)
                at, _s = self._follow_up(life, at, allow_dissatisfied=False)
            at = self._step(life, "close", at + DAY * rng.uniform(0.2, 5))
            life.closed_at = at
        except Stop:
            self._sweep(life, self.now)
            for lead in life.leads:
                if lead.state == "pending" and lead.accept_due_at < self.now:
                    lead.is_overdue = True  # the sweep flags a task not accepted in time
        return life
