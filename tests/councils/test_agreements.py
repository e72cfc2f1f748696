"""Co-construction agreements: commitments, signing, deliveries and status, renewal, expiry, bad input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.councils.actions import outcomes
from gongzhi.councils.models import Agreement, AgreementItem, DeliveryRecord
from gongzhi.councils.queries_outcomes import delivery_status

from .test_outcomes_support import english  # noqa: F401 - fixture

ITEMS = [
    {
        "side": "counterparty",
        "description": "开放停车场夜间车位",
        "quantity": "40",
        "unit": "个",
        "period": "每年",
    },
    {"side": "counterparty", "description": "志愿服务", "quantity": "200", "unit": "小时", "period": "每年"},
    {
        "side": "community",
        "description": "协调周边道路秩序",
        "quantity": "12",
        "unit": "次",
        "period": "每月",
    },
]


def draft(area, actor=None, items=ITEMS, **kw):
    fields = {
        "title": "方松街道—上海松江供电公司共建契约",
        "counterparty_kind": "unit",
        "counterparty_label": "国网上海松江供电公司",
        "community_signatory": "王主任",
        "counterparty_signatory": "李经理",
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
    }
    fields.update(kw)
    return outcomes.create_agreement(actor=actor, area=area, items=items, **fields)


def test_an_agreement_with_a_negative_quantity_is_refused_and_nothing_is_written(tree, street_admin):
    bad = [dict(ITEMS[0]), {**ITEMS[1], "quantity": "-5"}]
    with pytest.raises(ValidationError) as exc:
        draft(tree["fangsong"], street_admin, items=bad)
    assert exc.value.message_dict == {"items.1.quantity": ["A quantity cannot be negative."]}
    assert not Agreement.objects.exists() and not AgreementItem.objects.exists()


def test_an_agreement_needs_a_counterparty_commitment_and_a_sensible_period(tree):
    with pytest.raises(ValidationError):
        draft(tree["fangsong"], items=[ITEMS[2]])
    with pytest.raises(ValidationError) as exc:
        draft(tree["fangsong"], ends_on=dt.date(2025, 1, 1))
    assert "ends_on" in exc.value.message_dict


def test_only_staff_of_the_area_draft_agreements(tree, other_street_admin, resident):
    for user in (other_street_admin, resident):
        with pytest.raises(PermissionDenied):
            draft(tree["fangsong"], user)


@freeze_time("2026-03-01 10:00:00+08:00")
def test_deliveries_are_recorded_on_a_signed_agreement_and_give_the_delivery_status(tree, street_admin):
    agreement = draft(tree["fangsong"], street_admin)
    parking = agreement.items.get(description="开放停车场夜间车位")
    with pytest.raises(ValidationError):  # not signed yet
        outcomes.record_delivery(
            actor=street_admin, item=parking, delivered_on=dt.date(2026, 2, 1), quantity=10
        )
    outcomes.sign_agreement(actor=street_admin, agreement=agreement, signed_on=dt.date(2026, 1, 5))
    outcomes.record_delivery(actor=street_admin, item=parking, delivered_on=dt.date(2026, 2, 1), quantity=25)
    outcomes.record_delivery(
        actor=street_admin, item=parking, delivered_on=dt.date(2026, 2, 20), quantity="15"
    )
    for bad in ("-1", "0", "abc"):
        with pytest.raises(ValidationError):
            outcomes.record_delivery(
                actor=street_admin, item=parking, delivered_on=dt.date(2026, 2, 21), quantity=bad
            )
    with pytest.raises(ValidationError):  # in the future
        outcomes.record_delivery(
            actor=street_admin, item=parking, delivered_on=dt.date(2026, 4, 1), quantity=1
        )
    assert DeliveryRecord.objects.count() == 2
    [a] = delivery_status([Agreement.objects.get(pk=agreement.pk)])
    by = {i.description: i for i in a.commitments}
    assert by["开放停车场夜间车位"].delivered == Decimal(40) and by["开放停车场夜间车位"].share == "100.0%"
    assert by["志愿服务"].share == "0.0%"
    assert (a.complete_count, a.delivery_share) == (1, "33.3%")


def test_agreements_expire_and_a_signed_renewal_marks_the_old_one_renewed(tree):
    with freeze_time("2026-03-01 10:00:00+08:00"):
        agreement = draft(tree["fangsong"])
        outcomes.sign_agreement(actor=None, agreement=agreement, signed_on=dt.date(2026, 1, 5))
    with freeze_time("2027-01-02 10:00:00+08:00"):
        assert outcomes.sweep_agreements() == 1
        agreement.refresh_from_db()
        assert agreement.state == Agreement.State.EXPIRED
        renewal = outcomes.renew_agreement(
            actor=None, agreement=agreement, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 12, 31)
        )
        assert renewal.items.count() == 3 and renewal.state == Agreement.State.DRAFT
        with pytest.raises(ValidationError):
            outcomes.renew_agreement(
                actor=None, agreement=agreement, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 12, 31)
            )
        outcomes.sign_agreement(actor=None, agreement=renewal, signed_on=dt.date(2027, 1, 2))
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.RENEWED


def test_termination_needs_a_reason(tree):
    agreement = draft(tree["fangsong"])
    with pytest.raises(ValidationError):
        outcomes.terminate_agreement(actor=None, agreement=agreement, reason="")
    assert (
        outcomes.terminate_agreement(actor=None, agreement=agreement, reason="单位搬迁").state
        == Agreement.State.TERMINATED
    )
