"""Every change to persons, dwellings and households: one function each, atomic, checked and audited.

Capabilities, audit verbs and the shared checks are in `_common`, persons and a resident's own record
in `persons`, dwellings and households in `households`; callers use the names re-exported here.
"""

from ._common import (
    DWELLING_AREA_KINDS,
    DWELLING_FIELDS,
    HOUSEHOLD_AREA_KINDS,
    HOUSEHOLD_FIELDS,
    MANAGE,
    PERSON_AREA_KINDS,
    PERSON_FIELDS,
    PII_FIELDS,
    UNMASK,
    VIEW,
)
from .households import (
    add_member,
    create_dwelling,
    create_household,
    move_household,
    remove_member,
    update_dwelling,
    update_household,
)
from .persons import (
    OWN_FIELDS,
    correct_own_record,
    create_person,
    link_person_to_user,
    own_person,
    update_person,
)

__all__ = [
    "DWELLING_AREA_KINDS",
    "DWELLING_FIELDS",
    "HOUSEHOLD_AREA_KINDS",
    "HOUSEHOLD_FIELDS",
    "MANAGE",
    "OWN_FIELDS",
    "PERSON_AREA_KINDS",
    "PERSON_FIELDS",
    "PII_FIELDS",
    "UNMASK",
    "VIEW",
    "add_member",
    "correct_own_record",
    "create_dwelling",
    "create_household",
    "create_person",
    "link_person_to_user",
    "move_household",
    "own_person",
    "remove_member",
    "update_dwelling",
    "update_household",
    "update_person",
]
