"""The volunteer demo data: teams covering grids, every star level, activities, points, bookings, brands."""

import pytest

from gongzhi.volunteers.models import (
    Activity,
    Booking,
    BrandProject,
    NeighbourhoodPoint,
    SkillService,
    Volunteer,
    VolunteerTeam,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    from gongzhi.core.calendar_actions import seed_calendar
    from gongzhi.demo import base, people
    from gongzhi.demo import volunteers as demo_volunteers

    seed_calendar(actor=None)
    areas = base.load_areas()
    base.load_users(areas, base.load_departments(areas))
    people.load(areas)
    first = demo_volunteers.load(areas)
    return first, demo_volunteers.load(areas), areas


def test_demo_volunteer_data_covers_the_issue(loaded):
    first, second, _areas = loaded
    assert first > 40 and second == 0  # idempotent
    assert VolunteerTeam.objects.filter(grids__isnull=False).exists()
    assert set(Volunteer.objects.values_list("star_level", flat=True)) == {0, 1, 2, 3, 4, 5}
    assert Activity.objects.filter(state=Activity.State.DONE).exists()
    assert Activity.objects.filter(state=Activity.State.PUBLISHED, taken__gt=0).exists()
    assert Activity.objects.filter(kind=Activity.Kind.GOOD_DEED).exists()
    assert NeighbourhoodPoint.objects.filter(members__isnull=False).exists()
    assert SkillService.objects.filter(kind="haircut").exists()
    assert Booking.objects.filter(state=Booking.State.DONE).exists()
    assert set(BrandProject.objects.values_list("name", flat=True)) == {
        "V爱计划",
        "银火虫在行动",
        "百事帮",
        "惠民港",
        "家圆联合体",
        "爱马社",
    }
    assert Volunteer.objects.filter(person__user__username="fangsong_volunteer").exists()
