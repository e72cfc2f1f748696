"""Council pages (app "councils"): bodies, seats, meetings, agenda, attendance, minutes, calendars, public pages."""

from django.urls import path

from . import views, views_meetings

app_name = "councils"
urlpatterns = [
    path("", views.council_list, name="list"),
    path("new/", views.council_create, name="council_create"),
    path("<int:council_id>/", views.council_detail, name="council"),
    path("<int:council_id>/edit/", views.council_edit, name="council_edit"),
    path("<int:council_id>/seats/new/", views.seat_add, name="seat_add"),
    path("<int:council_id>/roster/publish/", views.roster_publish, name="roster_publish"),
    path("<int:council_id>/meetings/new/", views_meetings.meeting_create, name="meeting_create"),
    path("seats/<int:seat_id>/edit/", views.seat_edit, name="seat_edit"),
    path("seats/<int:seat_id>/end/", views.seat_end, name="seat_end"),
    path("meetings/", views_meetings.meeting_list, name="meetings"),
    path("meetings/<int:meeting_id>/", views_meetings.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", views_meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/schedule/", views_meetings.meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:meeting_id>/cancel/", views_meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/held/", views_meetings.meeting_held, name="meeting_held"),
    path("meetings/<int:meeting_id>/register/", views_meetings.meeting_register, name="meeting_register"),
    path(
        "meetings/<int:meeting_id>/unregister/", views_meetings.meeting_unregister, name="meeting_unregister"
    ),
    path("meetings/<int:meeting_id>/check-in/", views_meetings.meeting_check_in, name="meeting_check_in"),
    path("meetings/<int:meeting_id>/invite/", views_meetings.meeting_invite, name="meeting_invite"),
    path("meetings/<int:meeting_id>/items/new/", views_meetings.item_add, name="item_add"),
    path("meetings/<int:meeting_id>/minutes/", views_meetings.minutes_edit, name="minutes"),
    path(
        "meetings/<int:meeting_id>/minutes/approve/", views_meetings.minutes_approve, name="minutes_approve"
    ),
    path(
        "meetings/<int:meeting_id>/minutes/publish/", views_meetings.minutes_publish, name="minutes_publish"
    ),
    path("meetings/<int:meeting_id>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path(
        "invitations/<int:invitation_id>/answer/", views_meetings.invitation_answer, name="invitation_answer"
    ),
    path("items/<int:item_id>/edit/", views_meetings.item_edit, name="item_edit"),
    path("items/<int:item_id>/remove/", views_meetings.item_remove, name="item_remove"),
    path("items/<int:item_id>/papers/new/", views_meetings.paper_add, name="paper_add"),
    path("papers/<int:paper_id>/", views_meetings.paper_download, name="paper"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/reset/", views.feed_reset, name="feed_reset"),
    path("feeds/<str:key>/mine.ics", views.feed_mine, name="feed_mine"),
    path("feeds/<str:key>/council/<int:council_id>.ics", views.feed_council, name="feed_council"),
    path("public/<int:council_id>/", views.public_council, name="public_council"),
    path("public/<int:council_id>/calendar.ics", views.public_council_ics, name="public_council_ics"),
    path("public/meetings/<int:meeting_id>/", views.public_meeting, name="public_meeting"),
]
