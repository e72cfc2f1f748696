"""Users, departments, role assignments scoped to an area or a body, and personal API tokens."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role, ScopeKind


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=[("zh-hans", "简体中文"), ("en", "English")]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


class Department(models.Model):
    """A functional or law-enforcement department (城管, 房管, 公安, 市场监管 …): a case handler and a scope."""

    class Kind(models.TextChoices):
        URBAN_MANAGEMENT = "urban_management", _("urban management and law enforcement")
        HOUSING = "housing", _("housing management")
        PUBLIC_SECURITY = "public_security", _("public security")
        MARKET_REGULATION = "market_regulation", _("market regulation")
        CIVIL_AFFAIRS = "civil_affairs", _("civil affairs")
        ECOLOGY = "ecology", _("ecology and environment")
        FIRE = "fire", _("fire and rescue")
        HEALTH = "health", _("health")
        OTHER = "other", _("other")

    class Level(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        STREET = "street", _("street/town")

    scope_kind = ScopeKind.DEPARTMENT

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area covered"), on_delete=models.PROTECT, related_name="departments"
    )
    uses_platform = models.BooleanField(_("uses the platform"), default=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["area__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="department_unique_name_in_area")
        ]

    def __str__(self):
        return self.name

    @property
    def audit_area(self):
        return self.area


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now)
        )


class RoleAssignment(models.Model):
    """A role given to a user for a scope: an area (and its subtree) or one body (a typed reference)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    scope_kind = models.CharField(
        _("scope kind"), max_length=24, choices=ScopeKind.choices, default=ScopeKind.AREA
    )
    # The body's id for body scopes; the area's id for area scopes (kept equal to area_id then).
    scope_id = models.BigIntegerField(_("scope id"))
    # For area scopes: the area. For body scopes: the body's area, copied at grant time, so that
    # "within my scope" checks and area filters need no join to the body's table.
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_label = models.CharField(_("scope"), max_length=120, blank=True)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_kind", "scope_id"],
                condition=Q(revoked_at__isnull=True),
                name="roleassignment_one_active",
            )
        ]
        indexes = [models.Index(fields=["scope_kind", "scope_id", "role"], name="roleassignment_scope")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def audit_area(self):
        return self.area


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the token is shown once at creation."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
