"""Party models: organizations and members, dual reporting, three gives, six acts and points, supervision."""

from .gives import CommunityTask, Honour, TaskSignup
from .members import PartyMember
from .organizations import PartyOrganization
from .practice import PointsEntry, PointsRule, PointsScheme, SixActsCommitment, SixActsRecord, Violation
from .reporting import QuarterlyStatement, Receipt, ReportIn, ServiceRecord, UnitReport
from .supervision import (
    Assessment,
    Deliberation,
    MajorMatter,
    PartyProject,
    Petition,
    Pledge,
    ProjectMilestone,
    ReceptionAppointment,
    ReceptionDay,
)

__all__ = [
    "Assessment",
    "CommunityTask",
    "Deliberation",
    "Honour",
    "MajorMatter",
    "PartyMember",
    "PartyOrganization",
    "PartyProject",
    "Petition",
    "Pledge",
    "PointsEntry",
    "PointsRule",
    "PointsScheme",
    "ProjectMilestone",
    "QuarterlyStatement",
    "Receipt",
    "ReceptionAppointment",
    "ReceptionDay",
    "ReportIn",
    "ServiceRecord",
    "SixActsCommitment",
    "SixActsRecord",
    "TaskSignup",
    "UnitReport",
    "Violation",
]
