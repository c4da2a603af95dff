import pytest
from menu import Menu, Recipe, find_recipe, grams_per_serving, recipes_by_course, shopping_list, stocked_pantry
from pantry import Pantry, ShoppingList, missing
from units import format_amount, parse_amount, to_grams, to_ounces

SOUP = Recipe("soup", "starter", 4, {"leek": 400, "potato": 600})
PIE = Recipe("pie", "main", 2, {"flour": 250, "apple": 300})


def test_pantry_add_and_take():
    pantry = Pantry()
    pantry.add("flour", 500)
    pantry.add("flour", 250)
    pantry.take("flour", 100)
    assert pantry.find("flour") == 650
    assert pantry.total() == 650
    with pytest.raises(ValueError):
        pantry.take("sugar", 1)


def test_shopping_list():
    basket = ShoppingList()
    basket.add("leek", 200)
    assert basket.find("leek") == ("leek", 200)
    assert basket.find("salt") is None
    assert basket.total() == 200


def test_missing():
    pantry = stocked_pantry({"leek": 100})
    assert missing(pantry, {"leek": 400, "potato": 600}) == {"leek": 300, "potato": 600}


def test_recipe_scale_and_menu():
    assert SOUP.scale(2).ingredients == {"leek": 200, "potato": 300}
    menu = Menu()
    menu.add(SOUP)
    menu.add(PIE)
    assert menu.total() == 1550
    menu.scale(2)
    assert menu.total() == 1050


def test_lookup_and_grouping():
    assert find_recipe([SOUP, PIE], "pie") is PIE
    assert find_recipe([SOUP], "cake") is None
    assert recipes_by_course([SOUP, PIE]) == {"starter": [SOUP], "main": [PIE]}


def test_shopping_list_for_a_menu():
    menu = Menu()
    menu.add(PIE)
    basket = shopping_list(menu, stocked_pantry({"flour": 1000}))
    assert basket.lines == [("apple", 300)]


def test_units():
    assert to_grams(2) == 56.7
    assert to_ounces(56.7) == 2.0
    assert parse_amount("200 g") == (200.0, "g")
    assert format_amount(1500) == "1.5 kg"
    assert format_amount(250) == "250 g"
    assert grams_per_serving(SOUP) == 250
