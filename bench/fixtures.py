"""What the measures need from the data set, made in the bench process (Django set up on the run's database).

Bench users (a city admin and a street admin, created once, prefixed `bench_`), their session cookies
and an API token, an Open311 key, the areas the pages are measured at (city → district → street →
committee of the busiest recent cases), objects for the detail pages, and the baseline table.
"""

import datetime as dt
import secrets
import string

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone

BASELINE_TABLE = "bench_baseline_insert"


def user(username: str, role: str, area):
    from gongzhi.accounts.actions import grant_role
    from gongzhi.accounts.models import RoleAssignment, User

    user, _created = User.objects.get_or_create(username=username, defaults={"is_active": True})
    has = RoleAssignment.objects.filter(
        user=user, role=role, scope_kind="area", scope_id=area.pk, revoked_at__isnull=True
    ).exists()
    if not has:
        grant_role(actor=None, user=user, role=role, scope_kind="area", scope_id=area.pk)
    return user


def session_cookie(user) -> str:
    """A signed-in session of `user` (as django.contrib.auth.login makes it), as a Cookie header value."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    return f"sessionid={store.session_key}; csrftoken={csrf}; django_language=zh-hans"


def csrf_of(cookie: str) -> str:
    return next(p.split("=", 1)[1] for p in cookie.split("; ") if p.startswith("csrftoken="))


def api_token(user) -> str:
    from gongzhi.accounts.actions import create_api_token
    from gongzhi.accounts.models import ApiToken

    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    _token, secret = create_api_token(actor=user, name="bench")
    return secret


def open311_key() -> str:
    from gongzhi.cases.models import Open311Key
    from gongzhi.cases.open311 import keys

    Open311Key.objects.filter(name="bench", revoked_at__isnull=True).update(revoked_at=timezone.now())
    _row, plain = keys.create_key(actor=None, name="bench")
    return plain


def areas() -> dict:
    """city, district, street, committee: the path down to the committee of the most recent case."""
    from gongzhi.areas.models import Area
    from gongzhi.cases.models import Case

    city = Area.objects.filter(kind="city").order_by("pk").first()
    if city is None:
        raise SystemExit("the database has no city area: load a data set first")
    latest = (
        Case.objects.exclude(street_id=None)
        .order_by("-received_at")
        .only("district_id", "street_id", "committee_id")
        .first()
    )
    street = Area.objects.filter(pk=latest.street_id).first() if latest else None
    if street is None:
        street = Area.objects.filter(kind__in=("street", "town")).order_by("path").first()
    district = Area.objects.get(pk=street.parent_id) if street.parent_id else city
    committee = (
        Area.objects.filter(pk=latest.committee_id).first() if latest and latest.committee_id else None
    )
    if committee is None:
        committee = (
            Area.objects.subtree(street)
            .filter(kind__in=("residents_committee", "village_committee"))
            .order_by("path")
            .first()
        ) or street
    return {"city": city, "district": district, "street": street, "committee": committee}


def intake_targets(limit: int = 40) -> dict:
    """Where intake posts: committees spread over the city (case numbers are per street, as in life)."""
    from gongzhi.areas.models import Area
    from gongzhi.cases.models import CaseCategory

    committees = list(
        Area.objects.filter(kind__in=("residents_committee", "village_committee"), abolished_on=None)
        .order_by("?")
        .values_list("pk", flat=True)[:limit]
    )
    streets = list(
        Area.objects.filter(kind__in=("street", "town"), abolished_on=None)
        .exclude(stat_code="")
        .order_by("?")
        .values_list("stat_code", flat=True)[:limit]
    )
    parents = set(CaseCategory.objects.exclude(parent=None).values_list("parent_id", flat=True))
    leaves = [
        c
        for c in CaseCategory.objects.filter(is_active=True).order_by("order", "code")
        if c.pk not in parents and not any(a.get("required") for a in (c.attributes or []))
    ]
    if not committees or not streets or not leaves:
        raise SystemExit("the data set lacks committees, streets or case categories for intake")
    return {"committees": committees, "streets": streets, "categories": [c.code for c in leaves[:10]]}


def objects(where: dict) -> dict:
    """Ids for the detail pages: a recent case, meeting, party organization, volunteer, organization."""
    from gongzhi.cases.models import Case
    from gongzhi.councils.models import Meeting
    from gongzhi.orgs.models import SocialOrganization
    from gongzhi.party.models import PartyOrganization

    def last(qs):
        return qs.order_by("-pk").values_list("pk", flat=True).first()

    return {
        "case": last(Case.objects.filter(street_id=where["street"].pk)),
        "meeting": last(Meeting.objects.exclude(state="draft")),
        "party_org": last(PartyOrganization.objects),
        "org": last(SocialOrganization.objects),
        "year": timezone.localdate().year,
        "report_as_of": dt.date(timezone.localdate().year - 1, 12, 31),
    }


def baseline_table(create: bool = True) -> None:
    with connection.cursor() as cursor:
        if create:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} ("  # noqa: S608 - constant name
                "id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), "
                "title varchar(120) NOT NULL, body text NOT NULL)"
            )
        else:
            cursor.execute(f"DROP TABLE IF EXISTS {BASELINE_TABLE}")
