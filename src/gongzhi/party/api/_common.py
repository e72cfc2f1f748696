"""The party router and the helpers its modules share: look-ups with clear errors, the member's own record.

`PartyRouter` keeps every operation id as it was when the API was one module (`gongzhi_party_api_<name>`),
so splitting the router into modules changes no client.
"""

from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import StringConstraints

from gongzhi.areas.models import Area
from gongzhi.core.strings import CleanStr

from ..actions._common import member_of
from ..models import PartyMember, PartyOrganization
from ..schemas import OrgOut

# Query-string words (codes, kinds, states): short and free of control characters (PostgreSQL refuses NUL).
AreaCodeStr = Annotated[CleanStr, StringConstraints(max_length=40)]

OPERATION_PREFIX = "gongzhi_party_api_"


class PartyRouter(Router):
    """A router whose default operation id ignores the module the view lives in."""

    def add_api_operation(self, path, methods, view_func, *, operation_id=None, **kwargs):
        operation_id = operation_id or OPERATION_PREFIX + view_func.__name__
        return super().add_api_operation(path, methods, view_func, operation_id=operation_id, **kwargs)


router = PartyRouter(tags=["party"])


def area_by_code(code: str) -> Area:
    area = Area.objects.filter(Q(stat_code=code) | Q(gb2260=code)).first() if code else None
    if area is None:
        raise ValidationError({"area": _("Unknown area code.")})
    return area


def _org(pk) -> PartyOrganization:
    return get_object_or_404(PartyOrganization.objects.select_related("area", "parent", "council"), pk=pk)


def _me(request) -> PartyMember:
    m = member_of(request.user)
    if m is None:
        raise PermissionDenied("not a party member")
    return m


def _org_out(o):
    return OrgOut.from_orm(o)
