"""Re-encrypt every personal-data field with the newest key of GONGZHI_FIELD_KEYS."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from gongzhi.core import audit, pii


class Command(BaseCommand):
    help = "Re-encrypt personal data with the first key in GONGZHI_FIELD_KEYS (run after adding a key)."

    def handle(self, *args, **options):
        pii.reset_key_cache()
        total = rotate_all()
        self.stdout.write(f"re-encrypted {total} values")


def rotate_all(batch=1000) -> int:
    total = 0
    for model in apps.get_models():
        fields = [f for f in model._meta.fields if isinstance(f, pii.EncryptedPIIField)]
        if not fields:
            continue
        last = 0
        while True:
            with transaction.atomic():
                # Read raw tokens so nothing is decrypted into Python objects needlessly.
                rows = list(
                    model.objects.filter(pk__gt=last)
                    .order_by("pk")
                    .values_list("pk", *[f.attname for f in fields])[:batch]
                )
                if not rows:
                    break
                for row in rows:
                    pk, values = row[0], row[1:]
                    # Writing the plain value back encrypts it with the newest key (MultiFernet's first).
                    updates = {f.attname: v for f, v in zip(fields, values, strict=True) if v}
                    if updates:
                        model.objects.filter(pk=pk).update(**updates)
                        total += len(updates)
                last = rows[-1][0]
    audit.record(None, "pii.keys_rotated", details={"values": total})
    return total
