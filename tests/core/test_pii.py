"""Personal data: encrypted at rest, hashed on assignment, validated, masked, revealed only with audit."""

import logging
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.views.debug import ExceptionReporter
from stdnum.cn import ric

from gongzhi.core import pii
from gongzhi.core.actions import can_reveal, reveal_personal_data
from gongzhi.core.models import AuditEvent
from gongzhi.people.models import Person

HASH_KEY = "a-separate-hash-key-for-the-tests-0123456789"


def id_number(first17: str) -> str:
    """A valid ID number: 17 digits and the ISO 7064 check character."""
    return first17 + ric.calc_check_digit(first17 + "0")  # stdnum wants a placeholder check character


SHANGHAI_ID = id_number("31011519900307123")  # born 1990-03-07
OTHER_ID = id_number("11010519491231002")
PHONE = "13812345678"


def make_person(area, name="张三", **fields) -> Person:
    person = Person(name=name, **fields)
    person.set_area(area)
    person.save()
    return person


def raw_row(person) -> tuple:
    """The stored columns, read past the ORM."""
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        sql = f"SELECT id_number, phone, id_number_hash, phone_hash FROM {table} WHERE id = %s"  # noqa: S608 - quoted table name
        cursor.execute(sql, [person.pk])
        return cursor.fetchone()


@pytest.fixture
def person(tree):
    return make_person(tree["committee"], id_number=SHANGHAI_ID, phone=PHONE)


# --- at rest ---------------------------------------------------------------------------------------
def test_id_number_and_phone_are_stored_encrypted_not_as_plain_text(person):
    stored_id, stored_phone, id_hash, phone_hash = raw_row(person)
    assert SHANGHAI_ID not in stored_id and "1234" not in stored_id
    assert PHONE not in stored_phone
    assert pii.decrypt(stored_id) == SHANGHAI_ID
    assert len(id_hash) == 64 and SHANGHAI_ID not in id_hash
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.id_number, fresh.phone) == (SHANGHAI_ID, PHONE)


def test_the_same_value_encrypts_differently_each_time():
    assert pii.encrypt(SHANGHAI_ID) != pii.encrypt(SHANGHAI_ID)


def test_empty_values_are_stored_as_null_with_no_hash(tree):
    person = make_person(tree["committee"], id_number="", phone=None)
    assert raw_row(person) == (None, None, None, None)


# --- hashes ------------------------------------------------------------------------------------------
def test_hash_is_set_the_moment_the_value_is_assigned():
    person = Person(name="李四")
    person.id_number = SHANGHAI_ID
    assert person.id_number_hash == pii.keyed_hash(pii.ID_NUMBER, SHANGHAI_ID)
    person.id_number = None
    assert person.id_number_hash is None


def test_bulk_update_listing_only_the_pii_field_still_writes_its_hash(person, tree):
    other = make_person(tree["committee"], name="王五", phone="13900001111")
    person.id_number, other.phone = OTHER_ID, "13700002222"
    Person.objects.bulk_update([person, other], ["id_number", "phone"])
    assert Person.objects.by_id_number(OTHER_ID).get() == person
    assert not Person.objects.by_id_number(SHANGHAI_ID).exists()
    assert Person.objects.by_phone("13700002222").get() == other
    assert raw_row(person)[2] == pii.keyed_hash(pii.ID_NUMBER, OTHER_ID)


def test_queryset_update_of_a_pii_field_writes_its_hash_too(person):
    Person.objects.filter(pk=person.pk).update(phone="13600003333")
    assert Person.objects.by_phone("136 0000 3333").get() == person


def test_queryset_update_with_an_expression_on_a_pii_field_is_refused(person):
    from django.db.models import F

    with pytest.raises(FieldError):
        Person.objects.filter(pk=person.pk).update(phone=F("name"))


