"""Case pages under /cases/."""

from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.report, name="report"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:rule_id>/deactivate/", views.rule_deactivate, name="rule_deactivate"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/do/<slug:name>/", views.act, name="act"),
    path("<int:case_id>/do/<slug:name>/form/", views.action_form, name="action_form"),
    path("<int:case_id>/tasks/<int:task_id>/<slug:name>/", views.task_act, name="task_act"),
    path(
        "<int:case_id>/extensions/<int:request_id>/decide/", views.decide_extension, name="decide_extension"
    ),
    path("<int:case_id>/files/<int:file_id>/", views.evidence, name="file"),
]
