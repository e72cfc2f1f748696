"""Personal data (PIPL): encrypted ID-number and phone fields, keyed hashes, validation and masking."""

import base64
import hashlib
import hmac
import logging
import re
from functools import cache

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.views.debug import SafeExceptionReporterFilter
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

ID_NUMBER = "id_number"
PHONE = "phone"


# --- keys -------------------------------------------------------------------------------------------
def _derived_key(purpose: str) -> bytes:
    """Embedded mode only: keys derived from SECRET_KEY (start-up refuses this with DEBUG off)."""
    return hashlib.sha256(f"gongzhi:{purpose}:{settings.SECRET_KEY}".encode()).digest()


@cache
def _fernet() -> MultiFernet:
    keys = settings.FIELD_KEYS or [base64.urlsafe_b64encode(_derived_key("field")).decode()]
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


@cache
def _hash_key() -> bytes:
    return settings.HASH_KEY.encode() if settings.HASH_KEY else _derived_key("hash")


def reset_key_cache() -> None:
    _fernet.cache_clear()
    _hash_key.cache_clear()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key was removed before rotation finished
        raise ValueError("personal data cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    return _fernet().rotate(token.encode()).decode()


# --- normalization and validation -------------------------------------------------------------------
def normalize_id_number(value: str) -> str:
    return ric.compact(value or "").upper()


def validate_id_number(value: str) -> str:
    """Return the compact ID number or raise a Chinese-language ValidationError."""
    from django.utils.translation import gettext as _

    try:
        return ric.validate(normalize_id_number(value)).upper()
    except StdnumError as exc:
        raise ValidationError(_("Not a valid resident ID number."), code="invalid_id_number") from exc


def normalize_phone(value: str) -> str:
    """E.164 form; numbers without a country code are taken as Chinese."""
    from django.utils.translation import gettext as _

    try:
        parsed = phonenumbers.parse(value or "", "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Not a valid phone number."), code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("Not a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> str:
    return normalize_phone(value)


NORMALIZERS = {ID_NUMBER: validate_id_number, PHONE: normalize_phone}


def keyed_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 of the normalized value: the only way to find or deduplicate personal data."""
    normalized = normalize_id_number(value) if kind == ID_NUMBER else _phone_for_hash(value)
    return hmac.new(_hash_key(), f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


def _phone_for_hash(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError:
        return re.sub(r"\D", "", value or "")


# --- masking ----------------------------------------------------------------------------------------
def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    value = normalize_id_number(value)
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value[3:] if value.startswith("+86") else value.lstrip("+")
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


MASKERS = {ID_NUMBER: mask_id_number, PHONE: mask_phone}


def mask(kind: str, value: str | None) -> str:
    return MASKERS[kind](value)


# --- the model field --------------------------------------------------------------------------------
class _PIIDescriptor:
    """Sets the companion hash column whenever the value is assigned, so no code path leaves it stale."""

    def __init__(self, field):
        self.field = field

    def __get__(self, instance, owner):
        if instance is None:
            return self
        return instance.__dict__.get(self.field.attname)

    def __set__(self, instance, value):
        if value == "":
            value = None
        instance.__dict__[self.field.attname] = value
        hashed = keyed_hash(self.field.kind, value) if value else None
        instance.__dict__[self.field.hash_field] = hashed


class EncryptedPIIField(models.TextField):
    """Stores a Fernet token; the plain value lives only in memory. Look-ups go through the hash column."""

    def __init__(self, *args, kind: str = ID_NUMBER, hash_field: str = "", **kwargs):
        if kind not in MASKERS:
            raise ValueError(f"unknown personal-data kind {kind!r}")
        self.kind = kind
        self.hash_field = hash_field
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        kwargs["hash_field"] = self.hash_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not self.hash_field:
            self.hash_field = f"{name}_hash"
        setattr(cls, self.attname, _PIIDescriptor(self))

    def get_lookup(self, lookup_name):
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: look it up with its keyed hash "
            f"({self.hash_field}), e.g. through by_id_number() / by_phone()"
        )

    def get_transform(self, name):
        self.get_lookup(name)

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else None

    def formfield(self, **kwargs):
        return None  # forms declare their own validated fields; never render ciphertext


def hash_column(**kwargs) -> models.CharField:
    return models.CharField(max_length=64, null=True, blank=True, editable=False, db_index=True, **kwargs)


class PIIQuerySet(models.QuerySet):
    """Adds hash look-ups and keeps bulk_update honest about the companion hash columns."""

    def _pii_fields(self):
        return [f for f in self.model._meta.fields if isinstance(f, EncryptedPIIField)]

    def by_id_number(self, value: str):
        field = next(f for f in self._pii_fields() if f.kind == ID_NUMBER)
        return self.filter(**{field.hash_field: keyed_hash(ID_NUMBER, value)})

    def by_phone(self, value: str):
        field = next(f for f in self._pii_fields() if f.kind == PHONE)
        return self.filter(**{field.hash_field: keyed_hash(PHONE, value)})

    def bulk_update(self, objs, fields, *args, **kwargs):
        fields = list(fields)
        for f in self._pii_fields():
            if f.name in fields and f.hash_field not in fields:
                fields.append(f.hash_field)
        return super().bulk_update(objs, fields, *args, **kwargs)


# --- keeping personal data out of logs and error reports -------------------------------------------
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<!\d)(\+?86)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def scrub(text: str) -> str:
    text = _ID_RE.sub(lambda m: m.group(1)[:4] + "**********" + m.group(3)[-4:], text)
    return _PHONE_RE.sub(lambda m: m.group(2) + "****" + m.group(4), text)


class MaskPIILogFilter(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not break logging
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class PIISafeExceptionReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|ID_NUMBER|PHONE|FIELD_KEYS", flags=re.I
    )

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if request is None:
            return params
        params = params.copy()
        for key in list(params):
            if re.search(r"id_number|phone|password|token|身份证|电话", key, flags=re.I):
                params[key] = self.cleansed_substitute
        return params
