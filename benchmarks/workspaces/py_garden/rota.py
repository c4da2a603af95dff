"""The week's jobs."""

from garden import Bed, Greenhouse, morning_round, water_beds


def new_beds(names):
    return [Bed(name, []) for name in names]


def weekly(beds, greenhouse):
    water_beds(beds, 3)
    return morning_round(greenhouse, 2)


def first_crop(bed):
    return bed.harvest()[:1]


def spare_house():
    house = Greenhouse()
    house.add("seedlings")
    return house
