"""Synthetic persons for the city data set (party members and volunteers are roles of a Person).

No ID numbers or phones are generated: the encrypted columns and their keyed hashes stay empty.
"""

import datetime as dt

from gongzhi.people.models import Person

from . import names
from .areas import PLACED

COLUMNS = ("id", *PLACED, "name", "gender", "birth_date", "address", "is_demo")


class People:
    def __init__(self, writer, rng):
        self.writer, self.rng = writer, rng
        self.sink = writer.sink(Person, COLUMNS)

    def add(self, compound, *, born_from: int, born_to: int) -> int:
        rng = self.rng
        person_id = self.writer.id(Person)
        born = dt.date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
        self.sink.add(
            person_id,
            *compound.placed,
            names.person(rng),
            "male" if rng.random() < 0.49 else "female",
            born,
            f"{compound.name}{rng.randint(1, 40)}号{rng.randint(1, 24)}{rng.randint(1, 4):02d}室",
            True,
        )
        return person_id
