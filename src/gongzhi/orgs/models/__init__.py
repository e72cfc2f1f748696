"""The orgs app's tables, one module per part of the registry."""

from .inspection import AnnualInspection
from .programs import (
    ContractIndicator,
    Incubation,
    IncubationMilestone,
    ReviewScore,
    ServiceContract,
    VentureApplication,
    VentureCall,
    VentureProject,
)
from .registry import FiledTeam, OrgStatusChange, SocialOrganization, StationedUnit

__all__ = [
    "AnnualInspection",
    "ContractIndicator",
    "FiledTeam",
    "Incubation",
    "IncubationMilestone",
    "OrgStatusChange",
    "ReviewScore",
    "ServiceContract",
    "SocialOrganization",
    "StationedUnit",
    "VentureApplication",
    "VentureCall",
    "VentureProject",
]