def test_the_hash_uses_a_separate_key_from_the_encryption(person):
    with override_settings(HASH_KEY=HASH_KEY):
        assert pii.keyed_hash(pii.ID_NUMBER, SHANGHAI_ID) != person.id_number_hash
    assert pii.keyed_hash(pii.ID_NUMBER, SHANGHAI_ID) == person.id_number_hash


# --- look-ups -----------------------------------------------------------------------------------------
def test_by_id_number_finds_the_person_whatever_the_spacing_or_x_case(tree):
    with_x = make_person(tree["committee"], id_number=OTHER_ID)
    assert OTHER_ID.endswith("X")
    spaced = f"{OTHER_ID[:6]} {OTHER_ID[6:14]} {OTHER_ID[14:].lower()}"
    assert list(Person.objects.by_id_number(spaced)) == [with_x]
    assert not Person.objects.by_id_number(SHANGHAI_ID).exists()


def test_by_phone_finds_the_person_with_or_without_country_code(person):
    for form in (PHONE, "+86 138 1234 5678", "138-1234-5678", "+8613812345678"):
        assert list(Person.objects.by_phone(form)) == [person]
    assert not Person.objects.by_phone("13812345679").exists()


def test_by_id_numbers_finds_many_in_one_query(person, tree, django_assert_num_queries):
    other = make_person(tree["committee"], name="赵六", id_number=OTHER_ID)
    with django_assert_num_queries(1):
        found = set(Person.objects.by_id_numbers([SHANGHAI_ID, OTHER_ID, "", None]))
    assert found == {person, other}
    assert not Person.objects.by_id_numbers([]).exists()


def test_a_second_person_with_the_same_id_number_is_refused_by_the_unique_hash(person, tree):
    duplicate = Person(name="冒名", id_number=SHANGHAI_ID.lower())
    duplicate.set_area(tree["committee"])
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Person.objects.by_id_number(SHANGHAI_ID).count() == 1


def test_duplicate_detection_excludes_the_person_being_edited(person):
    assert not Person.objects.by_id_number(SHANGHAI_ID).exclude(pk=person.pk).exists()


@pytest.mark.parametrize(
    "lookup",
    [
        {"id_number": SHANGHAI_ID},
        {"id_number__exact": SHANGHAI_ID},
        {"id_number__contains": "3101"},
        {"id_number__icontains": "3101"},
        {"id_number__startswith": "3101"},
        {"id_number__endswith": "123X"},
        {"id_number__in": [SHANGHAI_ID]},
        {"phone": PHONE},
        {"phone__contains": "5678"},
        {"phone__isnull": True},
    ],
)
def test_any_orm_look_up_on_the_encrypted_column_raises(db, lookup):
    with pytest.raises(FieldError, match="encrypted"):
        Person.objects.filter(**lookup).exists()


def test_look_up_through_a_transform_on_the_encrypted_column_raises(db):
    with pytest.raises(FieldError):
        Person.objects.filter(id_number__lower="x").exists()


# --- validation -----------------------------------------------------------------------------------------
def test_a_valid_id_number_is_returned_compact_and_upper_case():
    assert pii.validate_id_number(f" {OTHER_ID[:6]}-{OTHER_ID[6:-1]} x ") == OTHER_ID
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in OTHER_ID)  # typed with a Chinese input method
    assert pii.validate_id_number(full_width) == OTHER_ID


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3101151990030712", "18 characters"),
        (SHANGHAI_ID[:-1] + ("0" if SHANGHAI_ID[-1] != "0" else "1"), "check digit"),
        ("31011519900307123A", "check digit"),
        ("", "18 characters"),
    ],
)
def test_a_bad_id_number_is_refused_with_a_clear_message(value, message):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        pii.validate_id_number(value)
    assert message in caught.value.messages[0]
    assert caught.value.code == "invalid_id_number"


def test_an_id_number_with_an_impossible_birth_date_is_refused():
    impossible = id_number("31011519901332123")  # the 32nd of the 13th month, with a right check digit
    with pytest.raises(ValidationError):
        pii.validate_id_number(impossible)


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        ("13812345678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("021-12345678", "+862112345678"),
        ("+852 9123 4567", "+85291234567"),
    ],
)
def test_valid_phones_are_normalized_to_e164(value, normalized):
    assert pii.normalize_phone(value) == normalized


