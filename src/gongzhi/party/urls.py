"""Party pages (app_name "party")."""

from django.urls import path

from . import urls_care, urls_gives, urls_practice, views

app_name = "party"
urlpatterns = (
    [
        path("", views.home, name="home"),
        path("org/<int:pk>/", views.organization, name="org"),
        path("org/<int:pk>/workplace/", views.workplace, name="workplace"),
        path("report-in/", views.report_in, name="report_in"),
        path("report-in/<int:pk>/receipt/", views.issue_receipt, name="issue_receipt"),
        path("report-in/<int:pk>/return/", views.return_report, name="return_report"),
        path("report-in/<int:pk>/service/", views.record_service, name="record_service"),
        path("commitment/", views.commit, name="commit"),
        path("commitment/<int:pk>/act/", views.record_act, name="record_act"),
        path("receipt/<int:pk>/", views.receipt, name="receipt"),
        path("receipt/<int:pk>/pdf/", views.receipt_pdf, name="receipt_pdf"),
        path("receipt/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
        path("area/<int:pk>/", views.area_figures, name="area"),
        path("petitions/", views.petitions, name="petitions"),
        path("petitions/<int:pk>/", views.petition, name="petition"),
        path("handbook/", views.handbook, name="handbook"),
        path("honours/", views.honours, name="honours"),
    ]
    + urls_gives.urlpatterns
    + urls_practice.urlpatterns
    + urls_care.urlpatterns
)
