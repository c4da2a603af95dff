"""Raised beds, the greenhouse and the orchard."""


class Bed:
    def __init__(self, name, plants):
        self.name = name
        self.plants = list(plants)
        self.moisture = 0

    def water(self, litres):
        self.moisture += litres * 2

    def harvest(self):
        picked, self.plants = self.plants, []
        return picked


class Greenhouse:
    def __init__(self):
        self.trays = []
        self.moisture = 0

    def water(self, litres):
        self.moisture += litres

    def add(self, tray):
        self.trays.append(tray)


class Orchard:
    def __init__(self, trees):
        self.trees = dict(trees)

    def harvest(self):
        return sum(self.trees.values())


def water_beds(beds, litres):
    for bed in beds:
        bed.water(litres)


def morning_round(greenhouse, litres):
    greenhouse.water(litres)
    return greenhouse.moisture


def collect(source):
    return source.harvest()
