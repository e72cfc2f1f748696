"""Root URLs: pages per app, the API at /api/v1/, the language switch, the admin."""

from django.contrib import admin
from django.urls import include, path

from .api import url_patterns as api_url_patterns

urlpatterns = [
    path("", include("gongzhi.core.urls")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("areas/", include("gongzhi.areas.urls")),
    path("notices/", include("gongzhi.notices.urls")),
    path("people/", include("gongzhi.people.urls")),
    path("councils/", include("gongzhi.councils.urls_outcomes")),
    path("councils/", include("gongzhi.councils.urls")),
    path("orgs/", include("gongzhi.orgs.urls")),
    path("cases/", include("gongzhi.cases.urls")),
    path("field/", include("gongzhi.cases.urls_field")),
    path("open311/v2/", include("gongzhi.cases.open311.urls")),
    path("orgs/programs/", include("gongzhi.orgs.urls_programs")),
    path("reports/", include("gongzhi.reports.urls")),
    path("volunteers/", include("gongzhi.volunteers.urls")),
    path("matching/", include("gongzhi.matching.urls")),
    path("party/", include("gongzhi.party.urls")),
    path("evaluation/", include("gongzhi.evaluation.urls")),
    path("notices/", include("gongzhi.notices.urls_bulletins")),
    path("open-data/", include("gongzhi.opendata.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api_url_patterns()),
    path("admin/", admin.site.urls),
]
