"""Party pages for the three gives and unit report slips: tasks, honours, seats, unit slips.

Included by party/urls.py under the "party" namespace; every name starts with "gives".
"""

from django.urls import path

from . import views_gives as v

urlpatterns: list = [
    path("gives/", v.gives, name="gives"),
    # 给任务
    path("gives/tasks/", v.open_tasks, name="gives_open_tasks"),
    path("gives/tasks/<int:pk>/", v.task, name="gives_task"),
    path("gives/tasks/<int:pk>/sign-up/", v.task_sign_up, name="gives_task_sign_up"),
    path("gives/tasks/<int:pk>/close/", v.task_close, name="gives_task_close"),
    path("gives/signups/<int:pk>/complete/", v.signup_complete, name="gives_signup_complete"),
    path("gives/org/<int:pk>/tasks/", v.org_tasks, name="gives_org_tasks"),
    # 给荣誉
    path("gives/org/<int:pk>/nominations/", v.org_honours, name="gives_nominations"),
    path("gives/org/<int:pk>/nominations/eligibility/", v.honour_eligibility, name="gives_eligibility"),
    path("gives/org/<int:pk>/nominations/members/", v.honour_members, name="gives_member_search"),
    path("gives/honours/<int:pk>/award/", v.honour_award, name="gives_award"),
    # 给位子
    path("gives/org/<int:pk>/seats/", v.seats, name="gives_seats"),
    path("gives/org/<int:pk>/seats/give/", v.seat_give, name="gives_seat_give"),
    path("gives/org/<int:pk>/seats/<int:seat_pk>/end/", v.seat_end, name="gives_seat_end"),
    path("gives/org/<int:pk>/seats/link/", v.seats_link, name="gives_seats_link"),
    path("gives/org/<int:pk>/seats/publish/", v.seats_publish, name="gives_seats_publish"),
    # 单位报到
    path("gives/org/<int:pk>/unit-report/", v.unit_report_new, name="gives_unit_report_new"),
    path("gives/org/<int:pk>/unit-reports/", v.unit_reports, name="gives_unit_reports"),
    path("gives/unit-reports/<int:pk>/", v.unit_report, name="gives_unit_report"),
    path("gives/unit-reports/<int:pk>/confirm/", v.unit_report_confirm, name="gives_unit_report_confirm"),
]
