"""Party API (/api/v1/party/): every party action as an operation, lists with keyset pages, figures.

One router, `router`, filled by the modules of this package, imported here in the order their paths
were registered before the split (so the OpenAPI document keeps its order): organizations and
members, dual reporting and figures, the three gives, six acts and points, supervision, and care
(receptions, counselling, major matters, the deliberation month, information to members).
"""
# isort: skip_file

from ._common import area_by_code, router
from . import organizations  # noqa: F401 - registers its operations
from . import reporting  # noqa: F401
from . import gives  # noqa: F401
from . import practice  # noqa: F401
from . import supervision  # noqa: F401
from . import care  # noqa: F401

__all__ = ["area_by_code", "router"]
