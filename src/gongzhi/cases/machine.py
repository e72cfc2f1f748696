"""The case state machine as a pure module (no database): shared by actions and the data generator.

States, transitions and flags exactly as GLOSSARY.md "Case states, transitions and flags".
"""

from dataclasses import dataclass

RECEIVED = "received"
DISPATCHED = "dispatched"
ACCEPTED = "accepted"
IN_PROGRESS = "in_progress"
PARKED = "parked"
RESOLVED = "resolved"
FOLLOWED_UP = "followed_up"
CLOSED = "closed"

STATES = (RECEIVED, DISPATCHED, ACCEPTED, IN_PROGRESS, PARKED, RESOLVED, FOLLOWED_UP, CLOSED)
OPEN_STATES = frozenset({RECEIVED, DISPATCHED, ACCEPTED, IN_PROGRESS, PARKED})


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str | None  # None: the state does not change (extend) or depends on the case (return)
    needs_reason: bool = False


def _t(name, sources, target, needs_reason=False):
    return Transition(name, frozenset(sources), target, needs_reason)


TRANSITIONS = {
    t.name: t
    for t in (
        _t("dispatch", {RECEIVED}, DISPATCHED),
        _t("redispatch", {RECEIVED}, DISPATCHED),
        _t("reassign", {DISPATCHED, ACCEPTED, IN_PROGRESS}, DISPATCHED, needs_reason=True),
        _t("accept", {DISPATCHED}, ACCEPTED),
        _t("start", {ACCEPTED}, IN_PROGRESS),
        _t("park", {IN_PROGRESS}, PARKED, needs_reason=True),
        _t("unpark", {PARKED}, IN_PROGRESS),
        _t("resolve", {IN_PROGRESS}, RESOLVED),
        _t("follow_up", {RESOLVED}, FOLLOWED_UP),
        _t("close", {FOLLOWED_UP}, CLOSED),
        # 退单: back to the dispatcher (received), with a reason and the legal basis.
        _t("return", {DISPATCHED, ACCEPTED}, RECEIVED, needs_reason=True),
        # 重办: the reporter is not satisfied.
        _t("reopen", {FOLLOWED_UP}, IN_PROGRESS, needs_reason=True),
        # 延期: changes the deadline, not the state.
        _t("extend", {DISPATCHED, ACCEPTED, IN_PROGRESS, PARKED}, None, needs_reason=True),
        # A duplicate is closed with a link to the case it duplicates.
        _t("merge", OPEN_STATES, CLOSED),
        # 督办: a flag and a notice; allowed while the case is open.
        _t("supervise", OPEN_STATES, None),
    )
}


class IllegalTransition(ValueError):
    def __init__(self, name: str, state: str):
        super().__init__(f"{name} is not allowed from {state}")
        self.name, self.state = name, state


def allowed(state: str) -> list[str]:
    """Transitions allowed from `state`, in a stable order (for buttons and the generator)."""
    return [name for name, t in TRANSITIONS.items() if state in t.sources]


def apply(state: str, name: str) -> str:
    """The state after `name`, or IllegalTransition."""
    transition = TRANSITIONS.get(name)
    if transition is None or state not in transition.sources:
        raise IllegalTransition(name, state)
    return transition.target or state


def replay(actions: list[str], start: str = RECEIVED) -> str:
    """The final state of a timeline; raises on the first illegal step (timeline validity check)."""
    state = start
    for name in actions:
        state = apply(state, name)
    return state


def is_open(state: str) -> bool:
    return state in OPEN_STATES
