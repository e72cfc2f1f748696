"""Personal data (PIPL): encrypted ID-number and phone fields, keyed hashes, validation and masking.

- Values are stored as Fernet tokens (MultiFernet over GONGZHI_FIELD_KEYS, newest key first).
- Beside each value a keyed hash (HMAC-SHA256 with the separate GONGZHI_HASH_KEY) is set the moment the
  value is assigned; exact look-ups and duplicate checks use it (`by_id_number()`, `by_phone()`).
- Any ORM look-up on the encrypted column itself raises FieldError: there is no partial search.
- Masks: ID numbers keep the first and last four characters, phones the first three and last four digits.
- A log filter and an exception-reporter filter keep plain values out of logs and error reports.
"""

import base64
import hashlib
import hmac
import logging
import re
import unicodedata
from functools import cache

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.signals import setting_changed
from django.db import models
from django.db.models.expressions import Combinable
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import class_prepared
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.views.debug import SafeExceptionReporterFilter
from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric

ID_NUMBER = "id_number"
PHONE = "phone"
KEY_SETTINGS = {"FIELD_KEYS", "HASH_KEY", "SECRET_KEY"}


# --- keys -------------------------------------------------------------------------------------------
def _derived_key(purpose: str) -> bytes:
    """Embedded mode only: keys derived from SECRET_KEY (start-up refuses this with DEBUG off)."""
    return hashlib.sha256(f"gongzhi:{purpose}:{settings.SECRET_KEY}".encode()).digest()


def field_keys() -> list[bytes]:
    """The configured Fernet keys, newest first; the derived embedded key when none is configured."""
    keys = settings.FIELD_KEYS or [base64.urlsafe_b64encode(_derived_key("field")).decode()]
    return [k.encode() if isinstance(k, str) else k for k in keys]


@cache
def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in field_keys()])
    except (ValueError, TypeError) as exc:  # do not echo the key itself
        raise ImproperlyConfigured("GONGZHI_FIELD_KEYS holds a key that is not a valid Fernet key") from exc


@cache
def _hash_key() -> bytes:
    return settings.HASH_KEY.encode() if settings.HASH_KEY else _derived_key("hash")


def reset_key_cache() -> None:
    """Forget the cached keys (after the key settings change, e.g. before `rotate-keys`)."""
    _fernet.cache_clear()
    _hash_key.cache_clear()


@receiver(setting_changed)
def _on_setting_changed(*, setting, **kwargs):
    # override_settings in tests, and anything else that swaps settings at run time.
    if setting in KEY_SETTINGS:
        reset_key_cache()


