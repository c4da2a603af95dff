"""A tiny item catalogue."""

ITEMS = {1: "apple", 2: "pear", 3: "plum"}


def get_item(item_id):
    return ITEMS.get(item_id)


def get_items(ids):
    return [get_item(item_id) for item_id in ids if item_id in ITEMS]


def get_item_count():
    return len(ITEMS)


class Inventory:
    def __init__(self):
        self.stock = {}

    def add(self, item_id, quantity=1):
        if get_item(item_id) is None:
            raise KeyError(item_id)
        self.stock[item_id] = self.stock.get(item_id, 0) + quantity

    def total(self):
        return sum(self.stock.values())
