"""The councils app's tables: bodies and seats, meetings, votes, resolutions, agreements, proposals, elections."""

from .bodies import Council, Seat
from .elections import Candidate, Election, ElectionBallot, ElectionVote, VoterRollEntry
from .feeds import FeedToken
from .meetings import AgendaItem, AgendaPaper, Attendance, Invitation, Meeting, MinutesSection, Registration
from .outcomes import (
    ActionItem,
    ActionUpdate,
    Agreement,
    AgreementItem,
    DeliveryRecord,
    Proposal,
    ProposalSetting,
    ProposalSupport,
    Resolution,
)
from .votes import Ballot, Motion, SecretChoice

__all__ = [
    "ActionItem",
    "ActionUpdate",
    "AgendaItem",
    "AgendaPaper",
    "Agreement",
    "AgreementItem",
    "Attendance",
    "Ballot",
    "Candidate",
    "Council",
    "DeliveryRecord",
    "Election",
    "ElectionBallot",
    "ElectionVote",
    "FeedToken",
    "Invitation",
    "Meeting",
    "MinutesSection",
    "Motion",
    "Proposal",
    "ProposalSetting",
    "ProposalSupport",
    "Registration",
    "Resolution",
    "Seat",
    "SecretChoice",
    "VoterRollEntry",
]
