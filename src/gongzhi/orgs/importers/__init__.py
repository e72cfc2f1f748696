"""Importers for the registry ("orgs", upsert by USCC) and annual-inspection data ("inspections",
upsert by USCC and year), registered with the core import framework (all rows or none).

Fast path for 20,000-row files: areas are resolved once per code, existing rows are fetched in
batches by USCC, and new and changed rows are written with bulk_create / bulk_update and one
bulk audit write — a handful of queries per thousand rows. Column reference: docs/orgs-import.md.
"""

# The core framework autodiscovers this package; importing the modules registers their importers.
from . import inspections, registry  # noqa: F401