def encrypt(value: str) -> str:
    """A Fernet token for `value`, encrypted with the newest key."""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain value of a token encrypted with any configured key; ValueError otherwise."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key was removed before rotation finished, or the value is corrupt
        raise ValueError("personal data cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token with the newest key (its plain value never leaves this function)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("personal data cannot be decrypted with the configured keys") from exc


# --- normalization and validation -------------------------------------------------------------------
def normalize_id_number(value: str) -> str:
    """Compact, upper-case form: full-width characters folded, spaces and dashes removed, x → X."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return ric.compact(re.sub(r"[\s-]", "", text)).upper()


def _id_number_message(exc: Exception) -> str:
    if isinstance(exc, stdnum_exc.InvalidLength):
        return _("A resident ID number has 18 characters.")
    if isinstance(exc, stdnum_exc.InvalidFormat):
        return _("A resident ID number has 17 digits followed by a digit or X.")
    if isinstance(exc, stdnum_exc.InvalidComponent):
        return _("The date of birth in this ID number is not a real date.")
    return _("This ID number is not valid: its check digit does not match.")


def validate_id_number(value: str) -> str:
    """Return the compact ID number or raise a ValidationError that says what is wrong."""
    try:
        return ric.validate(normalize_id_number(value)).upper()
    except stdnum_exc.ValidationError as exc:
        raise ValidationError(_id_number_message(exc), code="invalid_id_number") from exc


def _parse_phone(value: str):
    """A valid phonenumbers object (numbers without a country code are Chinese), or ValidationError."""
    message = _("Enter a valid phone number, such as 13812345678 or 021-12345678.")
    try:
        parsed = phonenumbers.parse(str(value or ""), "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(message, code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(message, code="invalid_phone")
    return parsed


def normalize_phone(value: str) -> str:
    """E.164 form (+8613812345678); raises ValidationError for an invalid number."""
    return phonenumbers.format_number(_parse_phone(value), phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> str:
    return normalize_phone(value)


VALIDATORS = {ID_NUMBER: validate_id_number, PHONE: validate_phone}


def keyed_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 of the normalized value: the only way to find or deduplicate personal data."""
    normalized = normalize_id_number(value) if kind == ID_NUMBER else _phone_for_hash(value)
    return hmac.new(_hash_key(), f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


def _phone_for_hash(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError:
        return re.sub(r"\D", "", str(value or ""))


# --- masking ----------------------------------------------------------------------------------------
def _stars(text: str, head: int, tail: int) -> str:
    """Keep `head` leading and `tail` trailing characters; everything is starred when too short."""
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def mask_id_number(value: str | None) -> str:
    """3101**********123X: the first four and the last four characters."""
    return _stars(normalize_id_number(value), 4, 4) if value else ""


def mask_phone(value: str | None) -> str:
    """138****5678 for mobiles, 021****5678 for landlines, +852 912****78-style abroad."""
    if not value:
        return ""
    try:
        parsed = _parse_phone(value)
    except ValidationError:
        return _stars(re.sub(r"\D", "", str(value)), 3, 4)
    national = str(parsed.national_number)
    if parsed.country_code != 86:
        return f"+{parsed.country_code} " + _stars(national, 3, 2)
    if not national.startswith("1"):
        national = "0" + national  # a landline is written with its trunk prefix: 021…
    return _stars(national, 3, 4)


MASKERS = {ID_NUMBER: mask_id_number, PHONE: mask_phone}


def mask(kind: str, value: str | None) -> str:
    return MASKERS[kind](value)


# --- the model field --------------------------------------------------------------------------------
class _PIIDescriptor(DeferredAttribute):
    """Sets the companion hash column whenever the value is assigned, so no code path leaves it stale.

    Reading a deferred value loads it like any deferred field.
    """

    def __set__(self, instance, value):
        if value is not None and not isinstance(value, str):
            value = str(value)
        if value == "":
            value = None
        instance.__dict__[self.field.attname] = value
        instance.__dict__[self.field.hash_field] = keyed_hash(self.field.kind, value) if value else None


class _HashDescriptor(DeferredAttribute):
    """The hash column follows its value: once the value is in memory, assignments to the hash are
    ignored (Model.__init__ would otherwise reset it to its default right after the value set it)."""

    def __init__(self, field, value_attname: str):
        super().__init__(field)
        self.value_attname = value_attname

    def __set__(self, instance, value):
        if self.value_attname in instance.__dict__:
            return
        instance.__dict__[self.field.attname] = value


@receiver(class_prepared)
def _guard_hash_columns(sender, **kwargs):
    """Once every field of a model is in place, make each hash column follow its encrypted value."""
    for field in sender._meta.local_concrete_fields:
        if isinstance(field, EncryptedPIIField):
            hash_field = sender._meta.get_field(field.hash_field)
            setattr(sender, hash_field.attname, _HashDescriptor(hash_field, field.attname))


class EncryptedPIIField(models.TextField):
    """Stores a Fernet token; the plain value lives only in memory. Look-ups go through the hash column."""

    descriptor_class = _PIIDescriptor

    def __init__(self, *args, kind: str = ID_NUMBER, hash_field: str = "", **kwargs):
        if kind not in MASKERS:
            raise ValueError(f"unknown personal-data kind {kind!r}")
        self.kind = kind
        self.hash_field = hash_field
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        # full_clean() checks the value with python-stdnum / phonenumbers (not part of deconstruct()).
        self.default_validators = [VALIDATORS[kind]]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        kwargs["hash_field"] = self.hash_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, **kwargs):
        if not self.hash_field:
            self.hash_field = f"{name}_hash"
        super().contribute_to_class(cls, name, **kwargs)

    def get_lookup(self, lookup_name):
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: look it up with its keyed hash "
            f"({self.hash_field}), e.g. through by_id_number() / by_phone()"
        )

    def get_transform(self, name):
        return self.get_lookup(name)

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else None

    def formfield(self, **kwargs):
        return None  # forms declare their own validated fields; never render ciphertext


def hash_column(**kwargs) -> models.CharField:
    return models.CharField(max_length=64, null=True, blank=True, editable=False, db_index=True, **kwargs)


def pii_fields(model) -> list[EncryptedPIIField]:
    """The encrypted fields stored in `model`'s own table."""
    return [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedPIIField)]


