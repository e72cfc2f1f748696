"""The "party_members" importer: members are Persons already on record, found by ID number."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, pii
from gongzhi.core.imports import (
    Column,
    Importer,
    Row,
    choice,
    choice_synonyms,
    parse_date,
    register_importer,
    text,
)
from gongzhi.people.importers import AREA_HELP, AreaResolver
from gongzhi.people.models import Person

from . import permissions as P
from .models import PartyMember, PartyOrganization

STATUS_WORDS = choice_synonyms(
    PartyMember.Status, {"在职": "in_service", "退休": "retired", "离退休": "retired", "流动": "mobile"}
)


@register_importer
class PartyMemberImporter(Importer):
    kind = "party_members"
    label = gettext_lazy("Party members")
    capability = P.ORGANIZE
    columns = [
        Column(
            "id_number",
            "身份证号",
            "id_number",
            True,
            pii.validate_id_number,
            gettext_lazy("The person must already be on record."),
        ),
        Column(
            "organization",
            "所属党组织",
            "organization",
            True,
            text(120),
            gettext_lazy("The party organization's exact name."),
        ),
        Column(
            "status", "党员类别", "status", True, choice(STATUS_WORDS), gettext_lazy("在职, 退休 or 流动.")
        ),
        Column("home_area", "居住地", "home_area", True, text(120), AREA_HELP),
        Column("workplace", "工作单位", "workplace", False, text(120)),
        Column("skills", "特长", "skills", False, text(300)),
        Column("service_wishes", "服务意向", "service_wishes", False, text(300)),
        Column("joined_on", "入党日期", "joined_on", False, parse_date),
    ]

    def __init__(self, actor):
        super().__init__(actor)
        self.resolve = AreaResolver(actor, self.capability)
        self.orgs: dict[str, PartyOrganization | None] = {}
        self.seen: set[int] = set()

    def _org(self, name: str) -> PartyOrganization:
        if name not in self.orgs:
            found = list(PartyOrganization.objects.filter(name=name, is_active=True)[:2])
            self.orgs[name] = found[0] if len(found) == 1 else None
        org = self.orgs[name]
        if org is None:
            raise ValidationError(
                {"organization": _("No single party organization is called %(name)s.") % {"name": name}}
            )
        if not P.can_manage(self.actor, org) if self.actor is not None else False:
            raise ValidationError(
                {"organization": _("You may not add members to %(name)s.") % {"name": name}}
            )
        return org

    def validate_row(self, row: Row):
        v = row.values
        person = Person.objects.by_id_number(v["id_number"]).first()
        if person is None:
            raise ValidationError(
                {"id_number": _("No person with this ID number is on record; import the person first.")}
            )
        if person.pk in self.seen:
            raise ValidationError({"id_number": _("This person appears twice in the file.")})
        self.seen.add(person.pk)
        org = self._org(v["organization"])
        try:
            area = self.resolve(v["home_area"])
        except ValidationError:
            raise ValidationError({"home_area": _("Unknown home area.")}) from None
        self.areas[area.path] = area
        return {"person": person, "org": org, "area": area}

    def check_rows(self, rows):
        ids = {r.prepared["person"].pk: r.number for r in rows}
        return [
            (ids[pid], "id_number", _("This person is already registered as a party member."))
            for pid in PartyMember.objects.filter(person_id__in=ids).values_list("person_id", flat=True)
        ]

    def write(self, rows) -> int:
        objs = []
        for r in rows:
            v, p = r.values, r.prepared
            m = PartyMember(
                person=p["person"],
                organization=p["org"],
                status=v["status"],
                workplace_name=v.get("workplace") or "",
                skills=v.get("skills") or "",
                service_wishes=v.get("service_wishes") or "",
                joined_on=v.get("joined_on"),
            )
            m.set_area(p["area"])
            objs.append(m)
        PartyMember.objects.bulk_create(objs, batch_size=1000)
        audit.record_bulk(self.actor, "party_member.imported", objs)
        return len(objs)
