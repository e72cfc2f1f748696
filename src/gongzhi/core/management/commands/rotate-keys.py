"""Re-encrypt every personal-data field with the newest key of GONGZHI_FIELD_KEYS.

Key rotation: put the new key FIRST in GONGZHI_FIELD_KEYS (keeping the old ones after it), restart,
run `gongzhi rotate-keys`, then remove the old keys. Tokens are rotated as tokens (MultiFernet.rotate):
plain values are never built and the keyed hashes do not change.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Cast

from gongzhi.core import audit, pii


class Command(BaseCommand):
    help = "Re-encrypt personal data with the first key in GONGZHI_FIELD_KEYS (run after adding a key)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="rows per transaction")

    def handle(self, *args, batch, **options):
        pii.reset_key_cache()
        total = rotate_all(batch=max(1, batch))
        self.stdout.write(f"re-encrypted {total} values")


def models_with_pii():
    """(model, fields) for every concrete model table holding encrypted fields."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = pii.pii_fields(model)
        if fields:
            yield model, fields


def _token(field):
    """The stored token as plain text: a Cast has a TextField output, so nothing is decrypted."""
    return Cast(field.attname, output_field=TextField())


def _raw_rows(model, fields, after, batch) -> list[tuple]:
    """Up to `batch` rows (pk, token, token, …) with primary keys above `after` (None: from the start)."""
    qs = model._base_manager.order_by("pk")
    if after is not None:
        qs = qs.filter(pk__gt=after)
    tokens = {f"_tok_{f.attname}": _token(f) for f in fields}
    return list(qs.annotate(**tokens).values_list("pk", *tokens)[:batch])


def _rotate_batch(model, fields, rows) -> int:
    """One UPDATE per field for the batch, writing rotated tokens; returns how many were rotated."""
    count = 0
    for i, field in enumerate(fields, start=1):
        whens = [When(pk=row[0], then=Value(pii.rotate(row[i]))) for row in rows if row[i]]
        if not whens:
            continue
        model._base_manager.filter(pk__in=[row[0] for row in rows if row[i]]).update(
            **{field.attname: Case(*whens, default=F(field.attname), output_field=TextField())}
        )
        count += len(whens)
    return count


def rotate_all(batch=1000) -> int:
    """Rotate every stored token in batches of `batch` rows, one transaction each; audited once."""
    total = 0
    for model, fields in models_with_pii():
        last = None
        while True:
            with transaction.atomic(using=model._base_manager.db):
                rows = _raw_rows(model, fields, last, batch)
                if not rows:
                    break
                total += _rotate_batch(model, fields, rows)
            last = rows[-1][0]
    audit.record(None, "pii.keys_rotated", details={"values": total})
    return total
