"""A generated open-data bundle: when it was made, where the file is, and what it holds."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    generated_at = models.DateTimeField(_("generated at"), db_index=True)
    file_name = models.CharField(_("file"), max_length=200)
    size_bytes = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64)
    # dataset name → number of rows (the contracts package counts releases).
    row_counts = models.JSONField(_("rows"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("open-data publication")
        verbose_name_plural = _("open-data publications")
        ordering = ["-generated_at", "-id"]

    def __str__(self):
        return self.file_name
