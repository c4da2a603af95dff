"""Recipes and the week's menu."""

from pantry import Pantry, ShoppingList, missing


class Recipe:
    def __init__(self, name, course, servings, ingredients):
        self.name = name
        self.course = course
        self.servings = servings
        self.ingredients = ingredients

    def scale(self, servings):
        factor = servings / self.servings
        scaled = {name: grams * factor for name, grams in self.ingredients.items()}
        return Recipe(self.name, self.course, servings, scaled)

    def total(self):
        return sum(self.ingredients.values())


class Menu:
    def __init__(self):
        self.recipes = []

    def add(self, recipe):
        self.recipes.append(recipe)

    def scale(self, servings):
        self.recipes = [recipe.scale(servings) for recipe in self.recipes]

    def total(self):
        return sum(recipe.total() for recipe in self.recipes)


def find_recipe(recipes, name):
    for recipe in recipes:
        if recipe.name == name:
            return recipe
    return None


def recipes_by_course(recipes):
    courses = {}
    for recipe in recipes:
        courses.setdefault(recipe.course, []).append(recipe)
    return courses


def stocked_pantry(amounts):
    pantry = Pantry()
    for name, grams in amounts.items():
        pantry.add(name, grams)
    return pantry


def shopping_list(menu, pantry):
    needed = {}
    for recipe in menu.recipes:
        for name, grams in recipe.ingredients.items():
            needed[name] = needed.get(name, 0) + grams
    basket = ShoppingList()
    for name, grams in missing(pantry, needed).items():
        basket.add(name, grams)
    return basket


def grams_per_serving(recipe):
    return recipe.total() // recipe.servings
