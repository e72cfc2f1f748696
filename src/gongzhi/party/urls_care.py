"""Party pages for care and inner-party democracy: receptions, counselling, major matters, deliberation month, information to members.

Included by party/urls.py under the "party" namespace.
"""

from django.urls import path

from . import views_care as v

urlpatterns: list = [
    path("care/receptions/", v.receptions, name="receptions"),
    path("care/receptions/<int:pk>/", v.reception, name="reception"),
    path("care/org/<int:pk>/receptions/new/", v.reception_new, name="reception_new"),
    path("care/appointments/<int:pk>/petition/", v.appointment_petition, name="appointment_petition"),
    path("care/appointments/<int:pk>/case/", v.appointment_case, name="appointment_case"),
    path("care/org/<int:pk>/major-matters/", v.major_matters, name="major_matters"),
    path("care/org/<int:pk>/major-matters/results/", v.major_matter_results, name="major_matter_results"),
    path("care/org/<int:pk>/deliberations/", v.deliberations, name="deliberations"),
    path("care/org/<int:pk>/information/", v.inform, name="inform"),
    path("care/org/<int:pk>/information/<int:notice_id>/", v.inform_readers, name="inform_readers"),
]
