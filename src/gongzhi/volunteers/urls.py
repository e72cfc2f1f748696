"""Volunteer URLs: overview, teams, volunteers, activities, my volunteering, points, the base, brands."""

from django.urls import path

from . import views, views_activities, views_community

app_name = "volunteers"
urlpatterns = [
    path("", views.home, name="home"),
    path("star-levels/", views.star_levels, name="star_levels"),
    path("me/", views_community.me, name="me"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("teams/<int:team_id>/edit/", views.team_edit, name="team_edit"),
    path(
        "teams/<int:team_id>/members/<int:volunteer_id>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path("people/", views.volunteer_list, name="volunteers"),
    path("people/new/", views.volunteer_create, name="volunteer_create"),
    path("people/<int:volunteer_id>/", views.volunteer_detail, name="volunteer"),
    path("people/<int:volunteer_id>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("people/<int:volunteer_id>/hours/", views.record_hours, name="record_hours"),
    path("people/<int:volunteer_id>/certificate/", views.certificate_issue, name="certificate_issue"),
    path("records/<int:record_id>/correct/", views.record_correct, name="record_correct"),
    path("certificates/<int:certificate_id>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("activities/", views_activities.activity_list, name="activities"),
    path("activities/new/", views_activities.activity_create, name="activity_create"),
    path("activities/<int:activity_id>/", views_activities.activity_detail, name="activity"),
    path("activities/<int:activity_id>/<slug:op>/", views_activities.activity_action, name="activity_action"),
    path("signups/<int:signup_id>/<slug:op>/", views_activities.signup_action, name="signup_action"),
    path("points/", views_community.point_list, name="points"),
    path("points/new/", views_community.point_create, name="point_create"),
    path("points/<int:point_id>/", views_community.point_detail, name="point"),
    path(
        "points/<int:point_id>/members/<int:person_id>/remove/",
        views_community.point_member_remove,
        name="point_member_remove",
    ),
    path("base/", views_community.service_list, name="base"),
    path("base/new/", views_community.service_create, name="service_create"),
    path("base/<int:service_id>/", views_community.service_detail, name="service"),
    path("slots/<int:slot_id>/book/", views_community.slot_book, name="slot_book"),
    path("bookings/<int:booking_id>/<slug:op>/", views_community.booking_action, name="booking_action"),
    path("brands/", views_community.brand_list, name="brands"),
    path("brands/new/", views_community.brand_create, name="brand_create"),
    path("brands/<int:brand_id>/", views_community.brand_detail, name="brand"),
    path("brands/<int:brand_id>/edit/", views_community.brand_edit, name="brand_edit"),
    path("public/brands/", views_community.brand_public_list, name="brand_public_list"),
    path("public/brands/<int:brand_id>/", views_community.brand_public, name="brand_public"),
]