@pytest.mark.parametrize("value", ["", "12345", "abc", "138123456789", "10012345678"])
def test_a_bad_phone_is_refused_with_a_clear_message(value):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        pii.validate_phone(value)
    assert "valid phone number" in caught.value.messages[0]
    assert caught.value.code == "invalid_phone"


def test_full_clean_checks_id_number_and_phone(tree):
    person = Person(name="张三", id_number="123", phone="12345")
    person.set_area(tree["committee"])
    with pytest.raises(ValidationError) as caught:
        person.full_clean()
    assert {"id_number", "phone"} <= set(caught.value.message_dict)


# --- masking -------------------------------------------------------------------------------------------
def test_an_id_number_is_masked_to_its_first_and_last_four_characters():
    assert pii.mask_id_number("31011519900307123X") == "3101**********123X"
    assert pii.mask_id_number("31011519900307123x") == "3101**********123X"
    assert pii.mask(pii.ID_NUMBER, SHANGHAI_ID) == SHANGHAI_ID[:4] + "*" * 10 + SHANGHAI_ID[-4:]


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+8613812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("021-12345678", "021****5678"),
        ("12345", "*****"),
    ],
)
def test_a_phone_is_masked_to_its_first_three_and_last_four_digits(value, masked):
    assert pii.mask_phone(value) == masked


def test_masking_nothing_gives_an_empty_string():
    assert pii.mask_id_number(None) == pii.mask_phone("") == ""


# --- who may unmask ------------------------------------------------------------------------------------------
ALLOWED = ["city_admin", "district_admin", "street_admin", "committee_worker"]
DENIED = [
    "other_street_admin",
    "community_worker",
    "grid_worker",
    "registry_officer",
    "party_secretary",
    "party_member",
    "department_handler",
    "volunteer",
    "resident",
    "outsider",
]


@pytest.mark.parametrize("fixture", ALLOWED)
def test_staff_over_the_persons_area_may_unmask_and_the_look_is_audited(request, fixture, person):
    user = request.getfixturevalue(fixture)
    assert reveal_personal_data(actor=user, obj=person, field="id_number") == SHANGHAI_ID
    event = AuditEvent.objects.get(verb="pii.unmasked")
    assert event.actor == user
    assert (event.object_type, event.object_id) == ("people.person", str(person.pk))
    assert event.details == {"field": "id_number", "kind": "id_number"}
    assert event.area_path == person.area.path
    assert SHANGHAI_ID not in str(event.details) and SHANGHAI_ID not in event.object_repr


@pytest.mark.parametrize("fixture", DENIED)
def test_other_roles_and_other_areas_may_not_unmask_and_nothing_is_recorded(request, fixture, person):
    user = request.getfixturevalue(fixture)
    assert not can_reveal(user, person)
    with pytest.raises(PermissionDenied):
        reveal_personal_data(actor=user, obj=person, field="phone")
    assert not AuditEvent.objects.filter(verb="pii.unmasked").exists()


def test_the_system_may_unmask_and_is_recorded_without_an_actor(person):
    assert reveal_personal_data(actor=None, obj=person, field="phone") == PHONE
    assert AuditEvent.objects.get(verb="pii.unmasked").actor is None


def test_revealing_a_field_that_is_not_personal_data_is_a_programming_error(person, city_admin):
    with pytest.raises(ValueError, match="not personal data"):
        reveal_personal_data(actor=city_admin, obj=person, field="name")


# --- the template tag and the reveal view ---------------------------------------------------------------------
def render(template: str, **context) -> str:
    return Template("{% load pii %}" + template).render(Context(context))


def test_the_masked_filter_masks_plain_values():
    assert render('{{ v|masked:"id_number" }}', v="31011519900307123X") == "3101**********123X"
    assert render('{{ v|masked:"phone" }}', v=PHONE) == "138****5678"


