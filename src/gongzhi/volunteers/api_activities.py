"""Volunteers API, activities: publish, sign up, confirm, check in and out (organizer or code), record hours."""

from datetime import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Query, Schema, Status
from pydantic import Field

from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import actions, queries
from . import permissions as P
from .api import OPT_ID, AreaFilter, RecordOut, _area, _get, _record_out, _view, router
from .models import Activity, NeighbourhoodPoint, SignUp, Volunteer, VolunteerTeam


# --- activities ------------------------------------------------------------------------------------------
class ActivityOut(Schema):
    id: int
    kind: Activity.Kind
    state: Activity.State
    title: str
    description: str
    area_id: int
    team_id: int | None = None
    neighbourhood_point_id: int | None = None
    organizer_label: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    taken: int
    skills_wanted: list[str]
    link_type: str
    link_id: int | None = None
    link_label: str


def _activity_out(a: Activity) -> dict:
    return {f: getattr(a, f) for f in ActivityOut.model_fields}


class ActivityIn(Schema):
    area: int | None = OPT_ID
    team: int | None = OPT_ID
    neighbourhood_point: int | None = OPT_ID
    kind: Activity.Kind = Activity.Kind.SERVICE
    title: CleanStr = Field(..., min_length=1, max_length=160)
    description: CleanStr = Field("", max_length=4000)
    starts_at: datetime
    ends_at: datetime
    place: CleanStr = Field(..., min_length=1, max_length=200)
    capacity: int = Field(..., ge=1, le=100000)
    skills_wanted: list[CleanStr] = Field(default_factory=list, max_length=20)
    organizer_label: CleanStr = Field("", max_length=120)
    link_type: CleanStr = Field("", max_length=40)
    link_id: int | None = OPT_ID
    link_label: CleanStr = Field("", max_length=200)
    publish: bool = False


class ActivityPatch(Schema):
    title: CleanStr | None = Field(None, min_length=1, max_length=160)
    description: CleanStr | None = Field(None, max_length=4000)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: CleanStr | None = Field(None, min_length=1, max_length=200)
    capacity: int | None = Field(None, ge=1, le=100000)
    skills_wanted: list[CleanStr] | None = Field(None, max_length=20)


class ActivityFilter(AreaFilter):
    state: Activity.State | None = None


@router.get("/activities", response={200: PageOut[ActivityOut], **ERRORS})
def list_activities(request, filters: Query[ActivityFilter], params: Query[PageParams]):
    policy.require(request.user, P.VIEW)
    qs = queries.activities_for(request.user, _area(filters.area), state=filters.state)
    page = paginate(qs, params, ordering=queries.ACTIVITY_ORDERING, name="api-activities")
    page["items"] = [_activity_out(a) for a in page["items"]]
    return page


@router.get("/activities/open", response={200: list[ActivityOut], **ERRORS})
def open_activities(request):
    """Activities the signed-in volunteer can still sign up for (the next 100)."""
    volunteer = actions.own_volunteer(request.user)
    if volunteer is None:
        raise Http404
    return [_activity_out(a) for a in queries.open_activities_for_volunteer(volunteer)[:100]]


@router.post("/activities", response={201: ActivityOut, **ERRORS})
def create_activity(request, payload: ActivityIn):
    data = payload.dict()
    data["team"] = _get(VolunteerTeam, data["team"], ["area"]) if data["team"] else None
    point = data.pop("neighbourhood_point")
    data["neighbourhood_point"] = _get(NeighbourhoodPoint, point, ["area"]) if point else None
    activity = actions.create_activity(actor=request.user, **data)
    return Status(201, _activity_out(activity))


def _activity(request, activity_id, *, self_ok=False) -> Activity:
    activity = _get(Activity, activity_id, ["area", "team"])
    if not self_ok:
        _view(request.user, activity.area)
    return activity


@router.get("/activities/{activity_id}", response={200: ActivityOut, **ERRORS})
def get_activity(request, activity_id: int):
    activity = _activity(request, activity_id, self_ok=True)
    volunteer = actions.own_volunteer(request.user)
    if not (
        volunteer
        and activity.state != Activity.State.DRAFT
        and actions.activities._can_see(volunteer, activity)
    ):
        _view(request.user, activity.area)
    return _activity_out(activity)


