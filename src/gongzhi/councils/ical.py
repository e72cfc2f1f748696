"""Meetings as iCalendar (RFC 5545) with the icalendar library: one meeting, a body's feed, a user's feed.

The description lists only the agenda items inside the viewer's audience; others appear as
"confidential item", exactly as on the pages (visibility.agenda_for).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from . import visibility
from .models import Meeting

PRODID = "-//Gongzhi//Councils//ZH"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    return cal


def _event(viewer, meeting: Meeting, base_url: str = "") -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@gongzhi")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.state == Meeting.State.CANCELLED else "CONFIRMED")
    if meeting.place:
        event.add("location", meeting.place)
    lines = [f"{meeting.get_kind_display()} · {meeting.council.name}"]
    if meeting.subject_label:
        lines.append(_("Matter: %(subject)s") % {"subject": meeting.subject_label})
    if meeting.online_link:
        lines.append(_("Online: %(link)s") % {"link": meeting.online_link})
    for row in visibility.agenda_for(viewer, meeting):
        if row["hidden"]:
            lines.append(f"{row['order']}. " + _("Confidential item"))
        else:
            lines.append(f"{row['order']}. {row['item'].title}")
    event.add("description", "\n".join(lines))
    if base_url:
        event.add("url", base_url)
    return event


def meeting_ics(viewer, meeting: Meeting, url: str = "") -> bytes:
    cal = _calendar(meeting.title)
    cal.add_component(_event(viewer, meeting, url))
    return cal.to_ical()


def feed_ics(viewer, meetings, name: str, url_for=None) -> bytes:
    cal = _calendar(name)
    for meeting in meetings:
        cal.add_component(_event(viewer, meeting, url_for(meeting) if url_for else ""))
    return cal.to_ical()
