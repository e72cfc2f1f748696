"""USCC and type consistency, subtypes, future dates and staff sums: a clear message each, nothing written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from gongzhi.orgs import actions
from gongzhi.orgs.models import SocialOrganization
from gongzhi.orgs.validation import check_staff, check_subtype, clean_uscc

from .conftest import GOOD_STAFF, make_uscc


def test_valid_uscc_for_each_type_is_accepted():
    for org_type, prefix in (("social_group", "51"), ("non_enterprise_unit", "52"), ("foundation", "53")):
        assert clean_uscc(make_uscc(prefix), org_type).startswith(prefix)


@pytest.mark.parametrize(
    "code",
    ["", "123", "51310117MJ00000011", "51310117MJ0000001O", "5131011 7MJ000000", "X" * 18],
)
def test_malformed_or_wrong_check_character_uscc_is_refused(code):
    with pytest.raises(ValidationError) as exc:
        clean_uscc(code, "social_group")
    assert "uscc" in exc.value.message_dict


def test_uscc_of_another_type_is_refused_with_the_expected_prefix():
    with pytest.raises(ValidationError) as exc:
        clean_uscc(make_uscc("52"), "foundation")
    assert "53" in exc.value.message_dict["uscc"][0]


@given(st.integers(min_value=0, max_value=9_999_999))
def test_a_single_changed_character_breaks_the_check(serial):
    code = make_uscc("51", serial)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError):
        clean_uscc(wrong, "social_group")


def test_subtype_must_belong_to_the_type():
    check_subtype("foundation", "public_fundraising")
    with pytest.raises(ValidationError) as exc:
        check_subtype("foundation", "trade")
    assert "subtype" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        check_subtype("cooperative", "trade")
    assert "org_type" in exc.value.message_dict


@freeze_time("2025-06-01")
def test_registration_in_the_future_is_refused_and_nothing_written(tree):
    with pytest.raises(ValidationError) as exc:
        actions.register_organization(
            actor=None,
            area=tree["fangsong"],
            uscc=make_uscc("51"),
            org_type="social_group",
            subtype="trade",
            name="未来协会",
            registered_on=dt.date(2025, 6, 2),
        )
    assert "registered_on" in exc.value.message_dict
    assert not SocialOrganization.objects.exists()


def test_staff_that_add_up_pass():
    check_staff(GOOD_STAFF)


@pytest.mark.parametrize(
    ("field", "delta"),
    [("part_time", 1), ("contract_other", -1), ("age_over_60", 2), ("edu_master_or_above", 1)],
)
def test_staff_groups_that_do_not_add_up_are_refused(field, delta):
    counts = {**GOOD_STAFF, field: GOOD_STAFF[field] + delta}
    with pytest.raises(ValidationError) as exc:
        check_staff(counts)
    message = " ".join(m for ms in exc.value.message_dict.values() for m in ms)
    assert "10" in message  # names the staff total


def test_certificate_holders_cannot_exceed_the_total():
    with pytest.raises(ValidationError) as exc:
        check_staff({**GOOD_STAFF, "social_worker_certified": 11})
    assert "social_worker_certified" in exc.value.message_dict
