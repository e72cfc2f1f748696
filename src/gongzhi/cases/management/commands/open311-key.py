"""`gongzhi open311-key create --name NAME [--jurisdiction CODE]` prints a new Open311 API key once;
`gongzhi open311-key list` and `gongzhi open311-key revoke PREFIX` manage them."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from gongzhi.areas.models import Area
from gongzhi.cases.models import Open311Key
from gongzhi.cases.open311 import keys


class Command(BaseCommand):
    help = "Create, list or revoke Open311 API keys (only a SHA-256 digest of each key is stored)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key and print it once")
        create.add_argument("--name", required=True, help="who uses the key (an app, a partner)")
        create.add_argument(
            "--jurisdiction", help="statistical code or GB/T 2260 code of the area it may post in"
        )
        sub.add_parser("list", help="list keys (prefixes only)")
        revoke = sub.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            area = None
            code = options.get("jurisdiction")
            if code:
                area = Area.objects.filter(Q(stat_code=code) | Q(gb2260=code)).first()
                if area is None:
                    raise CommandError(f"no area with code {code}")
            try:
                row, key = keys.create_key(actor=None, name=options["name"], jurisdiction=area)
            except ValidationError as exc:
                raise CommandError("; ".join(m for ms in exc.message_dict.values() for m in ms)) from exc
            self.stdout.write(key)
            self.stderr.write(
                f"Open311 key {row.name!r} ({row.prefix}…) created; it is shown only this once."
            )
        elif action == "list":
            for row in Open311Key.objects.select_related("jurisdiction").order_by("created_at"):
                state = "revoked" if row.revoked_at else "active"
                where = row.jurisdiction.name if row.jurisdiction_id else "-"
                self.stdout.write(f"{row.prefix}…\t{row.name}\t{where}\t{state}")
        else:
            row = Open311Key.objects.filter(prefix=options["prefix"][:12], revoked_at__isnull=True).first()
            if row is None:
                raise CommandError("no active key with that prefix")
            keys.revoke_key(actor=None, key=row)
            self.stdout.write(f"revoked {row.prefix}…")
