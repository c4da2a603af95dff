from garden import Bed, Greenhouse, Orchard, collect, morning_round, water_beds
from rota import first_crop, new_beds, spare_house, weekly


def test_beds_soak_up_twice_the_water():
    bed = Bed("herbs", ["basil"])
    bed.water(2)
    assert bed.moisture == 4


def test_water_beds_and_the_morning_round():
    beds = new_beds(["a", "b"])
    house = Greenhouse()
    assert weekly(beds, house) == 2
    assert [b.moisture for b in beds] == [6, 6]
    assert morning_round(house, 1) == 3


def test_harvests():
    bed = Bed("veg", ["leek", "kale"])
    assert first_crop(bed) == ["leek"]
    assert bed.harvest() == []
    assert collect(Orchard({"apple": 30, "pear": 12})) == 42
    assert collect(Bed("x", ["bean"])) == ["bean"]


def test_spare_house():
    house = spare_house()
    house.water(5)
    assert house.trays == ["seedlings"] and house.moisture == 5
    water_beds([], 1)
