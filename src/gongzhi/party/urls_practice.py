"""Party pages for members' practice: points rules, violations, assessments, pledges, projects.

Included by party/urls.py under the "party" namespace.
"""

from django.urls import path

from . import views_practice as v

urlpatterns: list = [
    path("practice/org/<int:pk>/points/", v.points, name="practice_points"),
    path("practice/org/<int:pk>/points/rules/", v.points_rules, name="practice_points_rules"),
    path("practice/org/<int:pk>/points/manual/", v.manual_points, name="practice_manual_points"),
    path("practice/member/<int:pk>/handbook/", v.member_handbook, name="practice_member_handbook"),
    path("practice/org/<int:pk>/violations/", v.violations, name="practice_violations"),
    path("practice/violations/", v.my_violations, name="practice_my_violations"),
    path("practice/violations/<int:pk>/", v.violation, name="practice_violation"),
    path("practice/assessments/", v.assessments, name="practice_assessments"),
    path("practice/assessments/new/", v.assessment_new, name="practice_assessment_new"),
    path("practice/assessments/<int:pk>/", v.assessment, name="practice_assessment"),
    path("practice/pledges/", v.my_pledges, name="practice_my_pledges"),
    path("practice/pledges/<int:pk>/", v.pledge, name="practice_pledge"),
    path("practice/org/<int:pk>/pledges/", v.org_pledges, name="practice_pledges"),
    path("practice/org/<int:pk>/projects/", v.projects, name="practice_projects"),
    path("practice/org/<int:pk>/projects/new/", v.project_new, name="practice_project_new"),
    path("practice/projects/<int:pk>/", v.project, name="practice_project"),
    path("practice/milestones/<int:pk>/done/", v.milestone_done, name="practice_milestone_done"),
]
