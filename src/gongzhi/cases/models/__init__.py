"""The cases app's tables."""

from .campaigns import Campaign, CampaignTarget
from .cases import Case, CaseAssignment, CaseEvent, CaseFile, ExtensionRequest, FollowUpCall
from .routing import CaseCategory, DefaultHandler, RoutingRule, RoutingSupport
from .tickets import IntakeTicket
from .visits import Open311Key, Patrol, Visit

__all__ = [
    "Campaign",
    "CampaignTarget",
    "Case",
    "CaseAssignment",
    "CaseCategory",
    "CaseEvent",
    "CaseFile",
    "DefaultHandler",
    "ExtensionRequest",
    "FollowUpCall",
    "IntakeTicket",
    "Open311Key",
    "Patrol",
    "RoutingRule",
    "RoutingSupport",
    "Visit",
]
