import pytest
from items import Inventory, get_item, get_item_count, get_items
from store import describe, open_store


def test_get_item():
    assert get_item(1) == "apple"
    assert get_item(99) is None


def test_get_items_skips_unknown():
    assert get_items([1, 99, 3]) == ["apple", "plum"]


def test_inventory_counts_quantities():
    inventory = Inventory()
    inventory.add(2, quantity=3)
    assert inventory.total() == 3
    with pytest.raises(KeyError):
        inventory.add(99)


def test_store():
    assert open_store([1, 2]).total() == 2
    assert describe([1]) == f"apple ({get_item_count()} known items)"


def test_pricing():
    from pricing import average_price, price_label

    assert average_price([2, 4]) == 3
    assert price_label(1, 2) == "apple: 2.00"
