"""Core tables: the audit log, the official calendar, rollups of figures, and import jobs."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing an action did: who, which verb, to what, when, with details as JSON."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(_("verb"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The area the object belongs to, as id and path, so the log can be filtered by subtree without a join.
    area_id = models.BigIntegerField(null=True, blank=True)
    area_path = models.CharField(max_length=64, blank=True, default="")
    group_id = models.UUIDField(_("group"), default=uuid.uuid4, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["area_path", "created_at"], name="audit_area_time"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            models.Index(fields=["object_type", "object_id", "created_at"], name="audit_object_time"),
        ]

    def __str__(self):
        return f"{self.verb} {self.object_type}:{self.object_id}"


class CalendarYear(models.Model):
    """A year whose official holiday schedule has been entered (seeded or by an administrator)."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=40, default="admin")
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: an official holiday, or an adjusted working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("official holiday")
        WORKDAY = "workday", _("adjusted working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.kind}"


class RollupDelta(models.Model):
    """A change to a figure, appended after an action commits; `gongzhi sweep` folds these."""

    area_id = models.BigIntegerField()
    period = models.CharField(max_length=7)  # "YYYY-MM"
    figure = models.CharField(max_length=64)
    numerator = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    denominator = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Pages read the pending deltas of a few figures (the probe: by figure and period) or of an
        # area's subtree (grouped by area): without these the reads scan the whole table, which a
        # burst of intake fills with hundreds of thousands of rows until the next fold. Pattern ops:
        # figures are also matched by prefix ("cases.%"), and the database collation is not C.
        indexes = [
            models.Index(fields=["id"], name="rollupdelta_fold"),
            models.Index(
                fields=["figure", "period"],
                name="rollupdelta_figure",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["area_id", "figure"], name="rollupdelta_area", opclasses=["", "varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return f"{self.figure} {self.period} +{self.numerator}/{self.denominator}"


class Rollup(models.Model):
    """A folded figure for an area's whole subtree and one month."""

    area_id = models.BigIntegerField()
    period = models.CharField(max_length=7)
    figure = models.CharField(max_length=64)
    numerator = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    denominator = models.DecimalField(max_digits=20, decimal_places=4, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area_id", "figure", "period"], name="rollup_unique_cell"),
        ]
        indexes = [
            # Dimension figures are read by prefix (figure LIKE 'cases.recv.c.%'): with the pattern
            # operator class PostgreSQL turns the prefix into an index range instead of filtering
            # every row of the area (a city holds millions). Other databases ignore the class.
            models.Index(
                fields=["area_id", "figure", "period"],
                name="rollup_figure_prefix",
                opclasses=["", "varchar_pattern_ops", ""],
            ),
        ]

    def __str__(self):
        return f"{self.figure} {self.period} {self.numerator}/{self.denominator}"


class ImportJob(models.Model):
    """One uploaded file for one importer, with its dry-run or real outcome and row report."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        FAILED = "failed", _("failed")
        CHECKED = "checked", _("checked (dry run)")
        IMPORTED = "imported", _("imported")

    kind = models.CharField(_("importer"), max_length=40)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=200)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row": n, "column": c, "message": m}]
    scope_area_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["created_by", "-id"], name="importjob_user")]

    def __str__(self):
        return f"{self.kind} {self.file_name}"
