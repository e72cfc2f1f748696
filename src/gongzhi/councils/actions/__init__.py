"""Every change in councils: capabilities, audit verbs and the actions of bodies, seats and meetings.

Capabilities (the policy module decides; visibility.py adds the council's own people):
- councils.manage — administrators, community and committee workers over the council's area; the
  council's clerk and its chair also manage its meetings (visibility.can_manage), while seats and
  the roster stay with area staff (visibility.can_manage_roster).
- councils.view — staff roles over the area; seat holders, invitees and registrants see their
  meetings through visibility.py; public councils and meetings need no login.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.core import audit, policy

from .. import visibility

MANAGE = policy.register(
    visibility.MANAGE,
    [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_WORKER, Role.COMMITTEE_WORKER],
)
VIEW = policy.register(
    visibility.VIEW,
    [
        Role.CITY_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.STREET_ADMIN,
        Role.COMMUNITY_WORKER,
        Role.COMMITTEE_WORKER,
        Role.GRID_WORKER,
        Role.PARTY_SECRETARY,
    ],
)

for _verb, _label in [
    ("council.created", gettext_lazy("council created")),
    ("council.updated", gettext_lazy("council updated")),
    ("council.roster_published", gettext_lazy("council roster published")),
    ("seat.added", gettext_lazy("seat added")),
    ("seat.updated", gettext_lazy("seat updated")),
    ("seat.ended", gettext_lazy("seat term ended")),
    ("seat.removed", gettext_lazy("seat removed")),
    ("meeting.created", gettext_lazy("meeting created")),
    ("meeting.updated", gettext_lazy("meeting updated")),
    ("meeting.scheduled", gettext_lazy("meeting scheduled")),
    ("meeting.cancelled", gettext_lazy("meeting cancelled")),
    ("meeting.held", gettext_lazy("meeting marked as held")),
    ("agenda_item.added", gettext_lazy("agenda item added")),
    ("agenda_item.updated", gettext_lazy("agenda item updated")),
    ("agenda_item.removed", gettext_lazy("agenda item removed")),
    ("agenda_paper.added", gettext_lazy("paper added to an agenda item")),
    ("meeting.invited", gettext_lazy("people invited to a meeting")),
    ("invitation.answered", gettext_lazy("meeting invitation answered")),
    ("meeting.registered", gettext_lazy("registered for a meeting")),
    ("meeting.registration_cancelled", gettext_lazy("meeting registration cancelled")),
    ("meeting.checked_in", gettext_lazy("checked in at a meeting")),
    ("minutes.drafted", gettext_lazy("minutes drafted")),
    ("minutes.approved", gettext_lazy("minutes approved")),
    ("minutes.published", gettext_lazy("minutes published")),
    ("calendar_feed.reset", gettext_lazy("calendar feed address replaced")),
]:
    audit.register_verb(_verb, _label)


def require_manage(actor, council) -> None:
    if not visibility.can_manage(actor, council):
        raise PermissionDenied(MANAGE)


def require_roster(actor, council) -> None:
    if not visibility.can_manage_roster(actor, council):
        raise PermissionDenied(MANAGE)


from .attendance import (  # noqa: E402, I001
    answer_invitation,
    approve_minutes,
    cancel_registration,
    check_in,
    draft_minutes,
    invite,
    publish_minutes,
    register_for_meeting,
    reset_feed_token,
)
from .bodies import (  # noqa: E402 - the submodules use the names above
    add_seat,
    create_council,
    end_seat,
    publish_roster,
    remove_seat,
    update_council,
    update_seat,
)
from .meetings import (  # noqa: E402
    add_agenda_item,
    add_paper,
    cancel_meeting,
    create_meeting,
    mark_held,
    remove_agenda_item,
    schedule_meeting,
    update_agenda_item,
    update_meeting,
)

__all__ = [
    "MANAGE",
    "VIEW",
    "add_agenda_item",
    "add_paper",
    "add_seat",
    "answer_invitation",
    "approve_minutes",
    "cancel_meeting",
    "cancel_registration",
    "check_in",
    "create_council",
    "create_meeting",
    "draft_minutes",
    "end_seat",
    "invite",
    "mark_held",
    "publish_minutes",
    "publish_roster",
    "register_for_meeting",
    "remove_agenda_item",
    "remove_seat",
    "require_manage",
    "require_roster",
    "reset_feed_token",
    "schedule_meeting",
    "update_agenda_item",
    "update_council",
    "update_meeting",
    "update_seat",
]