class PIIQuerySet(models.QuerySet):
    """Adds hash look-ups and keeps bulk_update() and update() honest about the hash columns."""

    def _field_of(self, kind: str) -> EncryptedPIIField:
        for f in self.model._meta.concrete_fields:
            if isinstance(f, EncryptedPIIField) and f.kind == kind:
                return f
        raise FieldError(f"{self.model.__name__} has no encrypted {kind} field")

    def _by(self, kind: str, values) -> "PIIQuerySet":
        field = self._field_of(kind)
        hashes = {keyed_hash(kind, v) for v in values if v}
        return self.filter(**{f"{field.hash_field}__in": hashes}) if hashes else self.none()

    def by_id_number(self, value: str):
        """Rows whose ID number equals `value` (any spacing or x/X)."""
        return self._by(ID_NUMBER, [value])

    def by_phone(self, value: str):
        """Rows whose phone equals `value` (with or without +86, spaces or dashes)."""
        return self._by(PHONE, [value])

    def by_id_numbers(self, values):
        """Rows with any of the ID numbers: one query to find duplicates in an import."""
        return self._by(ID_NUMBER, values)

    def by_phones(self, values):
        return self._by(PHONE, values)

    def bulk_update(self, objs, fields, *args, **kwargs):
        fields = list(fields)
        for f in pii_fields(self.model):
            if f.name in fields and f.hash_field not in fields:
                fields.append(f.hash_field)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        for f in pii_fields(self.model):
            if f.name in kwargs and f.hash_field not in kwargs:
                value = kwargs[f.name]
                if isinstance(value, Combinable):
                    raise FieldError(
                        f"{f.name} is encrypted: update it with a plain value, not an expression"
                    )
                kwargs[f.hash_field] = keyed_hash(f.kind, value) if value else None
        return super().update(**kwargs)


# --- keeping personal data out of logs and error reports -------------------------------------------
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<![\d+])(\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
SENSITIVE_NAMES = re.compile(
    r"id_number|id_card|phone|mobile|password|token|secret|身份证|电话|手机", flags=re.IGNORECASE
)


def scrub(text: str) -> str:
    """Mask every ID number and mobile number found in free text (log lines, error reports)."""
    text = _ID_RE.sub(lambda m: m.group(1)[:4] + "**********" + m.group(3)[-4:], text)
    return _PHONE_RE.sub(lambda m: m.group(2) + "****" + m.group(4), text)


class MaskPIILogFilter(logging.Filter):
    """Rewrites a record's message and traceback text with personal data masked."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not break logging
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when set, so the scrubbed traceback is what gets written.
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class PIISafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (debug page, admin e-mails) hide personal data in settings, POST, META and locals."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|AUTHORIZATION|ID_NUMBER|PHONE|FIELD_KEYS",
        flags=re.I,
    )

    def _cleanse_value(self, name, value):
        if SENSITIVE_NAMES.search(str(name)):
            return self.cleansed_substitute
        return scrub(value) if isinstance(value, str) else value

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if request is None or not hasattr(params, "getlist"):
            return params
        params = params.copy()
        for key in list(params):
            params.setlist(key, [self._cleanse_value(key, v) for v in params.getlist(key)])
        return params

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {k: self._cleanse_value(k, v) for k, v in meta.items()}

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self._cleanse_value(name, value)) for name, value in variables]
