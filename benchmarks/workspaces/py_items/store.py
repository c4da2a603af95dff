from items import Inventory, get_item_count, get_items


def open_store(ids):
    inventory = Inventory()
    for item_id in ids:
        inventory.add(item_id)
    return inventory


def describe(ids):
    names = ", ".join(get_items(ids))
    return f"{names} ({get_item_count()} known items)"
