"""`gongzhi demo` fills the registry for Malu and Fangsong (every type, subtype and form, teams, units,
inspections in every state) and gives the demo org_staff and unit_liaison users a real scope."""

import pytest
from django.core.management import call_command

from gongzhi.accounts.models import User
from gongzhi.core import policy
from gongzhi.orgs import queries
from gongzhi.orgs.models import AnnualInspection, FiledTeam, SocialOrganization, StationedUnit
from gongzhi.orgs.models.registry import SUBTYPES_BY_TYPE, OrgForm


@pytest.mark.django_db
def test_demo_registry_is_complete_and_idempotent():
    call_command("demo", "--quiet-logins")
    orgs = SocialOrganization.objects.all()
    assert {(o.org_type, o.subtype) for o in orgs} >= {
        (t, s) for t, subs in SUBTYPES_BY_TYPE.items() for s in subs
    }
    assert set(orgs.values_list("form", flat=True)) == set(OrgForm.values)
    assert orgs.filter(name="上海浦东新区非营利组织发展中心", form="incubator").exists()
    assert set(orgs.values_list("status", flat=True)) == {"registered", "changed", "deregistered"}
    assert set(AnnualInspection.objects.values_list("state", flat=True)) == set(AnnualInspection.State.values)
    assert set(AnnualInspection.objects.exclude(result="").values_list("result", flat=True)) == set(
        AnnualInspection.Result.values
    )
    assert FiledTeam.objects.filter(status="cancelled").exists()
    staff, liaison = User.objects.get(username="org_staff"), User.objects.get(username="unit_liaison")
    assert queries.own_organization_ids(staff) and queries.own_unit_ids(liaison)
    unit = StationedUnit.objects.get(pk=queries.own_unit_ids(liaison)[0])
    assert unit.liaison == liaison and policy.can(liaison, "orgs.manage_units", body=unit)
    counts = [m.objects.count() for m in (SocialOrganization, AnnualInspection, FiledTeam, StationedUnit)]
    call_command("demo", "--quiet-logins")
    assert counts == [
        m.objects.count() for m in (SocialOrganization, AnnualInspection, FiledTeam, StationedUnit)
    ]
