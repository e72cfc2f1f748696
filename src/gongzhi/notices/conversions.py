"""Turning a suggestion or a survey answer into a resident proposal (councils.Proposal).

The councils app's `submit_proposal` makes the signed-in resident the proposer and checks that they
may propose; here staff turn someone else's words into a proposal, so the row is created through the
model with the same threshold rule, the original author (when known) as proposer, and the source.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core.strings import has_control_chars


def make_proposal(*, area, proposer, title: str, body: str, source_type: str, source_id: int):
    from gongzhi.councils.actions.proposals import DEFAULT_THRESHOLD, PROPOSAL_AREA_KINDS, setting_for
    from gongzhi.councils.models import Proposal

    errors = {}
    if area.kind not in PROPOSAL_AREA_KINDS:
        errors["area"] = _("A resident proposal belongs to a community, committee, compound or grid area.")
    title = (title or "").strip()
    body = (body or "").strip()
    if not title or len(title) > 200 or has_control_chars(title):
        errors["title"] = _("Give the proposal a title of at most 200 characters.")
    if len(body) < 10 or has_control_chars(body):
        errors["body"] = _("Describe the proposal (at least 10 characters).")
    if proposer is None:
        errors["proposer"] = _("A proposal needs a proposer.")
    if errors:
        raise ValidationError(errors)
    setting = setting_for(area)
    proposal = Proposal(
        proposer=proposer,
        title=title,
        body=body,
        threshold=setting.support_threshold if setting else DEFAULT_THRESHOLD,
        source_type=source_type,
        source_id=source_id,
    )
    proposal.set_area(area)
    proposal.save()
    return proposal
