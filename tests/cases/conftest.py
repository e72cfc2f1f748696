"""Fixtures for the cases tests: a category tree, a routing rule with a supporting department, helpers."""

import io

import pytest
from PIL import Image

from gongzhi.accounts.models import Department
from gongzhi.cases.models import CaseCategory, RoutingRule, RoutingSupport


@pytest.fixture
def categories(db):
    housing = CaseCategory.objects.create(code="housing", name="房屋管理", resolve_within_days=15)
    group_rental = CaseCategory.objects.create(
        code="group_rental",
        name="群租",
        parent=housing,
        accept_within_hours=2,
        resolve_within_days=15,
        urgent_resolve_within_days=5,
    )
    sanitation = CaseCategory.objects.create(code="sanitation", name="环境卫生", resolve_within_days=5)
    return {"housing": housing, "group_rental": group_rental, "sanitation": sanitation}


@pytest.fixture
def housing_office(tree):
    return Department.objects.create(
        name="方松街道房管办", kind="housing", level="street", area=tree["fangsong"]
    )


@pytest.fixture
def rule(tree, categories):
    """Group rental in 方松街道: the committee leads, 城管 supports."""
    r = RoutingRule.objects.create(
        category=categories["group_rental"],
        area=tree["fangsong"],
        area_depth=tree["fangsong"].depth,
        lead_kind="area",
        lead_area_level="committee",
    )
    RoutingSupport.objects.create(
        rule=r, department=tree["department"], task="执法检查", resolve_within_days=10
    )
    return r


def png_bytes(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")


@pytest.fixture
def report(tree, categories):
    """report(actor, **overrides) → a received (and by default routed) case in the grid."""
    from gongzhi.cases.actions.intake import receive_case

    def _report(actor=None, **kw):
        args = {
            "actor": actor,
            "category": categories["group_rental"],
            "area": tree["grid"],
            "channel": "patrol",
            "title": "江中小区 3 号楼群租",
            "description": "3 号楼 502 室隔成 6 间出租。",
        }
        args.update(kw)
        return receive_case(**args)

    return _report
