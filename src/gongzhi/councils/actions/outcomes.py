"""Resolutions and their action items tracked to completion; co-construction agreements (共建契约).

A passed motion becomes a resolution by itself (votes.close_voting); a decision taken without a vote
(by consensus, recorded in the minutes) is recorded here. Each resolution has action items with an
owner (a person, unit, organization, department or committee, optionally with the responsible
account), a due date, a status and progress with dated updates and evidence. `gongzhi sweep` flags
overdue items and reminds their owners once a day ("councils.action_items"), and expires agreements
whose period has ended ("councils.agreements").
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area
from gongzhi.core import audit, events, policy, sweeps, workitems

from .. import figures, visibility
from ..models import (
    ActionItem,
    ActionUpdate,
    Agreement,
    AgreementItem,
    Council,
    DeliveryRecord,
    Meeting,
    Resolution,
)
from . import MANAGE

for _verb, _label in [
    ("resolution.recorded", gettext_lazy("resolution recorded")),
    ("action_item.added", gettext_lazy("action item added")),
    ("action_item.updated", gettext_lazy("action item changed")),
    ("action_item.progress", gettext_lazy("action item progress reported")),
    ("action_item.cancelled", gettext_lazy("action item cancelled")),
    ("action_items.swept", gettext_lazy("overdue action items flagged and owners reminded")),
    ("agreement.created", gettext_lazy("co-construction agreement drafted")),
    ("agreement.signed", gettext_lazy("co-construction agreement signed")),
    ("agreement.delivery", gettext_lazy("delivery recorded on an agreement")),
    ("agreement.renewed", gettext_lazy("co-construction agreement renewed")),
    ("agreement.terminated", gettext_lazy("co-construction agreement terminated")),
    ("agreements.expired", gettext_lazy("co-construction agreements expired")),
]:
    audit.register_verb(_verb, _label)


def _user(value, field):
    if value in (None, ""):
        return None
    if isinstance(value, User):
        return value
    try:
        return User.objects.get(pk=int(value), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError):
        raise ValidationError({field: _("No active user has this id.")}) from None


def _text(value, field, message, max_length=None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if max_length and len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return value


def _date(value, field) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError({field: _("Give a date.")})
    return value


# --- resolutions -------------------------------------------------------------------------------------
def can_manage_resolution(user, resolution: Resolution) -> bool:
    return visibility.can_manage(user, resolution.council)


@transaction.atomic
def record_resolution(
    *, actor, council: Council, title, text, decided_on, meeting: Meeting | None = None, is_public=True
) -> Resolution:
    """A decision taken without a vote (by consensus, as the minutes record)."""
    council = Council.objects.select_related("area").get(pk=council.pk)
    if not visibility.can_manage(actor, council):
        raise PermissionDenied(MANAGE)
    if meeting is not None and meeting.council_id != council.pk:
        raise ValidationError({"meeting": _("The meeting belongs to another council.")})
    resolution = Resolution(
        council=council,
        meeting=meeting,
        title=_text(title, "title", _("Give the resolution a title."), 200),
        text=_text(text, "text", _("Write what was resolved.")),
        decided_on=_date(decided_on, "decided_on"),
        is_public=bool(is_public) and council.is_public,
        is_demo=council.is_demo,
    )
    resolution.set_area(meeting.area if meeting is not None else council.area)
    resolution.save()
    audit.record(actor, "resolution.recorded", resolution, details={"council": council.pk})
    events.publish("resolution.recorded", resolution_id=resolution.pk)
    return resolution


# --- action items ------------------------------------------------------------------------------------
def can_report_progress(user, item: ActionItem) -> bool:
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return item.owner_user_id == user.pk or visibility.can_manage(user, item.resolution.council)


def _check_owner(owner_kind, owner_label) -> None:
    if owner_kind not in ActionItem.OwnerKind.values:
        raise ValidationError(
            {
                "owner_kind": _(
                    "Choose who owns the action: a person, unit, organization, department or committee."
                )
            }
        )
    if not (owner_label or "").strip():
        raise ValidationError({"owner_label": _("Name the owner of the action.")})


@transaction.atomic
def add_action_item(
    *, actor, resolution: Resolution, title, owner_kind, owner_label, due_on, owner_id=None, owner_user=None
) -> ActionItem:
    resolution = Resolution.objects.select_related("council", "area").get(pk=resolution.pk)
    if not can_manage_resolution(actor, resolution):
        raise PermissionDenied(MANAGE)
    _check_owner(owner_kind, owner_label)
    due_on = _date(due_on, "due_on")
    if due_on < resolution.decided_on:
        raise ValidationError({"due_on": _("The due date cannot be before the resolution was taken.")})
    item = ActionItem(
        resolution=resolution,
        title=_text(title, "title", _("Say what is to be done."), 200),
        owner_kind=owner_kind,
        owner_id=owner_id,
        owner_label=owner_label.strip()[:120],
        owner_user=_user(owner_user, "owner_user"),
        due_on=due_on,
        is_overdue=due_on < timezone.localdate(),
    )
    item.set_area(resolution.area)
    item.save()
    audit.record(actor, "action_item.added", item, details={"resolution": resolution.pk, "due_on": due_on})
    events.publish("action_item.changed", changes=[(None, figures.item_snapshot(item))])
    return item


@transaction.atomic
def update_action_item(*, actor, item: ActionItem, **changes) -> ActionItem:
    """Change owner or due date (managers); progress is reported with report_progress."""
    item = ActionItem.objects.select_for_update().select_related("resolution__council").get(pk=item.pk)
    if not can_manage_resolution(actor, item.resolution):
        raise PermissionDenied(MANAGE)
    if item.status in (ActionItem.Status.DONE, ActionItem.Status.CANCELLED):
        raise ValidationError({"status": _("The action is finished; it can no longer be changed.")})
    before = figures.item_snapshot(item)
    changed = []
    for key in ("title", "owner_kind", "owner_id", "owner_label", "owner_user", "due_on"):
        if key not in changes or changes[key] is None and key not in ("owner_id", "owner_user"):
            continue
        value = changes[key]
        if key == "owner_user":
            value = _user(value, "owner_user")
        if key == "due_on":
            value = _date(value, "due_on")
        if getattr(item, key) != value:
            setattr(item, key, value)
            changed.append(key)
    _check_owner(item.owner_kind, item.owner_label)
    item.title = _text(item.title, "title", _("Say what is to be done."), 200)
    item.is_overdue = item.due_on < timezone.localdate()
    item.save()
    audit.record(actor, "action_item.updated", item, details={"changed": changed})
    events.publish("action_item.changed", changes=[(before, figures.item_snapshot(item))])
    return item


@transaction.atomic
def report_progress(*, actor, item: ActionItem, progress, note, evidence=None) -> ActionUpdate:
    """The owner (or a manager) reports progress; 100% completes the action."""
    item = ActionItem.objects.select_for_update().select_related("resolution__council").get(pk=item.pk)
    if not can_report_progress(actor, item):
        raise PermissionDenied(MANAGE)
    if item.status in (ActionItem.Status.DONE, ActionItem.Status.CANCELLED):
        raise ValidationError({"progress": _("The action is finished; no more progress can be reported.")})
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise ValidationError({"progress": _("Progress is a whole percentage from 0 to 100.")}) from None
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress is a whole percentage from 0 to 100.")})
    if progress < item.progress:
        raise ValidationError(
            {
                "progress": _("Progress cannot go back (it was %(n)d%%); explain a setback in the note.")
                % {"n": item.progress}
            }
        )
    note = _text(note, "note", _("Say what was done."))
    update = ActionUpdate(
        item=item, progress=progress, note=note, created_by=actor if getattr(actor, "pk", None) else None
    )
    if evidence:
        update.evidence = evidence
    update.save()
    before = figures.item_snapshot(item)
    today = timezone.localdate()
    item.progress = progress
    if progress == 100:
        item.status = ActionItem.Status.DONE
        item.completed_on = today
        item.is_overdue = False
    else:
        item.status = ActionItem.Status.IN_PROGRESS if progress > 0 else item.status
        item.is_overdue = item.due_on < today
    item.save()
    audit.record(actor, "action_item.progress", item, details={"progress": progress, "update": update.pk})
    events.publish("action_item.changed", changes=[(before, figures.item_snapshot(item))])
    return update


@transaction.atomic
def cancel_action_item(*, actor, item: ActionItem, reason) -> ActionItem:
    item = ActionItem.objects.select_for_update().select_related("resolution__council").get(pk=item.pk)
    if not can_manage_resolution(actor, item.resolution):
        raise PermissionDenied(MANAGE)
    reason = _text(reason, "reason", _("Say why the action is cancelled."))
    if item.status in (ActionItem.Status.DONE, ActionItem.Status.CANCELLED):
        raise ValidationError({"status": _("The action is already finished.")})
    before = figures.item_snapshot(item)
    item.status = ActionItem.Status.CANCELLED
    item.is_overdue = False
    item.save()
    ActionUpdate.objects.create(
        item=item,
        progress=item.progress,
        note=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "action_item.cancelled", item, details={"reason": reason})
    events.publish("action_item.changed", changes=[(before, figures.item_snapshot(item))])
    return item


UNFINISHED = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)


@sweeps.register("councils.action_items")
def sweep_action_items(now=None) -> dict:
    """Flag overdue actions (and unflag ones whose date moved) and remind each owner at most once a day."""
    from gongzhi.notices.actions import notify

    now = now or timezone.now()
    today = timezone.localdate(now)
    day_start = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_current_timezone())
    with transaction.atomic():
        to_flag = ActionItem.objects.filter(status__in=UNFINISHED, due_on__lt=today, is_overdue=False)
        to_clear = ActionItem.objects.filter(is_overdue=True).filter(
            ~Q(status__in=UNFINISHED) | Q(due_on__gte=today)
        )
        toggled = [*to_flag.select_related("resolution"), *to_clear.select_related("resolution")]
        changes = [(s, {**s, "overdue": not s["overdue"]}) for s in map(figures.item_snapshot, toggled)]
        flagged = to_flag.update(is_overdue=True)
        ActionItem.objects.filter(pk__in=[i.pk for i in toggled], is_overdue=True).filter(
            ~Q(status__in=UNFINISHED) | Q(due_on__gte=today)
        ).update(is_overdue=False)
        if changes:
            events.publish("action_item.changed", changes=changes)
        due = list(
            ActionItem.objects.select_for_update()
            .filter(status__in=UNFINISHED, is_overdue=True, owner_user__isnull=False)
            .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=day_start))
            .order_by("owner_user_id", "id")
        )
        by_owner: dict[int, list[ActionItem]] = {}
        for item in due:
            by_owner.setdefault(item.owner_user_id, []).append(item)
        for owner_id, items in by_owner.items():
            titles = "\n".join(f"· {i.title} ({i.due_on.isoformat()})" for i in items)
            notify(
                actor=None,
                recipients=[owner_id],
                kind=REMINDER_KIND,
                title=ngettext(
                    "%(n)d action you own is overdue", "%(n)d actions you own are overdue", len(items)
                )
                % {"n": len(items)},
                body=titles,
                url=reverse("councils_outcomes:my_actions"),
            )
        if due:
            ActionItem.objects.filter(pk__in=[i.pk for i in due]).update(last_reminded_at=now)
        if flagged or due:
            audit.record(None, "action_items.swept", None, details={"flagged": flagged, "reminded": len(due)})
    return {"flagged": flagged, "reminded": len(due)}


def _register_kinds():
    from gongzhi.notices.actions import register_kind

    return (
        register_kind("councils.action_overdue", gettext_lazy("overdue action items you own")),
        register_kind("councils.proposal", gettext_lazy("what happened to your proposal")),
    )


REMINDER_KIND, PROPOSAL_KIND = _register_kinds()


@workitems.register
def _my_actions(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    n = ActionItem.objects.filter(owner_user=user, status__in=UNFINISHED).count()
    if not n:
        return []
    label = ngettext("%(n)d resolution action to carry out", "%(n)d resolution actions to carry out", n) % {
        "n": n
    }
    return [workitems.WorkItem(label, n, reverse("councils_outcomes:my_actions"), "councils")]


# --- agreements --------------------------------------------------------------------------------------
def can_manage_agreement(user, agreement_or_area) -> bool:
    area = agreement_or_area if isinstance(agreement_or_area, Area) else agreement_or_area.area
    return policy.can(user, MANAGE, area=area)


def _quantity(value, field) -> Decimal:
    try:
        q = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Give the quantity as a number.")}) from None
    if not q.is_finite():
        raise ValidationError({field: _("Give the quantity as a number.")})
    if q < 0:
        raise ValidationError({field: _("A quantity cannot be negative.")})
    if q != q.quantize(Decimal("0.01")) or q >= Decimal("1e10"):
        raise ValidationError({field: _("A quantity has at most two decimals and ten digits.")})
    return q


def _clean_items(items) -> list[AgreementItem]:
    if not items:
        raise ValidationError({"items": _("An agreement records at least one commitment.")})
    out = []
    for n, raw in enumerate(items):
        field = f"items.{n}"
        side = raw.get("side")
        if side not in AgreementItem.Side.values:
            raise ValidationError(
                {f"{field}.side": _("Say which side commits: the community or the counterparty.")}
            )
        description = _text(
            raw.get("description"), f"{field}.description", _("Describe the commitment."), 200
        )
        quantity = _quantity(raw.get("quantity"), f"{field}.quantity")
        out.append(
            AgreementItem(
                side=side,
                description=description,
                quantity=quantity,
                unit=(raw.get("unit") or "").strip()[:20],
                period=(raw.get("period") or "").strip()[:40],
            )
        )
    if not any(i.side == AgreementItem.Side.COUNTERPARTY for i in out):
        raise ValidationError(
            {"items": _("An agreement records at least one commitment of the counterparty.")}
        )
    return out


def _check_agreement(a: Agreement) -> None:
    if a.counterparty_kind not in Agreement.Party.values:
        raise ValidationError({"counterparty_kind": _("Choose the kind of counterparty.")})
    a.title = _text(a.title, "title", _("Give the agreement a title."), 200)
    a.counterparty_label = _text(a.counterparty_label, "counterparty_label", _("Name the counterparty."), 120)
    a.community_signatory = _text(
        a.community_signatory, "community_signatory", _("Name who signs for the community."), 60
    )
    a.counterparty_signatory = _text(
        a.counterparty_signatory, "counterparty_signatory", _("Name who signs for the counterparty."), 60
    )
    _date(a.starts_on, "starts_on")
    _date(a.ends_on, "ends_on")
    if a.ends_on < a.starts_on:
        raise ValidationError({"ends_on": _("The agreement cannot end before it starts.")})


AGREEMENT_FIELDS = ("counterparty_id", "community_signatory", "counterparty_signatory")


@transaction.atomic
def create_agreement(
    *, actor, area, title, counterparty_kind, counterparty_label, starts_on, ends_on, items, **fields
) -> Agreement:
    """Draft an agreement with its commitments (each side's items with quantity and period)."""
    if not isinstance(area, Area):
        area = Area.objects.filter(pk=area).first() if str(area).isdigit() else None
        if area is None:
            raise ValidationError({"area": _("Choose an existing area.")})
    policy.require(actor, MANAGE, area=area)
    agreement = Agreement(
        title=title,
        counterparty_kind=counterparty_kind,
        counterparty_label=counterparty_label,
        community_signatory=fields.get("community_signatory") or "",
        counterparty_signatory=fields.get("counterparty_signatory") or "",
        counterparty_id=fields.get("counterparty_id"),
        starts_on=starts_on,
        ends_on=ends_on,
        is_demo=bool(fields.get("is_demo", False)),
    )
    agreement.set_area(area)
    _check_agreement(agreement)
    rows = _clean_items(items)  # all checked before anything is written
    agreement.save()
    for row in rows:
        row.agreement = agreement
    AgreementItem.objects.bulk_create(rows)
    audit.record(actor, "agreement.created", agreement, details={"items": len(rows)})
    return agreement


@transaction.atomic
def sign_agreement(*, actor, agreement: Agreement, signed_on) -> Agreement:
    agreement = Agreement.objects.select_for_update().select_related("area").get(pk=agreement.pk)
    if not can_manage_agreement(actor, agreement):
        raise PermissionDenied(MANAGE)
    if agreement.state != Agreement.State.DRAFT:
        raise ValidationError({"state": _("Only a draft agreement can be signed.")})
    signed_on = _date(signed_on, "signed_on")
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    agreement.signed_on = signed_on
    agreement.state = (
        Agreement.State.EXPIRED if agreement.ends_on < timezone.localdate() else Agreement.State.ACTIVE
    )
    agreement.save()
    if agreement.renewal_of_id:
        Agreement.objects.filter(pk=agreement.renewal_of_id).update(state=Agreement.State.RENEWED)
    audit.record(actor, "agreement.signed", agreement, details={"signed_on": signed_on})
    return agreement


@transaction.atomic
def record_delivery(
    *, actor, item: AgreementItem, delivered_on, quantity, note="", evidence=None
) -> DeliveryRecord:
    item = AgreementItem.objects.select_related("agreement", "agreement__area").get(pk=item.pk)
    agreement = Agreement.objects.select_for_update().get(pk=item.agreement_id)
    if not can_manage_agreement(actor, item.agreement):
        raise PermissionDenied(MANAGE)
    if agreement.state not in (Agreement.State.ACTIVE, Agreement.State.EXPIRED, Agreement.State.RENEWED):
        raise ValidationError({"item": _("Deliveries are recorded on a signed agreement.")})
    delivered_on = _date(delivered_on, "delivered_on")
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("A delivery cannot be dated in the future.")})
    if delivered_on < agreement.starts_on or delivered_on > agreement.ends_on:
        raise ValidationError({"delivered_on": _("The delivery date is outside the agreement's period.")})
    quantity = _quantity(quantity, "quantity")
    if quantity == 0:
        raise ValidationError({"quantity": _("A delivery has a quantity above zero.")})
    record = DeliveryRecord(
        item=item,
        delivered_on=delivered_on,
        quantity=quantity,
        note=(note or "").strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if evidence:
        record.evidence = evidence
    record.save()
    audit.record(
        actor,
        "agreement.delivery",
        agreement,
        details={"item": item.pk, "quantity": quantity, "record": record.pk},
    )
    return record


@transaction.atomic
def renew_agreement(*, actor, agreement: Agreement, starts_on, ends_on) -> Agreement:
    """A draft for the next period with the same commitments; signing it marks the old one renewed."""
    agreement = Agreement.objects.select_for_update().select_related("area").get(pk=agreement.pk)
    if not can_manage_agreement(actor, agreement):
        raise PermissionDenied(MANAGE)
    if agreement.state not in (Agreement.State.ACTIVE, Agreement.State.EXPIRED):
        raise ValidationError({"state": _("Only an agreement in force or expired can be renewed.")})
    if Agreement.objects.filter(renewal_of=agreement).exists():
        raise ValidationError({"state": _("This agreement has already been renewed.")})
    starts_on, ends_on = _date(starts_on, "starts_on"), _date(ends_on, "ends_on")
    if starts_on <= agreement.starts_on:
        raise ValidationError({"starts_on": _("The renewal starts after the current agreement started.")})
    new = Agreement(
        title=agreement.title,
        counterparty_kind=agreement.counterparty_kind,
        counterparty_id=agreement.counterparty_id,
        counterparty_label=agreement.counterparty_label,
        community_signatory=agreement.community_signatory,
        counterparty_signatory=agreement.counterparty_signatory,
        starts_on=starts_on,
        ends_on=ends_on,
        renewal_of=agreement,
        is_demo=agreement.is_demo,
    )
    new.set_area(agreement.area)
    _check_agreement(new)
    new.save()
    AgreementItem.objects.bulk_create(
        [
            AgreementItem(
                agreement=new,
                side=i.side,
                description=i.description,
                quantity=i.quantity,
                unit=i.unit,
                period=i.period,
            )
            for i in agreement.items.all()
        ]
    )
    audit.record(actor, "agreement.renewed", agreement, details={"renewal": new.pk})
    return new


@transaction.atomic
def terminate_agreement(*, actor, agreement: Agreement, reason) -> Agreement:
    agreement = Agreement.objects.select_for_update().select_related("area").get(pk=agreement.pk)
    if not can_manage_agreement(actor, agreement):
        raise PermissionDenied(MANAGE)
    reason = _text(reason, "reason", _("Say why the agreement ends early."))
    if agreement.state not in (Agreement.State.DRAFT, Agreement.State.ACTIVE):
        raise ValidationError({"state": _("Only a draft or an agreement in force can be terminated.")})
    agreement.state = Agreement.State.TERMINATED
    agreement.save(update_fields=["state"])
    audit.record(actor, "agreement.terminated", agreement, details={"reason": reason})
    return agreement


@sweeps.register("councils.agreements")
def sweep_agreements(now=None) -> int:
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        ids = list(
            Agreement.objects.filter(state=Agreement.State.ACTIVE, ends_on__lt=today).values_list(
                "id", flat=True
            )
        )
        if ids:
            Agreement.objects.filter(pk__in=ids).update(state=Agreement.State.EXPIRED)
            audit.record(None, "agreements.expired", None, details={"agreements": ids})
    return len(ids)
