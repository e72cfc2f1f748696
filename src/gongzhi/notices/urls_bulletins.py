"""URLs of notices (with receipts), surveys and the suggestion box, under /notices/."""

from django.urls import path

from . import views_bulletins as v

app_name = "bulletins"
urlpatterns = [
    path("bulletins/", v.notices, name="notices"),
    path("bulletins/new/", v.notice_create, name="notice_create"),
    path("bulletins/<int:notice_id>/", v.notice_detail, name="notice"),
    path("bulletins/<int:notice_id>/remind/", v.notice_remind, name="notice_remind"),
    path("bulletins/<int:notice_id>/withdraw/", v.notice_withdraw, name="notice_withdraw"),
    path("inbox/", v.inbox, name="inbox"),
    path("board/", v.board, name="board"),
    path("surveys/", v.survey_list, name="surveys"),
    path("surveys/new/", v.survey_create, name="survey_create"),
    path("surveys/<int:survey_id>/", v.survey_detail, name="survey"),
    path("surveys/<int:survey_id>/results/", v.survey_results, name="survey_results"),
    path("surveys/<int:survey_id>/<str:step>/", v.survey_step, name="survey_step"),
    path("suggest/", v.suggest, name="suggest"),
    path("suggestions/", v.suggestion_list, name="suggestions"),
    path("suggestions/mine/", v.my_suggestions, name="my_suggestions"),
    path("suggestions/answered/", v.answered, name="answered"),
    path("suggestions/<int:suggestion_id>/", v.suggestion_detail, name="suggestion"),
]