@router.patch("/activities/{activity_id}", response={200: ActivityOut, **ERRORS})
def update_activity(request, activity_id: int, payload: ActivityPatch):
    activity = _activity(request, activity_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _activity_out(actions.update_activity(actor=request.user, activity=activity, **changes))


@router.post("/activities/{activity_id}/publish", response={200: ActivityOut, **ERRORS})
def publish_activity(request, activity_id: int):
    activity = _activity(request, activity_id)
    return _activity_out(actions.publish_activity(actor=request.user, activity=activity))


class ReasonIn(Schema):
    reason: CleanStr = Field("", max_length=200)


@router.post("/activities/{activity_id}/cancel", response={200: ActivityOut, **ERRORS})
def cancel_activity(request, activity_id: int, payload: ReasonIn):
    activity = _activity(request, activity_id)
    return _activity_out(
        actions.cancel_activity(actor=request.user, activity=activity, reason=payload.reason)
    )


class SignUpOut(Schema):
    id: int
    activity_id: int
    volunteer_id: int
    volunteer_name: str
    state: SignUp.State
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None


def _signup_out(s: SignUp) -> dict:
    return {
        **{f: getattr(s, f) for f in SignUpOut.model_fields if f != "volunteer_name"},
        "volunteer_name": s.volunteer.person.name,
    }


class SignUpIn(Schema):
    volunteer: int | None = Field(None, ge=1, le=2**62, description="Staff only; default: yourself.")


@router.get("/activities/{activity_id}/signups", response={200: list[SignUpOut], **ERRORS})
def list_signups(request, activity_id: int):
    activity = _activity(request, activity_id)
    rows = activity.signups.select_related("volunteer__person").order_by("id")[: activity.capacity + 500]
    return [_signup_out(s) for s in rows]


@router.post("/activities/{activity_id}/signups", response={201: SignUpOut, **ERRORS})
def sign_up(request, activity_id: int, payload: SignUpIn):
    activity = _activity(request, activity_id, self_ok=True)
    volunteer = _get(Volunteer, payload.volunteer, ["person", "area"]) if payload.volunteer else None
    signup = actions.sign_up(actor=request.user, activity=activity, volunteer=volunteer)
    return Status(201, _signup_out(signup))


def _signup(request, signup_id) -> SignUp:
    signup = _get(SignUp, signup_id, ["activity__area", "volunteer__person"])
    if signup.volunteer.person.user_id != request.user.pk:
        _view(request.user, signup.activity.area)
    return signup


@router.post("/signups/{signup_id}/cancel", response={200: SignUpOut, **ERRORS})
def cancel_sign_up(request, signup_id: int):
    return _signup_out(actions.cancel_sign_up(actor=request.user, signup=_signup(request, signup_id)))


@router.post("/signups/{signup_id}/confirm", response={200: SignUpOut, **ERRORS})
def confirm_sign_up(request, signup_id: int):
    return _signup_out(actions.confirm_sign_up(actor=request.user, signup=_signup(request, signup_id)))


@router.post("/signups/{signup_id}/check-in", response={200: SignUpOut, **ERRORS})
def check_in(request, signup_id: int):
    return _signup_out(actions.check_in(actor=request.user, signup=_signup(request, signup_id)))


@router.post("/signups/{signup_id}/check-out", response={200: SignUpOut, **ERRORS})
def check_out(request, signup_id: int):
    return _signup_out(actions.check_out(actor=request.user, signup=_signup(request, signup_id)))


class CodeIn(Schema):
    code: CleanStr = Field(..., min_length=1, max_length=6)


@router.post("/activities/{activity_id}/check-in", response={200: SignUpOut, **ERRORS})
def check_in_with_code(request, activity_id: int, payload: CodeIn):
    activity = _activity(request, activity_id, self_ok=True)
    return _signup_out(actions.check_in_with_code(actor=request.user, activity=activity, code=payload.code))


@router.post("/activities/{activity_id}/check-out", response={200: SignUpOut, **ERRORS})
def check_out_with_code(request, activity_id: int, payload: CodeIn):
    activity = _activity(request, activity_id, self_ok=True)
    return _signup_out(actions.check_out_with_code(actor=request.user, activity=activity, code=payload.code))


class ActivityHoursIn(Schema):
    hours: dict[int, Decimal] = Field(
        default_factory=dict, description="Sign-up id → hours; default: checked time."
    )
    recording_body: CleanStr = Field("", max_length=120)


@router.post("/activities/{activity_id}/records", response={201: list[RecordOut], **ERRORS})
def record_activity_hours(request, activity_id: int, payload: ActivityHoursIn):
    activity = _activity(request, activity_id)
    records = actions.record_activity_hours(
        actor=request.user, activity=activity, hours=payload.hours, recording_body=payload.recording_body
    )
    return Status(201, [_record_out(r) for r in records])
