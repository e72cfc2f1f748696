"""The area-scoped abstract model: large tables carry their area's path and ancestor ids.

A scoped list ("the cases of this street", "the organizations of this district") is then one
composite-index range on either database, without a join to the area table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

LEVEL_FIELD = {
    "district": "district_id",
    "street": "street_id",
    "town": "street_id",
    "community": "community_id",
    "residents_committee": "committee_id",
    "village_committee": "committee_id",
}


class AreaScoped(models.Model):
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=60, editable=False, db_index=True)
    district_id = models.BigIntegerField(null=True, blank=True, editable=False)
    street_id = models.BigIntegerField(null=True, blank=True, editable=False)
    community_id = models.BigIntegerField(null=True, blank=True, editable=False)
    committee_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def set_area(self, area) -> None:
        """Assign the area and copy its path and ancestor ids (and its own id at its own level)."""
        self.area = area
        self.area_path = area.path
        ids = area.ancestor_ids()
        level = LEVEL_FIELD.get(area.kind)
        if level:
            ids[level] = area.pk
        for key, value in ids.items():
            setattr(self, key, value)

    @property
    def audit_area(self):
        return self.area
