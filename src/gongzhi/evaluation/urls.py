"""Evaluation URLs: schemes, indicators and stage goals, rounds, subjects' results."""

from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.scheme_list, name="schemes"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:scheme_id>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:scheme_id>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:scheme_id>/activate/", views.scheme_activate, name="scheme_activate"),
    path("schemes/<int:scheme_id>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("schemes/<int:scheme_id>/rounds/new/", views.round_create, name="round_create"),
    path("indicators/<int:indicator_id>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:indicator_id>/remove/", views.indicator_remove, name="indicator_remove"),
    path("indicators/<int:indicator_id>/stage-goal/", views.stage_goal, name="stage_goal"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/refresh/", views.round_refresh, name="round_refresh"),
    path("rounds/<int:round_id>/close/", views.round_close, name="round_close"),
    path("subjects/<int:subject_id>/", views.subject_detail, name="subject"),
    path("subjects/<int:subject_id>/score/", views.subject_score, name="subject_score"),
    path("subjects/<int:subject_id>/honour/", views.subject_honour, name="subject_honour"),
    path("subjects/<int:subject_id>/grade/", views.subject_grade, name="subject_grade"),
    path("subjects/<int:subject_id>/grade/apply/", views.subject_grade_apply, name="subject_grade_apply"),
]