def test_the_pii_tag_shows_masked_value_and_a_show_button_to_allowed_viewers(person, street_admin):
    html = render('{% pii p "phone" %}', p=person, user=street_admin)
    assert "138****5678" in html and PHONE not in html
    assert reverse("core:reveal_pii", args=["people.person", person.pk, "phone"]) in html
    assert "hx-post" in html


def test_the_pii_tag_shows_only_the_mask_to_viewers_who_may_not_unmask(person, grid_worker):
    html = render('{% pii p "id_number" %}', p=person, user=grid_worker)
    assert "3101**********" in html and SHANGHAI_ID not in html
    assert "hx-post" not in html
    assert not AuditEvent.objects.filter(verb="pii.unmasked").exists()


def test_the_reveal_view_answers_the_value_and_audits_it(person, committee_worker, client_for):
    url = reverse("core:reveal_pii", args=["people.person", person.pk, "id_number"])
    response = client_for(committee_worker).post(url)
    assert response.status_code == 200
    assert SHANGHAI_ID in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert AuditEvent.objects.filter(verb="pii.unmasked", actor=committee_worker).count() == 1


def test_the_reveal_view_refuses_roles_that_may_not_unmask(person, volunteer, client_for):
    url = reverse("core:reveal_pii", args=["people.person", person.pk, "id_number"])
    response = client_for(volunteer).post(url)
    assert response.status_code == 403
    assert SHANGHAI_ID not in response.content.decode()


def test_the_reveal_view_needs_a_post_a_login_and_a_real_pii_field(person, city_admin, client, client_for):
    url = reverse("core:reveal_pii", args=["people.person", person.pk, "id_number"])
    assert client.post(url).status_code == 302  # to the sign-in page
    signed_in = client_for(city_admin)
    assert signed_in.get(url).status_code == 405
    assert (
        signed_in.post(reverse("core:reveal_pii", args=["people.person", person.pk, "name"])).status_code
        == 404
    )
    assert signed_in.post(reverse("core:reveal_pii", args=["no.such", 1, "phone"])).status_code == 404
    assert (
        signed_in.post(reverse("core:reveal_pii", args=["people.person", 999999, "phone"])).status_code == 404
    )


# --- key rotation ---------------------------------------------------------------------------------------------
def test_rotating_keys_re_encrypts_everything_so_the_old_key_can_be_removed(tree):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_KEYS=[old], HASH_KEY=HASH_KEY):
        pii.reset_key_cache()
        person = make_person(tree["committee"], id_number=SHANGHAI_ID, phone=PHONE)
        empty = make_person(tree["committee"], name="无证")
        hashes = raw_row(person)[2:]
        assert Fernet(old).decrypt(raw_row(person)[0].encode()).decode() == SHANGHAI_ID
    with override_settings(FIELD_KEYS=[new, old], HASH_KEY=HASH_KEY):
        pii.reset_key_cache()
        call_command("rotate-keys", stdout=_Null())
        stored_id, stored_phone, *after_hashes = raw_row(person)
        assert Fernet(new).decrypt(stored_id.encode()).decode() == SHANGHAI_ID
        assert Fernet(new).decrypt(stored_phone.encode()).decode() == PHONE
        assert tuple(after_hashes) == hashes
        assert raw_row(empty) == (None, None, None, None)
    with override_settings(FIELD_KEYS=[new], HASH_KEY=HASH_KEY):
        pii.reset_key_cache()
        fresh = Person.objects.by_id_number(SHANGHAI_ID).get()
        assert (fresh.id_number, fresh.phone) == (SHANGHAI_ID, PHONE)
    event = AuditEvent.objects.get(verb="pii.keys_rotated")
    assert event.actor is None and event.details == {"values": 2}


def test_removing_a_key_before_rotating_makes_values_unreadable_rather_than_wrong(tree):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_KEYS=[old], HASH_KEY=HASH_KEY):
        person = make_person(tree["committee"], id_number=SHANGHAI_ID)
    with override_settings(FIELD_KEYS=[new], HASH_KEY=HASH_KEY), pytest.raises(ValueError, match="decrypted"):
        Person.objects.get(pk=person.pk)


