"""Practice actions the pages needed beyond `practice.py`/`supervision.py`: the member marks their own
pledge fulfilled (党员承诺 are the member's public promise; `fulfil_pledge` is the committee's path)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit

from ..models import Pledge
from ._common import raise_if, require_self, text


@transaction.atomic
def fulfil_own_pledge(*, actor, pledge: Pledge, fulfilment) -> Pledge:
    """The member who made the pledge records how it was fulfilled (once; dated today)."""
    pledge = (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("member__person", "member__area")
        .get(pk=pledge.pk)
    )
    require_self(actor, pledge.member)
    errors: dict = {}
    fulfilment = text(errors, "fulfilment", fulfilment, 300)
    raise_if(errors)
    if pledge.fulfilled_on:
        raise ValidationError({"fulfilment": _("This pledge is already fulfilled.")})
    pledge.fulfilled_on, pledge.fulfilment = timezone.localdate(), fulfilment
    pledge.save(update_fields=["fulfilled_on", "fulfilment"])
    audit.record(actor, "pledge.fulfilled", pledge, area=pledge.member.area, details={"by": "member"})
    return pledge
