"""What is in the cupboard, and what to buy."""


class Pantry:
    def __init__(self):
        self.stock = {}

    def add(self, name, grams):
        self.stock[name] = self.stock.get(name, 0) + grams

    def take(self, name, grams):
        if self.stock.get(name, 0) < grams:
            raise ValueError(f"not enough {name}")
        self.stock[name] -= grams

    def find(self, name):
        return self.stock.get(name)

    def total(self):
        return sum(self.stock.values())


class ShoppingList:
    def __init__(self):
        self.lines = []

    def add(self, name, grams):
        self.lines.append((name, grams))

    def find(self, name):
        for line in self.lines:
            if line[0] == name:
                return line
        return None

    def total(self):
        return sum(grams for _, grams in self.lines)


def missing(pantry, needed):
    shortfall = {}
    for name, grams in needed.items():
        have = pantry.find(name) or 0
        if have < grams:
            shortfall[name] = grams - have
    return shortfall