def test_rotating_works_in_small_batches(tree):
    for i in range(5):
        make_person(tree["committee"], name=f"人{i}", phone=f"1390000000{i}")
    new = Fernet.generate_key().decode()
    with override_settings(FIELD_KEYS=[new, *[k.decode() for k in pii.field_keys()]]):
        call_command("rotate-keys", "--batch", "2", stdout=_Null())
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT phone FROM {Person._meta.db_table}")  # noqa: S608 - test
            tokens = [row[0] for row in cursor.fetchall()]
        assert len(tokens) == 5
        assert all(Fernet(new).decrypt(t.encode()) for t in tokens)


class _Null:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


# --- logs and error reports --------------------------------------------------------------------------------------
def _filtered_log_line(message, *args, exc_info=None) -> str:
    record = logging.LogRecord("gongzhi.test", logging.WARNING, __file__, 1, message, args, exc_info)
    assert pii.MaskPIILogFilter().filter(record) is True
    return logging.Formatter("%(message)s").format(record)


def test_the_log_filter_masks_id_numbers_and_phones_in_messages():
    line = _filtered_log_line("looked up %s with phone %s and +86 139-0000-1111", SHANGHAI_ID, PHONE)
    assert SHANGHAI_ID not in line and PHONE not in line and "0000-1111" not in line
    assert SHANGHAI_ID[:4] + "**********" + SHANGHAI_ID[-4:] in line
    assert "138****5678" in line


def test_the_log_filter_masks_tracebacks_too():
    try:
        raise ValueError(f"duplicate {SHANGHAI_ID}")
    except ValueError:
        line = _filtered_log_line("import failed", exc_info=sys.exc_info())
    assert "ValueError" in line and SHANGHAI_ID not in line


def test_the_log_filter_leaves_other_numbers_alone():
    assert _filtered_log_line("order 20240101 took 1234567 ms") == "order 20240101 took 1234567 ms"


def test_the_logging_configuration_uses_the_filter(settings):
    assert "mask_pii" in settings.LOGGING["handlers"]["console"]["filters"]


def _post(data):
    request = RequestFactory().post("/people/new/", data)
    return request


def test_error_reports_hide_posted_id_numbers_and_phones():
    request = _post({"id_number": SHANGHAI_ID, "phone": PHONE, "note": f"call {PHONE}", "name": "张三"})
    params = pii.PIISafeExceptionReporterFilter().get_post_parameters(request)
    assert params["id_number"] == params["phone"] == pii.PIISafeExceptionReporterFilter.cleansed_substitute
    assert params["note"] == "call 138****5678"
    assert params["name"] == "张三"


def test_the_full_error_report_contains_no_personal_data(settings):
    request = _post({"id_number": SHANGHAI_ID, "mobile": PHONE})
    request.META["HTTP_AUTHORIZATION"] = "Bearer gz_secret-token-value"
    id_number_local = SHANGHAI_ID  # noqa: F841 - a local the report would show
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        text = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    assert "boom" in text
    assert SHANGHAI_ID not in text and PHONE not in text and "gz_secret-token-value" not in text


def test_a_deferred_value_is_loaded_on_first_read_and_saving_others_keeps_it(person):
    partial = Person.objects.only("name").get(pk=person.pk)
    partial.name = "张三丰"
    partial.save()
    assert raw_row(person)[2] == pii.keyed_hash(pii.ID_NUMBER, SHANGHAI_ID)
    assert Person.objects.only("name").get(pk=person.pk).id_number == SHANGHAI_ID


def test_assigning_the_hash_column_directly_cannot_make_it_disagree_with_the_value(person):
    person.id_number_hash = "forged"
    assert person.id_number_hash == pii.keyed_hash(pii.ID_NUMBER, SHANGHAI_ID)
