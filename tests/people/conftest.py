"""People fixtures: valid synthetic ID numbers and a person, dwelling and household in the tree."""

import datetime as dt
import itertools

import pytest
from stdnum.cn import ric

from gongzhi.demo.people import synthetic_id_number
from gongzhi.people import actions

_seq = itertools.count(1)


def id_number(birth=dt.date(1980, 5, 17), male=True, prefix="310117", check=None) -> str:
    """A fresh valid ID number; `check="X"` keeps drawing until the check digit is X."""
    while True:
        number = synthetic_id_number(prefix, birth, next(_seq), male)
        if check is None or number[-1] == check:
            assert ric.is_valid(number)
            return number


@pytest.fixture
def new_id():
    return id_number


@pytest.fixture
def person(tree):
    return actions.create_person(
        actor=None, area=tree["committee"], name="张伟", id_number=id_number(), phone="13812345678"
    )


@pytest.fixture
def dwelling(tree):
    return actions.create_dwelling(actor=None, area=tree["compound"], building="3", unit="2", room="501")


@pytest.fixture
def household(tree, dwelling):
    return actions.create_household(
        actor=None, area=tree["committee"], number="JZ-001", kind="registered", dwelling=dwelling
    )
