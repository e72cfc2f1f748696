"""Demo people: valid synthetic ID numbers, one head per household, idempotent, logins linked."""

from stdnum.cn import ric

from gongzhi.areas.models import Area
from gongzhi.demo import people as demo_people
from gongzhi.people.models import Dwelling, Household, HouseholdMember, Person


def test_demo_people_are_valid_consistent_and_loaded_once(tree, resident):
    Area.objects.filter(pk=tree["compound"].pk).update(is_demo=True)
    created = demo_people.load({"fangsong": tree["fangsong"]}, target=12)
    assert created >= 12 and Person.objects.filter(is_demo=True).count() == created
    for person in Person.objects.all():
        assert ric.is_valid(person.id_number)
        assert ric.get_birth_date(person.id_number) == person.birth_date
        assert Person.objects.by_id_number(person.id_number).count() == 1
        assert person.area == tree["grid"]
    for household in Household.objects.all():
        assert household.members.filter(relation="head").count() == 1
        assert household.dwelling.area_path.startswith(household.area.path)
    assert Dwelling.objects.filter(area=tree["compound"]).exists()
    assert demo_people.load({"fangsong": tree["fangsong"]}, target=12) == 0
    assert Person.objects.count() == created
    assert HouseholdMember.objects.values("person").distinct().count() == created


def test_synthetic_id_numbers_are_valid_from_1940_to_2010():
    import datetime as dt

    for year in range(1940, 2011):
        for district in ("310114", "310117"):
            number = demo_people.synthetic_id_number(district, dt.date(year, 6, 30), year, year % 2 == 0)
            assert ric.is_valid(number), number


def test_base_demo_loads_a_few_hundred_people_and_links_the_resident_login(db):
    from gongzhi.demo import base

    base.load()
    persons = Person.objects.filter(is_demo=True).count()
    assert 300 <= persons < 340
    assert Household.objects.filter(is_demo=True).count() >= 100
    linked = Person.objects.filter(user__username="malu_resident").get()
    assert linked.area.path.startswith(Area.objects.get(stat_code=base.MALU).path)
    base.load()
    assert Person.objects.filter(is_demo=True).count() == persons
